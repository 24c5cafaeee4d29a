"""A lazy table model over a paged service call.

The services list records one page at a time (``fetch(offset, limit) -> Page``). The model asks
for the first page when a query is set and for the next one only when the view scrolls near the
end (``canFetchMore``/``fetchMore``), always on a worker thread, so a list of 150,000 cases opens
after one page and scrolls without freezing. A page that is being loaded is not asked for again,
and a page of an older query (before :meth:`PagedTableModel.reset_query`) is thrown away.

The rows come before the count: a query may come with a separate ``count`` function, whose
pages then only say whether more rows follow (``Page.total`` is a lower bound, see
``CaseService.list(count=False)``). The model paints the first page at once, shows "at least N"
(:attr:`PagedTableModel.total_exact` is ``False``) and asks for the exact figure in the
background, after the first page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from legalaid_desktop.domain.cases import Page
from legalaid_desktop.gui.tasks import QueryOp, TaskRunner
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_integer
from legalaid_desktop.tracebacks import redacted_traceback

Fetch = Callable[[int, int], Page[Any]]
Count = Callable[[], int]
Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200
RELOAD_LIMIT = 2000
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The role under which :meth:`PagedTableModel.data` returns the row object itself."""

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    """One column: its (translated) header and how a row object is shown in it.

    Attributes:
        header: Returns the header text in the current language.
        text: Returns the cell text of a row.
        align: Alignment of the cells (numbers to the right).
        color: Optional text colour of a row's cell (e.g. red for overdue).
        sort: The order the service sorts by for this column (``None``: not sortable).
    """

    header: Callable[[], str]
    text: Callable[[Any], str]
    align: Qt.AlignmentFlag = _LEFT
    color: Callable[[Any], QColor | None] | None = None
    sort: str | None = None


class PagedTableModel(QAbstractTableModel):
    """Rows of a paged query, loaded 200 at a time in the background.

    Signals:
        loading_changed(bool): a page started or finished loading.
        total_changed(int): the number of rows the query has in all.
        failed(object): loading a page failed (the exception).
        order_changed(): the user chose another order (a header click); the page that owns
            the model runs its query again with :meth:`order`.
    """

    loading_changed = Signal(bool)
    total_changed = Signal(int)
    failed = Signal(object)
    order_changed = Signal()

    def __init__(
        self,
        tasks: TaskRunner,
        columns: Sequence[Column],
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._columns = tuple(columns)
        self._page_size = page_size
        self._fetch: Fetch | None = None
        self._count: Count | None = None
        self._rows: list[Any] = []
        self._total: int | None = None
        self._exact = True
        self._complete = False  # a short page showed the end of the list
        self._counting = False
        self._reload_limit = 0
        self._shown: tuple[int, bool] | None = None  # (total, exact) last announced
        self._generation = 0
        self._loading_offset: int | None = None
        self._reloading = False
        self._order: tuple[str | None, bool] = (None, False)

    # -- order ----------------------------------------------------------------------------------

    def order(self) -> tuple[str | None, bool]:
        """The order chosen: ``(the column's sort key or None for the default, descending)``."""
        return self._order

    def set_order(self, key: str | None, descending: bool = False) -> None:
        """Set the order without announcing it (the page's starting order)."""
        self._order = (key, descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header was clicked: sorting is the service's (the whole list, not the page)."""
        key = self._columns[column].sort if 0 <= column < len(self._columns) else None
        if key is None:
            return
        chosen = (key, order == Qt.SortOrder.DescendingOrder)
        if chosen != self._order:
            self._order = chosen
            self.order_changed.emit()

    # -- queries --------------------------------------------------------------------------------

    def reset_query(self, fetch: Fetch | None, count: Count | None = None) -> None:
        """Show the rows of a new query (e.g. after a filter change); loads its first page.

        Pages of the previous query still in flight are discarded when they arrive.

        Args:
            fetch: Returns the page at ``(offset, limit)``.
            count: If given, returns how many rows the query has in all, and ``fetch``'s
                ``Page.total`` is only a lower bound (more than the rows so far when more
                follow). The count is asked for in the background once the first page is
                shown, and only when that page is full.
        """
        self.beginResetModel()
        self._fetch = fetch
        self._count = count
        self._rows = []
        self._total = None
        self._exact = count is None
        self._complete = False
        self._shown = None
        self._counting = False
        self._generation += 1
        was_loading = self._loading_offset is not None or self._reloading
        self._loading_offset = None
        self._reloading = False
        self.endResetModel()
        if was_loading:
            self.loading_changed.emit(False)
        if fetch is not None:
            self._request()

    def refresh(self) -> None:
        """Run the current query again from its first page."""
        self.reset_query(self._fetch, self._count)

    def reload(self) -> None:
        """Fetch the rows already loaded again, in place (keeps the scroll position).

        For coming back to a list that may have changed meanwhile. A long list (more than
        :data:`RELOAD_LIMIT` rows loaded) starts again from its first page instead.
        """
        if self._fetch is None or self.loading:
            return
        if len(self._rows) > RELOAD_LIMIT:
            self.refresh()
            return
        fetch, generation = self._fetch, self._generation
        limit = max(len(self._rows), self._page_size)
        self._reload_limit = limit
        self._reloading = True
        self.loading_changed.emit(True)

        def load() -> tuple[int, int, Page[Any] | None, BaseException | None]:
            try:
                return generation, 0, fetch(0, limit), None
            except Exception as exc:
                exc.__traceback_text__ = redacted_traceback(exc)  # type: ignore[attr-defined]
                return generation, 0, None, exc

        QueryOp(self._tasks, load, success=self._reloaded).run()

    @property
    def total(self) -> int | None:
        """How many rows the query has in all (``None`` before the first page arrived).

        While :attr:`total_exact` is ``False`` this is a lower bound: the rows loaded, plus
        one when more follow.
        """
        return self._total

    @property
    def total_exact(self) -> bool:
        """Whether :attr:`total` is the exact figure (not yet, while a count is on its way)."""
        return self._exact

    @property
    def loading(self) -> bool:
        return self._loading_offset is not None or self._reloading

    def count_text(self, exact: Callable[[int], str], at_least: Callable[[int], str]) -> str:
        """The line under a list saying how many rows it has, in the current language.

        Args:
            exact: The translated template (``{n}``) for the exact count, given the count (for
                the plural form): ``lambda n: ngettext("{n} case", "{n} cases", n)``.
            at_least: The same for the rows shown while the exact count is on its way.
        """
        if self._total is None:
            return _("Loading…") if self.loading else ""
        if self._exact:
            n = self._total
            return exact(n).format(n=format_integer(n))
        shown = self.rowCount()
        return at_least(shown).format(n=format_integer(shown))

    def row(self, row: int) -> Any:
        """The row object at ``row``."""
        return self._rows[row]

    def rows(self) -> list[Any]:
        """The rows loaded so far."""
        return list(self._rows)

    # -- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            return column.color(row)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self._columns):
                return self._columns[section].header()
        return super().headerData(section, orientation, role)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._fetch is None:
            return False
        return self._total is None or len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Ask for the next page in the background (nothing if it is already on its way)."""
        if self.canFetchMore(parent) and not self.loading:
            self._request()

    def retranslate(self) -> None:
        """Headers and code labels are re-read in the current language."""
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- loading --------------------------------------------------------------------------------

    def _request(self) -> None:
        fetch = self._fetch
        if fetch is None:
            return
        generation, offset, limit = self._generation, len(self._rows), self._page_size
        self._loading_offset = offset
        self.loading_changed.emit(True)

        def load() -> tuple[int, int, Page[Any] | None, BaseException | None]:
            try:
                return generation, offset, fetch(offset, limit), None
            except Exception as exc:
                exc.__traceback_text__ = redacted_traceback(exc)  # type: ignore[attr-defined]
                return generation, offset, None, exc

        QueryOp(self._tasks, load, success=self._arrived).run()

    def _arrived(self, packet: tuple[int, int, Page[Any] | None, BaseException | None]) -> None:
        generation, offset, page, exc = packet
        if generation != self._generation or offset != self._loading_offset:
            return  # a page of an older query
        self._loading_offset = None
        self.loading_changed.emit(False)
        if exc is not None or page is None:
            self.failed.emit(exc)
            self._tasks.error_handler(exc or RuntimeError("no page"))
            return
        rows = list(page.rows)
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        # A short or empty page ends the list even if the count said otherwise (rows deleted).
        if len(rows) < self._page_size:
            self._exact = self._complete = True
            self._set_total(len(self._rows))
        elif self._count is None:
            self._set_total(max(page.total, len(self._rows)))
        elif self._exact:  # counted already: the count stays (the rows may have passed it)
            self._set_total(max(self._total or 0, len(self._rows)))
        else:  # a lower bound, until the count arrives
            self._set_total(max(page.total, len(self._rows)))
            self._request_count()

    def _reloaded(self, packet: tuple[int, int, Page[Any] | None, BaseException | None]) -> None:
        generation, _offset, page, exc = packet
        if generation != self._generation or not self._reloading:
            return  # the query changed meanwhile
        self._reloading = False
        self.loading_changed.emit(False)
        if exc is not None or page is None:
            self.failed.emit(exc)
            self._tasks.error_handler(exc or RuntimeError("no page"))
            return
        new = list(page.rows)
        old = len(self._rows)
        if len(new) < old:
            self.beginRemoveRows(QModelIndex(), len(new), old - 1)
            del self._rows[len(new) :]
            self.endRemoveRows()
        kept = min(old, len(new))
        self._rows[:kept] = new[:kept]
        if kept:
            self.dataChanged.emit(self.index(0, 0), self.index(kept - 1, len(self._columns) - 1))
        if len(new) > old:
            self.beginInsertRows(QModelIndex(), old, len(new) - 1)
            self._rows.extend(new[old:])
            self.endInsertRows()
        if self._count is None:
            self._set_total(max(page.total, len(self._rows)))
        elif len(new) < self._reload_limit:
            self._exact = self._complete = True
            self._set_total(len(self._rows))
        else:
            # The list may have grown or shrunk: it is counted again, quietly (the figure
            # shown stays until the new one arrives, unless the rows outgrow it).
            self._complete = False
            if self._exact:
                self._set_total(max(self._total or 0, len(self._rows)))
            else:
                self._set_total(max(page.total, len(self._rows)))
            self._request_count()

    def _set_total(self, total: int) -> None:
        """Set :attr:`total`; ``total_changed`` tells of a new figure or one now exact."""
        shown = (total, self._exact)
        if shown != self._shown:
            self._total = total
            self._shown = shown
            self.total_changed.emit(total)

    def _request_count(self) -> None:
        """Ask for the exact number of rows in the background (once at a time per query)."""
        count = self._count
        if count is None or self._counting:
            return
        self._counting = True
        generation = self._generation

        def load() -> tuple[int, int | None, BaseException | None]:
            try:
                return generation, count(), None
            except Exception as exc:
                exc.__traceback_text__ = redacted_traceback(exc)  # type: ignore[attr-defined]
                return generation, None, exc

        QueryOp(self._tasks, load, success=self._counted).run()

    def _counted(self, packet: tuple[int, int | None, BaseException | None]) -> None:
        generation, total, exc = packet
        if generation != self._generation:
            return  # the count of an older query
        self._counting = False
        if exc is not None or total is None:
            self.failed.emit(exc)
            self._tasks.error_handler(exc or RuntimeError("no count"))
            return
        self._exact = True
        if self._complete:
            return  # the last page arrived meanwhile: the rows loaded are the figure
        # rows added since the count was taken: there are never fewer than those shown
        self._set_total(max(total, len(self._rows)))
