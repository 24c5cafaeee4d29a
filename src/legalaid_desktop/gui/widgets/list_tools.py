"""Filtering and sorting what a list shows: a filter field, and the keys lists sort by.

Typed text filters by folded words (:func:`legalaid_desktop.text.folding.fold`: "eliyev",
"ƏLİYEV" and "Əliyev" find the same rows, and so does "Алиев"); every word typed must occur in
the row. Names sort in Azerbaijani alphabetical order
(:func:`legalaid_desktop.text.collation.sort_string`), dates as dates, numbers as numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QWidget

from legalaid_desktop.i18n import _
from legalaid_desktop.text.collation import sort_string
from legalaid_desktop.text.folding import fold

FILTER_DELAY_MS = 150
"""How long typing pauses before the list is filtered again."""


def filter_words(query: str) -> tuple[str, ...]:
    """The folded words of a typed filter (none for an empty one)."""
    return tuple(fold(query).split())


def matches(words: tuple[str, ...], texts: Iterable[str]) -> bool:
    """Whether every folded word occurs in the folded ``texts`` (always, with no words)."""
    if not words:
        return True
    haystack = " " + fold(" ".join(texts))
    return all(word in haystack for word in words)


SortKey = tuple[int, str | int]


def text_key(text: str) -> SortKey:
    """Sort text in Azerbaijani alphabetical order (empty last)."""
    return (1, "") if not text else (0, sort_string(text))


def date_key(day: date | None) -> SortKey:
    """Sort dates as dates (none last)."""
    return (1, 0) if day is None else (0, day.toordinal())


def number_key(value: int | None) -> SortKey:
    """Sort numbers as numbers (none last)."""
    return (1, 0) if value is None else (0, value)


class FilterField(QLineEdit):
    """A field above a list: typed text filters it (``changed`` after a short pause).

    Escape clears it (and only then gives Escape to the window). Down moves to the list.
    """

    changed = Signal(str)
    to_list = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(lambda: self.changed.emit(self.text()))
        self.textChanged.connect(lambda _t: self._timer.start())
        self.retranslate()

    def focus_key(self, owner: QWidget) -> None:
        """Ctrl+F anywhere in ``owner`` (a page) comes here."""
        key = QShortcut(QKeySequence.StandardKey.Find, owner, self.setFocus)
        key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def retranslate(self) -> None:
        self.setPlaceholderText(_("Filter (Ctrl+F): type part of a name, number or word"))
        self.setAccessibleName(_("Filter the list"))

    def flush(self) -> None:
        """Filter now (tests, and Enter)."""
        self._timer.stop()
        self.changed.emit(self.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.flush()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            self.to_list.emit()
            return
        super().keyPressEvent(event)
