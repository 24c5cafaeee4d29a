"""Issue 17, defect 1: after the first-run wizard's Finish the main window opens, logged in.

Qt quits when the last visible window closes; the wizard used to hide on Finish while the main
window was still being prepared in the background, so the program ended. The test drives the
wizard with the keyboard through a :class:`Launcher` and checks that the wizard never hides
before the main window is on screen.
"""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

from functools import partial
from pathlib import Path

from gui_fixtures import ui_settings  # noqa: F401 - fixture
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot
from typing_keys import type_text

from legalaid_desktop import app
from legalaid_desktop.gui.main import Launcher
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.store.vault import FLOOR

PASSWORD = "Gence-admin-2026!"


class _HideWatch(QObject):
    """Records, each time the watched window hides, whether another window was visible."""

    def __init__(self) -> None:
        super().__init__()
        self.others_visible: list[bool] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide:
            others = [
                w
                for w in QApplication.topLevelWidgets()
                if w is not watched
                and w.isVisible()
                and w.testAttribute(Qt.WidgetAttribute.WA_QuitOnClose)
                and w.parentWidget() is None
            ]
            self.others_visible.append(bool(others))
        return False


def test_finish_opens_the_main_window_logged_in(
    qtbot: QtBot, data_dir: Path, ui_settings: UiSettings
) -> None:
    launcher = Launcher(data_dir, ui_settings, create_store=partial(app.create, kdf=FLOOR))
    launcher.start()
    wizard = launcher.wizard
    assert wizard is not None
    watch = _HideWatch()
    wizard.installEventFilter(watch)
    try:
        qtbot.keyClick(wizard, Qt.Key.Key_Return)  # Next on the first page
        assert wizard.currentPage() is wizard.node
        qtbot.keyClicks(wizard.node.code, "GNJ")
        type_text(wizard.node.name, "Gəncə hüquqi yardım mərkəzi")
        qtbot.keyClick(wizard.node.name, Qt.Key.Key_Return)
        assert wizard.currentPage() is wizard.admin
        qtbot.keyClicks(wizard.admin.username, "elchin")
        type_text(wizard.admin.full_name, "Məmmədov Elçin Vaqif oğlu")
        qtbot.keyClicks(wizard.admin.passwords.password, PASSWORD)
        qtbot.keyClicks(wizard.admin.passwords.repeat, PASSWORD)
        qtbot.keyClick(wizard.admin.passwords.repeat, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.key_page, timeout=20_000)
        qtbot.keyClick(wizard.key_page.stored, Qt.Key.Key_Space)
        assert wizard.key_page.stored.isChecked()
        finish = wizard.button(QWizard.WizardButton.FinishButton)
        assert finish.isEnabled()
        qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)

        qtbot.waitUntil(lambda: launcher.main_window is not None, timeout=10_000)
        window = launcher.main_window
        assert window is not None and window.isVisible()
        assert "elchin" in window.user_label.text()
        assert "GNJ" in window.node_label.text()
        assert window.page("admin") is not None  # the administrator who was just created
        # the wizard is gone, and it never left the program without a visible window
        assert launcher.wizard is None
        assert watch.others_visible, "the wizard never closed"
        assert all(watch.others_visible), watch.others_visible
        assert ui_settings.last_user(data_dir) == "elchin"
        assert ui_settings.center(data_dir) == ("GNJ", "Gəncə hüquqi yardım mərkəzi")
    finally:
        if launcher.main_window is not None:
            launcher.main_window.idle.stop()
            launcher.main_window.close()
        launcher.tasks.wait()
