"""Date fields shown as dd.MM.yyyy (DESIGN.md §8), with Python dates in and out."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QCheckBox, QDateEdit, QHBoxLayout, QWidget

DISPLAY_FORMAT = "dd.MM.yyyy"


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
        self.setDisplayFormat(DISPLAY_FORMAT)
        self.setCalendarPopup(True)
        style_calendar(self.calendarWidget())

    def value(self) -> date:
        return from_qdate(self.date())

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
