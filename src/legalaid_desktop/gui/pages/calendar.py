"""The calendar of deadlines and follow-ups: a month with busy days marked, and a day's list.

The list sorts by a click on a column's header (dates as dates, names in Azerbaijani order) and
filters by the text typed above it; deadlines and follow-ups are ticked done in its first column
(a follow-up closed by a later consultation shows ticked and cannot be unticked).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import AgendaItem
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.domain.users import UserInfo
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.case_tabs import ID_ROLE, RED, cell, record_table
from legalaid_desktop.gui.widgets.dates import from_qdate, style_calendar, to_qdate
from legalaid_desktop.gui.widgets.list_export import ExportButton, Job, table_work
from legalaid_desktop.gui.widgets.list_tools import (
    FilterField,
    SortKey,
    date_key,
    filter_words,
    matches,
    text_key,
)
from legalaid_desktop.gui.widgets.locale import qlocale
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.statistics.writers import RecordCell
from legalaid_desktop.text.casing import az_upper

OVERDUE_DAYS = 365
_BUSY = QColor("#dbe8fb")
_NUMBER_ROLE = Qt.ItemDataRole.UserRole + 2
_KIND_ROLE = Qt.ItemDataRole.UserRole + 3
DONE_COLUMN, DATE_COLUMN, KIND_COLUMN, CASE_COLUMN = 0, 1, 2, 3
CLIENT_COLUMN, LAWYER_COLUMN, DESCRIPTION_COLUMN = 4, 5, 6
COLUMNS = 7


class CalendarPage(Page):
    """Deadlines and consultation follow-ups by day, week, or overdue; tick deadlines done."""

    shows = frozenset({Change.AGENDA})

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.items: list[AgendaItem] = []
        self.shown: list[AgendaItem] = []
        """The items in the table, filtered and sorted as shown."""
        self._sort: tuple[int, bool] = (DATE_COLUMN, False)  # column, descending
        self._words: tuple[str, ...] = ()
        self._loaded = False
        self._filling = False
        self._marked: list[date] = []
        self._lawyers: dict[str, str] = {}
        self.calendar = QCalendarWidget(self)
        # Qt's own 'today' is the machine's clock; the centers' day is Baku's (UTC+4), which
        # differs every evening from 20:00 UTC on a machine set to UTC.
        self.calendar.setSelectedDate(to_qdate(today()))
        style_calendar(self.calendar)
        self.calendar.setMinimumSize(380, 300)
        self.calendar.setMaximumWidth(460)
        self.today_button = QPushButton(self)
        self.scope_label = QLabel(self)
        self.scope = QComboBox(self)
        self.scope_label.setBuddy(self.scope)
        self.mine = QCheckBox(self)
        self.mine.setChecked(ctx.actor.can(Permission.EDIT_CASES))
        self.show_done = QCheckBox(self)
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.export_button = ExportButton(ctx, "calendar", self._export_job, self)
        self.export_button.message.connect(self.status_message)
        self.filter = FilterField(self)
        self.table = record_table(self, COLUMNS)
        # Room for long Azerbaijani and Russian texts: the check box column is narrow (its
        # header is a tick, "Done" is its tool tip), names wrap in a column of fixed width and
        # the description takes the room that is left and wraps; rows grow to fit.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DONE_COLUMN, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(DONE_COLUMN, 34)
        for column in (CLIENT_COLUMN, LAWYER_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, 160)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(DATE_COLUMN, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self.sort_by)
        header.setSectionResizeMode(DESCRIPTION_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.empty_label = QLabel(self)
        self.empty_label.setStyleSheet("color: #5f6368; padding: 16px;")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._lay_out()
        self.calendar.selectionChanged.connect(self._load_list)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self._load_month())
        self.calendar.activated.connect(lambda _d: self.table.setFocus())
        self.today_button.clicked.connect(self.go_today)
        self.scope.currentIndexChanged.connect(lambda _i: self._load_list())
        self.mine.toggled.connect(lambda _on: self.refresh())
        self.show_done.toggled.connect(lambda _on: self._load_list())
        self.table.activated.connect(self._open_index)
        self.table.itemChanged.connect(self._ticked)
        self.filter.changed.connect(self._filter)
        self.filter.focus_key(self)
        self.filter.to_list.connect(self.table.setFocus)
        self.setFocusProxy(self.calendar)
        users = ctx.services.users
        QueryOp(
            self.ctx.tasks,
            users.list,
            success=self._users_arrived,
            failure=lambda _e: None,
            parent=self,
        ).latest("users").run()
        self.retranslate()

    def _users_arrived(self, users: list[UserInfo]) -> None:
        self._lawyers = {u.username: u.full_name for u in users}
        if self.items:
            self._show_items(self.items)

    def _lay_out(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.calendar)
        left.addWidget(self.today_button)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_label)
        scope_row.addWidget(self.scope, 1)
        left.addLayout(scope_row)
        left.addWidget(self.mine)
        left.addWidget(self.show_done)
        left.addStretch(1)
        right = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.export_button)
        right.addLayout(top)
        right.addWidget(self.filter)
        right.addWidget(self.empty_label)
        right.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addSpacing(12)
        layout.addLayout(right, 1)

    # -- Page -----------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Calendar")

    def refresh(self) -> None:
        """Reload the marks of the month shown and the list."""
        self._loaded = True
        self._load_month()
        self._load_list()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def go_today(self) -> None:
        self.calendar.setSelectedDate(to_qdate(today()))
        self.calendar.setFocus()

    def select_day(self, day: date) -> None:
        self.calendar.setSelectedDate(to_qdate(day))

    def _lawyer(self) -> str | None:
        return self.ctx.actor.username if self.mine.isChecked() else None

    # -- the month ------------------------------------------------------------------------------

    def _load_month(self) -> None:
        first = date(self.calendar.yearShown(), self.calendar.monthShown(), 1)
        start, end = first - timedelta(days=7), first + timedelta(days=42)
        agenda, lawyer = self.ctx.services.agenda, self._lawyer()
        QueryOp(
            self.ctx.tasks,
            lambda: agenda.items(start, end, lawyer=lawyer),
            success=self._mark_month,
            parent=self,
        ).latest("month").run()

    def _mark_month(self, items: list[AgendaItem]) -> None:
        plain = QTextCharFormat()
        for day in self._marked:
            self.calendar.setDateTextFormat(to_qdate(day), plain)
        day_today = today()
        self._marked = sorted({item.due_on for item in items})
        for day in self._marked:
            mark = QTextCharFormat()
            mark.setFontWeight(700)
            mark.setBackground(QBrush(_BUSY))
            if day < day_today:
                mark.setForeground(QBrush(RED))
            self.calendar.setDateTextFormat(to_qdate(day), mark)

    def marked_days(self) -> list[date]:
        """Days of the month shown that have open deadlines or follow-ups."""
        return list(self._marked)

    # -- the list -------------------------------------------------------------------------------

    def _range(self) -> tuple[date, date]:
        chosen = from_qdate(self.calendar.selectedDate())
        scope = self.scope.currentData()
        if scope == "week":
            monday = chosen - timedelta(days=chosen.weekday())
            return monday, monday + timedelta(days=6)
        if scope == "overdue":
            return today() - timedelta(days=OVERDUE_DAYS), today() - timedelta(days=1)
        return chosen, chosen

    def _load_list(self) -> None:
        start, end = self._range()
        self._show_heading(start, end)
        include_done = self.show_done.isChecked() and self.scope.currentData() != "overdue"
        agenda, lawyer = self.ctx.services.agenda, self._lawyer()
        QueryOp(
            self.ctx.tasks,
            lambda: agenda.items(start, end, lawyer=lawyer, include_done=include_done),
            success=self._show_items,
            parent=self,
        ).latest("list").run()

    def _show_heading(self, start: date, end: date) -> None:
        scope = self.scope.currentData()
        if scope == "overdue":
            self.heading.setText(_("Overdue"))
        elif start == end:
            weekday = qlocale(self.ctx.language).dayName(to_qdate(start).dayOfWeek())
            weekday = az_upper(weekday[:1]) + weekday[1:]
            self.heading.setText(f"{weekday}, {format_date(start)}")
        else:
            self.heading.setText(f"{format_date(start)} – {format_date(end)}")

    def _show_items(self, items: list[AgendaItem]) -> None:
        self.items = list(items)
        self._fill()

    # -- sorting and filtering ------------------------------------------------------------------

    def sort_by(self, column: int) -> None:
        """Sort by ``column``; a second click on the same column reverses the order."""
        current, descending = self._sort
        self._sort = (column, not descending if column == current else False)
        order = Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)
        self._fill()

    def _filter(self, text: str) -> None:
        self._words = filter_words(text)
        self._fill()

    def _sort_key(self, item: AgendaItem) -> tuple[SortKey, ...]:
        column = self._sort[0]
        by_date = (date_key(item.due_on), text_key(item.case_number))
        if column == DONE_COLUMN:
            return ((int(item.done), ""), *by_date)
        if column == KIND_COLUMN:
            return (text_key(self._kind(item)), *by_date)
        if column == CASE_COLUMN:
            return (text_key(item.case_number), date_key(item.due_on))
        if column == CLIENT_COLUMN:
            return (text_key(item.client), *by_date)
        if column == LAWYER_COLUMN:
            return (text_key(self._lawyer_name(item)), *by_date)
        if column == DESCRIPTION_COLUMN:
            return (text_key(item.description), *by_date)
        return by_date

    def _kind(self, item: AgendaItem) -> str:
        return _("Deadline") if item.kind == "deadline" else _("Follow-up")

    def _lawyer_name(self, item: AgendaItem) -> str:
        return item.lawyer_name or self._lawyers.get(item.lawyer, item.lawyer)

    def _texts(self, item: AgendaItem) -> list[str]:
        return [
            format_date(item.due_on),
            self._kind(item),
            item.case_number,
            item.client,
            self._lawyer_name(item),
            item.lawyer,
            item.description,
        ]

    def _fill(self) -> None:
        words = self._words
        shown = [i for i in self.items if matches(words, self._texts(i))]
        shown.sort(key=self._sort_key, reverse=self._sort[1])
        self.shown = shown
        self._filling = True
        self.table.setRowCount(0)
        day_today = today()
        for item in shown:
            row = self.table.rowCount()
            self.table.insertRow(row)
            done = cell("", item.ref_id)
            done.setData(_KIND_ROLE, item.kind)
            done.setCheckState(Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked)
            if item.closed_by is not None:
                done.setToolTip(
                    _("Closed by the consultation of {date}").format(
                        date=format_date(item.closed_by)
                    )
                )
            else:
                done.setFlags(done.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                done.setToolTip(_("Done"))
            cells = [
                done,
                cell(format_date(item.due_on)),
                cell(self._kind(item)),
                cell(item.case_number),
                cell(item.client),
                cell(self._lawyer_name(item)),
                cell(item.description),
            ]
            cells[DESCRIPTION_COLUMN].setToolTip(item.description)
            overdue = not item.done and item.due_on < day_today
            for column, entry in enumerate(cells):
                entry.setData(_NUMBER_ROLE, item.case_number)
                if overdue:
                    entry.setForeground(RED)
                    entry.setToolTip(_("Overdue"))
                self.table.setItem(row, column, entry)
        self._filling = False
        self.table.resizeRowsToContents()
        if self.items and not shown:
            self.empty_label.setText(_("Nothing matches the filter."))
        else:
            self.empty_label.setText(_("Nothing due."))
        self.empty_label.setVisible(not shown)

    def _export_job(self) -> Job:
        """What "Export…" writes: the rows the list shows, filtered and sorted as shown."""
        header = [_("Done"), _("Date"), _("Kind"), _("Case"), _("Client"), _("Lawyer")]
        header.append(_("Description"))
        yes, no = _("Yes"), _("No")
        rows: list[list[RecordCell]] = [
            [
                yes if i.done else no,
                i.due_on,
                self._kind(i),
                i.case_number,
                i.client,
                self._lawyer_name(i),
                i.description,
            ]
            for i in self.shown
        ]
        start, end = self._range()
        used = {"from": start.isoformat(), "to": end.isoformat()}
        if self._lawyer():
            used["lawyer"] = str(self._lawyer())
        if self.filter.text().strip():
            used["text"] = self.filter.text().strip()
        return table_work(self.ctx, "calendar", _("Calendar"), header, rows, used)

    def _open_index(self, index: QModelIndex) -> None:
        item = self.table.item(index.row(), 0) if index.isValid() else None
        number = item.data(_NUMBER_ROLE) if item else None
        if isinstance(number, str) and number:
            self.open_case.emit(number)

    def _ticked(self, entry: QTableWidgetItem) -> None:
        if self._filling or entry.column() != 0:
            return
        ref_id = entry.data(ID_ROLE)
        if not isinstance(ref_id, str):
            return
        done = entry.checkState() == Qt.CheckState.Checked
        if entry.data(_KIND_ROLE) == "follow_up":
            self.set_follow_up_done(ref_id, done)
        else:
            self.set_done(ref_id, done)

    def set_done(self, deadline_id: str, done: bool) -> None:
        """Mark a deadline done (or not) in the background; the change reloads the page."""
        records = self.ctx.services.records
        self._write(lambda: records.set_deadline_done(deadline_id, done), deadline_id)

    def set_follow_up_done(self, consultation_id: str, done: bool) -> None:
        """Mark a consultation's follow-up done (or not) in the background."""
        records = self.ctx.services.records
        self._write(lambda: records.set_follow_up_done(consultation_id, done), consultation_id)

    def _write(self, call: Callable[[], object], ref_id: str) -> None:
        WriteOp(
            self.ctx.tasks,
            call,
            changes={Change.AGENDA, Change.CASES},
            failure=self._tick_failed,
            parent=self,
        ).latest(f"done-{ref_id}").run()

    def _tick_failed(self, exc: BaseException) -> None:
        self._show_items(self.items)
        self.ctx.tasks.error_handler(exc)

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.calendar.setLocale(qlocale(self.ctx.language))
        self.calendar.setAccessibleName(_("Calendar"))
        self.today_button.setText(_("&Today"))
        self.scope_label.setText(_("S&how:"))
        chosen = self.scope.currentData() or "day"
        blocked = self.scope.blockSignals(True)
        self.scope.clear()
        for text, value in (
            (_("Selected day"), "day"),
            (_("Week of the selected day"), "week"),
            (_("Overdue"), "overdue"),
        ):
            self.scope.addItem(text, value)
        self.scope.setCurrentIndex(max(0, self.scope.findData(chosen)))
        self.scope.blockSignals(blocked)
        self.mine.setText(_("Only &mine"))
        self.show_done.setText(_("Show &done items"))
        self.export_button.retranslate()
        self.filter.retranslate()
        self.table.setHorizontalHeaderLabels(
            ["✓", _("Date"), _("Kind"), _("Case"), _("Client"), _("Lawyer"), _("Description")]
        )
        done = self.table.horizontalHeaderItem(DONE_COLUMN)
        if done is not None:
            done.setToolTip(_("Done"))
            done.setData(Qt.ItemDataRole.AccessibleTextRole, _("Done"))
        self.table.setAccessibleName(_("Deadlines and follow-ups"))
        if self._loaded:
            self._show_heading(*self._range())
            self._show_items(self.items)
