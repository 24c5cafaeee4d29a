"""A lazy table model over a paged service call.

The services list records one page at a time (``fetch(offset, limit) -> Page``). The model asks
for the first page when a query is set and for the next one only when the view scrolls near the
end (``canFetchMore``/``fetchMore``), always on a worker thread, so a list of 150,000 cases opens
after one page and scrolls without freezing. A page that is being loaded is not asked for again,
and a page of an older query (before :meth:`PagedTableModel.reset_query`) is thrown away.
"""

from __future__ import annotations

import traceback
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
from legalaid_desktop.gui.tasks import TaskRunner

Fetch = Callable[[int, int], Page[Any]]
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
    """

    header: Callable[[], str]
    text: Callable[[Any], str]
    align: Qt.AlignmentFlag = _LEFT
    color: Callable[[Any], QColor | None] | None = None


class PagedTableModel(QAbstractTableModel):
    """Rows of a paged query, loaded 200 at a time in the background.

    Signals:
        loading_changed(bool): a page started or finished loading.
        total_changed(int): the number of rows the query has in all.
        failed(object): loading a page failed (the exception).
    """

    loading_changed = Signal(bool)
    total_changed = Signal(int)
    failed = Signal(object)

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
        self._rows: list[Any] = []
        self._total: int | None = None
        self._generation = 0
        self._loading_offset: int | None = None
        self._reloading = False

    # -- queries --------------------------------------------------------------------------------

    def reset_query(self, fetch: Fetch | None) -> None:
        """Show the rows of a new query (e.g. after a filter change); loads its first page.

        Pages of the previous query still in flight are discarded when they arrive.
        """
        self.beginResetModel()
        self._fetch = fetch
        self._rows = []
        self._total = None
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
        self.reset_query(self._fetch)

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
        self._reloading = True
        self.loading_changed.emit(True)

        def load() -> tuple[int, int, Page[Any] | None, BaseException | None]:
            try:
                return generation, 0, fetch(0, limit), None
            except Exception as exc:
                exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
                return generation, 0, None, exc

        self._tasks.run(load, on_done=self._reloaded)

    @property
    def total(self) -> int | None:
        """How many rows the query has in all (``None`` before the first page arrived)."""
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading_offset is not None or self._reloading

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
                exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
                return generation, offset, None, exc

        self._tasks.run(load, on_done=self._arrived)

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
        total = page.total if len(rows) == self._page_size else len(self._rows)
        total = max(total, len(self._rows))
        if total != self._total:
            self._total = total
            self.total_changed.emit(total)

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
        total = max(page.total, len(self._rows))
        if total != self._total:
            self._total = total
            self.total_changed.emit(total)
