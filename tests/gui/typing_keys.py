"""Typing as a user does, with letters QTest.keyClicks does not know (Ə, ş, Рашад)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` key by key (a space is the space key)."""
    for ch in text:
        key = Qt.Key.Key_Space if ch == " " else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def type_into_focus(window: QWidget, text: str) -> QWidget:
    """Type ``text`` wherever ``window`` has its keyboard focus (returns that widget)."""
    target = window.focusWidget()
    assert target is not None, f"{type(window).__name__} has no focus widget"
    type_text(target, text)
    return target
