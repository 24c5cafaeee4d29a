"""Login window: wrong password keeps the window, a right one opens the main window."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_fixtures import ui_settings  # noqa: F401 - fixture
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from pytestqt.qtbot import QtBot
from visible_text import normal, translation, untranslated, visible_texts

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop.gui.login import LoginWindow
from legalaid_desktop.gui.main import Launcher
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.gui.widgets.passwords import CapsLockWatcher


@pytest.fixture
def launcher(qtbot: QtBot, store_with_lawyer: Path, ui_settings: UiSettings) -> Iterator[Launcher]:
    launcher = Launcher(store_with_lawyer, ui_settings)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.login is not None, timeout=5000)
    login = launcher.login
    assert login is not None
    qtbot.waitUntil(lambda: login.username.count() == 2, timeout=5000)
    yield launcher
    for window in (launcher.main_window, launcher.login):
        if window is not None:
            window.close()
            window.deleteLater()
    launcher.tasks.wait()


def _log_in(qtbot: QtBot, login: LoginWindow, user: str, password: str) -> None:
    login.username.setCurrentText(user)
    login.password.setText(password)
    qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)


def test_wrong_password_shows_message_and_stays(qtbot: QtBot, launcher: Launcher) -> None:
    login = launcher.login
    assert login is not None
    assert sorted(login.username.itemText(i) for i in range(2)) == [ADMIN, LAWYER]
    _log_in(qtbot, login, LAWYER, "not-the-password")
    assert not login.login_button.isEnabled()  # busy while the attempt runs
    qtbot.waitUntil(lambda: login.message.isVisibleTo(login), timeout=10_000)
    assert login.message.text() == "The user name or password is wrong."
    assert login.password.text() == ""
    assert login.login_button.isEnabled()
    assert launcher.main_window is None
    assert launcher.login is login and login.isVisible()


def test_third_failure_announces_growing_delay(qtbot: QtBot, launcher: Launcher) -> None:
    login = launcher.login
    assert login is not None
    for attempt in range(3):
        _log_in(qtbot, login, LAWYER, f"wrong-{attempt}")
        qtbot.waitUntil(lambda: not login.busy, timeout=10_000)
    assert login.delay_note.isVisibleTo(login)
    assert "waits longer" in login.delay_note.text()


def test_right_password_opens_main_window(qtbot: QtBot, launcher: Launcher) -> None:
    login = launcher.login
    assert login is not None
    _log_in(qtbot, login, LAWYER, LAWYER_PASSWORD)
    qtbot.waitUntil(lambda: launcher.main_window is not None, timeout=10_000)
    window = launcher.main_window
    assert window is not None and window.isVisible()
    assert launcher.login is None
    # a lawyer does not see Administration
    assert window.page("admin") is None
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "Administration" not in labels
    assert labels == [
        "Dashboard",
        "Clients",
        "Cases",
        "Campaigns",
        "Calendar",
        "Reports",
        "Settings",
    ]
    assert "leyla" in window.user_label.text()
    assert "Lawyer" in window.role_label.text()
    assert "GNJ" in window.node_label.text()


def test_admin_sees_administration(qtbot: QtBot, launcher: Launcher) -> None:
    login = launcher.login
    assert login is not None
    _log_in(qtbot, login, ADMIN, ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: launcher.main_window is not None, timeout=10_000)
    window = launcher.main_window
    assert window is not None
    assert window.page("admin") is not None
    window.go_actions["admin"].trigger()
    assert window.current_key() == "admin"


def test_language_switch_retranslates(qtbot: QtBot, launcher: Launcher) -> None:
    login = launcher.login
    assert login is not None
    english = visible_texts(login)
    messages = untranslated(english, "ru")
    assert len(messages) >= 3, english  # title, labels, the button: in English
    login.language.setCurrentIndex(login.language.findData("ru"))
    from legalaid_desktop import i18n

    assert i18n.current_language() == "ru"
    assert launcher.settings.language() == "ru"
    russian = visible_texts(login)
    assert untranslated(russian, "ru") == [], russian
    assert {normal(translation(t, "ru") or "") for t in messages} <= {normal(t) for t in russian}
    login.language.setCurrentIndex(login.language.findData("en"))
    assert i18n.current_language() == "en"
    assert {normal(t) for t in messages} <= {normal(t) for t in visible_texts(login)}


@pytest.mark.parametrize(
    ("text", "shift", "caps"),
    [("a", False, False), ("A", True, False), ("A", False, True), ("a", True, True)],
)
def test_caps_lock_heuristic(qapp: object, text: str, shift: bool, caps: bool) -> None:
    watcher = CapsLockWatcher()
    mods = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    watcher.observe(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, mods, text))
    assert watcher.on is caps
    # a digit says nothing about Caps Lock
    watcher.observe(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_1, mods, "1"))
    assert watcher.on is caps


def test_start_shows_wizard_without_store(
    qtbot: QtBot, tmp_path: Path, ui_settings: UiSettings
) -> None:
    launcher = Launcher(tmp_path / "empty", ui_settings)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.wizard is not None, timeout=5000)
    assert launcher.wizard is not None
    qtbot.addWidget(launcher.wizard)
    assert launcher.login is None
    launcher.tasks.wait()


def test_folder_without_store_switches_to_wizard(
    qtbot: QtBot, tmp_path: Path, ui_settings: UiSettings
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a store")
    launcher = Launcher(folder, ui_settings)
    launcher.start()
    assert launcher.login is not None  # shown at once, before the key file is read
    qtbot.waitUntil(lambda: launcher.wizard is not None, timeout=10_000)
    assert launcher.login is None
    assert launcher.wizard is not None
    qtbot.addWidget(launcher.wizard)
    launcher.tasks.wait()


def test_login_runs_in_background(
    qtbot: QtBot, store_with_lawyer: Path, ui_settings: UiSettings
) -> None:
    tasks = TaskRunner()
    login = LoginWindow(store_with_lawyer, tasks, ui_settings, language="en")
    qtbot.addWidget(login)
    qtbot.waitUntil(lambda: login.username.count() == 2, timeout=5000)
    login.username.setCurrentText(ADMIN)
    login.password.setText(ADMIN_PASSWORD)
    with qtbot.waitSignal(login.logged_in, timeout=10_000) as signal:
        login.attempt()
        assert login.busy  # returned at once: the key derivation runs on a worker thread
    opened = signal.args[0]
    assert opened.services.actor.username == ADMIN
    WriteOp(tasks, opened.services.close).run()
    tasks.wait()
