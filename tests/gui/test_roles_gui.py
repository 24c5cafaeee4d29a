"""The administration page under a manager: the administrator's account is out of reach, and a
refusal shows the service's own message (the one the command line prints, exit 5)."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

from pathlib import Path

import pytest
from gui_fixtures import tasks, ui_settings  # noqa: F401 - fixtures
from pytestqt.qtbot import QtBot

from conftest import ADMIN
from legalaid_desktop import app
from legalaid_desktop.domain.errors import PermissionDenied
from legalaid_desktop.gui.dialogs.user_dialog import ResetPasswordDialog
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.pages.admin import AdminPage
from legalaid_desktop.gui.session_loader import loaded
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.ui_settings import UiSettings

MANAGER, MANAGER_PASSWORD = "rauf", "Bulvar-wind-2026"


def test_a_manager_cannot_set_the_administrators_password_in_the_gui(
    qtbot: QtBot,
    admin_session: app.AppSession,
    data_dir: Path,
    tasks: TaskRunner,
    ui_settings: UiSettings,
) -> None:
    admin_session.users.add(MANAGER, "Əliyev Rauf Samir oğlu", "manager", MANAGER_PASSWORD)
    manager = app.login(data_dir, MANAGER, MANAGER_PASSWORD)
    window = MainWindow(loaded(manager), data_dir, tasks, ui_settings)
    qtbot.addWidget(window)
    window.show()
    try:
        window.go("admin")
        page = window.page("admin")
        assert isinstance(page, AdminPage)
        users = page.users
        qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=5000)
        users.table.selectRow([u.username for u in users.users].index(ADMIN))
        assert not users.reset_button.isEnabled() and not users.revoke_button.isEnabled()

        # Past the hidden button (an old window, a crafted call): the service refuses, and the
        # dialog shows its message.
        target = next(u for u in users.users if u.username == ADMIN)
        dialog = ResetPasswordDialog(users.ctx, target, users)
        qtbot.addWidget(dialog)
        dialog.passwords.password.setText("Taken-over-2026")
        dialog.passwords.repeat.setText("Taken-over-2026")
        assert dialog.ok_button().isEnabled()
        dialog.submit()
        qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=10_000)
        tasks.wait()
        with pytest.raises(PermissionDenied) as refused:
            manager.users.reset_password(ADMIN, "Taken-over-2026")
        assert dialog.message.text() == str(refused.value)
        assert "Administrator" in dialog.message.text()
    finally:
        window.idle.stop()
        tasks.wait()


def test_a_lawyer_sees_print_only_on_their_own_cases_and_no_batch(
    qtbot: QtBot, admin_session: app.AppSession, data_dir: Path
) -> None:
    from conftest import LAWYER, LAWYER_PASSWORD
    from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
    from legalaid_desktop.gui.context import GuiContext
    from legalaid_desktop.gui.pages.case_view import CaseView
    from legalaid_desktop.gui.pages.cases import CasesPage
    from legalaid_desktop.i18n.dates import today

    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    client = admin_session.clients.register(
        ClientInput(full_name="Rzayev Rəşad", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    admins = admin_session.cases.open(CaseInput(client.id, "family", "Aliment")).number
    hers = admin_session.cases.open(CaseInput(client.id, "family", "Aliment", lawyer=LAWYER))
    admin_session.close()
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    ctx = GuiContext(services=lawyer, tasks=TaskRunner(), catalog=lawyer.reference())
    try:
        view = CaseView(ctx)
        qtbot.addWidget(view)
        view.show()
        view.show_case(hers.number)
        qtbot.waitUntil(lambda: view.detail is not None, timeout=10_000)
        assert view.print_button.isVisibleTo(view)
        view.show_case(admins)
        qtbot.waitUntil(
            lambda: view.detail is not None and view.detail.number == admins, timeout=10_000
        )
        assert not view.print_button.isVisibleTo(view)
        view.request_print()  # Ctrl+P does nothing either
        assert view.preview is None
        page = CasesPage(ctx)
        qtbot.addWidget(page)
        assert not page.batch_button.isVisibleTo(page)
        assert page.open_batch_dialog() is None
    finally:
        ctx.tasks.wait()
        lawyer.close()
