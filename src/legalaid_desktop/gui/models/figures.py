"""A computed figure (:class:`~legalaid_desktop.statistics.table.FigureTable`) as a table model:
one line per cell with its labels, the value, the previous period's value beside it; then the
youth line (with an age-band breakdown) and the total. A hidden figure shows ``<5`` (1 to 4) or
``x`` (hidden with one)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_integer
from legalaid_desktop.statistics.definitions import (
    DIMENSION_LABELS,
    MEASURE_LABELS,
    SUPPRESSED,
    WITHHELD,
    YOUTH_LABEL,
)
from legalaid_desktop.statistics.export import period_text
from legalaid_desktop.statistics.table import FigureTable, Shown

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
"""The codes of a line's dimensions (a tuple; ``None`` on the youth and total lines)."""
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
"""A value column's figure as published: the number, or ``"<5"`` or ``"x"`` where it is hidden."""


def shown_text(value: Shown | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else format_integer(value)


class FigureTableModel(QAbstractTableModel):
    """The lines of a figure (see the module's docstring); empty until :meth:`set_table`."""

    def __init__(self) -> None:
        super().__init__()
        self.table: FigureTable | None = None
        self._lines: list[tuple[list[str], Shown, Shown | None, tuple[str, ...] | None]] = []
        self._bold_from = 0

    def set_table(self, table: FigureTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self._lines = []
        if table is not None:
            for row in table.rows:
                labels = [table.label(d, c) for d, c in zip(table.by, row.codes, strict=True)]
                self._lines.append((labels, table.shown(row), table.previous_of(row), row.codes))
            self._bold_from = len(self._lines)
            pad = [""] * max(len(table.by) - 1, 0)
            if table.youth_shown is not None:
                self._lines.append(([_(YOUTH_LABEL), *pad], table.youth_shown, None, None))
            previous = table.previous.total_shown if table.previous is not None else None
            first = [_("Total"), *pad] if table.by else []
            self._lines.append((first, table.total_shown, previous, None))
        self.endResetModel()

    def retranslate(self) -> None:
        """Headers and the youth and total lines in the current language (labels were made in
        the language of the run: rerun for translated value labels)."""
        self.set_table(self.table)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.table is None:
            return 0
        return len(self.table.by) + 1 + (self.table.previous is not None)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.table is None:
            return None
        table = self.table
        if role == Qt.ItemDataRole.ToolTipRole and section == len(table.by):
            return f"{_(MEASURE_LABELS[table.measure])}, {period_text(table)}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(table.by):
            return _(DIMENSION_LABELS[table.by[section]])
        if section == len(table.by):
            return period_text(table).replace(" – ", " –\n")
        if table.previous is not None:
            return _("Previous period") + "\n" + period_text(table.previous).replace(" – ", " –\n")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.table is None:
            return None
        labels, value, previous, codes = self._lines[index.row()]
        width = len(self.table.by)
        col = index.column()
        figure = value if col == width else previous if col == width + 1 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return labels[col] if col < width else shown_text(figure)
        if role == Qt.ItemDataRole.ToolTipRole and col < width:
            return labels[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= width:
            return RIGHT
        if role == Qt.ItemDataRole.FontRole and index.row() >= self._bold_from:
            font = QFont()
            font.setBold(True)
            return font
        if role == CODE_ROLE:
            return codes
        if role == VALUE_ROLE and col >= width:
            return figure
        if role == Qt.ItemDataRole.ToolTipRole and figure == SUPPRESSED:
            return _("Fewer than 5 (1 to 4).")
        if role == Qt.ItemDataRole.ToolTipRole and figure == WITHHELD:
            return _("Not small: hidden so that a total does not give a figure under 5 back.")
        return None
