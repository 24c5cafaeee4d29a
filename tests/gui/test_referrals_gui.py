"""The life of a case in the GUI (issue 19): the citizen's satisfaction chosen when closing, and
the Referrals tab of the case view (refer, record the answer, change it; who sees the actions; a
refused date shown at its field; mnemonics that do not clash). Real encrypted store, real
widgets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, CaseStatus, ClientInput, ConsentInput
from legalaid_desktop.domain.corrections import CaseEdit
from legalaid_desktop.domain.referrals import AnswerInput, ReferralInput, ReferralStatus
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import CloseCaseDialog
from legalaid_desktop.gui.dialogs.referral_dialogs import AnswerDialog, ReferDialog
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.widgets.referrals_tab import ReferralsTab
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date

WAIT = 15_000
LEYLA_NAME = "Hüseynova Leyla Əli qızı"


def _ctx(session: app.AppSession, language: str = "en") -> GuiContext:
    i18n.set_language(language)
    return GuiContext(
        services=session, tasks=TaskRunner(), catalog=session.reference(), language=language
    )


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    ctx = _ctx(admin_session)
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    i18n.set_language("en")
    assert errors == []


@pytest.fixture
def number(gui_ctx: GuiContext) -> str:
    """A property case opened ten days ago."""
    s = gui_ctx.services
    client = s.clients.register(
        ClientInput(full_name="Quliyeva Aynur Vaqif qızı", gender="female", region="AZ-GA"),
        ConsentInput(given_on=today() - timedelta(days=10)),
    )
    opened = today() - timedelta(days=10)
    return s.cases.open(CaseInput(client.id, "property", "Torpaq sahəsi", opened_on=opened)).number


def _az(ctx: GuiContext) -> None:
    i18n.set_language("az")
    ctx.language = "az"


def _view(qtbot: Any, ctx: GuiContext, number: str) -> CaseView:
    view = CaseView(ctx)
    qtbot.addWidget(view)
    view.resize(1100, 750)
    view.show()
    view.show_case(number)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.number == number, timeout=WAIT)
    return view


def _referrals(view: CaseView) -> ReferralsTab:
    view.tabs.setCurrentWidget(view.referrals_tab)
    return view.referrals_tab


def _rows(tab: ReferralsTab) -> list[list[str]]:
    table = tab.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _tab_title(view: CaseView) -> str:
    return view.tabs.tabText(view.tabs.indexOf(view.referrals_tab))


# -- closing with the citizen's satisfaction ------------------------------------------------------


def test_close_with_could_not_be_reached_records_it_and_the_view_shows_its_label(
    qtbot: Any, gui_ctx: GuiContext, number: str
) -> None:
    _az(gui_ctx)
    view = _view(qtbot, gui_ctx, number)
    view.close_case()
    dialog = view.active_dialog
    assert isinstance(dialog, CloseCaseDialog)
    combo = dialog.satisfaction
    assert combo.code() is None  # "Not asked" unless chosen
    assert combo.itemText(0) == i18n._("Not asked")
    codes = [combo.itemData(i) for i in range(combo.count())]
    assert codes == [None, "5", "4", "3", "2", "1", "unreachable"]
    unreachable = gui_ctx.catalog["satisfaction"].label("unreachable", "az")
    assert unreachable == "Əlaqə saxlamaq mümkün olmadı"
    assert combo.itemText(codes.index("unreachable")) == unreachable
    dialog.outcome.set_code("advice_given")
    combo.set_code("unreachable")
    dialog.submit()
    qtbot.waitUntil(lambda: view.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.status == CaseStatus.CLOSED, timeout=WAIT
    )
    assert gui_ctx.services.cases.get(number).satisfaction == "unreachable"
    assert unreachable in view.facts.text()
    shown = i18n._("Citizen satisfaction: {mark}").format(mark=unreachable)
    assert shown in view.facts.text().split(" · ")


def test_closing_without_asking_records_no_satisfaction(
    qtbot: Any, gui_ctx: GuiContext, number: str
) -> None:
    view = _view(qtbot, gui_ctx, number)
    view.close_case()
    dialog = view.active_dialog
    assert isinstance(dialog, CloseCaseDialog)
    dialog.outcome.set_code("advice_given")
    dialog.submit()
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.status == CaseStatus.CLOSED, timeout=WAIT
    )
    assert gui_ctx.services.cases.get(number).satisfaction is None
    assert "satisfaction" not in view.facts.text()


# -- referrals ------------------------------------------------------------------------------------


def test_refer_from_the_dialog_lists_the_referral_with_the_bodys_label(
    qtbot: Any, gui_ctx: GuiContext, number: str
) -> None:
    _az(gui_ctx)
    view = _view(qtbot, gui_ctx, number)
    assert _tab_title(view) == i18n._("&Referrals") + " (0)"
    tab = _referrals(view)
    assert tab.refer_button.isVisibleTo(view)
    assert tab.answer_button.isVisibleTo(view) and not tab.answer_button.isEnabled()
    tab.refer_button.click()
    dialog = tab.active_dialog
    assert isinstance(dialog, ReferDialog)
    assert dialog.referred_on.value() == today()
    assert not dialog.save_button.isEnabled()  # the body is to be chosen
    dialog.body.set_code("ombudsman")
    dialog.to_whom.setText("Regional office, Gəncə")
    dialog.request.setPlainText("Ərizəyə baxılmasını xahiş edirik.")
    assert dialog.revalidate()
    dialog.submit()
    qtbot.waitUntil(lambda: tab.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1, timeout=WAIT)

    ombudsman = gui_ctx.catalog["referral_bodies"].label("ombudsman", "az")
    assert ombudsman.startswith("İnsan hüquqları üzrə müvəkkil")
    [row] = _rows(tab)
    assert row[0] == format_date(today())
    assert row[1] == f"{ombudsman} — Regional office, Gəncə"
    assert row[2] == "Ərizəyə baxılmasını xahiş edirik."
    assert row[3] == i18n._("Waiting for an answer")
    assert row[4:] == ["", ""]
    assert _tab_title(view) == i18n._("&Referrals") + " (1)"
    [stored] = gui_ctx.services.cases.get(number).referrals
    assert (stored.body, stored.to_whom, stored.status) == (
        "ombudsman",
        "Regional office, Gəncə",
        "pending",
    )
    assert tab.answer_button.isEnabled()  # the new referral is the chosen row


def test_record_an_answer_then_change_it(qtbot: Any, gui_ctx: GuiContext, number: str) -> None:
    s = gui_ctx.services
    s.referrals.refer(
        number,
        ReferralInput("advocate", today() - timedelta(days=8), "Vəkil Məmmədov R.", "Məhkəmə"),
    )
    s.referrals.refer(number, ReferralInput("ministry_justice", today() - timedelta(days=3)))
    view = _view(qtbot, gui_ctx, number)
    tab = _referrals(view)
    assert [row[3] for row in _rows(tab)] == ["Waiting for an answer"] * 2
    tab.table.setCurrentCell(0, 0)
    assert tab.answer_button.text() == "Record ans&wer…"
    tab.answer_button.click()
    dialog = tab.active_dialog
    assert isinstance(dialog, AnswerDialog)
    assert dialog.is_answered() and dialog.answered_on.value() == today()
    assert dialog.status.currentText() == "Answered"
    assert not dialog.note.isVisibleTo(dialog)  # a first answer is no correction
    answered_on = today() - timedelta(days=2)
    dialog.answered_on.set_value(answered_on)
    dialog.result_box.set_code("resolved")
    dialog.answer.setPlainText("Vəkil işi qəbul etdi və iddia ərizəsini hazırladı.")
    dialog.submit()
    qtbot.waitUntil(lambda: tab.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: _rows(tab)[0][3] != "Waiting for an answer", timeout=WAIT)
    first, second = _rows(tab)
    assert first[3] == f"Answered · {format_date(answered_on)}"
    assert first[4] == "Resolved"
    assert first[5] == "Vəkil işi qəbul etdi və iddia ərizəsini hazırladı."
    assert second[3] == "Waiting for an answer"
    tab.table.setCurrentCell(0, 0)
    assert "Answer: Vəkil işi qəbul etdi" in tab.details.toPlainText()
    assert tab.answer_button.text() == "Change ans&wer…"

    # opened again, it is filled in: a change is a correction, kept in the history
    again = tab.record_answer()
    assert isinstance(again, AnswerDialog)
    assert again.note.isVisibleTo(again)
    assert (again.answered_on.value(), again.result_box.code()) == (answered_on, "resolved")
    assert again.answer.toPlainText().startswith("Vəkil işi")
    again.set_status(ReferralStatus.NO_ANSWER)
    assert not again.answered_on.isVisibleTo(again) and not again.result_box.isVisibleTo(again)
    assert again.answer_input() == AnswerInput(
        "no_answer", None, "Vəkil işi qəbul etdi və iddia ərizəsini hazırladı.", None
    )
    again.answer.setPlainText("Cavab gəlmədi.")
    again.submit()
    qtbot.waitUntil(lambda: tab.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: _rows(tab)[0][3] == "No answer", timeout=WAIT)
    assert _rows(tab)[0][4:] == ["", "Cavab gəlmədi."]
    tab.table.setCurrentCell(0, 0)
    assert tab.details.toPlainText().endswith("Notes: Cavab gəlmədi.")
    fields = {e.field for e in s.history.case_history(number)}
    assert {"status", "result"} <= fields


def test_a_lawyer_not_assigned_sees_no_refer_and_no_answer(
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
    s.referrals.refer(admins, ReferralInput("court"))
    s.close()
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    ctx = _ctx(lawyer)
    try:
        view = _view(qtbot, ctx, admins)
        tab = _referrals(view)
        assert tab.table.rowCount() == 1  # she reads it
        assert not tab.refer_button.isVisibleTo(view)
        assert not tab.answer_button.isVisibleTo(view)
        tab.table.setCurrentCell(0, 0)
        assert tab.refer() is None and tab.record_answer() is None

        view.show_case(hers)
        qtbot.waitUntil(
            lambda: view.detail is not None and view.detail.number == hers, timeout=WAIT
        )
        assert tab.refer_button.isVisibleTo(view) and tab.answer_button.isVisibleTo(view)
        dialog = tab.refer()
        assert isinstance(dialog, ReferDialog)
        dialog.reject()
    finally:
        ctx.tasks.wait()
        lawyer.close()
        i18n.set_language("en")


def test_a_closed_case_is_not_referred_but_its_answers_are_recorded(
    qtbot: Any, gui_ctx: GuiContext, number: str
) -> None:
    s = gui_ctx.services
    s.referrals.refer(number, ReferralInput("asan"))
    s.cases.close(number, "advice_given", satisfaction="4")
    view = _view(qtbot, gui_ctx, number)
    tab = _referrals(view)
    assert not tab.refer_button.isVisibleTo(view) and tab.refer() is None
    assert tab.answer_button.isVisibleTo(view) and tab.answer_button.isEnabled()
    assert "Citizen satisfaction: 4 - Satisfied" in view.facts.text()


def test_a_date_before_the_opening_keeps_the_dialog_open_with_the_message_at_the_date(
    qtbot: Any, gui_ctx: GuiContext, number: str
) -> None:
    view = _view(qtbot, gui_ctx, number)
    tab = _referrals(view)
    dialog = tab.refer()
    assert isinstance(dialog, ReferDialog)
    # the date field offers nothing before the opening the view knew of ...
    assert dialog.referred_on.minimumDate().toPython() == today() - timedelta(days=10)
    # ... but the opening was corrected meanwhile (in another window, by a colleague)
    gui_ctx.services.corrections.edit_case(number, CaseEdit(opened_on=today() - timedelta(days=2)))
    dialog.body.set_code("advocate")
    dialog.referred_on.set_value(today() - timedelta(days=5))
    assert dialog.revalidate()
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.field_error("referred_on")), timeout=WAIT)
    assert dialog.field_error("referred_on") == "The referral is dated before the case was opened."
    assert dialog.isVisible() and tab.active_dialog is dialog
    assert dialog.field_widget("referred_on").hasFocus()
    assert gui_ctx.services.cases.get(number).referrals == ()
    dialog.referred_on.set_value(today() - timedelta(days=1))  # corrected, it saves
    dialog.field_changed("referred_on")
    assert not dialog.field_error("referred_on")
    dialog.submit()
    qtbot.waitUntil(lambda: tab.active_dialog is None, timeout=WAIT)
    assert len(gui_ctx.services.cases.get(number).referrals) == 1


def test_the_case_views_mnemonics_do_not_clash_on_any_tab(
    qtbot: Any, gui_ctx: GuiContext, number: str
) -> None:
    """Alt+R opens the Referrals tab (Reopen is Alt+O, as Close is: never both shown), and the
    tab's Alt+E and Alt+W do not clash with what the case view shows beside them."""
    gui_ctx.services.referrals.refer(number, ReferralInput("court"))
    view = _view(qtbot, gui_ctx, number)

    def clashes() -> dict[str, list[str]]:
        texts = [b.text() for b in view.findChildren(QAbstractButton) if b.isVisibleTo(view)] + [
            view.tabs.tabText(i) for i in range(view.tabs.count())
        ]
        letters: dict[str, list[str]] = {}
        for text in texts:
            found = re.search(r"&([^&\s])", text.replace("&&", ""))
            if found:
                letters.setdefault(found.group(1).lower(), []).append(text)
        return {k: v for k, v in letters.items() if len(v) > 1}

    for closed in (False, True):
        for index in range(view.tabs.count()):
            view.tabs.setCurrentIndex(index)
            assert clashes() == {}, (closed, view.tabs.tabText(index))
        if not closed:
            gui_ctx.services.cases.close(number, "advice_given")
            view.refresh()
            qtbot.waitUntil(
                lambda: view.detail is not None and view.detail.status == CaseStatus.CLOSED,
                timeout=WAIT,
            )
    assert view.reopen_button.isVisibleTo(view)
