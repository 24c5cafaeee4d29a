"""The case view's transfer between centers (issue 19, docs/case-life.md "Case transfer").

What the view shows, by where it runs and whose the case is:

* **At a center, its own case**: a manager or administrator (:attr:`Permission.EDIT_ANY_CASE`)
  of an open or pending case sees "Ask HQ to transfer…"; while a request waits, a banner says
  "Transfer to QBA requested: <reason>" with "Withdraw request". A case that arrived by
  transfer (status ``transferred``) says that a lawyer of this center is to be assigned (the
  view makes "Assign lawyer…" its first action).
* **At a center, another center's case** (one HQ transferred away from it): a banner says it
  was transferred and that this center can no longer change it; the view offers no change.
* **At HQ**: whoever syncs (:attr:`Permission.SYNC`) sees "Transfer…" on a case that is not
  closed; a center's request waiting for HQ is shown in the banner and fills the dialog in.

Whether this store is HQ's and the network's centers are read once, in the background; the
services check everything again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QPushButton, QWidget

from legalaid_desktop.domain.cases import CaseDetail, CaseStatus
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.transfer_dialogs import (
    Center,
    RequestTransferDialog,
    TransferDialog,
)
from legalaid_desktop.gui.errors import log_error
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.dialogs import confirm, open_dialog
from legalaid_desktop.gui.widgets.feedback import text_label
from legalaid_desktop.i18n import _

OPEN_STATES = (CaseStatus.OPEN, CaseStatus.PENDING)

#: (background, border, text) of the banner: read-only (amber), a request or arrival (blue).
_WARNING = ("#fdf6e3", "#e0c36a", "#6b4e00")
_INFO = ("#eef4fd", "#9db8e8", "#1e3a8a")


class CaseTransfer(QObject):
    """The banner and the two transfer buttons (the view places them) and their dialogs.

    :attr:`active_dialog` is the request or transfer dialog while it is open.

    Signals:
        changed(str): a request was sent or withdrawn, or the case transferred; the status
            message (the case view reloads by itself: the write changed the cases).
        ready(): whether this store is HQ's and the centers arrived (what the view shows
            about another center's case depends on the first).
    """

    changed = Signal(str)
    ready = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = parent
        self.at_hq = ctx.at_hq
        self.centers: tuple[Center, ...] = ()
        self.detail: CaseDetail | None = None
        self.active_dialog: QDialog | None = None
        self.banner = QFrame(parent)
        self.banner.setObjectName("transferBanner")
        self.banner_text = text_label(self.banner)
        self.withdraw_button = QPushButton(self.banner)
        self.withdraw_button.clicked.connect(self.withdraw)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.banner_text, 1)
        row.addWidget(self.withdraw_button)
        self.banner.hide()
        self.request_button = QPushButton(parent)
        self.request_button.clicked.connect(self.ask_hq)
        self.request_button.hide()
        self.transfer_button = QPushButton(parent)
        self.transfer_button.clicked.connect(self.transfer)
        self.transfer_button.hide()
        cases = ctx.services.cases
        QueryOp(
            ctx.tasks,
            cases.centers,
            success=self._centers_arrived,
            failure=lambda exc: log_error(exc, "case_centers"),
            action="case_centers",
            parent=self,
        ).latest("centers").run()

    def _centers_arrived(self, found: tuple[bool, tuple[Center, ...]]) -> None:
        self.at_hq, self.centers = found
        if self.detail is not None:
            self.set_case(self.detail)
        self.ready.emit()

    # -- who sees what ----------------------------------------------------------------------------

    def ours(self, detail: CaseDetail) -> bool:
        return detail.owner_node == self.ctx.actor.node_code

    def may_request(self, detail: CaseDetail) -> bool:
        """A center's manager or administrator, on an open or pending case of the center."""
        return (
            not self.at_hq
            and self.ctx.actor.can(Permission.EDIT_ANY_CASE)
            and self.ours(detail)
            and detail.status in OPEN_STATES
        )

    def may_transfer(self, detail: CaseDetail) -> bool:
        """HQ (whoever syncs there), on a case that is not closed."""
        return (
            self.at_hq
            and self.ctx.actor.can(Permission.SYNC)
            and detail.status != CaseStatus.CLOSED
        )

    def transferred_away(self, detail: CaseDetail) -> bool:
        """At a center, a case that is not its own is one HQ transferred away from it (a center
        receives no other center's cases)."""
        return not self.at_hq and not self.ours(detail)

    def arrived(self, detail: CaseDetail) -> bool:
        """This center's case that came by transfer and waits for a lawyer of the center."""
        return not self.at_hq and self.ours(detail) and detail.status == CaseStatus.TRANSFERRED

    def targets(self, detail: CaseDetail) -> tuple[Center, ...]:
        """The centers the case may go to: the network's, but this one (a center's request)
        or the case's own (HQ)."""
        other = detail.owner_node if self.at_hq else self.ctx.actor.node_code
        return tuple(c for c in self.centers if c[0] != other)

    # -- showing ----------------------------------------------------------------------------------

    def set_case(self, detail: CaseDetail) -> None:
        """Show what ``detail`` says about transfers, and the actions this user may take."""
        self.detail = detail
        self.request_button.setVisible(self.may_request(detail))
        self.transfer_button.setVisible(self.may_transfer(detail))
        self._render_banner(detail)

    def banner_message(self, detail: CaseDetail) -> tuple[str, tuple[str, str, str]] | None:
        """The banner's text and colours for ``detail`` (``None``: no banner)."""
        if self.transferred_away(detail):
            text = _("Transferred to {node} — this center can no longer change it.")
            return text.format(node=detail.owner_node), _WARNING
        if self.arrived(detail):
            return _("Arrived by transfer: assign a lawyer of this center."), _INFO
        if not detail.transfer_to:
            return None
        reason = detail.transfer_reason.strip()
        if self.at_hq:
            text = (
                _("{center} asks HQ to transfer this case to {node}: {reason}")
                if reason
                else _("{center} asks HQ to transfer this case to {node}.")
            )
            message = text.format(center=detail.owner_node, node=detail.transfer_to, reason=reason)
            return message, _INFO
        message = _("Transfer to {node} requested: {reason}").format(
            node=detail.transfer_to, reason=reason
        )
        return message, _INFO

    def _render_banner(self, detail: CaseDetail) -> None:
        shown = self.banner_message(detail)
        if shown is None:
            self.banner.hide()
            self.withdraw_button.hide()
            return
        text, (background, border, color) = shown
        self.banner_text.setText(text)
        self.banner.setStyleSheet(
            f"QFrame#transferBanner {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 4px; }} QFrame#transferBanner QLabel {{ color: {color}; }}"
        )
        pending = bool(detail.transfer_to) and not self.at_hq and self.ours(detail)
        self.withdraw_button.setVisible(pending and self.ctx.actor.can(Permission.EDIT_ANY_CASE))
        self.banner.show()

    # -- actions ----------------------------------------------------------------------------------

    def ask_hq(self) -> RequestTransferDialog | None:
        """Open "Ask HQ to transfer" (filled in with a request waiting), when allowed."""
        detail = self.detail
        if detail is None or not self.may_request(detail):
            return None
        dialog = RequestTransferDialog(
            self.ctx,
            detail.number,
            self.targets(detail),
            detail.transfer_to or "",
            detail.transfer_reason,
            self.view,
        )
        self._open(dialog)
        return dialog

    def transfer(self) -> TransferDialog | None:
        """HQ: open "Transfer case", filled in with the center's request when there is one."""
        detail = self.detail
        if detail is None or not self.may_transfer(detail):
            return None
        dialog = TransferDialog(
            self.ctx,
            detail.number,
            self.targets(detail),
            detail.transfer_to or "",
            detail.transfer_reason,
            self.view,
        )
        self._open(dialog)
        return dialog

    def withdraw(self) -> None:
        """Withdraw the request waiting (after a question)."""
        detail = self.detail
        if detail is None or not detail.transfer_to or not self.withdraw_button.isVisible():
            return
        question = _("Withdraw the request to transfer case {number} to {node}?").format(
            number=detail.number, node=detail.transfer_to
        )
        if confirm(self.view, _("Withdraw request"), question):
            self.withdraw_confirmed(detail.number)

    def withdraw_confirmed(self, number: str) -> None:
        sync = self.ctx.services.sync
        WriteOp(
            self.ctx.tasks,
            lambda: sync.request_transfer(number, "", ""),
            changes={Change.CASES},
            success=lambda _r: self.changed.emit(
                _("Case {number}: the transfer request was withdrawn.").format(number=number)
            ),
            action="case_transfer_withdraw",
            parent=self,
        ).latest("withdraw").run()

    def _open(self, dialog: RequestTransferDialog | TransferDialog) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        open_dialog(dialog, lambda result: self._saved(dialog, result))

    def _closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None

    def _saved(self, dialog: QDialog, _result: object) -> None:
        number = self.detail.number if self.detail is not None else ""
        node = dialog.center() if isinstance(dialog, RequestTransferDialog | TransferDialog) else ""
        if isinstance(dialog, TransferDialog):
            message = _("Case {number} transferred to {node}; it goes there with the next bundle.")
        else:
            message = _("Case {number}: HQ is asked to transfer it to {node}.")
        self.changed.emit(message.format(number=number, node=node))

    # -- texts ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.request_button.setText(_("As&k HQ to transfer…"))  # Alt+K: no other action has it
        self.request_button.setToolTip(
            _("Ask HQ to move this case to another center of the network, with the reason")
        )
        self.transfer_button.setText(_("Transf&er…"))
        self.transfer_button.setToolTip(_("Move this case to another center of the network"))
        self.withdraw_button.setText(_("Withdraw re&quest"))
        if self.detail is not None:
            self._render_banner(self.detail)
        retranslate = getattr(self.active_dialog, "retranslate", None)
        if callable(retranslate):
            retranslate()
