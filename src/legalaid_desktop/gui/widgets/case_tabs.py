"""The parties, deadlines and documents tabs of the case view.

Each tab shows its records in a table, opens its own dialogs and runs its own service calls;
it reports what changed through signals so the case view can update the case it shows.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import DeadlineInfo, PartyInfo
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInfo, decision_text
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import DeadlineDialog, PartyDialog
from legalaid_desktop.gui.dialogs.part_dialogs import EditDeadlineDialog, EditPartyDialog
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.dialogs import confirm, open_dialog
from legalaid_desktop.gui.widgets.field_error import ERROR_COLOR
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import BAKU, today
from legalaid_desktop.i18n.formatting import format_date

ID_ROLE = Qt.ItemDataRole.UserRole + 1
RED = QBrush(QColor(ERROR_COLOR))


def record_table(parent: QWidget, columns: int) -> QTableWidget:
    table = QTableWidget(0, columns, parent)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def cell(text: str, record_id: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if record_id is not None:
        item.setData(ID_ROLE, record_id)
    return item


def added_on(stamp: str) -> str:
    """An ISO UTC time stamp as a Baku date, dd.MM.yyyy."""
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return format_date(when.astimezone(BAKU).date())


class RecordTab(QWidget):
    """A table with a row of buttons under it, for one case at a time.

    Signals:
        status_message(str): a short message for the status bar.
    """

    status_message = Signal(str)

    def __init__(self, ctx: GuiContext, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.number = ""
        self.editable = False
        self.correctable = False  # the role rule of corrections (services.corrections)
        self.active_dialog: QDialog | None = None
        self.table = record_table(self, columns)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        self.setFocusProxy(self.table)

    def add_button(self, slot: object) -> QPushButton:
        button = QPushButton(self)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def show_dialog(self, dialog: QDialog, on_saved: object) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        open_dialog(dialog, on_saved)  # type: ignore[arg-type]

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        self.table.setFocus()

    def restore(self, record_id: str | None) -> None:
        """Select the row of ``record_id`` again after a refill (else the first row)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(ID_ROLE) == record_id:
                self.table.setCurrentCell(row, 0)
                return
        if self.table.rowCount():
            self.table.setCurrentCell(0, 0)

    def current_id(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        value = item.data(ID_ROLE) if item else None
        return value if isinstance(value, str) else None

    def failed(self, exc: BaseException) -> None:
        self.ctx.tasks.error_handler(exc)

    def corrected(self, fields: tuple[str, ...]) -> None:
        """A correction was saved: say so (the view reloads the case: it changed)."""
        if not fields:
            self.status_message.emit(_("Nothing was changed."))
            return
        self.status_message.emit(
            _("Case {number} corrected; the earlier values are in its history.").format(
                number=self.number
            )
        )


class PartiesTab(RecordTab):
    """The people and bodies involved in a case; used by the conflict-of-interest check.

    Signals:
        party_added(object): a :class:`PartyInfo` was added.
        party_removed(str): the party with this id was removed.
        party_declined(): a party matching strongly was declined (a decision on the case).
    """

    party_added = Signal(object)
    party_removed = Signal(str)
    party_declined = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, 3, parent)
        self._parties: tuple[PartyInfo, ...] = ()
        self.add = self.add_button(self.add_party)
        self.edit = self.add_button(self.edit_party)
        self.table.doubleClicked.connect(lambda _i: self.edit_party())
        self.remove = self.add_button(self.remove_party)
        shortcut = QShortcut(QKeySequence.StandardKey.Delete, self.table, self.remove_party)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self._decisions: tuple[ConflictDecisionInfo, ...] = ()
        self.decisions = QLabel(self)  # the conflict decisions on this case (issue 17)
        self.decisions.setObjectName("conflictDecisions")
        self.decisions.setWordWrap(True)
        self.decisions.setTextFormat(Qt.TextFormat.PlainText)
        self.decisions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.decisions.hide()
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.decisions)
        self.retranslate()

    def set_decisions(self, decisions: tuple[ConflictDecisionInfo, ...]) -> None:
        """Show the conflict decisions recorded on this case and its client."""
        self._decisions = decisions
        lines = [_("Conflict decisions:"), *(f"• {decision_text(d)}" for d in decisions)]
        self.decisions.setText("\n".join(lines) if decisions else "")
        self.decisions.setVisible(bool(decisions))

    def set_case(
        self,
        number: str,
        parties: tuple[PartyInfo, ...],
        editable: bool,
        correctable: bool | None = None,
    ) -> None:
        """``editable``: parties may be added and removed; ``correctable``: corrected (the
        user may correct the case: :func:`~legalaid_desktop.services.corrections.may_correct`;
        ``None``: as ``editable``)."""
        self.number, self._parties, self.editable = number, parties, editable
        self.correctable = editable if correctable is None else editable and correctable
        chosen = self.current_id()
        self.table.setRowCount(0)
        for party in parties:
            row = self.table.rowCount()
            self.table.insertRow(row)
            items = [
                cell(party.name, party.id),
                cell(self.ctx.label("party_roles", party.role)),
                cell(party.notes),
            ]
            for column, item in enumerate(items):
                if party.role == "adverse":
                    item.setForeground(RED)
                self.table.setItem(row, column, item)
        self.restore(chosen)
        self.add.setVisible(editable)
        self.remove.setVisible(editable)
        self.edit.setVisible(self.correctable)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove.setEnabled(self.editable and self.current_id() is not None)
        self.edit.setEnabled(self.correctable and self.current_id() is not None)

    def edit_party(self) -> EditPartyDialog | None:
        """Correct the selected party (kept in the case's history)."""
        party = next((p for p in self._parties if p.id == self.current_id()), None)
        if not self.correctable or party is None:
            return None
        dialog = EditPartyDialog(self.ctx, self.number, party, self)
        dialog.declined.connect(self.party_declined.emit)
        self.show_dialog(dialog, self.corrected)
        return dialog

    def add_party(self) -> None:
        if self.editable:
            dialog = PartyDialog(self.ctx, self.number, self)
            dialog.declined.connect(self.party_declined.emit)
            self.show_dialog(dialog, self.party_added.emit)

    def remove_party(self) -> None:
        party_id = self.current_id()
        party = next((p for p in self._parties if p.id == party_id), None)
        if not self.editable or party is None:
            return
        question = _("Remove {name} from case {number}?").format(
            name=party.name, number=self.number
        )
        if not confirm(self, _("Remove party"), question):
            return
        number, records = self.number, self.ctx.services.records
        WriteOp(
            self.ctx.tasks,
            lambda: records.remove_party(number, party.id),
            changes={Change.CASES},
            success=lambda _r: self.party_removed.emit(party.id),
            failure=self.failed,
            parent=self,
        ).latest("remove").run()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_("Name"), _("Role"), _("Notes")])
        self.table.setAccessibleName(_("Parties"))
        self.add.setText(_("Add part&y…"))
        self.edit.setText(_("&Modify party…"))
        self.edit.setToolTip(_("Correct the selected party's name, role or notes"))
        self.remove.setText(_("Remo&ve"))
        self.remove.setToolTip(_("Remove the selected party (Delete)"))
        if self.number:
            self.set_case(self.number, self._parties, self.editable)
            self.set_decisions(self._decisions)


class DeadlinesTab(RecordTab):
    """A case's deadlines; tick one to mark it done. Overdue ones are red.

    Signals:
        deadline_changed(object): a :class:`DeadlineInfo` was added or ticked.
    """

    deadline_changed = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, 3, parent)
        self._deadlines: tuple[DeadlineInfo, ...] = ()
        self._filling = False
        self.add = self.add_button(self.add_deadline)
        self.edit = self.add_button(self.edit_deadline)
        self.table.doubleClicked.connect(lambda _i: self.edit_deadline())
        self.table.currentCellChanged.connect(lambda *_a: self._update_edit())
        self.table.itemChanged.connect(self._ticked)
        self.retranslate()

    def set_case(
        self,
        number: str,
        deadlines: tuple[DeadlineInfo, ...],
        editable: bool,
        correctable: bool | None = None,
    ) -> None:
        """As :meth:`PartiesTab.set_case`: ticking and adding need ``editable``, correcting a
        deadline ``correctable`` too."""
        self.number, self._deadlines, self.editable = number, deadlines, editable
        self.correctable = editable if correctable is None else editable and correctable
        self._filling = True
        chosen = self.current_id()
        self.table.setRowCount(0)
        day = today()
        for deadline in sorted(deadlines, key=lambda d: (d.done, d.due_on)):
            row = self.table.rowCount()
            self.table.insertRow(row)
            done = cell("", deadline.id)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if editable:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            done.setFlags(flags)
            done.setCheckState(Qt.CheckState.Checked if deadline.done else Qt.CheckState.Unchecked)
            done.setData(Qt.ItemDataRole.AccessibleTextRole, _("Done") if deadline.done else "")
            items = [done, cell(format_date(deadline.due_on)), cell(deadline.description)]
            overdue = not deadline.done and deadline.due_on < day
            for column, item in enumerate(items):
                if overdue:
                    item.setForeground(RED)
                    item.setToolTip(_("Overdue"))
                self.table.setItem(row, column, item)
        self.restore(chosen)
        self._filling = False
        self.add.setVisible(editable)
        self.edit.setVisible(self.correctable)
        self._update_edit()

    def _update_edit(self) -> None:
        self.edit.setEnabled(self.correctable and self.current_id() is not None)

    def edit_deadline(self) -> EditDeadlineDialog | None:
        """Correct the selected deadline's date or description (kept in the case's history)."""
        deadline = next((d for d in self._deadlines if d.id == self.current_id()), None)
        if not self.correctable or deadline is None:
            return None
        dialog = EditDeadlineDialog(self.ctx, self.number, deadline, self)
        self.show_dialog(dialog, self.corrected)
        return dialog

    def add_deadline(self) -> None:
        if self.editable:
            dialog = DeadlineDialog(self.ctx, self.number, self)
            self.show_dialog(dialog, self.deadline_changed.emit)

    def set_done(self, deadline_id: str, done: bool) -> None:
        """Mark a deadline done (or not done) in the background."""
        records = self.ctx.services.records
        WriteOp(
            self.ctx.tasks,
            lambda: records.set_deadline_done(deadline_id, done),
            changes={Change.AGENDA, Change.CASES},
            success=self.deadline_changed.emit,
            failure=self._undo_tick,
            parent=self,
        ).latest(f"done-{deadline_id}").run()

    def _ticked(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0 or not self.editable:
            return
        deadline_id = item.data(ID_ROLE)
        if isinstance(deadline_id, str):
            self.set_done(deadline_id, item.checkState() == Qt.CheckState.Checked)

    def _undo_tick(self, exc: BaseException) -> None:
        self.set_case(self.number, self._deadlines, self.editable)
        self.failed(exc)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_("Done"), _("Due on"), _("Description")])
        self.table.setAccessibleName(_("Deadlines"))
        self.add.setText(_("Add &deadline…"))
        self.add.setToolTip(_("Tick a deadline (Space) to mark it done."))
        self.edit.setText(_("&Modify deadline…"))
        self.edit.setToolTip(_("Correct the selected deadline's date or description"))
        if self.number:
            self.set_case(self.number, self._deadlines, self.editable)
