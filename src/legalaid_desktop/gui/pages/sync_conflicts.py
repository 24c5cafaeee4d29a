"""The conflict review of the Sync screen: a manager picks the value to keep.

When both sides changed the same fields of a record while apart, the import keeps one value
(the later edit) and logs both. Here each unresolved conflict shows the record, the fields, and
both values with the node and the time they were written; "Keep ours" or "Take theirs" settles
it (the kept value then travels like any other edit). Records set aside by imports are listed
below.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.sync_common import local_time, stamp_time, table_label
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.feedback import message_label, show_message
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.services.sync import ConflictInfo, QuarantineInfo

GROUP_LABELS = {
    "identity": N_("Name, gender, birth year"),
    "contact": N_("Phone and address"),
    "profile": N_("Profile"),
    "owner": N_("Owning center"),
    "core": N_("Case details"),
    "status": N_("Status"),
    "assignment": N_("Assigned lawyer"),
    "ownership": N_("Owning center"),
    "referral": N_("Referral"),
    "campaign": N_("Campaign"),
    "consent": N_("Consent"),
    "withdrawal": N_("Consent withdrawal"),
    "file": N_("Document"),
    "record": N_("Consultation"),
    "content": N_("Notes and advice"),
    "follow_up": N_("Follow-up"),
    "details": N_("Corruption details"),
    "satisfaction": N_("Satisfaction"),
    "party": N_("Party"),
    "deadline": N_("Deadline"),
    "done": N_("Done"),
}
FIELD_LABELS = {
    "full_name": N_("Name"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "gender": N_("Gender"),
    "birth_year": N_("Birth year"),
    "region": N_("Region"),
    "summary": N_("Summary"),
    "status": N_("Status"),
    "notes": N_("Notes"),
    "advice": N_("Advice"),
    "description": N_("Description"),
    "due_on": N_("Due on"),
    "name": N_("Name"),
    "role": N_("Role"),
}
COLUMNS = (N_("Record"), N_("Fields"), N_("Value here"), N_("Value from the other side"))
QUARANTINE_COLUMNS = (N_("From"), N_("Record"), N_("Reason"), N_("Time"))


def value_text(value: Any) -> str:
    """A conflict value for people: ``Phone: +994 …`` lines; a deletion says so."""
    if value is None:
        return _("(deleted)")
    if isinstance(value, dict):
        lines = []
        for name, item in sorted(value.items()):  # the same order on both sides
            label = _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
            shown = "—" if item in (None, "") else str(item)
            lines.append(f"{label}: {shown}")
        return "\n".join(lines) or "—"
    return str(value)


def side_text(value: Any, stamp: str | None, node: str) -> str:
    return _("{value}\n({node}, {time})").format(
        value=value_text(value), node=node, time=stamp_time(stamp)
    )


class ConflictsView(QWidget):
    """Unresolved conflicts, the two choices, and the records set aside.

    Signals:
        count_changed(int): the number of unresolved conflicts after a load.
        open_case(str): the person double-clicked a conflict on a case.
    """

    count_changed = Signal(int)
    open_case = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.conflicts: list[ConflictInfo] = []
        self.quarantine: list[QuarantineInfo] = []
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self._open_record())
        self.empty = QLabel()
        set_role(self.empty, "ok")
        self.keep_button = QPushButton()
        self.keep_button.clicked.connect(lambda: self.resolve("local"))
        self.take_button = QPushButton()
        self.take_button.clicked.connect(lambda: self.resolve("remote"))
        self.message = message_label()
        self.quarantine_label = QLabel()
        set_role(self.quarantine_label, "subheading")
        self.quarantine_table = QTableWidget(0, len(QUARANTINE_COLUMNS))
        self.quarantine_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.quarantine_table.verticalHeader().hide()
        self.quarantine_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.quarantine_table.horizontalHeader().setStretchLastSection(True)
        self.quarantine_table.setMaximumHeight(160)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.quarantine_label)
        layout.addWidget(self.quarantine_table)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "Both sides changed the same fields while apart. The later change is in use; "
                "pick the value that is right, and it goes to the other side with the next "
                "bundle."
            )
        )
        self.empty.setText(_("No conflicts to review."))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setAccessibleName(_("Conflicts"))
        self.quarantine_table.setHorizontalHeaderLabels([_(c) for c in QUARANTINE_COLUMNS])
        self.quarantine_table.setAccessibleName(_("Records set aside"))
        self._fill()

    # -- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        service = self.ctx.services.sync

        def load() -> tuple[list[ConflictInfo], list[QuarantineInfo]]:
            return service.conflicts(), service.quarantined()

        QueryOp(
            self.ctx.tasks,
            load,
            success=self._loaded,
            failure=self._failed,
            action="sync_conflicts",
        ).run()

    def _loaded(self, result: tuple[list[ConflictInfo], list[QuarantineInfo]]) -> None:
        self.conflicts, self.quarantine = list(result[0]), list(result[1])
        self._fill()
        self.count_changed.emit(len(self.conflicts))

    def _fill(self) -> None:
        me = self.ctx.actor.node_code
        self.empty.setVisible(not self.conflicts)
        self.table.setVisible(bool(self.conflicts))
        self.table.setRowCount(len(self.conflicts))
        for i, c in enumerate(self.conflicts):
            group = _(GROUP_LABELS.get(c.field_group, c.field_group))
            record = f"{c.label}\n{table_label(c.table_name)}"
            values = (
                record,
                group,
                side_text(c.local_value, c.local_hlc, me),
                side_text(c.remote_value, c.remote_hlc, c.peer),
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(i, col, item)
        self.table.resizeRowsToContents()
        if self.conflicts and not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)
        self.quarantine_label.setText(
            _("Records set aside by imports ({n})").format(n=len(self.quarantine))
        )
        self.quarantine_label.setVisible(bool(self.quarantine))
        self.quarantine_table.setVisible(bool(self.quarantine))
        self.quarantine_table.setRowCount(len(self.quarantine))
        for i, q in enumerate(self.quarantine):
            for col, text in enumerate(
                (q.peer, f"{table_label(q.table_name)} {q.row_id}", q.reason, local_time(q.at))
            ):
                self.quarantine_table.setItem(i, col, QTableWidgetItem(text))
        self._update_buttons()

    def selected(self) -> ConflictInfo | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows or rows[0].row() >= len(self.conflicts):
            return None
        return self.conflicts[rows[0].row()]

    def _update_buttons(self) -> None:
        c = self.selected()
        me = self.ctx.actor.node_code
        self.keep_button.setText(_("&Keep the value of {node}").format(node=me))
        self.take_button.setText(
            _("&Take the value of {node}").format(node=c.peer if c else _("the other side"))
        )
        for button in (self.keep_button, self.take_button):
            button.setEnabled(c is not None)
            button.setVisible(bool(self.conflicts))

    # -- choosing -----------------------------------------------------------------------------

    def resolve(self, choose: str, conflict: ConflictInfo | None = None) -> None:
        """Keep the ``local`` or the ``remote`` value of ``conflict`` (default: the selected)."""
        target = conflict or self.selected()
        if target is None:
            return
        for button in (self.keep_button, self.take_button):
            button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            partial(self.ctx.services.sync.resolve_conflict, target.id, choose),
            changes={Change.SYNC, Change.CLIENTS, Change.CASES, Change.AGENDA},
            success=self._resolved,
            failure=self._failed,
            action="sync_resolve",
        ).run()

    def _resolved(self, info: ConflictInfo) -> None:
        show_message(
            self.message,
            _("Conflict on {record} settled; the chosen value is in use.").format(
                record=info.label
            ),
            "ok",
        )
        self.refresh()

    def _open_record(self) -> None:
        c = self.selected()
        if c is not None and c.table_name == "cases":
            self.open_case.emit(c.label)

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "sync_conflicts")
        show_message(self.message, user_message(exc))
        self._update_buttons()
