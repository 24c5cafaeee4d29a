"""HQ's transfer requests (issue 19): the cases the centers asked HQ to move to another center.

One row per request not answered yet: the case, the center that asked, the center it should go
to, the reason (empty for a client who does not share with HQ: the target center still gets it)
and who asked. Enter or a double click opens the case; "Transfer…" moves it as asked, with the
request's center and reason filled in (HQ may change both). A transfer answers the request: the
row goes away. Shown on the Sync screen at HQ, to those who sync (they transfer).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.history_dialog import one_line
from legalaid_desktop.gui.dialogs.transfer_dialogs import Center, TransferDialog, center_text
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.gui.widgets.case_tabs import cell, record_table
from legalaid_desktop.gui.widgets.dialogs import open_dialog
from legalaid_desktop.gui.widgets.feedback import MUTED, message_label, show_message, text_label
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.services.sync.results import TransferInfo, TransferRequest

COLUMNS = (N_("Case"), N_("From"), N_("To"), N_("Reason"), N_("Asked by"))
REASON = 3


class TransferRequestsView(QWidget):
    """The requests waiting for HQ, with "Open case" and "Transfer…".

    :attr:`active_dialog` is the transfer dialog while it is open.

    Signals:
        open_case(str): the user wants to see this case.
        count_changed(int): how many requests wait (for the tab's title).
        transferred(str): a case was transferred; the status message.
    """

    open_case = Signal(str)
    count_changed = Signal(int)
    transferred = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.requests: tuple[TransferRequest, ...] = ()
        self.centers: tuple[Center, ...] = ()
        self.active_dialog: QDialog | None = None
        self.loaded = False
        self.intro = text_label(self, MUTED)
        self.message = message_label()
        self.table = record_table(self, len(COLUMNS))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.activated.connect(lambda _i: self.open_chosen())
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.details = text_label(self)  # the chosen request's whole reason (cut in the table)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(MUTED + " padding: 12px;")
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.open_chosen)
        self.transfer_button = QPushButton(self)
        self.transfer_button.clicked.connect(self.transfer)
        self.transfer_button.setVisible(ctx.actor.can(Permission.SYNC))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.transfer_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)
        self.retranslate()

    # -- data -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the requests and the network's centers again (in the background)."""
        sync, cases = self.ctx.services.sync, self.ctx.services.cases
        QueryOp(
            self.ctx.tasks,
            lambda: (sync.transfer_requests(), cases.centers()[1]),
            success=self._arrived,
            failure=self._failed,
            action="transfer_requests",
            parent=self,
        ).latest("requests").run()

    def _arrived(self, found: tuple[tuple[TransferRequest, ...], tuple[Center, ...]]) -> None:
        self.requests, self.centers = found
        self.loaded = True
        show_message(self.message, "")
        self._fill()
        self.count_changed.emit(len(self.requests))

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "transfer_requests")
        show_message(self.message, user_message(exc))

    def center_name(self, code: str) -> str:
        return center_text(code, dict(self.centers).get(code, code))

    def row_texts(self, request: TransferRequest) -> list[str]:
        """Case, from, to, reason, who asked: the row as it reads."""
        return [
            request.number,
            self.center_name(request.from_node),
            self.center_name(request.to_node),
            one_line(request.reason) or _("(not shared with HQ)"),
            request.requested_by or "—",
        ]

    def _fill(self) -> None:
        chosen = self.current()
        number = chosen.number if chosen is not None else None
        self.table.setRowCount(0)
        for request in self.requests:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(self.row_texts(request)):
                item = cell(text, request.number if column == 0 else None)
                item.setToolTip(request.reason if column == REASON and request.reason else text)
                if column == REASON and not request.reason:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
        numbers = [r.number for r in self.requests]
        if numbers:
            self.table.setCurrentCell(numbers.index(number) if number in numbers else 0, 0)
        self.table.setVisible(bool(numbers))
        self.empty.setVisible(self.loaded and not numbers)
        self._update_buttons()

    def current(self) -> TransferRequest | None:
        row = self.table.currentRow()
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def _update_buttons(self) -> None:
        request = self.current()
        self.open_button.setEnabled(request is not None)
        self.transfer_button.setEnabled(request is not None)
        reason = request.reason.strip() if request is not None else ""
        self.details.setText(
            _("{number}, the reason given: {reason}").format(number=request.number, reason=reason)
            if request is not None and reason
            else ""
        )
        self.details.setVisible(bool(reason))

    # -- actions ----------------------------------------------------------------------------------

    def open_chosen(self) -> None:
        """Open the chosen request's case (Enter, a double click, "Open case")."""
        request = self.current()
        if request is not None:
            self.open_case.emit(request.number)

    def transfer(self) -> TransferDialog | None:
        """Transfer the chosen request's case, with its center and reason filled in."""
        request = self.current()
        if request is None or not self.ctx.actor.can(Permission.SYNC):
            return None
        targets = tuple(c for c in self.centers if c[0] != request.from_node)
        dialog = TransferDialog(
            self.ctx, request.number, targets, request.to_node, request.reason, self
        )
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        open_dialog(dialog, self._transferred)
        return dialog

    def _closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        self.table.setFocus()

    def _transferred(self, info: TransferInfo) -> None:
        self.transferred.emit(
            _("Case {number} transferred to {node}; it goes there with the next bundle.").format(
                number=info.number, node=info.to_node
            )
        )
        self.refresh()

    # -- texts ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "The centers ask HQ to move these cases to another center. A case moves when "
                "you transfer it; the new center receives it with its next bundle from HQ."
            )
        )
        self.empty.setText(_("No center has asked for a transfer."))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setAccessibleName(_("Transfer requests"))
        self.open_button.setText(_("&Open case"))
        self.open_button.setToolTip(_("Open the chosen case (Enter)"))
        self.transfer_button.setText(_("&Transfer…"))
        self.transfer_button.setToolTip(_("Transfer the chosen case as the center asked"))
        self._fill()
