"""Issue 17, defect 4: in the recovery dialog Enter submits (it closed the dialog silently, even
with a right key), a key typed with look-alikes opens the store, and a wrong one names its group.
"""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

from pathlib import Path

from gui_fixtures import tasks, ui_settings  # noqa: F401 - fixtures
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from typing_keys import type_into_focus

from legalaid_desktop import app
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.gui.dialogs.recovery_dialog import RecoveryDialog
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.store.recovery_text import parse_recovery_key
from legalaid_desktop.store.vault import FLOOR

NEW_PASSWORD = "Yeni-parol-2026!"


def _store(data_dir: Path) -> str:
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
    return key


def _mistyped(key: str, group: int) -> str:
    """``key`` with one character of ``group`` (from 1) changed, the first such typo the key's
    check can place in that group (for some typos another one-letter change elsewhere would
    also give a valid key: then no group can be named, and the key is random)."""
    groups = key.split("-")
    for position, old in enumerate(groups[group - 1]):
        for letter in "ACEGKMQSUWY2345":
            if letter == old:
                continue
            typo = list(groups)
            typo[group - 1] = typo[group - 1][:position] + letter + typo[group - 1][position + 1 :]
            typed = "-".join(typo)
            try:
                parse_recovery_key(typed)
            except InputRejected as exc:
                if f"group {group}" in str(exc):
                    return typed
    raise AssertionError(f"no typo in group {group} of {key} can be placed")


def _look_alikes(key: str) -> str:
    """What a person may type reading the sheet: 0 for O, 1 for I, lower case, spaces."""
    return key.replace("O", "0").replace("I", "1").lower().replace("-", " ")


def test_enter_submits_and_a_wrong_group_is_named(
    qtbot: QtBot, data_dir: Path, tasks: TaskRunner
) -> None:
    key = _store(data_dir)
    dialog = RecoveryDialog(data_dir, tasks)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.key

    # a mistake in group 3: Enter checks it, the dialog stays and says which group
    type_into_focus(dialog, _mistyped(key, 3))
    qtbot.keyClick(dialog.key, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.key_message.isVisibleTo(dialog), timeout=10_000)
    assert dialog.isVisible()
    assert "group 3" in dialog.key_message.text()
    assert dialog.focusWidget() is dialog.key

    # the right key typed with look-alikes: Enter opens it
    dialog.key.selectAll()
    type_into_focus(dialog, _look_alikes(key))
    qtbot.keyClick(dialog.key, Qt.Key.Key_Return)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1, timeout=10_000)
    assert dialog.isVisible()

    # step 2: Enter in the second password field sets the password
    assert dialog.focusWidget() is dialog.passwords.password
    type_into_focus(dialog, NEW_PASSWORD)
    qtbot.keyClick(dialog.passwords.password, Qt.Key.Key_Tab)
    dialog.passwords.repeat.setFocus()
    type_into_focus(dialog, NEW_PASSWORD)
    with qtbot.waitSignal(dialog.password_reset, timeout=10_000) as reset:
        qtbot.keyClick(dialog.passwords.repeat, Qt.Key.Key_Return)
    assert reset.args == ["admin"]
    tasks.wait()
    again = app.login(data_dir, "admin", NEW_PASSWORD)
    again.close()


def test_enter_on_an_empty_key_does_not_close(
    qtbot: QtBot, data_dir: Path, tasks: TaskRunner
) -> None:
    _store(data_dir)
    dialog = RecoveryDialog(data_dir, tasks)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.key, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.key_message.text() == "Type the recovery key."
