"""The message shown under a form field while its value is not valid."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR_COLOR = "#b3261e"


class FieldError(QLabel):
    """A red, wrapping message that is hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOR};")
        self.hide()

    def show_message(self, message: str | None) -> None:
        """Show ``message``, or hide the label for ``None`` / an empty message."""
        self.setText(message or "")
        self.setAccessibleName(message or "")
        self.setVisible(bool(message))
