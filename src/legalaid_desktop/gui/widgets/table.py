"""A read-only list table: whole rows selected, Enter or double-click opens the row; a click on
a column's header sorts by it (a second click reverses)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


class ListTable(QTableView):
    """A table view set up for the lists of clients and cases."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

    def set_widths(self, widths: list[int], stretch: int | None = None) -> None:
        """Initial column widths in pixels (the user can drag them).

        Args:
            widths: The width of each column.
            stretch: The column that takes the remaining room (the last one if not given).
        """
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)
        if stretch is not None:
            header = self.horizontalHeader()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def sort_by_headers(self, column: int, descending: bool = False) -> None:
        """Sort by clicking headers, starting sorted by ``column`` (the model's own order)."""
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.horizontalHeader().setSortIndicator(column, order)
        self.setSortingEnabled(True)
