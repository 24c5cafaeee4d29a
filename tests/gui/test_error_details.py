"""The error dialog's "Details" and "Copy details" hold no client data (issue 13).

A database error quoted the failed statement's values ("[parameters: ... notes ...]") and any
exception's message may quote data (a ``KeyError`` its key). Both used to reach the dialog's
details, and from there the clipboard and bug reports. These run real failures through the real
task runner into the real dialog.
"""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import sys
from collections.abc import Callable

from gui_fixtures import tasks, ui_settings  # noqa: F401 - fixtures
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from legalaid_desktop import app
from legalaid_desktop.gui.errors import ErrorDialog, install_excepthook, make_error_handler
from legalaid_desktop.gui.tasks import Op, QueryOp, TaskRunner, WriteOp

SECRET_NAME = "Gizlinova Sevda Arif qızı"
SECRET_NOTE = "Rüşvəti polis rəisi aldı"


def _dialog_for(
    qtbot: QtBot, tasks: TaskRunner, fn: Callable[[], None], op: type[Op] = QueryOp
) -> ErrorDialog:
    before = {id(w) for w in QApplication.topLevelWidgets()}
    tasks.error_handler = make_error_handler(lambda: None)
    op(tasks, fn, action="test_action").run()

    def new_dialogs() -> list[ErrorDialog]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ErrorDialog) and id(w) not in before and w.isVisible()
        ]

    qtbot.waitUntil(lambda: bool(new_dialogs()), timeout=5000)
    dialog = new_dialogs()[-1]
    qtbot.addWidget(dialog)
    return dialog


def _copied(dialog: ErrorDialog) -> str:
    QApplication.clipboard().clear()
    dialog.details_button.click()
    dialog.copy_button.click()
    return QApplication.clipboard().text()


def test_failed_statement_values_never_reach_the_details(
    qtbot: QtBot, tasks: TaskRunner, admin_session: app.AppSession
) -> None:
    def insert() -> None:
        with admin_session.ws.write() as s:  # NOT NULL columns left out: the insert fails
            s.execute(
                text("INSERT INTO clients (id, full_name, address) VALUES (:id, :name, :note)"),
                {"id": "x" * 32, "name": SECRET_NAME, "note": SECRET_NOTE},
            )

    dialog = _dialog_for(qtbot, tasks, insert, WriteOp)

    copied = _copied(dialog)
    assert "IntegrityError" in dialog.message.text()
    assert "Traceback" in copied and "IntegrityError" in copied
    for shown in (dialog.message.text(), dialog.details.toPlainText(), copied):
        assert SECRET_NAME not in shown and SECRET_NOTE not in shown


def test_exception_messages_never_reach_the_details(qtbot: QtBot, tasks: TaskRunner) -> None:
    def lookup() -> None:
        try:
            {}[SECRET_NAME]  # a KeyError's message is its key
        except KeyError as exc:
            raise ValueError(f"no client {SECRET_NOTE}") from exc

    dialog = _dialog_for(qtbot, tasks, lookup)

    copied = _copied(dialog)
    assert "KeyError" in copied and "ValueError" in copied and "lookup" in copied
    for shown in (dialog.message.text(), dialog.details.toPlainText(), copied):
        assert SECRET_NAME not in shown and SECRET_NOTE not in shown


def test_unexpected_error_in_a_slot_has_no_message_either(qtbot: QtBot, qapp: object) -> None:
    """The excepthook's dialog (errors raised in Qt slots) records its details the same way."""
    previous = sys.excepthook
    install_excepthook(lambda: None)
    try:
        try:
            raise KeyError(SECRET_NAME)
        except KeyError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    dialog = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)][-1]
    qtbot.addWidget(dialog)
    copied = _copied(dialog)
    assert "KeyError" in copied and SECRET_NAME not in copied
