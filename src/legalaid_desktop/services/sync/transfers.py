"""Case transfers between centers (DESIGN.md §6): HQ moves a case to another center."""

from __future__ import annotations

from sqlalchemy import select

from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.services import consents, lookups
from legalaid_desktop.services.sync.base import SyncBase
from legalaid_desktop.services.sync.results import TransferInfo
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import CaseTransfer, Node
from legalaid_desktop.sync.nodes import is_hq


class TransferUseCases(SyncBase):
    """HQ moves cases between centers."""

    def transfer_case(self, number: str, to_node: str) -> TransferInfo:
        """HQ: move a case to another center. Its status becomes ``transferred``; the new owner
        receives the whole case (client and everything under it) in its next bundle from HQ.

        Raises:
            InputRejected: Not HQ, the target is not an enrolled center or already owns it, the
                case is closed, or its client withdrew consent to store and process their data
                (processing has stopped: moving the case to another center would be processing,
                and would put the person's data in one more store before its anonymization).
            NotFound: No such case.
        """
        self.ws.require(Permission.SYNC)
        target = to_node.strip().upper()
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
            stamp = self.ws.touch(s, case, ("ownership", "status")).encode()
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
                )
            )
            self.ws.audit(
                s,
                "case_transferred",
                "case",
                case.id,
                {"number": case.number, "from": source, "to": target},
            )
            return TransferInfo(case.number, source, target, stamp)
