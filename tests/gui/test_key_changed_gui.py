"""The desktop program, open while another program revokes a user, asks for a new login.

Issue 13: it used to show "the data store is damaged, restore from a backup". Now the window
locks, and its lock screen says the key changed; the user's password opens it again.
"""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_fixtures import ui_settings  # noqa: F401 - fixture
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER
from legalaid_desktop import app
from legalaid_desktop.gui.main import Launcher
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.gui.ui_settings import UiSettings


@pytest.fixture
def launcher(qtbot: QtBot, store_with_lawyer: Path, ui_settings: UiSettings) -> Iterator[Launcher]:
    launcher = Launcher(store_with_lawyer, ui_settings)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.login is not None, timeout=5000)
    yield launcher
    for window in (launcher.main_window, launcher.login):
        if window is not None:
            window.close()
            window.deleteLater()
    launcher.tasks.wait()


def test_a_key_changed_elsewhere_locks_and_asks_for_a_new_login(
    qtbot: QtBot, launcher: Launcher, store_with_lawyer: Path
) -> None:
    login = launcher.login
    assert login is not None
    qtbot.waitUntil(lambda: login.username.count() == 2, timeout=5000)
    login.username.setCurrentText(ADMIN)
    login.password.setText(ADMIN_PASSWORD)
    qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: launcher.main_window is not None, timeout=10_000)
    window = launcher.main_window
    assert window is not None and window.ctx is not None
    services = window.ctx.services
    QueryOp(launcher.tasks, services.users.list, success=lambda _r: None).run()
    launcher.tasks.wait()

    other = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)  # another program
    other.users.revoke(LAWYER)
    other.close()

    # The default error handler locks the window and closes the old session.
    with qtbot.waitSignal(window.store_closed, timeout=10_000):
        QueryOp(launcher.tasks, services.users.list, success=lambda _r: None).run()
    assert window.locked
    message = window.lock_screen.message.text()
    assert "key was changed" in message and "Log in again" in message
    assert "restore from a backup" not in message
    window.lock_screen.password.setText(ADMIN_PASSWORD)
    window.unlock(ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
