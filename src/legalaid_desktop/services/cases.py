"""Cases: opening (with a never-reused number), viewing, listing, closing, reopening, assigning."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnClause, ColumnElement, Integer, func, literal_column, select
from sqlalchemy.orm import Session, object_session

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.cases import (
    CaseDetail,
    CaseInput,
    CaseRow,
    CaseStatus,
    CorruptionInput,
    Page,
)
from legalaid_desktop.domain.corrections import CaseEdit, RecordKind
from legalaid_desktop.domain.errors import InputRejected, NotFound, ValidationError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission, Role
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import from_iso, today
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services import consents, corrections, lookups
from legalaid_desktop.services.conflict_decisions import decisions_for_case
from legalaid_desktop.services.list_order import (
    CASE_ORDERS,
    Expr,
    check_order,
    label_rank,
    nulls_last,
    ranked,
    text_filter,
)
from legalaid_desktop.services.people import People, author_node
from legalaid_desktop.services.referrals import referrals_of
from legalaid_desktop.services.rows import (
    attachment_info,
    client_info,
    consultation_info,
    corruption_info,
    deadline_info,
    party_info,
)
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import (
    Attachment,
    Campaign,
    Case,
    CaseCounter,
    Client,
    Consultation,
    CorruptionDetails,
    Deadline,
    Party,
    User,
)

OPEN_STATES = (CaseStatus.OPEN.value, CaseStatus.PENDING.value)


def assignment_node() -> ColumnElement[str]:
    """SQL for the node the case's lawyer is a user of: the node of the stamp of the case's
    ``assignment`` field group (an encoded stamp ends with its node's code after 16 hex
    digits, :meth:`HLC.encode`), else the node that opened the case, as
    :func:`~legalaid_desktop.services.people.author_node` reads it in Python."""
    stamp = func.json_extract(Case.clocks, "$.assignment")
    return func.coalesce(func.nullif(func.substr(stamp, 17), ""), Case.origin_node)


def next_case_number(session: Session, node_code: str, year: int) -> str:
    """Allocate ``<NODE>-<YEAR>-<SEQ>`` inside the caller's write transaction.

    Write transactions begin IMMEDIATE, so two writers (two processes, two windows) take turns
    here; the counter only grows, so a number is never given out twice, even after a case is
    deleted, and a number that exists already (e.g. received from elsewhere) is skipped.
    """
    counter = session.get(CaseCounter, (node_code, year))
    if counter is None:
        counter = CaseCounter(node_code=node_code, year=year, last_seq=0)
        session.add(counter)
    while True:
        counter.last_seq += 1
        number = f"{node_code}-{year}-{counter.last_seq:04d}"
        if session.scalar(select(Case.id).where(Case.number == number)) is None:
            return number


class CaseService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- guards ---------------------------------------------------------------------------

    def _editable(self, case: Case) -> None:
        """Only this node's cases are changed here; others move by an explicit transfer. No
        case of a client who withdrew consent to store and process is changed at all."""
        self.ws.require(Permission.EDIT_CASES)
        if case.owner_node != self.ws.node_code:
            raise InputRejected(
                _(
                    "Case {number} belongs to the {node} center; it can only be changed there "
                    "(or transferred to this center)."
                ).format(number=case.number, node=case.owner_node)
            )
        session = object_session(case)
        assert session is not None  # the case was read in the caller's write transaction
        consents.refuse_if_withdrawn(session, case.client_id)

    def _lawyer(self, s: Session, username: str | None) -> str:
        name = username or self.ws.actor.username
        row = s.scalar(select(User).where(User.username == name))
        if row is None or not row.active:
            raise ValidationError(
                _("There is no active user '{name}'.").format(name=name), field="lawyer"
            )
        if row.node_code != self.ws.node_code:
            raise ValidationError(
                _("{name} works at another center.").format(name=name), field="lawyer"
            )
        if row.role not in (Role.LAWYER, Role.MANAGER, Role.ADMIN):
            raise ValidationError(
                _("{name} cannot be assigned cases.").format(name=name), field="lawyer"
            )
        return name

    def _corruption(self, data: CorruptionInput) -> dict[str, object]:
        catalog = self.ws.catalog()
        if data.amount_requested is not None and data.amount_requested < 0:
            raise ValidationError(_("The amount cannot be negative."), "amount_requested")
        if data.satisfaction is not None and not 1 <= data.satisfaction <= 5:
            raise ValidationError(_("Satisfaction is a mark from 1 to 5."), "satisfaction")
        return {
            "sector": validation.code(
                catalog, "corruption_sectors", data.sector, "sector", _("corruption sector")
            ),
            "conduct": validation.code(
                catalog, "corruption_conduct", data.conduct, "conduct", _("type of conduct")
            ),
            "institution": validation.text(
                data.institution, "institution", _("Institution"), required=False, max_length=300
            ),
            "amount_requested": data.amount_requested,
            "reported_to": validation.text(
                data.reported_to, "reported_to", _("Reported to"), required=False, max_length=300
            ),
            "satisfaction": data.satisfaction,
        }

    # -- use cases ------------------------------------------------------------------------

    def open(self, data: CaseInput) -> CaseDetail:
        """Open a case for a client; returns it with its new number."""
        self.ws.require(Permission.EDIT_CASES)
        catalog = self.ws.catalog()
        area = validation.code(
            catalog, "legal_areas", data.legal_area, "legal_area", _("legal area")
        )
        summary = validation.text(
            data.summary, "summary", _("Summary"), required=True, max_length=4000
        )
        opened = validation.not_in_future(data.opened_on or today(), "opened_on", _("Opening date"))
        corruption = self._corruption(data.corruption) if data.corruption else None
        with self.ws.write() as s:
            client = lookups.get_client(s, data.client_id)
            consents.refuse_if_withdrawn(s, client.id)
            lawyer = self._lawyer(s, data.lawyer)
            if data.campaign_id and s.get(Campaign, data.campaign_id) is None:
                raise NotFound(_("There is no such campaign."))
            case = Case(
                id=new_id(),
                number=next_case_number(s, self.ws.node_code, opened.year),
                client_id=client.id,
                legal_area=area,
                summary=summary,
                status=CaseStatus.OPEN.value,
                assigned_lawyer=lawyer,
                owner_node=self.ws.node_code,
                opened_on=opened.isoformat(),
                referral=data.referral.strip(),
                grant_code=validation.grant_code(catalog, data.grant_code),
                campaign_id=data.campaign_id,
                satisfaction=None
                if data.corruption is None or data.corruption.satisfaction is None
                else str(data.corruption.satisfaction),
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
            )
            s.add(case)
            self.ws.touch(s, case, Case.FIELD_GROUPS)
            if corruption is not None:
                details = CorruptionDetails(
                    id=new_id(),
                    case_id=case.id,
                    origin_node=self.ws.node_code,
                    clocks={},
                    hlc="",
                    **corruption,
                )
                s.add(details)
                self.ws.touch(s, details, CorruptionDetails.FIELD_GROUPS)
            search_refresh.refresh_rows(s, {"cases": {case.id: ()}})
            self.ws.audit(s, "case_opened", "case", case.id, {"number": case.number})
            s.flush()
            return self._detail(s, case)

    def get(self, number: str) -> CaseDetail:
        """Everything about a case. Viewing is an audit event."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            self.ws.audit(s, "case_viewed", "case", case.id, {"number": case.number})
            return self._detail(s, case)

    def _detail(self, s: Session, case: Case) -> CaseDetail:
        client = s.get(Client, case.client_id)
        assert client is not None
        alive = (Consultation.deleted_hlc.is_(None),)
        consultations = s.scalars(
            select(Consultation)
            .where(Consultation.case_id == case.id, *alive)
            .order_by(Consultation.held_on, Consultation.id)
        ).all()
        parties = s.scalars(
            select(Party).where(Party.case_id == case.id, Party.deleted_hlc.is_(None))
        ).all()
        deadlines = s.scalars(
            select(Deadline)
            .where(Deadline.case_id == case.id, Deadline.deleted_hlc.is_(None))
            .order_by(Deadline.due_on)
        ).all()
        attachments = s.scalars(
            select(Attachment)
            .where(Attachment.case_id == case.id, Attachment.deleted_hlc.is_(None))
            .order_by(Attachment.added_at)
        ).all()
        corruption = s.scalar(select(CorruptionDetails).where(CorruptionDetails.case_id == case.id))
        consultation_infos = tuple(consultation_info(c) for c in consultations)
        attachment_infos = tuple(attachment_info(a) for a in attachments)
        # the lawyer is of the node that assigned the case (a transferred case keeps the
        # earlier center's until its new center assigns one of its own)
        lawyer_node = author_node(case.clocks, "assignment", case.origin_node)
        named = {(lawyer_node, case.assigned_lawyer)}
        named |= {(c.lawyer_node, c.lawyer) for c in consultation_infos}
        named |= {(a.added_by_node, a.added_by) for a in attachment_infos if a.added_by}
        user_names = People.load(s, self.ws.node_code, named).names(named)
        return CaseDetail(
            id=case.id,
            number=case.number,
            status=case.status,
            legal_area=case.legal_area,
            summary=case.summary,
            assigned_lawyer=case.assigned_lawyer,
            owner_node=case.owner_node,
            opened_on=date.fromisoformat(case.opened_on),
            closed_on=from_iso(case.closed_on),
            outcome=case.outcome,
            referral=case.referral,
            grant_code=case.grant_code,
            campaign_id=case.campaign_id,
            needs_review=case.needs_review,
            client=client_info(s, client),
            corruption=corruption_info(corruption),
            consultations=consultation_infos,
            parties=tuple(party_info(p) for p in parties),
            deadlines=tuple(deadline_info(d, case.number) for d in deadlines),
            attachments=attachment_infos,
            user_names=user_names,
            conflict_decisions=tuple(decisions_for_case(s, case)),
            satisfaction=case.satisfaction,
            referrals=referrals_of(s, case.id),
            transfer_to=case.transfer_to,
            transfer_reason=case.transfer_reason or "",
            assigned_lawyer_node=lawyer_node,
        )

    def list(
        self,
        *,
        status: str | None = None,
        legal_area: str | None = None,
        lawyer: str | None = None,
        client_id: str | None = None,
        offset: int = 0,
        limit: int = 200,
        count: bool = True,
        text: str | None = None,
        order: str | None = None,
        descending: bool = False,
        center: str | None = None,
    ) -> Page[CaseRow]:
        """Cases, newest first, filtered, one page at a time.

        Args:
            status: Only cases in this status.
            legal_area: Only cases of this legal area.
            lawyer: Only cases assigned to this user name; ``leyla@GNJ`` only to GNJ's
                ``leyla`` (a case's lawyer is of the node that last assigned it).
            client_id: Only the cases of this client.
            text: Only the cases whose entry (number, client's name, summary...) has every typed
                word (folded) as a word prefix (``services.list_order.text_filter``).
            order: Sort by this column instead (``list_order.CASE_ORDERS``); descending
                reverses it (the default, opening date, is newest first).
            offset: How many rows of the list to skip.
            center: Only the cases this center holds (HQ holds every center's).
            limit: The most rows to return.
            count: Count the whole list for ``Page.total``. When ``False`` (a list that shows
                its first rows at once and asks :meth:`count` later), ``total`` is only what
                is known from the page: ``offset + len(rows)``, plus one when more rows follow.
        """
        self.ws.require(Permission.VIEW_CASES)
        where = self._list_filter(status, legal_area, lawyer, client_id, text, center)
        # The page's rows are chosen from an index alone (the filters and the order are in the
        # live-row indexes), then only those rows are read: skipping rows (OFFSET) costs index
        # entries, not decrypted case rows and client lookups.
        rowid: ColumnClause[int] = literal_column("cases.rowid", Integer)
        ordering = self._ordering(check_order(order, CASE_ORDERS), descending)
        chosen = select(rowid).select_from(Case)
        if order == "client":
            chosen = chosen.join(Client, Client.id == Case.client_id)
        page_ids = (
            chosen.where(*where)
            .order_by(*ordering)
            .offset(offset)
            .limit(limit if count else limit + 1)
        )
        with self.ws.read() as s:
            rows = s.execute(
                select(
                    Case.id,
                    Case.number,
                    Client.full_name,
                    Case.legal_area,
                    Case.status,
                    Case.assigned_lawyer,
                    Case.opened_on,
                    Case.closed_on,
                    Case.owner_node,
                    Case.clocks,
                    Case.origin_node,
                )
                .join(Client, Client.id == Case.client_id)
                .where(rowid.in_(page_ids))
                .order_by(*ordering)
            ).all()
            if count:
                total = s.scalar(select(func.count()).select_from(Case).where(*where)) or 0
            else:
                more = len(rows) > limit
                rows = rows[:limit]
                total = offset + len(rows) + (1 if more else 0)
            # the lawyer is of the node that last assigned the case (a transferred case keeps
            # the earlier center's until its new center assigns one of its own): the page's
            # people are named at once, by the one resolver
            lawyers = [(author_node(r[9], "assignment", r[10] or ""), r[5]) for r in rows]
            people = People.load(s, self.ws.node_code, lawyers)
        return Page(
            tuple(
                CaseRow(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    date.fromisoformat(r[6]),
                    from_iso(r[7]),
                    r[8],
                    lawyer_name=people.name(r[5], node),
                )
                for r, (node, _username) in zip(rows, lawyers, strict=True)
            ),
            total,
            offset,
        )

    def count(
        self,
        *,
        status: str | None = None,
        legal_area: str | None = None,
        lawyer: str | None = None,
        client_id: str | None = None,
        text: str | None = None,
        center: str | None = None,
    ) -> int:
        """How many cases :meth:`list` has in all with these filters (from an index)."""
        self.ws.require(Permission.VIEW_CASES)
        where = self._list_filter(status, legal_area, lawyer, client_id, text, center)
        with self.ws.read() as s:
            return s.scalar(select(func.count()).select_from(Case).where(*where)) or 0

    def _list_filter(
        self,
        status: str | None,
        legal_area: str | None,
        lawyer: str | None,
        client_id: str | None,
        text: str | None = None,
        center: str | None = None,
    ) -> tuple[ColumnElement[bool], ...]:
        where: list[ColumnElement[bool]] = [Case.deleted_hlc.is_(None)]
        typed = text_filter("case", text, Case.id)
        if typed is not None:
            where.append(typed)
        if status:
            validation.code(self.ws.catalog(), "case_statuses", status, "status", _("status"))
            where.append(Case.status == status)
        if legal_area:
            where.append(Case.legal_area == legal_area)
        if lawyer:
            username, _at, node = lawyer.partition("@")
            where.append(Case.assigned_lawyer == username)
            if node:  # ``leyla@GNJ``: GNJ's leyla, not a namesake of another node
                where.append(assignment_node() == node)
        if client_id:
            where.append(Case.client_id == client_id)
        if center:
            where.append(Case.owner_node == center)
        return tuple(where)

    def _ordering(self, order: str | None, descending: bool) -> tuple[Expr, ...]:
        """The ORDER BY of the list: the column chosen, then the opening date and number.

        The default (no ``order``) is the newest first, as the live-row indexes hold it.
        Reversed, the column is reversed; cases not closed stay last when sorting by closing.
        """
        if order is None or order == "opened":
            keys: tuple[Expr, ...] = (Case.opened_on, Case.number)
            newest_first = order is None or descending
            return tuple(k.desc() for k in keys) if newest_first else keys
        catalog = self.ws.catalog()
        blanks: tuple[Expr, ...] = ()
        first: tuple[Expr, ...]
        if order == "number":
            first = (Case.number,)
        elif order == "client":
            first = (Client.name_sort,)
        elif order == "legal_area":
            first = (label_rank(catalog, "legal_areas", Case.legal_area),)
        elif order == "status":
            first = (label_rank(catalog, "case_statuses", Case.status),)
        elif order == "lawyer":
            with self.ws.read() as s:
                names = {u: n for u, n in s.execute(select(User.username, User.full_name))}
            first = (ranked(names, Case.assigned_lawyer),)
        else:  # closed
            blanks, first = (nulls_last(Case.closed_on),), (Case.closed_on,)
        if descending:
            first = tuple(k.desc() for k in first)
        return (*blanks, *first, Case.opened_on.desc(), Case.number.desc())

    def close(
        self,
        number: str,
        outcome: str,
        closed_on: date | None = None,
        satisfaction: str | None = None,
    ) -> CaseDetail:
        """Close the case with its outcome and, when asked, the citizen's satisfaction (a
        ``satisfaction`` code: ``1`` to ``5``, or ``unreachable`` when the client could not be
        reached); None leaves it not recorded."""
        catalog = self.ws.catalog()
        validation.code(catalog, "outcomes", outcome, "outcome", _("outcome"))
        if satisfaction is not None:
            validation.code(
                catalog, "satisfaction", satisfaction, "satisfaction", _("citizen satisfaction")
            )
        when = validation.not_in_future(closed_on or today(), "closed_on", _("Closing date"))
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            self._editable(case)
            if case.status == CaseStatus.CLOSED:
                raise InputRejected(_("Case {number} is already closed.").format(number=number))
            if when < date.fromisoformat(case.opened_on):
                raise ValidationError(_("A case cannot close before it opened."), "closed_on")
            case.status, case.closed_on, case.outcome = (
                CaseStatus.CLOSED.value,
                when.isoformat(),
                outcome,
            )
            if satisfaction is not None:
                case.satisfaction = satisfaction  # else any recorded before stays
            self.ws.touch(s, case, ("status",))
            self.ws.audit(
                s,
                "case_closed",
                "case",
                case.id,
                {"number": case.number, "outcome": outcome, "satisfaction": satisfaction},
            )
            return self._detail(s, case)

    def reopen(self, number: str) -> CaseDetail:
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            self._editable(case)
            if case.status != CaseStatus.CLOSED:
                raise InputRejected(_("Case {number} is not closed.").format(number=number))
            case.status, case.closed_on, case.outcome = CaseStatus.OPEN.value, None, None
            case.satisfaction = None
            self.ws.touch(s, case, ("status",))
            self.ws.audit(s, "case_reopened", "case", case.id, {"number": case.number})
            return self._detail(s, case)

    def set_pending(self, number: str) -> CaseDetail:
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            self._editable(case)
            if case.status != CaseStatus.OPEN:
                raise InputRejected(_("Only an open case can be set to pending."))
            case.status = CaseStatus.PENDING.value
            self.ws.touch(s, case, ("status",))
            self.ws.audit(s, "case_pending", "case", case.id, {"number": case.number})
            return self._detail(s, case)

    def assign(self, number: str, lawyer: str) -> CaseDetail:
        """Assign the case to a lawyer of this center. A case that arrived by transfer waits
        in the ``transferred`` state ("to assign") until its new center's manager assigns it:
        the assignment opens it."""
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            self._editable(case)
            if case.status == CaseStatus.TRANSFERRED:
                case.status = CaseStatus.OPEN.value
                self.ws.touch(s, case, ("status",))
            chosen = self._lawyer(s, lawyer)
            held_by = author_node(case.clocks, "assignment", case.origin_node or "")
            if chosen == case.assigned_lawyer and held_by != self.ws.node_code:
                # the same user name, another person: the case still names the lawyer of the
                # center it came from (a namesake), so the assignment is stamped here
                self.ws.touch(s, case, ("assignment",))
            corrections.apply(
                self.ws,
                s,
                case,
                {"assigned_lawyer": chosen},
                kind=RecordKind.CASE,
                case_id=case.id,
            )
            self.ws.audit(
                s, "case_assigned", "case", case.id, {"number": case.number, "lawyer": lawyer}
            )
            return self._detail(s, case)

    def link_campaign(self, number: str, campaign_id: str | None) -> CaseDetail:
        """Link the case to a campaign of this center, or unlink it (``None``), by the rules
        of :meth:`CampaignService.link <legalaid_desktop.services.campaigns.CampaignService.link>`
        (a lawyer only the cases assigned to them)."""
        from legalaid_desktop.services.campaigns import CampaignService

        CampaignService(self.ws).link_case(number, campaign_id)
        with self.ws.read() as s:
            return self._detail(s, lookups.get_case(s, number))

    def update_summary(
        self, number: str, summary: str, legal_area: str | None = None
    ) -> CaseDetail:
        """Correct the case's summary (and legal area): :meth:`CorrectionService.edit_case
        <legalaid_desktop.services.corrections.CorrectionService.edit_case>`, kept in the
        history."""
        corrections.CorrectionService(self.ws).edit_case(
            number, CaseEdit(summary=summary, legal_area=legal_area or None)
        )
        with self.ws.read() as s:
            return self._detail(s, lookups.get_case(s, number))

    def centers(self) -> tuple[bool, tuple[tuple[str, str], ...]]:
        """Whether this store is HQ's, and the centers of the network it knows, ``(code,
        name)`` in code order: the center column and filter of the lists at HQ."""
        self.ws.require(Permission.VIEW_CASES)
        from legalaid_desktop.store.models import Node
        from legalaid_desktop.sync.nodes import is_hq

        with self.ws.read() as s:
            rows = s.execute(
                select(Node.code, Node.name)
                .where(Node.kind == "center", Node.deleted_hlc.is_(None))
                .order_by(Node.code)
            ).all()
            return is_hq(s), tuple((code, name or code) for code, name in rows)
