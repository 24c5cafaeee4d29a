"""A coloured badge showing a case's status."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

# (background, text) per status: calm colours that stay readable in print and for colour blindness
# (the label always carries the status in words).
_COLORS = {
    "open": ("#d7f0dd", "#14532d"),
    "pending": ("#fdf0c8", "#6b4e00"),
    "closed": ("#e4e4e7", "#3f3f46"),
    "transferred": ("#dbe8fb", "#1e3a8a"),
}


class StatusBadge(QLabel):
    """The status label on a rounded, coloured background."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def set_status(self, code: str, label: str) -> None:
        background, color = _COLORS.get(code, ("#e4e4e7", "#27272a"))
        self.setText(label)
        self.setAccessibleName(label)
        self.setStyleSheet(
            f"QLabel {{ background: {background}; color: {color}; border-radius: 9px;"
            " padding: 2px 10px; font-weight: 600; }"
        )
