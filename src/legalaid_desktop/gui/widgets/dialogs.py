"""Opening dialogs without blocking (window-modal, deleted when closed) and asking yes/no."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


def open_dialog(dialog: QDialog, on_saved: Callable[[Any], None] | None = None) -> QDialog:
    """Show ``dialog`` modally without a nested event loop; ``on_saved`` gets its result."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    saved = getattr(dialog, "saved", None)
    if on_saved is not None and saved is not None:
        saved.connect(on_saved)
    dialog.open()
    return dialog


def confirm(parent: QWidget, title: str, question: str) -> bool:
    """Ask a yes/no question; "No" is the default answer."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
