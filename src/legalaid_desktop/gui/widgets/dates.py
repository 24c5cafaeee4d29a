"""Date fields shown as dd.MM.yyyy (DESIGN.md §8), with Python dates in and out.

A date can be typed whole: Qt's date field only edits one section (day, month, year) at a time
and rejects text typed over a selection ("10.12.2026" typed over the whole field left the old
date, or a mix of old and new sections). :class:`DateEdit` selects the whole date when it gets
the focus from the keyboard and accepts ``d.M.yyyy`` typed from the start (with ``.``, ``/``,
``-`` or ``,`` between the parts); a complete date outside the field's range is not taken. Up
and Down, the calendar pop-up and typing into a selected section work as before.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QTextCharFormat, QValidator
from PySide6.QtWidgets import QCalendarWidget, QCheckBox, QDateEdit, QHBoxLayout, QWidget

DISPLAY_FORMAT = "dd.MM.yyyy"

#: A date being typed: day, month and year so far (each part may still be incomplete).
_TYPING = re.compile(r"^\s*(\d{1,2})?(?:[./,-](\d{0,2})(?:[./,-](\d{0,4}))?)?\s*$")
_SEPARATORS = "./,-"
#: A whole typed date.
_WHOLE = re.compile(r"^\s*(\d{1,2})[./,-](\d{1,2})[./,-](\d{4})\s*$")


def parse_typed_date(text: str) -> date | None:
    """The date in ``text`` typed as ``d.M.yyyy`` (``None`` if it is not a whole valid date)."""
    match = _WHOLE.match(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def typed_date_state(text: str, lowest: date, highest: date) -> QValidator.State:
    """Whether ``text`` is a whole date in range (Acceptable), could become one (Intermediate)
    or is no date being typed at all (Invalid)."""
    whole = parse_typed_date(text)
    if whole is not None:
        return (
            QValidator.State.Acceptable
            if lowest <= whole <= highest
            else QValidator.State.Intermediate
        )
    match = _TYPING.match(text)
    if match is None:
        return QValidator.State.Invalid
    day, month, year = match.groups()
    if (day and int(day) > 31) or (month and int(month) > 12):
        return QValidator.State.Invalid
    if year is not None and len(year) == 4 and day and month:
        return QValidator.State.Invalid  # a whole date that does not exist (31.02.2026)
    return QValidator.State.Intermediate


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def style_calendar(calendar: QCalendarWidget) -> None:
    """Monday first, weekend days in the normal text colour, ISO week numbers hidden."""
    calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
    calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
    plain = QTextCharFormat()
    plain.setForeground(QColor("#444444"))
    for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
        calendar.setWeekdayTextFormat(day, plain)


class DateEdit(QDateEdit):
    """A date field with a calendar pop-up, ``dd.MM.yyyy``."""

    def __init__(self, value: date, parent: QWidget | None = None) -> None:
        super().__init__(to_qdate(value), parent)
        self._typing: str | None = None  # the date typed so far over the whole field
        self.setDisplayFormat(DISPLAY_FORMAT)
        self.setCalendarPopup(True)
        style_calendar(self.calendarWidget())

    def value(self) -> date:
        return from_qdate(self.date())

    # -- typing a whole date --------------------------------------------------------------------

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        """A date typed whole (``d.M.yyyy``) as well as Qt's section-by-section editing."""
        state = typed_date_state(
            text, from_qdate(self.minimumDate()), from_qdate(self.maximumDate())
        )
        if state == QValidator.State.Acceptable or (
            state == QValidator.State.Intermediate and parse_typed_date(text) is None
        ):
            return state, text, pos
        return super().validate(text, pos)

    def dateTimeFromText(self, text: str) -> QDateTime:
        typed = parse_typed_date(text)
        if typed is not None:
            return QDateTime(to_qdate(typed), QTime(0, 0))
        return super().dateTimeFromText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Digits and separators typed over the whole date (or after such typing) build the new
        date as typed; anything else is Qt's own section editing."""
        line = self.lineEdit()
        text = event.text()
        plain = not (
            event.modifiers()
            & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        )
        whole = bool(line.text()) and line.selectedText() == line.text()
        if plain and text and (text.isdigit() or text in _SEPARATORS):
            if whole or self._typing is not None:
                candidate = ("" if whole else self._typing or "") + text
                lowest, highest = from_qdate(self.minimumDate()), from_qdate(self.maximumDate())
                if typed_date_state(candidate, lowest, highest) != QValidator.State.Invalid:
                    self._typing = candidate
                    line.setText(candidate)
                    line.setCursorPosition(len(candidate))
                event.accept()
                return
        if plain and event.key() == Qt.Key.Key_Backspace and self._typing:
            self._typing = self._typing[:-1]
            line.setText(self._typing)
            event.accept()
            return
        if event.key() not in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt):
            self._typing = None
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab leaves the field when the whole date is selected (the field was just entered)
        or was typed whole, as from any other field; Qt would step through day, month and
        year first (three presses to get past one date)."""
        line = self.lineEdit()
        whole = bool(line.text()) and line.selectedText() == line.text()
        if self.hasFocus() and (whole or self._typing is not None):
            self._typing = None
            return QWidget.focusNextPrevChild(self, next)
        return super().focusNextPrevChild(next)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._typing = None
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._typing = None
        super().focusInEvent(event)
        if event.reason() in (
            Qt.FocusReason.TabFocusReason,
            Qt.FocusReason.BacktabFocusReason,
            Qt.FocusReason.ShortcutFocusReason,
            Qt.FocusReason.OtherFocusReason,
            Qt.FocusReason.ActiveWindowFocusReason,
        ):
            # after Qt selected the first section: typing replaces the whole date
            QTimer.singleShot(0, self, self.selectAll)

    def set_value(self, value: date) -> None:
        self.setDate(to_qdate(value))

    def set_latest(self, value: date) -> None:
        """Dates after ``value`` cannot be chosen (e.g. a consultation cannot be in the future)."""
        self.setMaximumDate(to_qdate(value))


class OptionalDateEdit(QWidget):
    """A date that may be left out: a check box switches the date field on.

    Signals:
        changed(): the check box or the date changed.
    """

    changed = Signal()

    def __init__(self, default: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(self)
        self.edit = DateEdit(default, self)
        self.edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(self.changed)
        self.edit.dateChanged.connect(self.changed)
        self.setFocusProxy(self.check)

    def value(self) -> date | None:
        return self.edit.value() if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.set_value(value)

    def set_texts(self, check_text: str, accessible_name: str) -> None:
        """The check box's text and the date field's accessible name (translated)."""
        self.check.setText(check_text)
        self.check.setAccessibleName(accessible_name)
        self.edit.setAccessibleName(accessible_name)
