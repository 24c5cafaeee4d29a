"""Conflict decisions in the GUI (issue 17): asked when saving past a strong match, by keyboard;
the standalone check from the main window; the decisions shown on the case."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

from typing import Any

from gui_fixtures import (  # noqa: F401 - fixtures
    CLIENT_NAME,
    main_window,
    opened_admin,
    sample_data,
    tasks,
    ui_settings,
)
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import PartyDialog
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import AuditEvent, Client, ConflictDecision, Party

WAIT = 15_000


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (QTest.keyClicks only knows ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def _ctx(session: app.AppSession, tasks: TaskRunner) -> GuiContext:
    return GuiContext(services=session, tasks=tasks, catalog=session.reference())


def _count(session: app.AppSession, model: Any) -> int:
    with session.ws.read() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _other_case(session: app.AppSession) -> str:
    other = session.clients.register(
        ClientInput(full_name="Hüseynova Leyla Əli qızı", gender="female", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    return session.cases.open(
        CaseInput(client_id=other.id, legal_area="family", summary="Aliment")
    ).number


def test_adding_an_existing_client_as_adverse_party_asks_for_a_decision(
    qtbot: Any, admin_session: app.AppSession, sample_data: dict[str, str], tasks: TaskRunner
) -> None:
    ctx = _ctx(admin_session, tasks)
    number = _other_case(admin_session)
    dialog = PartyDialog(ctx, number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitActive(dialog)  # as in use: the dialog has the keyboard
    type_text(dialog.name, "Aliyev Rashad")  # the client of another case, in English
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: dialog.decision_dialog is not None, timeout=WAIT)
    decision = dialog.decision_dialog
    assert decision is not None
    qtbot.waitActive(decision)
    assert CLIENT_NAME in decision.matches[0].text()
    ok = decision.buttons.buttons()[0]
    assert not ok.isEnabled()  # nothing chosen yet
    assert decision.focusWidget() is decision.no_conflict  # the first choice has the keyboard
    qtbot.keyClick(decision.no_conflict, Qt.Key.Key_Down)  # to "Conflict waived"
    qtbot.keyClick(decision.waived, Qt.Key.Key_Space)  # chosen
    assert decision.waived.isChecked()
    assert not ok.isEnabled()  # a waiver needs its reason
    qtbot.keyClick(decision.waived, Qt.Key.Key_Tab)  # to the reason
    assert decision.focusWidget() is decision.reason
    type_text(decision.reason, "Both clients agreed in writing")
    assert ok.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as saved:
        qtbot.keyClick(decision.reason, Qt.Key.Key_Return)
    assert saved.args[0].name == "Aliyev Rashad"
    decisions = admin_session.conflicts.for_case(number)
    assert [(d.decision, d.reason, d.matched_id) for d in decisions] == [
        ("waived", "Both clients agreed in writing", sample_data["client_id"])
    ]


def test_declining_a_new_client_saves_nothing(
    qtbot: Any, admin_session: app.AppSession, sample_data: dict[str, str], tasks: TaskRunner
) -> None:
    ctx = _ctx(admin_session, tasks)
    dialog = ClientDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitActive(dialog)  # as in use: the dialog has the keyboard
    type_text(dialog.name, "Алиев Рашад Исмаилович")
    dialog.gender.set_code("male")
    dialog.region.set_code("AZ-GA")
    dialog.purposes["store_process"].setChecked(True)
    qtbot.waitUntil(lambda: dialog.banner.needs_decision(), timeout=WAIT)
    assert "record a decision" in dialog.banner.text()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.decision_dialog is not None, timeout=WAIT)
    decision = dialog.decision_dialog
    assert decision is not None
    qtbot.waitActive(decision)
    qtbot.keyClick(decision.no_conflict, Qt.Key.Key_Down)
    qtbot.keyClick(decision.waived, Qt.Key.Key_Down)  # to "Declined"
    qtbot.keyClick(decision.declined, Qt.Key.Key_Space)
    assert decision.declined.isChecked()
    with qtbot.waitSignal(dialog.declined, timeout=WAIT):
        qtbot.keyClick(decision.focusWidget(), Qt.Key.Key_Return)
    assert _count(admin_session, Client) == 1  # only the one already there
    assert _count(admin_session, ConflictDecision) == 0
    with admin_session.ws.read() as db:
        declined = db.scalar(select(func.count()).where(AuditEvent.action == "conflict_declined"))
    assert declined == 1
    assert not dialog.isVisible()


def test_no_conflict_by_keyboard_then_the_case_view_shows_it(
    qtbot: Any, admin_session: app.AppSession, sample_data: dict[str, str], tasks: TaskRunner
) -> None:
    ctx = _ctx(admin_session, tasks)
    number = _other_case(admin_session)
    dialog = PartyDialog(ctx, number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitActive(dialog)  # as in use: the dialog has the keyboard
    type_text(dialog.name, "Əliyev Rəşad")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.decision_dialog is not None, timeout=WAIT)
    decision = dialog.decision_dialog
    assert decision is not None
    qtbot.waitActive(decision)
    assert decision.no_conflict.hasFocus() or decision.focusWidget() is decision.no_conflict
    qtbot.keyClick(decision.no_conflict, Qt.Key.Key_Space)  # "No conflict"
    assert decision.no_conflict.isChecked()
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        qtbot.keyClick(decision.focusWidget(), Qt.Key.Key_Return)
    assert _count(admin_session, Party) == 1
    view = CaseView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.show_case(number)
    label = view.parties_tab.decisions
    qtbot.waitUntil(lambda: not label.isHidden(), timeout=WAIT)
    assert "No conflict (party)" in label.text()
    assert CLIENT_NAME in label.text()
    assert "Məmmədov Elçin Vaqif oğlu" in label.text()  # who decided, by name


def test_standalone_check_from_the_main_window(
    qtbot: Any, sample_data: dict[str, str], main_window: MainWindow
) -> None:
    window = main_window
    assert window.conflict_action.shortcut().toString() == "Ctrl+Shift+K"
    window.conflict_action.trigger()
    dialog = window.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    type_text(dialog.name, "Aliyev Rashad")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter checks
    qtbot.waitUntil(lambda: bool(dialog.hits()), timeout=WAIT)
    assert dialog.banner.needs_decision()
    assert CLIENT_NAME in dialog.banner.text()
    type_text(dialog.name, "x")
    dialog.name.clear()
    type_text(dialog.name, "Quliyev Namiq")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result_label.text() == "No conflicts found.", timeout=WAIT)
    assert not dialog.banner.isVisible()
    services = window.ctx.services if window.ctx else None
    assert services is not None
    with services.ws.read() as db:
        events = list(
            db.scalars(select(AuditEvent.details).where(AuditEvent.action == "conflict_check"))
        )
    assert len(events) == 2 and all(set(d or {}) == {"hits"} for d in events)
    assert _count(services, Client) == 1  # nothing recorded but the checks
    window.lock_action.trigger()
    assert window.conflict_dialog is None  # locking closes it (it shows names)
