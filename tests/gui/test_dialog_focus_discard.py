"""Issue 17, defect 2: every dialog opens on its first field and never loses typed input.

Walks every dialog class that takes input (each is a :class:`GuardedDialog`; a new one that is
not listed here fails the test) on a real store: it must open with the keyboard focus on an
input field (never on Cancel), typing "Əliyev Rəşad" must land in that field, Esc or the
window's close button on an untouched form closes it at once, and with input they ask
"Discard what you typed?" first (keeping the input unless Discard is chosen).
"""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from gui_fixtures import main_window, opened_admin, tasks, ui_settings  # noqa: F401 - fixtures
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from typing_keys import type_into_focus

import legalaid_desktop.gui as gui_package
from legalaid_desktop import app
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInput,
    ConsentInput,
    ConsultationInfo,
    DeadlineInfo,
    PartyInfo,
)
from legalaid_desktop.domain.referrals import ReferralInfo
from legalaid_desktop.domain.retention import DueReason, RetentionDue
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.batch_dialog import BatchSummariesDialog
from legalaid_desktop.gui.dialogs.campaign_dialog import CampaignDialog
from legalaid_desktop.gui.dialogs.case_dialogs import (
    AssignLawyerDialog,
    CloseCaseDialog,
    ConsultationDialog,
    DeadlineDialog,
    OpenCaseDialog,
    PartyDialog,
)
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.dialogs.conflict_decision import ConflictDecisionDialog
from legalaid_desktop.gui.dialogs.correction_dialogs import EditCaseDialog, EditConsultationDialog
from legalaid_desktop.gui.dialogs.donor_dialog import DonorReportDialog
from legalaid_desktop.gui.dialogs.part_dialogs import EditDeadlineDialog, EditPartyDialog
from legalaid_desktop.gui.dialogs.recovery_dialog import RecoveryDialog
from legalaid_desktop.gui.dialogs.reference_dialog import ReferenceItemDialog
from legalaid_desktop.gui.dialogs.referral_dialogs import AnswerDialog, ReferDialog
from legalaid_desktop.gui.dialogs.retention_dialogs import EraseDialog, ReasonDialog
from legalaid_desktop.gui.dialogs.transfer_dialogs import RequestTransferDialog, TransferDialog
from legalaid_desktop.gui.dialogs.user_dialog import AddUserDialog, ResetPasswordDialog
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.widgets.guarded_dialog import GuardedDialog
from legalaid_desktop.i18n.dates import today

TYPED = "Əliyev Rəşad"

#: Dialogs without input to lose (messages, previews, the search palette).
NO_INPUT = {
    "ErrorDialog",
    "SearchPalette",
    "AttachmentViewer",
    "PdfPreviewDialog",
    "NextStepsDialog",  # buttons only: what to do after a client is saved
    "ConflictCheckDialog",  # a query, like the search palette: it records nothing to lose
    "HistoryDialog",  # a case's or client's corrections, read only
    "MergeClientsDialog",  # a record found by typing, as in the search palette, and a choice
}
#: The first-run wizard has rules of its own (it cannot be left once the store exists).
#: The import wizard asks before its column and value choices are lost (tested in
#: tests/gui/test_import_wizard.py).
OWN_RULES = {"FirstRunWizard", "ImportWizard"}


@pytest.fixture
def ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    yield ctx
    ctx.tasks.wait()


@pytest.fixture
def case_number(admin_session: app.AppSession) -> str:
    admin_session.users.add("leyla", "Hüseynova Leyla", "lawyer", "Xazar-sea-2026")
    client = admin_session.clients.register(
        ClientInput(full_name="Qasımlı Musa", gender="male", region="AZ-GA", birth_year=1975),
        ConsentInput(given_on=today()),
    )
    case = admin_session.cases.open(
        CaseInput(client_id=client.id, legal_area="property", summary="Torpaq")
    )
    return case.number


Factory = Callable[[GuiContext, str, Path], QDialog]

CENTERS = (("QBA", "Quba mərkəzi"), ("SKI", "Şəki mərkəzi"))
"""The network's other centers, as the case view passes them to the transfer dialogs."""


def _consultation() -> ConsultationInfo:
    return ConsultationInfo(
        id="x",
        held_on=today(),
        lawyer="admin",
        mode="in_person",
        minutes=30,
        notes="Görüş",
        advice="",
        next_steps="",
        follow_up_on=None,
    )


def _referral() -> ReferralInfo:
    return ReferralInfo(
        id="x",
        referred_on=today(),
        body="ombudsman",
        to_whom="",
        request="",
        status="pending",
        answered_on=None,
        answer="",
        result=None,
    )


def _due() -> RetentionDue:
    return RetentionDue(
        client_id="x",
        full_name="Qasımlı Musa",
        reason=DueReason.NO_CASE,
        since=date(2010, 1, 1),
        due_on=date(2020, 1, 1),
        case_numbers=(),
        open_cases=0,
        why="",
    )


FACTORIES: dict[type[QDialog], Factory] = {
    ClientDialog: lambda ctx, n, d: ClientDialog(ctx),
    OpenCaseDialog: lambda ctx, n, d: OpenCaseDialog(ctx),
    ConsultationDialog: lambda ctx, n, d: ConsultationDialog(ctx, n, today()),
    PartyDialog: lambda ctx, n, d: PartyDialog(ctx, n),
    DeadlineDialog: lambda ctx, n, d: DeadlineDialog(ctx, n),
    CloseCaseDialog: lambda ctx, n, d: CloseCaseDialog(ctx, n, today() - timedelta(days=3)),
    AssignLawyerDialog: lambda ctx, n, d: AssignLawyerDialog(ctx, n, ctx.actor.username),
    AddUserDialog: lambda ctx, n, d: AddUserDialog(ctx),
    ResetPasswordDialog: lambda ctx, n, d: ResetPasswordDialog(ctx, ctx.services.users.list()[0]),
    ReasonDialog: lambda ctx, n, d: ReasonDialog(2),
    EraseDialog: lambda ctx, n, d: EraseDialog(ctx, _due()),
    RecoveryDialog: lambda ctx, n, d: RecoveryDialog(d, ctx.tasks),
    BatchSummariesDialog: lambda ctx, n, d: BatchSummariesDialog(ctx),
    DonorReportDialog: lambda ctx, n, d: DonorReportDialog(ctx),
    CampaignDialog: lambda ctx, n, d: CampaignDialog(ctx),
    EditCaseDialog: lambda ctx, n, d: EditCaseDialog(ctx, ctx.services.cases.get(n)),
    EditConsultationDialog: lambda ctx, n, d: EditConsultationDialog(
        ctx, n, today(), _consultation()
    ),
    ReferDialog: lambda ctx, n, d: ReferDialog(ctx, n, today() - timedelta(days=3)),
    AnswerDialog: lambda ctx, n, d: AnswerDialog(ctx, n, _referral()),
    ConflictDecisionDialog: lambda ctx, n, d: ConflictDecisionDialog(
        ctx, ctx.services.search.conflicts("Qasımlı Musa", audit=False)
    ),
    RequestTransferDialog: lambda ctx, n, d: RequestTransferDialog(ctx, n, CENTERS),
    TransferDialog: lambda ctx, n, d: TransferDialog(ctx, n, CENTERS),
    ReferenceItemDialog: lambda ctx, n, d: ReferenceItemDialog(ctx, "grant_codes"),
    EditPartyDialog: lambda ctx, n, d: EditPartyDialog(
        ctx, n, PartyInfo("x", "Məmmədov Elçin", "adverse", "")
    ),
    EditDeadlineDialog: lambda ctx, n, d: EditDeadlineDialog(
        ctx, n, DeadlineInfo("x", "y", n, today(), "Şikayət", False)
    ),
}


def _all_dialog_classes() -> set[type[QDialog]]:
    found: set[type[QDialog]] = set()
    for module in pkgutil.walk_packages(gui_package.__path__, "legalaid_desktop.gui."):
        loaded = importlib.import_module(module.name)
        for _name, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == module.name:
                found.add(cls)
    return found


def test_every_input_dialog_is_guarded_and_walked() -> None:
    classes = {c for c in _all_dialog_classes() if not inspect.isabstract(c)}
    input_dialogs = {c for c in classes if c.__name__ not in NO_INPUT | OWN_RULES}
    concrete = {c for c in input_dialogs if not c.__name__.startswith("_")}
    concrete -= {c for c in concrete if c.__name__ in {"FormDialog", "GuardedDialog"}}
    assert concrete == set(FACTORIES), "a dialog with input is not walked by this test"
    for cls in input_dialogs:
        assert issubclass(cls, GuardedDialog), cls


def _is_field(widget: QWidget) -> bool:
    if isinstance(widget, QAbstractButton):
        return widget.isCheckable()
    return isinstance(widget, QLineEdit | QPlainTextEdit | QAbstractSpinBox | QComboBox)


def _open(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def _change(qtbot: QtBot, dialog: QDialog) -> QWidget:
    """Change the focused field with the keyboard as a user would; return that field."""
    focused = dialog.focusWidget()
    assert focused is not None
    if isinstance(focused, QLineEdit | QPlainTextEdit) and not isinstance(
        focused.parentWidget(), QAbstractSpinBox | QComboBox
    ):
        target = type_into_focus(dialog, TYPED)
        text = target.text() if isinstance(target, QLineEdit) else target.toPlainText()
        assert TYPED in text, f"{type(dialog).__name__}: typed text went elsewhere"
        return target
    if isinstance(focused, QLineEdit):  # the text of a date field: a date typed over it
        focused = focused.parentWidget()
    if isinstance(focused, QAbstractSpinBox):
        qtbot.keyClick(focused, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(focused, "01.10.2026")
        assert focused.text() == "01.10.2026"
        return focused
    if isinstance(focused, QAbstractButton):  # a choice: Space picks it, Down the next one
        was = focused.isChecked()
        qtbot.keyClick(focused, Qt.Key.Key_Down if was else Qt.Key.Key_Space)
        changed = dialog.focusWidget()
        assert isinstance(changed, QAbstractButton) and changed.isChecked()
        return changed
    assert isinstance(focused, QComboBox)
    qtbot.waitUntil(lambda: focused.count() > 1, timeout=5000)
    qtbot.wait(50)  # the items arrived: a user's key press comes after the filling is done
    last = focused.currentIndex() == focused.count() - 1
    qtbot.keyClick(focused, Qt.Key.Key_Up if last else Qt.Key.Key_Down)
    return focused


@pytest.mark.parametrize("cls", list(FACTORIES), ids=lambda c: c.__name__)
def test_dialog_starts_on_a_field_and_guards_typed_input(
    qtbot: QtBot, ctx: GuiContext, case_number: str, data_dir: Path, cls: type[QDialog]
) -> None:
    make = FACTORIES[cls]

    # opens on an input field, never on a button
    dialog = _open(qtbot, make(ctx, case_number, data_dir))
    focused = dialog.focusWidget()
    assert focused is not None and _is_field(focused), (cls.__name__, focused)
    assert isinstance(dialog, GuardedDialog)

    # untouched: Esc closes at once
    qtbot.keyClick(focused, Qt.Key.Key_Escape)
    assert dialog.discard_box is None
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert dialog.result() == QDialog.DialogCode.Rejected

    # with input: Esc asks; "Keep editing" (the default) keeps the input
    dialog = _open(qtbot, make(ctx, case_number, data_dir))
    field = _change(qtbot, dialog)
    assert isinstance(dialog, GuardedDialog) and dialog.has_unsaved_input()
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None and dialog.isVisible()
    assert box.text() == "Discard what you typed?"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default answer keeps the input
    assert dialog.discard_box is None and dialog.isVisible()
    assert dialog.has_unsaved_input()

    # the window's close button asks too; Discard closes
    handle = dialog.windowHandle()
    assert handle is not None
    handle.close()
    box = dialog.discard_box
    assert box is not None and dialog.isVisible()
    discard = next(b for b in box.buttons() if b.text().replace("&", "") == "Discard")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_ctrl_n_then_typing_fills_the_new_client_name(
    qtbot: QtBot, ctx: GuiContext, case_number: str
) -> None:
    """The reported case: new client, then "Əliyev Rəşad" typed at once lands in the name and
    the space does not press Cancel."""
    dialog = _open(qtbot, ClientDialog(ctx))
    assert isinstance(dialog, ClientDialog)
    type_into_focus(dialog, TYPED)
    assert dialog.name.text() == TYPED
    assert dialog.isVisible()


@pytest.mark.parametrize("key", ["clients", "cases"])
def test_ctrl_n_in_the_main_window_then_typing(
    qtbot: QtBot, main_window: MainWindow, key: str
) -> None:
    """Ctrl+N on the Clients or Cases screen, then "Əliyev Rəşad" typed at once: the letters land
    in the new dialog's first field, the space presses nothing, the dialog stays open."""
    window = main_window
    with qtbot.waitActive(window):
        window.activateWindow()
    window.go(key)
    page = window.page(key)
    assert page is not None
    target = window.focusWidget()
    assert target is not None
    qtbot.keyClick(target, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.active_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, GuardedDialog)
    qtbot.waitExposed(dialog)
    field = type_into_focus(dialog, TYPED)
    assert isinstance(field, QLineEdit) and field.text() == TYPED
    assert dialog.isVisible()
    dialog.reject()
