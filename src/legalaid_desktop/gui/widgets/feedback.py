"""Feedback helpers: validation messages beside fields, busy indicators, read-only text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.gui.application import set_role

MUTED = "color: #5f6368;"
"""The style sheet of secondary text (facts under a heading, captions, placeholders)."""


def text_label(parent: QWidget, style: str = "") -> QLabel:
    """A wrapping label whose text can be selected with the mouse (a record's facts)."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    return label


def message_label() -> QLabel:
    """An (initially empty) red label for a validation message beside a field."""
    label = QLabel()
    label.setWordWrap(True)
    set_role(label, "error")
    label.hide()
    return label


def show_message(label: QLabel, text: str, role: str = "error") -> None:
    """Show ``text`` in ``label`` (hide the label when ``text`` is empty)."""
    if label.property("role") != role:
        set_role(label, role)
    label.setText(text)
    label.setVisible(bool(text))


def check(validator: Callable[[str], object], value: str) -> str:
    """The message of the :class:`ValidationError` ``validator(value)`` raises, or ``""``."""
    try:
        validator(value)
    except ValidationError as exc:
        return str(exc)
    return ""


def busy_bar() -> QProgressBar:
    """An indeterminate progress bar (hidden until work starts)."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(8)
    bar.hide()
    return bar
