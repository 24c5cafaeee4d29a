"""The center column and the center filter of the client and case lists, at HQ only.

HQ holds every center's records: its lists show which center each row belongs to (the last
column) and filter by center. At a center both stay hidden (every row is the center's own).
Whether this store is HQ's, and its centers, is asked once in the background.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QWidget

from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.i18n import _


class CenterFilter(QWidget):
    """ "Center:" and a choice of the network's centers (hidden until HQ is known).

    Signals:
        changed(): another center was chosen.
    """

    changed = Signal()

    def __init__(
        self, ctx: GuiContext, table: QTableView, column: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = table
        self.column = column
        self.is_hq = False
        self.label = QLabel(self)
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.label.setBuddy(self.combo)
        self.combo.addItem("", None)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo, 1)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.table.setColumnHidden(column, True)
        self.hide()
        self._asked = False
        self.retranslate()

    def start(self) -> None:
        """Ask (once) whether this is HQ and which centers it knows."""
        if self._asked:
            return
        self._asked = True
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.cases.centers,
            success=self._arrived,
            action="centers",
            parent=self,
        ).run()

    def _arrived(self, result: tuple[bool, tuple[tuple[str, str], ...]]) -> None:
        self.is_hq, centers = result
        if not self.is_hq:
            return
        self.combo.blockSignals(True)
        for code, name in centers:
            self.combo.addItem(f"{code} — {name}", code)
        self.combo.blockSignals(False)
        self.table.setColumnHidden(self.column, False)
        self.show()

    def code(self) -> str | None:
        """The center chosen (``None``: all)."""
        data = self.combo.currentData()
        return str(data) if data else None

    def retranslate(self) -> None:
        self.label.setText(_("C&enter:"))
        self.combo.setItemText(0, _("All centers"))
        self.combo.setAccessibleName(_("Filter by center"))
