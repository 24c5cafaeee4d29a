"""Clients: intake with consent, edits, views (audited), lists, consent withdrawal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import ColumnClause, ColumnElement, Integer, func, literal_column, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.cases import (
    CaseStatus,
    ClientInfo,
    ClientInput,
    ClientRow,
    ConsentInfo,
    ConsentInput,
    ConsentPurpose,
    Page,
    is_person,
    purposes_in_force,
)
from legalaid_desktop.domain.client_numbers import format_client_number
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.corrections import RecordKind
from legalaid_desktop.domain.errors import InputRejected, PermissionDenied, ValidationError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.domain.roles import Permission, roles_text, roles_with
from legalaid_desktop.i18n import _, pgettext
from legalaid_desktop.i18n.dates import from_iso, today
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services import (
    conflict_decisions,
    consent_scans,
    consents,
    corrections,
    lookups,
)
from legalaid_desktop.services.list_order import (
    CLIENT_ORDERS,
    Expr,
    check_order,
    label_rank,
    nulls_last,
    text_filter,
)
from legalaid_desktop.services.rows import client_info
from legalaid_desktop.services.sync.consent_sharing import follow_sharing, shares_with_hq
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Case, Client, ClientCounter, Consent
from legalaid_desktop.text.collation import sort_string


def next_client_number(session: Session, node_code: str) -> str:
    """Allocate ``<NODE>-C-<SEQ>`` inside the caller's write transaction.

    As for case numbers (``services.cases.next_case_number``): the write transaction is
    IMMEDIATE, so writers take turns; the counter only grows, so a number is never given twice,
    and a number that exists already is skipped.
    """
    counter = session.get(ClientCounter, node_code)
    if counter is None:
        counter = ClientCounter(node_code=node_code, last_seq=0)
        session.add(counter)
    while True:
        counter.last_seq += 1
        number = format_client_number(node_code, counter.last_seq)
        if session.scalar(select(Client.id).where(Client.number == number)) is None:
            return number


def _person_values(catalog: ReferenceCatalog, data: ClientInput) -> dict[str, object]:
    """A person's gender and birth year; the organization fields stay empty."""
    for field, given in (
        ("registration", data.registration.strip()),
        ("contact_person", data.contact_person.strip()),
        ("members", data.members is not None),
    ):
        if given:
            raise ValidationError(
                _(
                    "A person has no registration, contact person or members: choose an "
                    "organization or initiative group as the kind of client."
                ),
                field,
            )
    return {
        "gender": validation.code(catalog, "genders", data.gender, "gender", _("gender")),
        "birth_year": validation.birth_year(data.birth_year),
        "registration": "",
        "contact_person": "",
        "members": None,
    }


def _group_values(data: ClientInput) -> dict[str, object]:
    """An organization's or initiative group's registration, contact person and members;
    gender and birth year are a person's only, stored empty (docs/clients.md)."""
    if data.gender.strip():
        raise ValidationError(_("An organization or initiative group has no gender."), "gender")
    if data.birth_year is not None:
        raise ValidationError(
            _("An organization or initiative group has no birth year."), "birth_year"
        )
    contact = data.contact_person.strip()
    return {
        "gender": "",
        "birth_year": None,
        "registration": validation.line(
            data.registration, "registration", _("Registration"), max_length=64
        ),
        "contact_person": (
            validation.person_name(contact, "contact_person", _("Contact person"))
            if contact
            else ""
        ),
        "members": validation.members(data.members),
    }


class ClientService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _validated(self, data: ClientInput) -> dict[str, object]:
        catalog = self.ws.catalog()
        kind = validation.code(catalog, "client_kinds", data.kind, "kind", _("kind of client"))
        person = is_person(kind)
        return {
            "kind": kind,
            "full_name": validation.person_name(
                data.full_name,
                "full_name",
                _("Full name") if person else pgettext("organization", "Name"),
            ),
            **(_person_values(catalog, data) if person else _group_values(data)),
            "region": validation.code(catalog, "regions", data.region, "region", _("region")),
            "displacement": validation.code(
                catalog, "displacement", data.displacement, "displacement", _("displacement")
            ),
            "disability": validation.code(
                catalog, "disability", data.disability, "disability", _("disability")
            ),
            "phone": validation.phone(data.phone),
            "address": validation.text(
                data.address, "address", _("Address"), required=False, max_length=300
            ),
            "referral_source": validation.text(
                data.referral_source,
                "referral_source",
                _("Referral"),
                required=False,
                max_length=200,
            ),
        }

    def _validate_consent(self, consent: ConsentInput) -> None:
        valid = self.ws.catalog()["consent_purposes"].codes()
        for purpose in consent.purposes:
            consents.require_purpose(purpose, valid)
        if ConsentPurpose.STORE_PROCESS.value not in consent.purposes:
            raise ValidationError(
                _("Without consent to store and process the data, the client cannot be recorded."),
                "purposes",
            )
        validation.not_in_future(consent.given_on, "given_on", _("The consent date"))
        if consent.valid_until is not None and consent.valid_until < consent.given_on:
            raise ValidationError(_("The consent ends before it was given."), "valid_until")

    def register(
        self,
        data: ClientInput,
        consent: ConsentInput | None = None,
        decision: ConflictDecisionInput | None = None,
    ) -> ClientInfo:
        """Record a new client (with their written consent, when given).

        Raises:
            ConflictDecisionRequired: The conflict check finds a strong or exact match and no
                ``decision`` was given (see :mod:`~legalaid_desktop.services.conflict_decisions`).
        """
        self.ws.require(Permission.EDIT_CASES)
        values = self._validated(data)
        if consent is not None:
            self._validate_consent(consent)
        decision = conflict_decisions.validated_input(decision)
        with self.ws.write() as s:
            hits = conflict_decisions.strong_matches(
                s,
                str(values["full_name"]),
                birth_year=data.birth_year,
                phone=str(values["phone"]) or None,
                kind=str(values["kind"]),
            )
            decided = conflict_decisions.checked_decision(hits, decision)
            row = self.insert(s, values, consent)
            if decided is not None:
                conflict_decisions.record_decision(
                    self.ws, s, hits, decided.decision, decided.reason, client_id=row.id
                )
            s.flush()
            return client_info(s, row)

    def insert(
        self,
        s: Session,
        values: dict[str, object],
        consent: ConsentInput | None = None,
        details: dict[str, object] | None = None,
    ) -> Client:
        """Write a new client in the caller's transaction as intake does (number, sync stamps,
        consent, search index, audit with ``details``); ``values`` from :meth:`checked`. The
        conflict check is the caller's (:mod:`~legalaid_desktop.services.client_import`)."""
        row = Client(
            id=new_id(),
            node_code=self.ws.node_code,
            number=next_client_number(s, self.ws.node_code),
            created_at=utc_now_iso(),
            origin_node=self.ws.node_code,
            clocks={},
            hlc="",
            **values,
        )
        row.name_sort = sort_string(row.full_name)
        s.add(row)
        self.ws.touch(s, row, Client.FIELD_GROUPS)
        if consent is not None:
            self._add_consent(s, row.id, consent)
        search_refresh.refresh_rows(s, {"clients": {row.id: set(values)}})
        self.ws.audit(s, "client_registered", "client", row.id, details)
        return row

    def checked(self, data: ClientInput) -> dict[str, object]:
        """The values intake would store, or its :class:`ValidationError`."""
        return self._validated(data)

    def check_consent(self, consent: ConsentInput) -> None:
        self._validate_consent(consent)

    def _add_consent(self, s, client_id: str, consent: ConsentInput) -> Consent:  # type: ignore[no-untyped-def]
        row = Consent(
            id=new_id(),
            client_id=client_id,
            given_on=consent.given_on.isoformat(),
            purposes=list(consent.purposes),
            valid_until=consent.valid_until.isoformat() if consent.valid_until else None,
            origin_node=self.ws.node_code,
            clocks={},
            hlc="",
        )
        s.add(row)
        self.ws.touch(s, row, Consent.FIELD_GROUPS)
        return row

    def add_consent(self, client_id: str, consent: ConsentInput) -> ClientInfo:
        """Record a new signed consent of an existing client (the whole form, as at intake).

        After a withdrawal of "store and process", this resumes processing: it needs
        :attr:`Permission.RESUME_PROCESSING` (see :mod:`legalaid_desktop.domain.roles`).
        """
        self.ws.require(Permission.EDIT_CASES)
        self._validate_consent(consent)
        self._require_resume(client_id)
        with self.ws.write() as s:
            client = lookups.get_client(s, client_id)
            self._home_node(client)
            shared = shares_with_hq(s, client.id)
            self._recheck_resume(s, client.id)
            row = self._add_consent(s, client.id, consent)
            self.ws.audit(s, "consent_recorded", "client", client.id, {"consent": row.id})
            follow_sharing(self.ws, s, client.id, shared)
            return client_info(s, client)

    def withdraw_consent(
        self, client_id: str, consent_id: str, on: date | None = None
    ) -> ClientInfo:
        self.ws.require(Permission.EDIT_CASES)
        when = on or today()
        with self.ws.write() as s:
            client = lookups.get_client(s, client_id)
            self._home_node(client)
            shared = shares_with_hq(s, client.id)
            row = s.get(Consent, consent_id)
            if row is None or row.client_id != client.id:
                raise InputRejected(_("That consent does not belong to this client."))
            if row.withdrawn_on is not None:
                raise InputRejected(_("This consent was already withdrawn."))
            stamped = self._stamp_withdrawn(s, [row], when)
            if consents.processing_withdrawn_on(s, client.id) is not None:
                stamped += self._stamp_withdrawn(s, self._live_rows(s, client.id), when)
            self.ws.audit(
                s, "consent_withdrawn", "client", client.id, {"consents": sorted(stamped)}
            )
            follow_sharing(self.ws, s, client.id, shared)
            return client_info(s, client)

    # -- consent purpose by purpose (``legalaid client consent``) --------------------------------

    def give_purpose(
        self,
        ref: str,
        purpose: str,
        *,
        on: date | None = None,
        until: date | None = None,
        scan: tuple[str, bytes] | None = None,
    ) -> ClientInfo:
        """Record that the client (``ref``: their id or a case number) gave ``purpose``.

        ``scan`` (file name, bytes) is the signed form: stored as the new consent's attachment
        (:mod:`~legalaid_desktop.services.consent_scans`).

        Giving adds a new consent row holding just ``purpose`` (given ``on``, valid ``until``):
        rows are signed statements that are never rewritten, only stamped withdrawn, so a
        row's "consent" field group is written once, when it is made, and its "withdrawal"
        group once, when it is withdrawn; a bundle carries each change as exactly that, and
        no merge of two versions of a purpose list can lose one. Consent changes are made
        only at the client's own center (the one that sends their consents on).

        Refused: a purpose already in force that the new consent would not extend; any
        purpose but "store and process" while processing is withdrawn or without consent to
        store and process in force; "store and process" again after its withdrawal without
        :attr:`Permission.RESUME_PROCESSING`.
        """
        self.ws.require(Permission.EDIT_CASES, "consent_given", "client")
        code = consents.require_purpose(purpose, self.ws.catalog()["consent_purposes"].codes())
        given = validation.not_in_future(on or today(), "given_on", _("The consent date"))
        if until is not None and until < given:
            raise ValidationError(_("The consent ends before it was given."), "valid_until")
        checked = consent_scans.checked_scan(*scan) if scan is not None else None
        if code == ConsentPurpose.STORE_PROCESS.value:
            self._require_resume(ref)
        with self.ws.write() as s:
            client = consents.resolve_client(s, ref)
            self._home_node(client)
            shared = shares_with_hq(s, client.id)
            held = consents.client_consents(s, client.id)
            if code == ConsentPurpose.STORE_PROCESS.value:
                self._recheck_resume(s, client.id)
            else:
                consents.refuse_if_withdrawn(s, client.id)
                if ConsentPurpose.STORE_PROCESS.value not in purposes_in_force(held, given):
                    raise InputRejected(
                        _(
                            "Without consent to store and process the data in force, no other "
                            "consent can be recorded: record that one first."
                        )
                    )
            if not self._extends(held, code, given, until):
                raise InputRejected(_("This consent is already in force: nothing was changed."))
            row = self._add_consent(s, client.id, ConsentInput(given, (code,), until))
            details = {"consent": row.id, "purpose": code}
            if checked is not None:
                attachment = consent_scans.store_scan(self.ws, s, client, checked)
                row.attachment_id = attachment.id
                details.update(scan=attachment.id, sha256=attachment.sha256)
            self.ws.audit(s, "consent_given", "client", client.id, details)
            follow_sharing(self.ws, s, client.id, shared)
            return client_info(s, client)

    def attach_consent_scan(
        self, ref: str, file_name: str, content: bytes, consent_id: str | None = None
    ) -> ClientInfo:
        """Attach the signed scan to a consent recorded without one (``consent_id``, or the
        client's newest consent in force). Only at the client's own center, never after the
        withdrawal of "store and process" (the records are read-only then), never over a scan
        already attached. Audited (the scan's id and checksum, not its content)."""
        self.ws.require(Permission.EDIT_CASES, "consent_scan_attached", "client")
        checked = consent_scans.checked_scan(file_name, content)
        with self.ws.write() as s:
            client = consents.resolve_client(s, ref)
            self._home_node(client)
            consents.refuse_if_withdrawn(s, client.id)
            row = consent_scans.consent_for_scan(s, client, consent_id)
            attachment = consent_scans.store_scan(self.ws, s, client, checked)
            row.attachment_id = attachment.id
            self.ws.touch(s, row, ("consent",))
            self.ws.audit(
                s,
                "consent_scan_attached",
                "client",
                client.id,
                {
                    "consent": row.id,
                    "scan": attachment.id,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                },
            )
            return client_info(s, client)

    def attach_consent_scan_file(
        self, ref: str, path: Path, consent_id: str | None = None
    ) -> ClientInfo:
        """:meth:`attach_consent_scan` with the file at ``path`` (a file dialog's choice)."""
        self.ws.require(Permission.EDIT_CASES, "consent_scan_attached", "client")
        return self.attach_consent_scan(ref, *consent_scans.read_scan(path), consent_id)

    def withdraw_purpose(self, ref: str, purpose: str, *, on: date | None = None) -> ClientInfo:
        """Record that the client (``ref``: their id or a case number) withdrew ``purpose``.

        Each unwithdrawn row holding ``purpose`` is stamped withdrawn (its "withdrawal" field
        group); a row that held other purposes too is followed by a new row with the rest (same
        day given, same "valid until", same scan), so they stay in force. Withdrawing "store
        and process" withdraws every row: the other purposes are processing too, and from then
        on the client's records are read-only
        (:func:`~legalaid_desktop.services.consents.refuse_if_withdrawn`).
        """
        self.ws.require(Permission.EDIT_CASES, "consent_withdrawn", "client")
        code = consents.require_purpose(purpose, self.ws.catalog()["consent_purposes"].codes())
        when = validation.not_in_future(on or today(), "withdrawn_on", _("The withdrawal date"))
        with self.ws.write() as s:
            client = consents.resolve_client(s, ref)
            self._home_node(client)
            shared = shares_with_hq(s, client.id)
            live = self._live_rows(s, client.id)
            holding = [r for r in live if code in r.purposes]
            if not holding:
                raise InputRejected(_("The client has no consent to withdraw for this purpose."))
            if when < max(date.fromisoformat(r.given_on) for r in holding):
                raise ValidationError(
                    _("The consent cannot be withdrawn before it was given."), "withdrawn_on"
                )
            store = code == ConsentPurpose.STORE_PROCESS.value
            stamped = self._stamp_withdrawn(s, live if store else holding, when)
            added = []
            for old in [] if store else holding:
                rest = tuple(p for p in old.purposes if p != code)
                if rest:
                    new = self._add_consent(
                        s,
                        client.id,
                        ConsentInput(
                            date.fromisoformat(old.given_on), rest, from_iso(old.valid_until)
                        ),
                    )
                    new.attachment_id = old.attachment_id
                    added.append(new.id)
            self.ws.audit(
                s,
                "consent_withdrawn",
                "client",
                client.id,
                {"purpose": code, "consents": sorted(stamped), "replaced_by": added},
            )
            follow_sharing(self.ws, s, client.id, shared)
            return client_info(s, client)

    def _live_rows(self, s: Session, client_id: str) -> list[Consent]:
        """The client's consent rows not withdrawn (nor deleted)."""
        return list(
            s.scalars(
                select(Consent).where(
                    Consent.client_id == client_id,
                    Consent.deleted_hlc.is_(None),
                    Consent.withdrawn_on.is_(None),
                )
            )
        )

    def _stamp_withdrawn(self, s: Session, rows: list[Consent], when: date) -> list[str]:
        """Stamp each unwithdrawn row of ``rows`` withdrawn on ``when``; their ids."""
        stamped = []
        for row in rows:
            if row.withdrawn_on is None:
                row.withdrawn_on = when.isoformat()
                self.ws.touch(s, row, ("withdrawal",))
                stamped.append(row.id)
        return stamped

    @staticmethod
    def _extends(held: tuple[ConsentInfo, ...], code: str, given: date, until: date | None) -> bool:
        """Whether a new consent to ``code`` adds anything to the rows ``held`` on ``given``:
        the purpose is not in force, or the new consent runs longer (a renewal)."""
        current = [
            c
            for c in held
            if code in c.purposes
            and c.withdrawn_on is None
            and c.given_on <= given
            and (c.valid_until is None or c.valid_until >= given)
        ]
        if not current:
            return True
        ends = [c.valid_until for c in current if c.valid_until is not None]
        if len(ends) < len(current):
            return False  # one of them never ends
        return until is None or until > max(ends)

    def _home_node(self, client: Client) -> None:
        """Consents are recorded at the client's own center: it is the one that sends them on
        in its bundles (a change made elsewhere would never reach the others)."""
        if client.node_code != self.ws.node_code:
            raise InputRejected(
                _(
                    "This client is registered at the {node} center; their consent is recorded "
                    "there."
                ).format(node=client.node_code)
            )

    def _require_resume(self, ref: str) -> None:
        """Before the write: a consent to store and process given after its withdrawal needs
        :attr:`Permission.RESUME_PROCESSING` (refused and audited here)."""
        if self.ws.actor.can(Permission.RESUME_PROCESSING):
            return
        with self.ws.read() as s:
            try:
                client = consents.resolve_client(s, ref)
            except InputRejected:
                return  # the write reports the missing client
            withdrawn = consents.processing_withdrawn_on(s, client.id) is not None
            client_id = client.id
        if withdrawn:
            self.ws.require(Permission.RESUME_PROCESSING, "consent_given", "client", client_id)

    def _recheck_resume(self, s: Session, client_id: str) -> None:
        """Inside the write: the same check, for a withdrawal that came in between."""
        if self.ws.actor.can(Permission.RESUME_PROCESSING):
            return
        if consents.processing_withdrawn_on(s, client_id) is not None:
            raise PermissionDenied(
                self.ws.role_message(roles_text(roles_with(Permission.RESUME_PROCESSING)))
            )

    def update(self, client_id: str, data: ClientInput) -> ClientInfo:
        """Change a client's details; only the field groups that changed are stamped."""
        self.ws.require(Permission.EDIT_CASES)
        values = self._validated(data)
        with self.ws.write() as s:
            row = lookups.get_client(s, client_id)
            consents.refuse_if_withdrawn(s, row.id)
            fields = corrections.apply(
                self.ws, s, row, values, kind=RecordKind.CLIENT, case_id=None, client_id=row.id
            )
            if not fields:
                return client_info(s, row)
            row.name_sort = sort_string(row.full_name)
            changed = [g for g, names in Client.FIELD_GROUPS.items() if set(names) & set(fields)]
            search_refresh.refresh_rows(s, {"clients": {row.id: set(values)}})
            self.ws.audit(s, "client_updated", "client", row.id, {"groups": changed})
            return client_info(s, row)

    def get(self, client_id: str) -> ClientInfo:
        """A client's record. Viewing is an audit event."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.write() as s:
            row = lookups.get_client(s, client_id)
            self.ws.audit(s, "client_viewed", "client", row.id)
            return client_info(s, row)

    def list(
        self,
        *,
        region: str | None = None,
        gender: str | None = None,
        offset: int = 0,
        limit: int = 200,
        count: bool = True,
        text: str | None = None,
        order: str | None = None,
        descending: bool = False,
        center: str | None = None,
    ) -> Page[ClientRow]:
        """Clients in Azerbaijani alphabetical order, one page at a time.

        Args:
            region: Only the clients of this region.
            gender: Only the clients of this gender.
            text: Only the clients whose entry has every typed word (folded) as a word prefix
                (``services.list_order.text_filter``).
            order: Sort by this column instead of the name (``list_order.CLIENT_ORDERS``).
            descending: The order reversed.
            center: Only the clients this center registered (HQ holds every center's).
            offset: How many rows of the list to skip.
            limit: The most rows to return.
            count: Count the whole list for ``Page.total``. When ``False``, ``total`` is only
                what is known from the page: ``offset + len(rows)``, plus one when more rows
                follow (the exact figure comes from :meth:`count`).
        """
        self.ws.require(Permission.VIEW_CASES)
        open_cases = (
            select(func.count())
            .where(
                Case.client_id == Client.id,
                Case.status.in_((CaseStatus.OPEN.value, CaseStatus.PENDING.value)),
                Case.deleted_hlc.is_(None),
            )
            .correlate(Client)
            .scalar_subquery()
        )
        where = self._list_filter(region, gender, text, center)
        # The page is chosen from the live-row name index alone, then only its rows are read.
        # Equal names keep one order (the row id, which the index holds) so that pages neither
        # repeat nor skip a client.
        rowid: ColumnClause[int] = literal_column("clients.rowid", Integer)
        ordering = self._ordering(check_order(order, CLIENT_ORDERS), descending, open_cases, rowid)
        page_ids = (
            select(rowid)
            .select_from(Client)
            .where(*where)
            .order_by(*ordering)
            .offset(offset)
            .limit(limit if count else limit + 1)
        )
        with self.ws.read() as s:
            rows = s.execute(
                select(
                    Client.id,
                    Client.full_name,
                    Client.gender,
                    Client.birth_year,
                    Client.region,
                    open_cases,
                    Client.number,
                    Client.created_at,
                    Client.node_code,
                    Client.kind,
                )
                .where(rowid.in_(page_ids))
                .order_by(*ordering)
            ).all()
            if count:
                total = s.scalar(select(func.count()).select_from(Client).where(*where)) or 0
            else:
                more = len(rows) > limit
                rows = rows[:limit]
                total = offset + len(rows) + (1 if more else 0)
        return Page(tuple(ClientRow(*r) for r in rows), total, offset)

    def count(
        self,
        *,
        region: str | None = None,
        gender: str | None = None,
        text: str | None = None,
        center: str | None = None,
    ) -> int:
        """How many clients :meth:`list` has in all with these filters (from an index)."""
        self.ws.require(Permission.VIEW_CASES)
        where = self._list_filter(region, gender, text, center)
        with self.ws.read() as s:
            return s.scalar(select(func.count()).select_from(Client).where(*where)) or 0

    def _ordering(
        self,
        order: str | None,
        descending: bool,
        open_cases: ColumnElement[int],
        rowid: ColumnClause[int],
    ) -> tuple[Expr, ...]:
        """The ORDER BY of the list: the column chosen, then the name, then the row id.

        Reversed, the column and the name are reversed; clients without a birth year stay last.
        """
        catalog = self.ws.catalog()
        blanks: tuple[Expr, ...] = ()
        first: tuple[Expr, ...] = ()
        if order == "gender":
            first = (label_rank(catalog, "genders", Client.gender),)
        elif order == "birth_year":
            blanks, first = (nulls_last(Client.birth_year),), (Client.birth_year,)
        elif order == "region":
            first = (label_rank(catalog, "regions", Client.region),)
        elif order == "open_cases":
            first = (open_cases,)
        elif order == "number":
            first = (Client.number,)  # zero-padded per center: text order is number order
        keys: tuple[Expr, ...] = (*first, Client.name_sort)
        if descending:
            keys = tuple(key.desc() for key in keys)
        return (*blanks, *keys, rowid)

    @staticmethod
    def _list_filter(
        region: str | None,
        gender: str | None,
        text: str | None = None,
        center: str | None = None,
    ) -> tuple[ColumnElement[bool], ...]:
        where: list[ColumnElement[bool]] = [Client.deleted_hlc.is_(None)]
        typed = text_filter("client", text, Client.id)
        if typed is not None:
            where.append(typed)
        if region:
            where.append(Client.region == region)
        if gender:
            where.append(Client.gender == gender)
        if center:
            where.append(Client.node_code == center)
        return tuple(where)
