"""The import wizard's preview table: every row as it would be imported, its problems per cell.

A cell with a problem is tinted (red: the row cannot be imported as it is; yellow: a note) and
says what is wrong and what was expected in its tooltip; a problem of the whole row (a repeated
row) tints the row number. Plain data in, no store: the rows come from the import service's
preview (:class:`~legalaid_desktop.spreadsheet_import.preview.Preview`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from legalaid_desktop.i18n import _
from legalaid_desktop.spreadsheet_import.fields import FIELDS
from legalaid_desktop.spreadsheet_import.preview import Preview
from legalaid_desktop.spreadsheet_import.problems import Problem

__all__ = ["BLOCKING", "NOTE", "PreviewModel", "problem_text"]

BLOCKING = QColor("#f9d6d5")
NOTE = QColor("#fff3c4")
_CASE_FIELDS_SHOWN = ("status", "lawyer")
Index = QModelIndex | QPersistentModelIndex


def problem_text(problem: Problem) -> str:
    """A problem as one line: what is wrong, what was expected."""
    text = problem.message
    if problem.value:
        text += " " + _("Value: '{value}'.").format(value=problem.value)
    if problem.expected:
        text += " " + _("Expected: {expected}").format(expected=problem.expected)
    return text


class PreviewModel(QAbstractTableModel):
    """Row number, then each imported field (as the mapping has them) of every row."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.preview: Preview | None = None
        self.fields: list[str] = []
        self._problems: list[dict[str, list[Problem]]] = []

    def set_preview(self, preview: Preview | None) -> None:
        self.beginResetModel()
        self.preview = preview
        mapped = set(preview.columns.values()) if preview is not None else set()
        if mapped & {"surname", "given_name", "father_name"}:
            mapped.add("full_name")
        if mapped & {"legal_area", "summary", "opened_on"}:
            mapped.update(_CASE_FIELDS_SHOWN)
        order = [f.name for f in FIELDS if f.name in mapped]
        self.fields = [f for f in order if f not in ("surname", "given_name", "father_name")]
        self._problems = []
        for row in preview.rows if preview is not None else ():
            by_field: dict[str, list[Problem]] = {}
            for problem in row.problems:
                field = problem.field
                if field in ("surname", "given_name", "father_name"):
                    field = "full_name"
                by_field.setdefault(field, []).append(problem)
            self._problems.append(by_field)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.preview is None:
            return 0
        return len(self.preview.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(self.fields)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return _("Row")
        from legalaid_desktop.spreadsheet_import.fields import BY_NAME

        name = self.fields[section - 1]
        return _("Name") if name == "full_name" else BY_NAME[name].title

    def problems_at(self, row: int, column: int) -> list[Problem]:
        """The problems shown in a cell (the row's own ones in the row number's)."""
        if self.preview is None or not 0 <= row < len(self._problems):
            return []
        field = "" if column == 0 else self.fields[column - 1]
        return self._problems[row].get(field, [])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.preview is None or not index.isValid():
            return None
        result = self.preview.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(result.row)
            name = self.fields[column - 1]
            shown = result.shown.get(name)
            if shown is None and name == "full_name":
                parts = ("full_name", "surname", "given_name", "father_name")
                shown = " ".join(result.raw[p] for p in parts if p in result.raw) or None
            return shown if shown is not None else result.raw.get(name, "")
        problems = self.problems_at(index.row(), column)
        if role == Qt.ItemDataRole.BackgroundRole and problems:
            blocking = any(p.blocking for p in problems)
            return QBrush(BLOCKING if blocking else NOTE)
        if role == Qt.ItemDataRole.ToolTipRole and problems:
            return "\n".join(problem_text(p) for p in problems)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and problems:
            return "; ".join(problem_text(p) for p in problems)
        return None
