"""Corrections with history in the GUI (issue 19): the history dialog of a case and of a client,
"Edit case…" and a consultation's "Edit…" in the case view, who sees them, and a refused value
shown at its field. Real encrypted store, real widgets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import ADMIN, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.corrections import CaseEdit, ConsultationEdit, what_label
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.dialogs.correction_dialogs import EditCaseDialog, EditConsultationDialog
from legalaid_desktop.gui.dialogs.history_dialog import CASE, CLIENT, HistoryDialog
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
ADMIN_NAME = "Məmmədov Elçin Vaqif oğlu"
LEYLA_NAME = "Hüseynova Leyla Əli qızı"


def _ctx(session: app.AppSession, language: str = "en") -> GuiContext:
    return GuiContext(
        services=session, tasks=TaskRunner(), catalog=session.reference(), language=language
    )


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = _ctx(admin_session)
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    i18n.set_language("en")
    assert errors == []


@pytest.fixture
def world(gui_ctx: GuiContext) -> dict[str, str]:
    """A client with a property case opened ten days ago (a consultation five days ago), and a
    second case without corrections."""
    s = gui_ctx.services
    client = s.clients.register(
        ClientInput(full_name="Quliyeva Aynur Vaqif qızı", gender="female", region="AZ-GA"),
        ConsentInput(given_on=today() - timedelta(days=10)),
    )
    opened = today() - timedelta(days=10)
    case = s.cases.open(CaseInput(client.id, "property", "Torpaq sahəsi", opened_on=opened))
    s.records.add_consultation(
        case.number, ConsultationInput(notes="İlk görüş", held_on=today() - timedelta(days=5))
    )
    other = s.cases.open(CaseInput(client.id, "family", "Aliment")).number
    return {"client": client.id, "number": case.number, "other": other}


def _history(qtbot: Any, ctx: GuiContext, kind: str, ref: str) -> HistoryDialog:
    dialog = HistoryDialog(ctx, kind, ref, ref)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.entries is not None, timeout=WAIT)
    return dialog


def _rows(dialog: HistoryDialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _view(qtbot: Any, ctx: GuiContext, number: str) -> CaseView:
    view = CaseView(ctx)
    qtbot.addWidget(view)
    view.resize(1100, 750)
    view.show()
    view.show_case(number)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.number == number, timeout=WAIT)
    return view


def test_the_history_reads_in_azerbaijani_with_labels_not_codes(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    s, number = gui_ctx.services, world["number"]
    s.corrections.edit_case(number, CaseEdit(legal_area="family"))
    consultation = s.cases.get(number).consultations[0]
    long_notes = "İlk görüşdə müştəri torpaq sənədlərini gətirdi. " * 8
    s.corrections.edit_consultation(
        consultation.id, ConsultationEdit(mode="phone", notes=long_notes)
    )
    i18n.set_language("az")
    gui_ctx.language = "az"
    areas, modes = gui_ctx.catalog["legal_areas"], gui_ctx.catalog["consultation_modes"]

    dialog = _history(qtbot, gui_ctx, CASE, number)
    rows = _rows(dialog)
    assert dialog.table.isVisibleTo(dialog) and not dialog.state.isVisibleTo(dialog)
    assert len(rows) == 3
    by_what = {row[2]: row for row in rows}
    area = by_what[what_label("case", "legal_area")]  # "İş: Hüquq sahəsi"
    assert area[2] != "Case: Legal area"
    assert area[3:] == [areas.label("property", "az"), areas.label("family", "az")]
    assert area[3] != areas.label("property", "en") and area[4] != "family"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", area[0])
    assert area[1] == ADMIN_NAME
    mode_row = next(row for row in rows if row[4] == modes.label("phone", "az"))
    assert mode_row[3] == modes.label("in_person", "az")
    held = consultation.held_on.strftime("%d.%m.%Y")
    assert held in mode_row[2]  # "Consultation of <date>: Mode", in az
    notes_row = next(r for r in range(len(rows)) if rows[r][4].startswith("İlk görüşdə"))
    item = dialog.table.item(notes_row, 4)
    assert "\n" in item.toolTip()  # the long text wrapped in its tooltip
    dialog.table.setCurrentCell(notes_row, 0)
    assert dialog.old_text.toPlainText() == "İlk görüş"
    assert dialog.new_text.toPlainText() == long_notes.strip()
    assert dialog.windowTitle() == i18n._("History of case {number}").format(number=number)
    assert dialog.height() <= 1000


def test_the_client_history_puts_the_case_number_in_front_and_an_empty_one_says_so(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    s = gui_ctx.services
    s.corrections.edit_case(world["number"], CaseEdit(summary="Torpaq sahəsi (Gəncə)"))
    dialog = _history(qtbot, gui_ctx, CLIENT, world["client"])
    assert [row[2] for row in _rows(dialog)] == [f"{world['number']} · Case: Summary"]

    empty = _history(qtbot, gui_ctx, CASE, world["other"])
    assert empty.state.isVisibleTo(empty) and not empty.table.isVisibleTo(empty)
    assert empty.state.text() == "No corrections have been made."


def test_the_client_dialog_opens_the_clients_history(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    info = gui_ctx.services.clients.get(world["client"])
    dialog = ClientDialog(gui_ctx, info)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.history_button.isVisibleTo(dialog)
    history = dialog.history_button.open_history()
    assert history is not None and history.kind == CLIENT and history.ref == world["client"]
    qtbot.waitUntil(lambda: history.entries is not None, timeout=WAIT)
    assert history.state.text() == "No corrections have been made."
    history.reject()
    registering = ClientDialog(gui_ctx)
    qtbot.addWidget(registering)
    assert not registering.history_button.isVisibleTo(registering)


def test_edit_case_saves_only_the_changed_summary_and_the_history_has_it(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    number = world["number"]
    view = _view(qtbot, gui_ctx, number)
    assert view.corrections.edit_button.isVisibleTo(view)
    assert view.corrections.history_button.isVisibleTo(view)
    dialog = view.corrections.edit_case()
    assert isinstance(dialog, EditCaseDialog)
    assert dialog.summary.toPlainText() == "Torpaq sahəsi"
    assert dialog.area.code() == "property" and not dialog.corruption_box.isVisibleTo(dialog)
    assert dialog.case_edit() == CaseEdit()  # nothing changed yet
    dialog.summary.setPlainText("Torpaq sahəsinin sərhədi mübahisəsi")
    assert dialog.case_edit() == CaseEdit(summary="Torpaq sahəsinin sərhədi mübahisəsi")
    messages: list[str] = []
    view.status_message.connect(messages.append)
    dialog.submit()
    qtbot.waitUntil(lambda: view.corrections.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(
        lambda: view.summary.text() == "Torpaq sahəsinin sərhədi mübahisəsi", timeout=WAIT
    )
    assert any("1 field corrected" in m for m in messages)
    history = gui_ctx.services.history.case_history(number)
    assert [(e.field, e.old_value, e.new_value) for e in history] == [
        ("summary", "Torpaq sahəsi", "Torpaq sahəsinin sərhədi mübahisəsi")
    ]
    shown = view.corrections.history_button.open_history()
    assert shown is not None
    qtbot.waitUntil(lambda: shown.entries is not None, timeout=WAIT)
    assert _rows(shown)[0][2:] == [
        "Case: Summary",
        "Torpaq sahəsi",
        "Torpaq sahəsinin sərhədi mübahisəsi",
    ]
    shown.reject()


def test_a_consultation_is_corrected_from_its_card(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    view = _view(qtbot, gui_ctx, world["number"])
    cards = view.timeline.cards()
    assert len(cards) == 1 and cards[0].edit_button is not None
    cards[0].edit_button.click()
    dialog = view.corrections.active_dialog
    assert isinstance(dialog, EditConsultationDialog)
    assert dialog.notes.toPlainText() == "İlk görüş" and dialog.minutes.value() == 30
    dialog.notes.setPlainText("İlk görüş: sənədlər gətirildi")
    dialog.minutes.setValue(45)
    dialog.submit()
    qtbot.waitUntil(lambda: view.corrections.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.consultations[0].minutes == 45,
        timeout=WAIT,
    )
    fields = {e.field for e in gui_ctx.services.history.case_history(world["number"])}
    assert fields == {"notes", "minutes"}


def test_a_refused_value_keeps_the_dialog_open_with_the_message_at_its_field(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    view = _view(qtbot, gui_ctx, world["number"])
    dialog = view.corrections.edit_case()
    assert dialog is not None
    dialog.summary.setPlainText("   ")  # checked as typed: Save is off, the message shows
    assert not dialog.save_button.isEnabled()
    assert dialog.field_error("summary")
    dialog.summary.setPlainText("Torpaq sahəsi")
    dialog.opened_on.set_value(today() - timedelta(days=2))  # after the first consultation
    assert dialog.revalidate()
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.field_error("opened_on")), timeout=WAIT)
    assert "first consultation" in dialog.field_error("opened_on")
    assert dialog.isVisible() and view.corrections.active_dialog is dialog
    assert gui_ctx.services.history.case_history(world["number"]) == ()
    dialog.mark_clean()
    dialog.reject()


def test_a_lawyer_sees_edit_only_on_their_own_case_and_consultations(
    qtbot: Any, admin_session: app.AppSession, data_dir: Path
) -> None:
    s = admin_session
    s.users.add(LAWYER, LEYLA_NAME, "lawyer", LAWYER_PASSWORD)
    client = s.clients.register(
        ClientInput(full_name="Rzayev Rəşad", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    admins = s.cases.open(CaseInput(client.id, "family", "Aliment")).number
    hers = s.cases.open(CaseInput(client.id, "family", "Aliment", lawyer=LAWYER)).number
    s.records.add_consultation(admins, ConsultationInput(notes="Admin"))
    s.records.add_consultation(hers, ConsultationInput(notes="Müdir", minutes=20))
    s.records.add_consultation(hers, ConsultationInput(notes="Leyla", lawyer=LAWYER))
    s.close()
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    i18n.set_language("en")
    ctx = _ctx(lawyer)
    try:
        view = _view(qtbot, ctx, admins)
        assert not view.corrections.edit_button.isVisibleTo(view)
        assert view.corrections.history_button.isVisibleTo(view)  # reading it is for all
        assert view.corrections.edit_case() is None
        assert [card.edit_button for card in view.timeline.cards()] == [None]

        view.show_case(hers)
        qtbot.waitUntil(
            lambda: view.detail is not None and view.detail.number == hers, timeout=WAIT
        )
        assert view.corrections.edit_button.isVisibleTo(view)
        editable = {c.item.notes: c.edit_button is not None for c in view.timeline.cards()}
        assert editable == {"Müdir": False, "Leyla": True}
        colleagues = next(c for c in view.detail.consultations if c.lawyer == ADMIN)
        assert view.corrections.edit_consultation(colleagues) is None
    finally:
        ctx.tasks.wait()
        lawyer.close()


def test_edit_case_sends_only_the_changed_corruption_detail(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    from legalaid_desktop.domain.cases import CorruptionInput

    s = gui_ctx.services
    details = CorruptionInput("public_services", "bribery", "Rayon xəstəxanası", 300, "")
    number = s.cases.open(
        CaseInput(world["client"], "corruption", "Rüşvət tələbi", corruption=details)
    ).number
    view = _view(qtbot, gui_ctx, number)
    dialog = view.corrections.edit_case()
    assert dialog is not None and dialog.corruption_box.isVisibleTo(dialog)
    assert (dialog.sector.code(), dialog.amount.text()) == ("public_services", "300")
    dialog.institution.setText("Rayon mərkəzi xəstəxanası")
    assert dialog.case_edit() == CaseEdit(institution="Rayon mərkəzi xəstəxanası")
    dialog.amount.setText("")  # an amount cannot be taken away, only corrected
    dialog.field_changed("amount_requested")
    assert not dialog.save_button.isEnabled()
    assert "0 if nothing was requested" in dialog.field_error("amount_requested")
    dialog.amount.setText("250")
    dialog.field_changed("amount_requested")
    dialog.submit()
    qtbot.waitUntil(lambda: view.corrections.active_dialog is None, timeout=WAIT)
    changed = {(e.field, e.new_value) for e in s.history.case_history(number)}
    assert changed == {("institution", "Rayon mərkəzi xəstəxanası"), ("amount_requested", "250")}
