"""Copying a secret (the recovery key) to the clipboard as password managers do.

The text goes to the clipboard with the hints that clipboard histories and cloud clipboards
honour, so that they neither record nor sync it:

- Linux (KDE Klipper, CopyQ, GNOME and wlroots clipboard managers that follow the KDE convention,
  on X11 and Wayland): the type ``x-kde-passwordManagerHint`` with the value ``secret``;
- Windows: the clipboard formats ``ExcludeClipboardContentFromMonitorProcessing`` (present: no
  clipboard monitor may capture the content), ``CanIncludeInClipboardHistory`` = 0 and
  ``CanUploadToCloudClipboard`` = 0 (DWORDs: kept out of Win+V history and cloud sync). Qt
  registers a custom MIME type under its own name as a Windows clipboard format;
- macOS: ``application/x-nspasteboard-concealed-type``, the form Qt applications (KeePassXC,
  CopyQ, QtPass) use for the nspasteboard.org ``org.nspasteboard.ConcealedType`` marker, and the
  marker's own name.

Every hint is put on every platform: the formats are inert where nobody looks for them.

The clipboard is cleared :data:`CLEAR_AFTER_MS` after the copy, and when the application quits,
but only if it still holds the secret: whatever the user copied afterwards is left alone. A
recovery key pasted into "Forgot password?" is taken off the clipboard once it has opened the
store (:func:`forget_pasted`).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QCoreApplication, QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

CLEAR_AFTER_MS = 30_000

_DWORD_0 = b"\x00\x00\x00\x00"
_DWORD_1 = b"\x01\x00\x00\x00"

#: The hint formats and their values (see the module's docstring).
SECRET_HINTS: dict[str, bytes] = {
    "x-kde-passwordManagerHint": b"secret",
    "ExcludeClipboardContentFromMonitorProcessing": _DWORD_1,
    "CanIncludeInClipboardHistory": _DWORD_0,
    "CanUploadToCloudClipboard": _DWORD_0,
    "application/x-nspasteboard-concealed-type": b"secret",
    "org.nspasteboard.ConcealedType": b"secret",
}


def secret_mime_data(text: str) -> QMimeData:
    """``text`` as plain text, with every clipboard-history hint."""
    mime = QMimeData()
    mime.setText(text)
    for name, value in SECRET_HINTS.items():
        mime.setData(name, QByteArray(value))
    return mime


class SecretClipboard(QObject):
    """Puts a secret on the clipboard and takes it off again after a while.

    Args:
        clear_after_ms: How long the secret stays on the clipboard (tests pass a shorter time).
        clipboard: The clipboard (the application's by default).

    Signals:
        cleared(): the secret was taken off the clipboard (not emitted when the user had copied
            something else meanwhile).
    """

    cleared = Signal()

    def __init__(
        self,
        clear_after_ms: int = CLEAR_AFTER_MS,
        clipboard: QClipboard | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clipboard = clipboard or QGuiApplication.clipboard()
        self._secret: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.clear)

    @property
    def holding(self) -> bool:
        """Whether a secret copied here may still be on the clipboard (the timer runs)."""
        return self._secret is not None

    def copy(self, secret: str) -> None:
        """Put ``secret`` on the clipboard (with the hints) and start the countdown."""
        self._clipboard.setMimeData(secret_mime_data(secret), QClipboard.Mode.Clipboard)
        self._secret = secret
        self._timer.start()

    def clear(self) -> None:
        """Take the secret off the clipboard now, if it is still there."""
        secret, self._secret = self._secret, None
        self._timer.stop()
        if secret is None:
            return
        mime = self._clipboard.mimeData(QClipboard.Mode.Clipboard)
        if mime is not None and mime.hasText() and mime.text() == secret:
            self._clipboard.clear(QClipboard.Mode.Clipboard)
            self.cleared.emit()


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper()


def forget_pasted(secret: str) -> bool:
    """Clear the clipboard if it holds ``secret`` (a recovery key that was pasted: dashes,
    spaces and case do not matter); ``True`` if it did."""
    clipboard = QGuiApplication.clipboard()
    text = clipboard.text(QClipboard.Mode.Clipboard)
    if secret and text and _letters(text) == _letters(secret):
        clipboard.clear(QClipboard.Mode.Clipboard)
        return True
    return False


_shared: SecretClipboard | None = None


def secret_clipboard() -> SecretClipboard:
    """The application's secret clipboard: it outlives the window that copied, and it clears
    the clipboard when the application quits."""
    global _shared
    app = QCoreApplication.instance()
    if _shared is None or _shared.parent() is not app:
        _shared = SecretClipboard(parent=app)
        if app is not None:
            app.aboutToQuit.connect(_shared.clear)
    return _shared


def copy_secret(secret: str) -> SecretClipboard:
    """Copy ``secret`` with the clipboard-history hints; it is cleared after 30 seconds."""
    clipboard = secret_clipboard()
    clipboard.copy(secret)
    return clipboard
