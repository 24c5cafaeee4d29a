"""Issue 17, defect 6: the login window knows its data folder, Ctrl+N works on a case opened
from a list, the lock screen blames only the password and can switch user, and "Nothing is
overdue" is not red."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_fixtures import (  # noqa: F401 - fixtures
    main_window,
    opened_admin,
    sample_data,
    tasks,
    ui_settings,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QListWidget
from pytestqt.qtbot import QtBot
from typing_keys import type_into_focus

from conftest import ADMIN, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.gui.application import apply_appearance, error_color
from legalaid_desktop.gui.dialogs.case_dialogs import ConsultationDialog
from legalaid_desktop.gui.login import LoginWindow
from legalaid_desktop.gui.main import Launcher
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.pages.dashboard import DashboardPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.store.vault import FLOOR


def _demo_store(folder: Path) -> Path:
    session, _key = app.create(
        folder,
        node_code="DMO",
        node_name="Demo mərkəzi",
        hq=False,
        admin_username="demo",
        admin_full_name="Demo İstifadəçi",
        admin_password="Xezer-denizi-2026",
        kdf=FLOOR,
    )
    session.close()
    return folder


def _login_window(
    qtbot: QtBot, folder: Path, tasks: TaskRunner, settings: UiSettings
) -> LoginWindow:
    window = LoginWindow(folder, tasks, settings, language="en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.username.count() > 0, timeout=5000)
    return window


# -- (a) the login window and its data folder --


def test_login_offers_the_last_user_of_its_own_folder(
    qtbot: QtBot,
    store_with_lawyer: Path,
    tmp_path: Path,
    tasks: TaskRunner,
    ui_settings: UiSettings,
) -> None:
    demo = _demo_store(tmp_path / "demo")
    # someone logged in elsewhere last: that name must not be offered for the other folder
    ui_settings.remember_login(store_with_lawyer, LAWYER, "GNJ", "Gəncə mərkəzi")
    ui_settings.remember_login(tmp_path / "other", "gunel.m", "SHK", "Şəki")

    demo_login = _login_window(qtbot, demo, tasks, ui_settings)
    assert demo_login.username.currentText() == "demo"  # its only user, not gunel.m or leyla
    assert str(demo) in demo_login.folder.text()
    assert not demo_login.center.isVisibleTo(demo_login)  # nobody logged in there yet

    login = _login_window(qtbot, store_with_lawyer, tasks, ui_settings)
    assert login.username.currentText() == LAWYER
    assert login.center.text() == "Center: Gəncə mərkəzi (GNJ)"
    assert str(store_with_lawyer) in login.folder.text()


def test_a_login_remembers_the_user_and_center_of_that_folder(
    qtbot: QtBot, store_with_lawyer: Path, tmp_path: Path, ui_settings: UiSettings
) -> None:
    launcher = Launcher(store_with_lawyer, ui_settings)
    launcher.start()
    try:
        qtbot.waitUntil(lambda: launcher.login is not None, timeout=5000)
        login = launcher.login
        assert login is not None
        qtbot.waitUntil(lambda: login.username.count() == 2, timeout=5000)
        assert login.username.currentText() == ""  # two users, nobody logged in here yet
        login.username.setCurrentText(LAWYER)
        login.password.setFocus()
        type_into_focus(login, LAWYER_PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: launcher.main_window is not None, timeout=10_000)
        assert ui_settings.last_user(store_with_lawyer) == LAWYER
        assert ui_settings.center(store_with_lawyer) == ("GNJ", "Gəncə mərkəzi")
        assert ui_settings.last_user(tmp_path / "elsewhere") == ""
    finally:
        if launcher.main_window is not None:
            launcher.main_window.idle.stop()
            launcher.main_window.close()
        launcher.tasks.wait()


# -- (b) Ctrl+N on a case opened from a list --


def test_ctrl_n_works_on_a_case_opened_from_the_list(
    qtbot: QtBot, sample_data: dict[str, str], main_window: MainWindow
) -> None:
    window = main_window
    with qtbot.waitActive(window):
        window.activateWindow()
    window.go("cases")
    cases = window.page("cases")
    assert cases is not None
    qtbot.waitUntil(lambda: cases.model.rowCount() > 0, timeout=5000)  # type: ignore[attr-defined]
    cases.table.setFocus()  # type: ignore[attr-defined]
    cases.table.selectRow(0)  # type: ignore[attr-defined]
    qtbot.keyClick(cases.table, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    view = window.page("case_view")
    assert isinstance(view, CaseView)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=5000)
    assert view.detail is not None and view.detail.number == sample_data["case_number"]
    focused = window.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(view.active_dialog, ConsultationDialog)
    view.active_dialog.reject()


# -- (c) the lock screen --


def test_lock_screen_says_the_password_is_wrong(qtbot: QtBot, main_window: MainWindow) -> None:
    window = main_window
    with qtbot.waitSignal(window.store_closed, timeout=10_000):
        window.lock()
    screen = window.lock_screen
    screen.password.setFocus()
    type_into_focus(window, "not-the-password")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(screen.message.text()), timeout=10_000)
    assert screen.message.text() == "The password is wrong."
    assert "user name" not in screen.message.text()


@pytest.fixture
def launcher(qtbot: QtBot, store_with_lawyer: Path, ui_settings: UiSettings) -> Iterator[Launcher]:
    launcher = Launcher(store_with_lawyer, ui_settings)
    launcher.start()
    yield launcher
    for window in (launcher.main_window, launcher.login):
        if window is not None:
            if isinstance(window, MainWindow):
                window.idle.stop()
            window.close()
    launcher.tasks.wait()


def test_switch_user_returns_to_the_login_window(qtbot: QtBot, launcher: Launcher) -> None:
    qtbot.waitUntil(lambda: launcher.login is not None, timeout=5000)
    login = launcher.login
    assert login is not None
    qtbot.waitUntil(lambda: login.username.count() == 2, timeout=5000)
    login.username.setCurrentText(LAWYER)
    login.password.setText(LAWYER_PASSWORD)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: launcher.main_window is not None, timeout=10_000)
    window = launcher.main_window
    assert window is not None
    with qtbot.waitSignal(window.store_closed, timeout=10_000):
        window.lock()
    assert window.lock_screen.switch_button.isVisibleTo(window)
    assert window.lock_screen.switch_button.text().replace("&", "") == "Switch user"
    qtbot.mouseClick(window.lock_screen.switch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: launcher.login is not None, timeout=5000)
    assert launcher.main_window is None
    new_login = launcher.login
    assert new_login is not None and new_login.isVisible()
    assert not window.isVisible()
    qtbot.waitUntil(lambda: new_login.username.count() == 2, timeout=5000)
    # another person logs in on the same computer
    new_login.username.setCurrentText(ADMIN)
    assert new_login.username.currentText() == ADMIN


# -- (d) "Nothing is overdue" is not red --


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[None]:
    """The program's style sheet and palette, as a real start applies them."""
    apply_appearance(qapp, theme="light", font_size=10)
    yield
    qapp.setStyleSheet("")


def _red_pixels(view: QListWidget) -> int:
    image = view.viewport().grab().toImage()
    red = error_color()
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = QColor(image.pixel(x, y))
            if (
                abs(pixel.red() - red.red()) < 40
                and abs(pixel.green() - red.green()) < 40
                and abs(pixel.blue() - red.blue()) < 40
            ):
                count += 1
    return count


def test_nothing_overdue_is_not_red(
    qtbot: QtBot, appearance: None, main_window: MainWindow
) -> None:
    page = main_window.page("dashboard")
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.data is not None, timeout=5000)
    assert page.overdue.item(0).text() == "Nothing is overdue."
    assert _red_pixels(page.overdue) == 0


def test_a_real_overdue_item_is_red(
    qtbot: QtBot, appearance: None, sample_data: dict[str, str], main_window: MainWindow
) -> None:
    page = main_window.page("dashboard")
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.data is not None, timeout=5000)
    assert sample_data["case_number"] in page.overdue.item(0).text()
    assert _red_pixels(page.overdue) > 0
