"""Case transfers between centers (DESIGN.md §6): HQ moves a case to another center."""

from __future__ import annotations

from sqlalchemy import select

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.services import consents, lookups
from legalaid_desktop.services.sync.base import SyncBase
from legalaid_desktop.services.sync.results import TransferInfo, TransferRequest
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Case, CaseTransfer, Node
from legalaid_desktop.sync.nodes import is_hq


class TransferUseCases(SyncBase):
    """HQ moves cases between centers."""

    def transfer_case(self, number: str, to_node: str, reason: str = "") -> TransferInfo:
        """HQ: move a case to another center, with the reason (it travels with the transfer).
        Its status becomes ``transferred``; the new owner receives the whole case (client and
        everything under it) in its next bundle from HQ, open for its manager to assign a
        lawyer there (:meth:`CaseService.assign` opens it again). A center's request for this
        case is answered by it (cleared).

        Raises:
            InputRejected: Not HQ, the target is not an enrolled center or already owns it, the
                case is closed, or its client withdrew consent to store and process their data
                (processing has stopped: moving the case to another center would be processing,
                and would put the person's data in one more store before its anonymization).
            NotFound: No such case.
        """
        self.ws.require(Permission.SYNC)
        target = to_node.strip().upper()
        why = validation.text(reason, "reason", _("Reason"), required=False, max_length=500)
        with self.ws.write() as s:
            if not is_hq(s):
                raise PermissionDenied(_("Only HQ can transfer a case between centers."))
            case = lookups.get_case(s, number)
            node = s.scalar(select(Node).where(Node.code == target))
            if node is None or node.kind != "center" or node.enrollment != "enrolled":
                raise InputRejected(_("{node} is not an enrolled center.").format(node=target))
            if case.owner_node == target:
                raise InputRejected(
                    _("Case {number} already belongs to {node}.").format(
                        number=case.number, node=target
                    )
                )
            if case.status == "closed":
                raise InputRejected(
                    _("Case {number} is closed; it is not transferred.").format(number=case.number)
                )
            withdrawn = consents.processing_withdrawn_on(s, case.client_id)
            if withdrawn is not None:
                raise InputRejected(
                    _(
                        "Case {number} is not transferred: its client withdrew consent to store "
                        "and process their data on {date}."
                    ).format(number=case.number, date=format_date(withdrawn))
                )
            source = case.owner_node
            case.owner_node = target
            case.status = "transferred"
            groups = ["ownership", "status"]
            if case.transfer_to is not None or case.transfer_reason:
                case.transfer_to, case.transfer_reason = None, ""
                groups.append("transfer_request")
            stamp = self.ws.touch(s, case, groups).encode()
            s.add(
                CaseTransfer(
                    id=new_id(),
                    case_id=case.id,
                    number=case.number,
                    from_node=source,
                    to_node=target,
                    hlc=stamp,
                    at=utc_now_iso(),
                    actor=self.ws.actor.username,
                    reason=why,
                )
            )
            self.ws.audit(
                s,
                "case_transferred",
                "case",
                case.id,
                {"number": case.number, "from": source, "to": target},
            )
            return TransferInfo(case.number, source, target, stamp, why)

    def at_hq(self) -> bool:
        """Whether this store is HQ's (which transfers; a center requests)."""
        with self.ws.read() as s:
            return is_hq(s)

    def request_transfer(self, number: str, to_node: str, reason: str) -> TransferRequest:
        """A center's manager asks HQ to transfer one of its cases to another center (the
        client moved, a conflict of interest…). The request travels to HQ with the case; HQ
        decides (:meth:`transfer_case`). Asking again replaces the request; ``to_node`` empty
        withdraws it.

        Raises:
            PermissionDenied: Not a manager or administrator (audited); at HQ (it transfers).
            InputRejected: Another center's case, a closed case, an unknown center, no reason.
        """
        self.ws.require(Permission.EDIT_ANY_CASE, "case_transfer_requested", "case")
        target = to_node.strip().upper()
        why = validation.text(reason, "reason", _("Reason"), required=bool(target), max_length=500)
        with self.ws.write() as s:
            if is_hq(s):
                raise PermissionDenied(_("HQ transfers a case itself (legalaid case transfer)."))
            case = lookups.get_case(s, number)
            if case.owner_node != self.ws.node_code:
                raise InputRejected(
                    _("Case {number} belongs to the {node} center.").format(
                        number=case.number, node=case.owner_node
                    )
                )
            if target:
                node = s.scalar(select(Node).where(Node.code == target))
                if node is None or node.kind != "center" or target == self.ws.node_code:
                    raise InputRejected(
                        _("{node} is not another center of the network.").format(node=target)
                    )
                if case.status == "closed":
                    raise InputRejected(
                        _("Case {number} is closed; it is not transferred.").format(
                            number=case.number
                        )
                    )
            case.transfer_to, case.transfer_reason = (target or None), (why if target else "")
            self.ws.touch(s, case, ("transfer_request",))
            self.ws.audit(
                s,
                "case_transfer_requested",
                "case",
                case.id,
                {"number": case.number, "to": target or None},
            )
            return TransferRequest(
                case.number, case.owner_node, target, case.transfer_reason, case.updated_by
            )

    def transfer_requests(self) -> tuple[TransferRequest, ...]:
        """The centers' requests HQ has not answered yet (at a center: its own), by case."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.read() as s:
            rows = s.scalars(
                select(Case)
                .where(Case.transfer_to.is_not(None), Case.deleted_hlc.is_(None))
                .order_by(Case.number)
            ).all()
            return tuple(
                TransferRequest(
                    c.number, c.owner_node, c.transfer_to or "", c.transfer_reason, c.updated_by
                )
                for c in rows
            )
