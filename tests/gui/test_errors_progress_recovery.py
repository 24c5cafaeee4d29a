"""Error dialog, progress dialog, and "Forgot password?" with the recovery key."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from gui_fixtures import tasks, ui_settings  # noqa: F401 - fixtures
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from legalaid_desktop import app
from legalaid_desktop.domain.errors import AuthenticationError
from legalaid_desktop.gui.dialogs.recovery_dialog import RecoveryDialog
from legalaid_desktop.gui.errors import ErrorDialog, make_error_handler, user_message
from legalaid_desktop.gui.tasks import Progress, QueryOp, TaskRunner
from legalaid_desktop.store.vault import FLOOR

NEW_PASSWORD = "Yeni-parol-2026"


def test_error_dialog_for_expected_and_unexpected_errors(
    qtbot: QtBot, tasks: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[ErrorDialog] = []

    def parent() -> None:
        return None

    handler = make_error_handler(parent)
    tasks.error_handler = handler

    def boom() -> None:
        raise KeyError("Əliyev Rəşad")  # client data in a message must never be logged

    with caplog.at_level(logging.INFO, logger="legalaid_desktop.gui"):
        QueryOp(tasks, boom, action="test_action").run()
        qtbot.waitUntil(
            lambda: any(
                isinstance(w, ErrorDialog) for w in QApplication.topLevelWidgets() if w.isVisible()
            ),
            timeout=5000,
        )
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    dialog = shown[-1]
    qtbot.addWidget(dialog)
    assert "Something went wrong (KeyError)" in dialog.message.text()
    assert not dialog.details.isVisible()
    dialog.details_button.click()
    assert dialog.details.isVisible()
    assert "KeyError" in dialog.details.toPlainText()
    dialog.copy_button.click()
    assert "Traceback" in QApplication.clipboard().text()
    assert "test_action failed: KeyError" in caplog.text
    assert "Rəşad" not in caplog.text

    expected = ErrorDialog(AuthenticationError())
    qtbot.addWidget(expected)
    assert expected.message.text() == "The user name or password is wrong."
    assert not expected.details_button.isVisibleTo(expected)
    assert user_message(AuthenticationError("Custom.")) == "Custom."


def test_op_progress_reports_and_cancels(qtbot: QtBot, tasks: TaskRunner) -> None:
    release = threading.Event()
    seen: list[object] = []
    reported: list[tuple[int, int]] = []

    def work(progress: Progress) -> str:
        for i in range(100):
            progress.report(i, 100)
            if progress.cancelled:
                return "stopped"
            release.wait(0.01)
        return "done"

    task = QueryOp(tasks, work, success=seen.append).with_progress(
        lambda done, total: reported.append((done, total))
    )
    task.run()
    qtbot.waitUntil(lambda: bool(reported) and reported[-1][1] == 100, timeout=5000)
    task.cancel()  # what a Cancel button does
    assert task.progress is not None and task.progress.cancelled
    qtbot.waitUntil(lambda: seen == ["stopped"], timeout=5000)


def test_forgot_password_with_recovery_key(qtbot: QtBot, tmp_path: Path, tasks: TaskRunner) -> None:
    data_dir = tmp_path / "store"
    session, key = app.create(
        data_dir,
        node_code="QBA",
        node_name="Quba",
        hq=False,
        admin_username="admin",
        admin_full_name="Admin İstifadəçi",
        admin_password="Qala-tower-2026",
        kdf=FLOOR,
    )
    session.close()
    dialog = RecoveryDialog(data_dir, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.key.setText("AAAA-BBBB")
    dialog.unlock()
    qtbot.waitUntil(lambda: dialog.key_message.isVisibleTo(dialog), timeout=5000)
    assert "recovery key" in dialog.key_message.text()

    QGuiApplication.clipboard().setText(f"  {key.lower()}\n")  # pasted from elsewhere
    dialog.key.setText(key.lower())  # case does not matter
    dialog.unlock()
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1, timeout=10_000)
    assert QGuiApplication.clipboard().text() == ""  # the key it opened with is not left there
    assert dialog.user.currentData() == "admin"
    assert not dialog.set_button.isEnabled()
    dialog.passwords.password.setText(NEW_PASSWORD)
    dialog.passwords.repeat.setText(NEW_PASSWORD)
    assert dialog.set_button.isEnabled()
    with qtbot.waitSignal(dialog.password_reset, timeout=10_000) as reset:
        dialog.set_button.click()
    assert reset.args == ["admin"]
    assert dialog.session is None
    tasks.wait()
    again = app.login(data_dir, "admin", NEW_PASSWORD)
    again.close()
