"""The recovery key on the real clipboard (offscreen): marked for clipboard histories, cleared
after a while, and whatever the user copied afterwards is left alone."""

from __future__ import annotations

from PySide6.QtGui import QClipboard, QGuiApplication
from pytestqt.qtbot import QtBot

from legalaid_desktop.gui.secret_clipboard import (
    CLEAR_AFTER_MS,
    SECRET_HINTS,
    SecretClipboard,
    secret_clipboard,
)

KEY = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789-ABCD-EFGH-JKLM-NPQR-STUV-WXYZ"
SHORT_MS = 50
WAIT = 5_000


def _formats() -> dict[str, bytes]:
    mime = QGuiApplication.clipboard().mimeData(QClipboard.Mode.Clipboard)
    assert mime is not None
    return {name: bytes(mime.data(name).data()) for name in mime.formats()}


def test_the_key_carries_the_clipboard_history_hints(qtbot: QtBot) -> None:
    clipboard = SecretClipboard(clear_after_ms=SHORT_MS)
    clipboard.copy(KEY)
    assert QGuiApplication.clipboard().text() == KEY
    formats = _formats()
    assert formats["x-kde-passwordManagerHint"] == b"secret"  # Linux: Klipper, CopyQ, ...
    assert formats["ExcludeClipboardContentFromMonitorProcessing"]  # Windows: present
    assert formats["CanIncludeInClipboardHistory"] == b"\0\0\0\0"  # Windows: DWORD 0
    assert formats["CanUploadToCloudClipboard"] == b"\0\0\0\0"
    assert "application/x-nspasteboard-concealed-type" in formats  # macOS (Qt's form)
    assert "org.nspasteboard.ConcealedType" in formats
    assert set(SECRET_HINTS) <= set(formats)
    with qtbot.waitSignal(clipboard.cleared, timeout=WAIT):
        pass


def test_the_key_is_cleared_after_the_delay(qtbot: QtBot) -> None:
    clipboard = SecretClipboard(clear_after_ms=SHORT_MS)
    clipboard.copy(KEY)
    assert clipboard.holding
    with qtbot.waitSignal(clipboard.cleared, timeout=WAIT):
        pass
    assert QGuiApplication.clipboard().text() == ""
    mime = QGuiApplication.clipboard().mimeData()
    assert mime is None or not mime.formats()
    assert not clipboard.holding


def test_what_the_user_copied_meanwhile_is_left_alone(qtbot: QtBot) -> None:
    clipboard = SecretClipboard(clear_after_ms=SHORT_MS)
    cleared: list[bool] = []
    clipboard.cleared.connect(lambda: cleared.append(True))
    clipboard.copy(KEY)
    QGuiApplication.clipboard().setText("Qasımova Gülnarə, +994 55 987 65 43")
    qtbot.waitUntil(lambda: not clipboard.holding, timeout=WAIT)  # the timer has fired
    assert QGuiApplication.clipboard().text() == "Qasımova Gülnarə, +994 55 987 65 43"
    assert cleared == []


def test_the_application_clears_it_after_thirty_seconds(qtbot: QtBot) -> None:
    shared = secret_clipboard()
    assert shared is secret_clipboard()  # one for the application, outliving the window
    assert CLEAR_AFTER_MS == 30_000
    assert shared._timer.interval() == CLEAR_AFTER_MS
    assert shared._timer.isSingleShot()
