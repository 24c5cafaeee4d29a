"""File › Back up…, the dashboard's backup reminder, its setting, and the wizard's "Restore from a
backup" (issue 20). Real encrypted stores, real widgets, real backup files on a "stick".
"""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from gui_fixtures import main_window, opened_admin, tasks, ui_settings  # noqa: F401 - fixtures
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QWizard
from pytestqt.qtbot import QtBot

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.pages.dashboard import DashboardPage
from legalaid_desktop.gui.pages.settings import SettingsPage
from legalaid_desktop.gui.session_loader import loaded
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.gui.wizard import FirstRunWizard
from legalaid_desktop.store import backup_file
from legalaid_desktop.store.vault import FLOOR

WAIT = 20_000


def _dashboard(window: MainWindow) -> DashboardPage:
    page = window.page("dashboard")
    assert isinstance(page, DashboardPage)
    return page


def test_back_up_from_the_file_menu_and_the_reminder_goes(
    qtbot: QtBot, main_window: MainWindow, tmp_path: Path
) -> None:
    dashboard = _dashboard(main_window)
    reminder = dashboard.backup_warning
    qtbot.waitUntil(lambda: reminder.isVisible(), timeout=WAIT)
    assert "No backup was ever made outside this computer" in reminder.text.text()
    assert main_window.backup_action.isVisible()
    assert main_window.backup_action.text() == "&Back up…"
    stick = tmp_path / "stick"
    stick.mkdir()

    qtbot.mouseClick(reminder.button, Qt.MouseButton.LeftButton)  # = File › Back up…
    runner = main_window.backup
    assert runner is not None
    qtbot.waitUntil(lambda: runner.folder_dialog is not None, timeout=WAIT)
    chooser = runner.folder_dialog
    assert chooser is not None and chooser.isVisible()
    name = chooser.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    chooser.setDirectory(str(tmp_path))
    name.setText(str(stick))
    chooser.accept()
    qtbot.waitUntil(lambda: runner.result_box is not None, timeout=WAIT)
    box = runner.result_box
    assert box is not None
    (written,) = stick.iterdir()
    assert written.suffix == ".labackup" and str(written) in box.text()
    assert "administrator's password or the recovery key" in box.text()
    backup_file.read(written)
    # The write announced itself: the dashboard read the reminder again and hid it.
    qtbot.waitUntil(lambda: not reminder.isVisible(), timeout=WAIT)
    assert dashboard.backup_reminder is not None and dashboard.backup_reminder.days == 0


def test_cancel_leaves_nothing_on_the_stick(
    qtbot: QtBot, main_window: MainWindow, tasks: TaskRunner, tmp_path: Path
) -> None:
    runner = main_window.backup
    assert runner is not None
    messages: list[str] = []
    runner.message.connect(messages.append)
    stick = tmp_path / "stick"
    stick.mkdir()
    release = threading.Event()  # the single writer is busy: Cancel comes before the copy
    WriteOp(tasks, lambda: release.wait(WAIT / 1000)).run()
    runner.start(stick)
    qtbot.waitUntil(
        lambda: runner.progress is not None and runner.progress.isVisible(), timeout=WAIT
    )
    progress = runner.progress
    assert progress is not None
    cancel = progress.findChild(QPushButton)
    assert cancel is not None
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: runner.task is None, timeout=WAIT)
    assert messages and "cancelled" in messages[0]
    assert list(stick.iterdir()) == []


def test_a_missing_folder_is_said_plainly(
    qtbot: QtBot, main_window: MainWindow, tmp_path: Path
) -> None:
    runner = main_window.backup
    assert runner is not None
    runner.start(tmp_path / "no-such-stick")
    qtbot.waitUntil(lambda: runner.result_box is not None, timeout=WAIT)
    box = runner.result_box
    assert box is not None and "There is no folder" in box.text()


def test_the_reminder_counts_days_and_follows_the_setting(
    qtbot: QtBot,
    admin_session: app.AppSession,
    tasks: TaskRunner,
    ui_settings: UiSettings,
    tmp_path: Path,
) -> None:
    from legalaid_desktop.gui.context import GuiContext

    stick = tmp_path / "stick"
    stick.mkdir()
    admin_session.maintenance.backups.write_outside(stick)
    ten_days_on = datetime.now(UTC) + timedelta(days=10)
    admin_session.maintenance.backups.now = lambda: ten_days_on
    ctx = GuiContext(services=admin_session, tasks=tasks, catalog=admin_session.reference())
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.backup_warning.isVisible(), timeout=WAIT)
    assert "made 10 days ago" in page.backup_warning.text.text()

    settings = SettingsPage(ctx, ui_settings)
    qtbot.addWidget(settings)
    setting = settings.backup_reminder
    assert setting.isVisibleTo(settings)
    qtbot.waitUntil(lambda: setting.loaded, timeout=WAIT)
    assert setting.days.value() == 7
    setting.days.setValue(14)
    setting.days.editingFinished.emit()
    qtbot.waitUntil(lambda: not page.backup_warning.isVisible(), timeout=WAIT)
    assert admin_session.maintenance.backups.reminder_days() == 14


def test_a_lawyer_has_neither_the_menu_nor_the_reminder(
    qtbot: QtBot, store_with_lawyer: Path, tasks: TaskRunner, ui_settings: UiSettings
) -> None:
    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    window = MainWindow(loaded(session), store_with_lawyer, tasks, ui_settings)
    qtbot.addWidget(window)
    window.show()
    try:
        dashboard = _dashboard(window)
        qtbot.wait(300)
        tasks.wait()
        assert not window.backup_action.isVisible()
        assert not dashboard.backup_warning.isVisible()
        settings = window.page("settings")
        assert isinstance(settings, SettingsPage)
        assert not settings.backup_reminder.isVisibleTo(settings)
    finally:
        window.idle.stop()
        window.close()


def test_revoking_names_the_backups_it_could_not_reach(
    qtbot: QtBot, main_window: MainWindow, admin_session: app.AppSession, tmp_path: Path
) -> None:
    from legalaid_desktop.gui.pages.admin import AdminPage

    admin_session.users.add("nigar", "Əliyeva Nigar Fuad qızı", "admin", "Goygol-lake-2026")
    nigar = app.login(admin_session.ws.store.paths.root, "nigar", "Goygol-lake-2026")
    stick = tmp_path / "stick"
    stick.mkdir()
    file = Path(nigar.maintenance.backups.write_outside(stick).path)
    nigar.close()
    stick.rename(tmp_path / "in-a-drawer")
    main_window.go("admin")
    page = main_window.page("admin")
    assert isinstance(page, AdminPage)
    users = page.users
    users.refresh()
    qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=WAIT)
    users.table.selectRow([u.username for u in users.users].index("nigar"))
    chosen = users.selected()
    assert chosen is not None and chosen.username == "nigar"
    users._revoke_confirmed(chosen)  # the confirmation box is tested by hand
    qtbot.waitUntil(lambda: users.backup_warning is not None, timeout=WAIT)
    box = users.backup_warning
    assert box is not None and "nigar's old password" in box.text()
    assert str(file) in box.informativeText()


@pytest.fixture
def backup_of_a_center(tmp_path: Path) -> tuple[Path, str]:
    """A center's backup file on a stick, and the center's recovery key."""
    session, recovery = app.create(
        tmp_path / "old-computer",
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    stick = tmp_path / "stick"
    stick.mkdir()
    file = Path(session.maintenance.backups.write_outside(stick).path)
    session.close()
    return file, recovery


def _restore_wizard(qtbot: QtBot, data_dir: Path, tasks: TaskRunner) -> FirstRunWizard:
    wizard = FirstRunWizard(
        data_dir, tasks, language="en", create_store=partial(app.create, kdf=FLOOR)
    )
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.kind.restore.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.restore_source
    return wizard


def test_the_wizard_restores_with_an_administrators_password(
    qtbot: QtBot, backup_of_a_center: tuple[Path, str], tmp_path: Path, tasks: TaskRunner
) -> None:
    file, _recovery = backup_of_a_center
    data_dir = tmp_path / "new-computer"
    wizard = _restore_wizard(qtbot, data_dir, tasks)
    page = wizard.restore_source
    assert not page.isComplete()
    page.file.setText(str(file))
    page.username.setText(ADMIN)
    assert not page.recovery_key.isVisibleTo(page)
    page.password.setText(ADMIN_PASSWORD)
    assert page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.session is not None, timeout=WAIT)
    assert page.password.text() == ""  # the secret left the field
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isEnabled()
    with qtbot.waitSignal(wizard.created, timeout=5000) as created:
        finish.click()
    session = created.args[0]
    try:
        assert session.actor.username == ADMIN and session.actor.node_code == "GNJ"
        assert session.ws.store.meta("restored_from") is not None
    finally:
        WriteOp(tasks, session.close).run()
        tasks.wait()


def test_the_wizard_restores_with_the_recovery_key_and_a_new_password(
    qtbot: QtBot, backup_of_a_center: tuple[Path, str], tmp_path: Path, tasks: TaskRunner
) -> None:
    file, recovery = backup_of_a_center
    data_dir = tmp_path / "new-computer"
    wizard = _restore_wizard(qtbot, data_dir, tasks)
    page = wizard.restore_source
    page.file.setText(str(file))
    page.by_recovery.setChecked(True)
    assert page.recovery_key.isVisibleTo(page) and not page.password.isVisibleTo(page)
    page.username.setText(ADMIN)
    page.recovery_key.setText(recovery)
    assert not page.isComplete()
    page.new_password.password.setText("Sheki-palace-2026")
    page.new_password.repeat.setText("Sheki-palace-2026")
    assert page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.session is not None, timeout=WAIT)
    session = wizard.session
    assert session is not None
    WriteOp(tasks, session.close).run()
    tasks.wait()
    app.login(data_dir, ADMIN, "Sheki-palace-2026").close()


def test_the_wizard_refuses_a_damaged_file_and_writes_nothing(
    qtbot: QtBot, backup_of_a_center: tuple[Path, str], tmp_path: Path, tasks: TaskRunner
) -> None:
    file, _recovery = backup_of_a_center
    damaged = tmp_path / "damaged.labackup"
    data = bytearray(file.read_bytes())
    data[len(data) // 3] ^= 1
    damaged.write_bytes(bytes(data))
    data_dir = tmp_path / "new-computer"
    wizard = _restore_wizard(qtbot, data_dir, tasks)
    page = wizard.restore_source
    page.file.setText(str(damaged))
    page.username.setText(ADMIN)
    page.password.setText(ADMIN_PASSWORD)
    wizard.next()
    restoring = wizard.restoring
    qtbot.waitUntil(lambda: not restoring.running and bool(restoring.error.text()), timeout=WAIT)
    assert "damaged or was altered" in restoring.error.text()
    assert wizard.session is None
    assert not data_dir.exists()
    # Back is shown (the last page hides it otherwise) and leads to the file and the password.
    back = wizard.button(QWizard.WizardButton.BackButton)
    assert back.isEnabled() and back.isVisible()
    back.click()
    assert wizard.currentPage() is wizard.restore_source
    assert wizard.testOption(QWizard.WizardOption.NoBackButtonOnLastPage)
    page.file.setText(str(file))
    page.password.setText(ADMIN_PASSWORD)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.session is not None, timeout=WAIT)
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible()
    WriteOp(tasks, wizard.session.close).run()
    tasks.wait()
