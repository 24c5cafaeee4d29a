"""The screens a lawyer uses all day, against a real encrypted store (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QEvent, QIODevice, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPdfWriter
from PySide6.QtWidgets import QApplication, QWidget
from visible_text import normal, translation, untranslated, visible_texts

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import (
    AttachmentInfo,
    CaseDetail,
    CaseInput,
    ClientInfo,
    ClientInput,
    ConsentInput,
)
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.attachment_viewer import AttachmentViewer, can_show
from legalaid_desktop.gui.dialogs.case_dialogs import (
    CloseCaseDialog,
    ConsultationDialog,
    DeadlineDialog,
    OpenCaseDialog,
    PartyDialog,
)
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.pages.calendar import CalendarPage
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.pages.cases import CasesPage
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
RASHAD = "Əliyev Rəşad İsmayıl oğlu"


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")  # the messages below are compared in English
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def _rashad(ctx: GuiContext) -> ClientInfo:
    return ctx.services.clients.register(
        ClientInput(full_name=RASHAD, gender="male", region="AZ-GA", birth_year=1980),
        ConsentInput(given_on=today()),
    )


def _case(ctx: GuiContext, client: ClientInfo) -> CaseDetail:
    return ctx.services.cases.open(
        CaseInput(client_id=client.id, legal_area="family", summary="Aliment tələbi")
    )


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (QTest.keyClicks only knows ASCII; names have Ə, ş, Рашад)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def _save(qtbot: Any, dialog: Any) -> Any:
    assert dialog.save_button.isEnabled(), dialog.hint.text()
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


# -- clients ---------------------------------------------------------------------------------


def test_register_a_client_and_see_it_in_the_list(qtbot: Any, gui_ctx: GuiContext) -> None:
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=WAIT)
    assert page.empty_label.isVisible()

    page.register_client()
    dialog = page.active_dialog
    assert isinstance(dialog, ClientDialog)
    type_text(dialog.name, "Hüseynova Leyla Əli qızı")
    dialog.gender.set_code("female")
    dialog.region.set_code("AZ-GA")
    type_text(dialog.birth_year, "1990")
    type_text(dialog.phone, "+994 50 123 45 67")
    assert not any(check.isChecked() for check in dialog.purposes.values())  # as on paper
    dialog.purposes["store_process"].setChecked(True)
    dialog.purposes["anonymized_stats"].setChecked(True)
    info = _save(qtbot, dialog)

    assert info.full_name == "Hüseynova Leyla Əli qızı"
    assert info.consents[0].purposes == ("store_process", "anonymized_stats")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    row = page.model.row(0)
    assert (row.full_name, row.region, row.birth_year) == (info.full_name, "AZ-GA", 1990)
    assert page.model.data(page.model.index(0, 3)) == "Gəncə şəhəri"
    assert page.count_label.text() == "1 client"


def test_validation_as_you_type(qtbot: Any, gui_ctx: GuiContext) -> None:
    dialog = ClientDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.gender.set_code("male")
    dialog.region.set_code("AZ-BA")
    dialog.purposes["store_process"].setChecked(True)
    assert not dialog.save_button.isEnabled()  # empty name
    type_text(dialog.name, "A")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Backspace)
    assert dialog.field_error("full_name") == "Full name must not be empty."
    assert not dialog.save_button.isEnabled()

    type_text(dialog.name, "Quliyeva Aynur")
    assert dialog.field_error("full_name") == ""
    assert dialog.save_button.isEnabled()
    future = today().year + 1
    type_text(dialog.birth_year, str(future))
    assert dialog.field_error("birth_year") == f"The birth year {future} is in the future."
    assert not dialog.save_button.isEnabled()
    dialog.birth_year.clear()
    type_text(dialog.birth_year, "1985")
    assert dialog.save_button.isEnabled()
    type_text(dialog.phone, "zəng edin")
    assert dialog.field_error("phone") == "'zəng edin' is not a phone number."
    assert not dialog.save_button.isEnabled()
    dialog.phone.clear()
    type_text(dialog.phone, "050 123 45 67")
    dialog.purposes["store_process"].setChecked(False)
    assert "cannot be recorded" in dialog.field_error("purposes")
    assert not dialog.save_button.isEnabled()


def test_live_conflict_warning_across_scripts(qtbot: Any, gui_ctx: GuiContext) -> None:
    existing = _rashad(gui_ctx)
    case = _case(gui_ctx, existing)
    gui_ctx.services.records.add_party(case.number, "Məmmədov Vüqar Tofiq oğlu", "adverse")
    dialog = ClientDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()

    type_text(dialog.name, "Алиев Рашад")
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=WAIT)
    hit = dialog.banner.hits()[0]
    assert (hit.kind, hit.ref_id, hit.name) == ("client", existing.id, RASHAD)
    assert RASHAD in dialog.banner.text()
    assert case.number in dialog.banner.text()

    dialog.name.clear()
    type_text(dialog.name, "Mammadov Vugar")
    qtbot.waitUntil(lambda: any(h.role == "adverse" for h in dialog.banner.hits()), timeout=WAIT)
    assert "party (" in dialog.banner.text()
    dialog.name.clear()
    type_text(dialog.name, "Ə")  # too short to check: the warning goes away
    qtbot.waitUntil(lambda: not dialog.banner.isVisible(), timeout=WAIT)


def test_edit_mode_shows_consents_and_cases(qtbot: Any, gui_ctx: GuiContext) -> None:
    client = _rashad(gui_ctx)
    case = _case(gui_ctx, client)
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.active_dialog is not None, timeout=WAIT)
    dialog = page.active_dialog
    assert dialog is not None
    assert dialog.name.text() == RASHAD
    assert dialog.consents.topLevelItemCount() == 1
    assert case.number in dialog.cases_label.text()
    assert dialog.save_button.isEnabled()

    with qtbot.waitSignal(page.open_case) as blocker:
        dialog.cases_label.linkActivated.emit(case.number)
    assert blocker.args == [case.number]

    page.show_client(client.id)
    qtbot.waitUntil(lambda: page.active_dialog is not None, timeout=WAIT)
    dialog = page.active_dialog
    dialog.name.clear()
    type_text(dialog.name, "Əliyev Rəşad İsmayıl oğlu Jr")
    info = _save(qtbot, dialog)
    assert info.full_name.endswith("Jr")


# -- cases -----------------------------------------------------------------------------------


def test_open_a_case_with_the_client_picker(qtbot: Any, gui_ctx: GuiContext) -> None:
    client = _rashad(gui_ctx)
    dialog = OpenCaseDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.client.edit, "aliyev")
    qtbot.waitUntil(lambda: dialog.client.results.count() == 1, timeout=WAIT)
    qtbot.keyClick(dialog.client.edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.client.results, Qt.Key.Key_Return)
    assert dialog.client.client_id() == client.id
    dialog.area.set_code("corruption")
    assert dialog.corruption_box.isVisibleTo(dialog)
    type_text(dialog.summary, "Rüşvət tələbi")
    qtbot.waitUntil(lambda: dialog.lawyer.username() == "admin", timeout=WAIT)
    assert not dialog.save_button.isEnabled()  # sector and conduct still missing
    dialog.sector.set_code("police")
    dialog.conduct.set_code("extortion")
    type_text(dialog.amount, "500")
    detail = _save(qtbot, dialog)

    assert detail.number == f"GNJ-{today().year}-0001"
    assert detail.client.id == client.id
    assert detail.corruption is not None and detail.corruption.amount_requested == 500


def test_case_view_consultations_deadline_and_closing(qtbot: Any, gui_ctx: GuiContext) -> None:
    case = _case(gui_ctx, _rashad(gui_ctx))
    view = CaseView(gui_ctx)
    qtbot.addWidget(view)
    view.show()
    view.show_case(case.number)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=WAIT)
    assert view.number_label.text() == case.number
    assert view.client_button.text() == RASHAD
    assert view.badge.text() == gui_ctx.label("case_statuses", "open")
    assert view.timeline.count() == 0

    for notes in ("İlk görüş", "Sənədlər yoxlanıldı"):
        with qtbot.waitActive(view):
            view.activateWindow()
        view.tabs.setFocus()
        qtbot.keyClick(view.tabs, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        dialog = view.active_dialog
        assert isinstance(dialog, ConsultationDialog)
        type_text(dialog.notes, notes)
        _save(qtbot, dialog)
    assert view.timeline.count() == 2
    assert view.tabs.tabText(0).endswith("(2)")

    view.deadlines_tab.add_deadline()
    dialog = view.deadlines_tab.active_dialog
    assert isinstance(dialog, DeadlineDialog)
    type_text(dialog.description, "Apellyasiya şikayəti")
    _save(qtbot, dialog)
    assert view.deadlines_tab.table.rowCount() == 1
    assert view.deadlines_tab.table.item(0, 2).text() == "Apellyasiya şikayəti"

    view.parties_tab.add_party()
    dialog = view.parties_tab.active_dialog
    assert isinstance(dialog, PartyDialog)
    type_text(dialog.name, "Səfərov Anar")
    _save(qtbot, dialog)
    assert view.parties_tab.table.rowCount() == 1

    with qtbot.waitSignal(view.open_client) as clicked:
        qtbot.mouseClick(view.client_button, Qt.MouseButton.LeftButton)
    assert clicked.args == [case.client.id]

    view.close_case()
    dialog = view.active_dialog
    assert isinstance(dialog, CloseCaseDialog)
    assert not dialog.save_button.isEnabled()
    dialog.outcome.set_code("advice_given")
    _save(qtbot, dialog)
    assert view.badge.text() == gui_ctx.label("case_statuses", "closed")
    assert view.reopen_button.isVisibleTo(view)
    assert not view.close_button.isVisibleTo(view)
    assert gui_ctx.label("outcomes", "advice_given") in view.facts.text()

    with qtbot.waitSignal(view.print_summary_requested) as printed:
        view.request_print()
    assert printed.args == [case.number]


def test_deadline_ticked_done_and_documents(qtbot: Any, gui_ctx: GuiContext, tmp_path: Any) -> None:
    case = _case(gui_ctx, _rashad(gui_ctx))
    gui_ctx.services.records.add_deadline(case.number, today() - timedelta(days=1), "Gecikmiş")
    view = CaseView(gui_ctx)
    qtbot.addWidget(view)
    view.show()
    view.show_case(case.number)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=WAIT)
    done = view.deadlines_tab.table.item(0, 0)
    assert done.foreground().color().name() == "#b3261e"  # overdue
    done.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: view.detail.deadlines[0].done, timeout=WAIT)

    picture = tmp_path / "şikayət.png"
    from PySide6.QtGui import QImage

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    image.save(str(picture))
    view.documents_tab.add_file(picture)
    qtbot.waitUntil(lambda: len(view.detail.attachments) == 1, timeout=WAIT)
    view.documents_tab.table.setCurrentCell(0, 0)
    assert view.documents_tab.open.isEnabled()
    view.documents_tab.open_current()
    qtbot.waitUntil(lambda: view.documents_tab.viewer is not None, timeout=WAIT)
    viewer = view.documents_tab.viewer
    assert viewer.windowTitle() == "şikayət.png"
    viewer.close()

    target = tmp_path / "export" / "copy.png"
    target.parent.mkdir()
    view.documents_tab.export_to(view.detail.attachments[0], target)
    qtbot.waitUntil(target.exists, timeout=WAIT)
    assert target.read_bytes() == picture.read_bytes()


def test_unknown_case_shows_the_message(qtbot: Any, gui_ctx: GuiContext) -> None:
    view = CaseView(gui_ctx)
    qtbot.addWidget(view)
    view.show_case("GNJ-1999-0001")
    qtbot.waitUntil(lambda: "There is no case" in view.placeholder.text(), timeout=WAIT)


def test_an_analyst_sees_the_case_without_edit_buttons(
    qtbot: Any, admin_session: app.AppSession, data_dir: Path
) -> None:
    i18n.set_language("en")
    admin_session.users.add("nigar", "Əhmədova Nigar", "hq_analyst", "Lankaran-tea-2026")
    client = admin_session.clients.register(
        ClientInput(full_name=RASHAD, gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    number = admin_session.cases.open(
        CaseInput(client_id=client.id, legal_area="family", summary="Aliment")
    ).number
    admin_session.close()
    analyst = app.login(data_dir, "nigar", "Lankaran-tea-2026")
    ctx = GuiContext(services=analyst, tasks=TaskRunner(), catalog=analyst.reference())
    try:
        view = CaseView(ctx)
        qtbot.addWidget(view)
        view.show()
        view.show_case(number)
        qtbot.waitUntil(lambda: view.detail is not None, timeout=WAIT)
        assert not view.editable()
        hidden = (view.consult_button, view.close_button, view.assign_button)
        assert not any(b.isVisibleTo(view) for b in hidden)
        assert not view.pending_button.isVisibleTo(view)
        assert not view.deadlines_tab.add.isVisibleTo(view.deadlines_tab)
        assert view.print_button.isVisibleTo(view)
        view.add_consultation()  # Ctrl+N does nothing for a reader
        assert view.active_dialog is None
    finally:
        ctx.tasks.wait()
        analyst.close()


def test_pdf_attachment_is_shown_from_memory(qtbot: Any, qapp: object) -> None:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    painter = QPainter(writer)
    painter.drawText(100, 100, "Ərizə")
    painter.end()
    content = bytes(buffer.data().data())
    info = AttachmentInfo("id", "ərizə.pdf", "application/pdf", len(content), "", "")
    assert can_show("application/pdf")
    assert not can_show("application/zip")
    viewer = AttachmentViewer(info, content)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer._document.pageCount() == 1, timeout=WAIT)


def test_every_screen_retranslates(qtbot: Any, gui_ctx: GuiContext) -> None:
    case = _case(gui_ctx, _rashad(gui_ctx))
    screens = [
        ClientsPage(gui_ctx),
        CasesPage(gui_ctx),
        CaseView(gui_ctx),
        CalendarPage(gui_ctx),
        ClientDialog(gui_ctx),
        OpenCaseDialog(gui_ctx),
        ConsultationDialog(gui_ctx, case.number),
        PartyDialog(gui_ctx, case.number),
        DeadlineDialog(gui_ctx, case.number),
        CloseCaseDialog(gui_ctx, case.number, today()),
    ]
    for screen in screens:
        qtbot.addWidget(screen)
    view = screens[2]
    assert isinstance(view, CaseView)
    view.show_case(case.number)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=WAIT)
    english = {type(screen).__name__: visible_texts(screen) for screen in screens}
    for name, texts in english.items():
        assert untranslated(texts, "ru"), f"{name} shows no message to translate"
    try:
        # What the main window does on a switch of language.
        i18n.set_language("ru")
        gui_ctx.language = "ru"
        for screen in screens:
            screen.retranslate()  # type: ignore[attr-defined]
        for screen in screens:
            name = type(screen).__name__
            shown = visible_texts(screen)
            assert untranslated(shown, "ru") == [], f"{name} still shows English"
            expected = {
                normal(translation(t, "ru") or "") for t in untranslated(english[name], "ru")
            }
            assert expected <= {normal(t) for t in shown}, name
    finally:
        i18n.set_language("en")
        gui_ctx.language = "az"
    assert view.badge.text() == "Открыто"
    dialog = screens[4]
    assert isinstance(dialog, ClientDialog)
    assert dialog.region.itemText(dialog.region.findData("AZ-GA")) == "Гянджа"
