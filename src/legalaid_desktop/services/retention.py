"""Retention and erasure at one node: who is due, anonymize, erase (docs/personal-data.md).

Every removal is one write transaction, audited (who, when, why; never the removed content),
with secure delete on, the person's search entries refreshed in it, and the store compacted
after it so that the removed bytes leave the file (:mod:`legalaid_desktop.store.compaction`).

Rows are never hard-deleted (a tombstone must travel to the other nodes): removed content is
overwritten with empty values, each changed field group stamped like any edit
(:meth:`Workspace.touch`), and what goes away entirely is tombstoned as well. That is what lets
a later sync carry an anonymization or an erasure like any other change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.cases import CaseStatus, ConsentPurpose
from legalaid_desktop.domain.client_numbers import normalize_client_number
from legalaid_desktop.domain.errors import InputRejected, NotFound, ValidationError
from legalaid_desktop.domain.retention import (
    ANONYMIZED_NAME,
    DEFAULT_RETENTION_YEARS,
    MAX_RETENTION_YEARS,
    MIN_RETENTION_YEARS,
    RETENTION_YEARS_KEY,
    BatchResult,
    DueReason,
    ErasureResult,
    RetentionDue,
    RetentionRule,
    anonymized_birth_year,
    due_on,
    is_anonymized,
)
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.i18n.dates import from_iso, today
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.search import index as search_index
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.search.entries import phone_digits
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store import compaction
from legalaid_desktop.store.models import (
    Attachment,
    Case,
    Client,
    Consent,
    Consultation,
    Correction,
    CorruptionDetails,
    Deadline,
    Meta,
    Party,
    Referral,
)
from legalaid_desktop.store.models.base import SyncMixin
from legalaid_desktop.sync import erasure
from legalaid_desktop.text.collation import sort_string
from legalaid_desktop.text.folding import fold

Progress = Callable[[int, int], None]
"""``progress(done, total)``, as in :mod:`legalaid_desktop.services.sync.base`."""

OPEN_STATES = (CaseStatus.OPEN.value, CaseStatus.PENDING.value)
_MARKERS = frozenset({"oglu", "ogli", "qizi", "kizi", "ovich", "ovna", "evich", "evna"})
_ANONYMIZED = "client_anonymized"
_ERASED = "client_erased"


@dataclass
class _Removed:
    """What one removal changed: the rows touched per table (for the index) and the counts."""

    touched: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def note(self, row: SyncMixin, fields: tuple[str, ...] = (), *, live: bool = True) -> None:
        table = type(row).__tablename__  # type: ignore[attr-defined]
        self.ids.setdefault(table, set()).add(row.id)
        if fields or table in ("clients", "cases"):
            self.touched.setdefault(table, {})[row.id] = fields
        if live:
            self.counts[table] = self.counts.get(table, 0) + 1


def _blank(
    ws: Workspace, s: Session, row: SyncMixin, values: dict[str, object], *, gone: bool
) -> None:
    """Overwrite ``values`` in ``row``, stamping the groups that changed; tombstone if ``gone``."""
    groups: dict[str, tuple[str, ...]] = type(row).FIELD_GROUPS  # type: ignore[attr-defined]
    changed = [
        group
        for group, fields in groups.items()
        if any(f in values and getattr(row, f) != values[f] for f in fields)
    ]
    for name, value in values.items():
        setattr(row, name, value)
    if changed:
        ws.touch(s, row, changed)
    if gone and row.deleted_hlc is None:
        ws.tombstone(s, row)


class RetentionService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- the rule -----------------------------------------------------------------------------

    def rule(self) -> RetentionRule:
        """This center's retention period (the default when none was set)."""
        stored = self.ws.store.meta(RETENTION_YEARS_KEY)
        if stored is not None and stored.isdigit():
            years = int(stored)
            if MIN_RETENTION_YEARS <= years <= MAX_RETENTION_YEARS:
                return RetentionRule(years, default=False)
        return RetentionRule(DEFAULT_RETENTION_YEARS, default=True)

    def set_years(self, years: int) -> RetentionRule:
        """Set the retention period (administrators). Audited with the old and new value."""
        self.ws.require(Permission.SET_RETENTION, "retention_rule_set")
        if not MIN_RETENTION_YEARS <= years <= MAX_RETENTION_YEARS:
            raise ValidationError(
                _("The retention period is {low} to {high} years.").format(
                    low=MIN_RETENTION_YEARS, high=MAX_RETENTION_YEARS
                ),
                "years",
            )
        before = self.rule()
        with self.ws.write() as s:
            s.merge(Meta(key=RETENTION_YEARS_KEY, value=str(years)))
            self.ws.audit(
                s, "retention_rule_set", details={"years": years, "previous": before.years}
            )
        return RetentionRule(years, default=False)

    # -- who is due ---------------------------------------------------------------------------

    def due(self, on: date | None = None) -> list[RetentionDue]:
        """This center's clients due for anonymization on ``on`` (today), oldest reason first.

        Due: consent to store and process withdrawn (and not given again), at once, even with
        a case still open; otherwise, with no case open or pending, the retention period after
        the last case closed (a transferred case counts from its closing or, without one, its
        opening) or, for a client who never had a case, after registration.
        """
        self.ws.require(Permission.MANAGE_PERSONAL_DATA, "retention_list")
        day = on or today()
        years = self.rule().years
        with self.ws.read() as s:
            clients = s.execute(
                select(Client.id, Client.full_name, Client.created_at).where(
                    Client.deleted_hlc.is_(None), Client.node_code == self.ws.node_code
                )
            ).all()
            cases: dict[str, list[tuple[str, str, str | None, str]]] = {}
            for client_id, number, status, closed, opened in s.execute(
                select(Case.client_id, Case.number, Case.status, Case.closed_on, Case.opened_on)
                .where(Case.deleted_hlc.is_(None))
                .order_by(Case.number)
            ):
                cases.setdefault(client_id, []).append((number, status, closed, opened))
            withdrawn = self._withdrawals(
                s.execute(
                    select(Consent.client_id, Consent.purposes, Consent.withdrawn_on).where(
                        Consent.deleted_hlc.is_(None)
                    )
                ).all()
            )
        due: list[RetentionDue] = []
        for client_id, name, created in clients:
            if is_anonymized(name):
                continue
            own = cases.get(client_id, [])
            numbers = tuple(c[0] for c in own)
            open_count = sum(1 for c in own if c[1] in OPEN_STATES)
            if client_id in withdrawn:
                since = withdrawn[client_id]
                why = _("Consent to store and process the data was withdrawn on {date}.").format(
                    date=format_date(since)
                )
                item = (DueReason.WITHDRAWN, since, since, why)
            elif open_count:
                continue
            else:
                ends = [from_iso(c[2]) or date.fromisoformat(c[3]) for c in own]
                if ends:
                    since = max(d for d in ends if d is not None)
                    why = ngettext(
                        "Last case closed on {date}; {years} year has passed.",
                        "Last case closed on {date}; {years} years have passed.",
                        years,
                    )
                    reason = DueReason.CASES_CLOSED
                else:
                    since = date.fromisoformat(created[:10])
                    why = ngettext(
                        "Registered on {date} without a case; {years} year has passed.",
                        "Registered on {date} without a case; {years} years have passed.",
                        years,
                    )
                    reason = DueReason.NO_CASE
                first = due_on(since, years)
                if first > day:
                    continue
                item = (reason, since, first, why.format(date=format_date(since), years=years))
            reason_code, since, first_day, text = item
            due.append(
                RetentionDue(
                    client_id, name, reason_code, since, first_day, numbers, open_count, text
                )
            )
        due.sort(key=lambda d: (d.due_on, d.full_name))
        return due

    @staticmethod
    def _withdrawals(rows: Sequence[tuple[str, list[str], str | None]]) -> dict[str, date]:
        """Client → the last withdrawal of their consent to store and process, for the clients
        who have no such consent in force (one given again after a withdrawal counts)."""
        store = ConsentPurpose.STORE_PROCESS.value
        withdrawn: dict[str, date] = {}
        active: set[str] = set()
        for client_id, purposes, withdrawn_on in rows:
            if store not in (purposes or []):
                continue
            if withdrawn_on is None:
                active.add(client_id)
            else:
                day = date.fromisoformat(withdrawn_on)
                withdrawn[client_id] = max(day, withdrawn.get(client_id, day))
        return {k: v for k, v in withdrawn.items() if k not in active}

    # -- anonymize and erase ------------------------------------------------------------------

    def anonymize(self, ref: str, reason: str) -> ErasureResult:
        """Keep what statistics need of a client and remove everything else.

        Args:
            ref: The client's id, or the number of one of their cases.
            reason: Why (kept in the audit log; it must not name the person).

        Raises:
            PermissionDenied: Not a manager or administrator (audited).
            NotFound: No such client or case.
            InputRejected: Another center's client; a case still open without a withdrawal;
                already anonymized; a reason that names the person.
        """
        result = self._remove(ref, reason, erase=False)
        return self._compacted(result, self._finish())

    def erase(self, ref: str, reason: str) -> ErasureResult:
        """Remove a client and everything under them (cases, consultations, parties, deadlines,
        attachments, consents); only tombstones with ids and stamps remain. Same arguments and
        errors as :meth:`anonymize`."""
        result = self._remove(ref, reason, erase=True)
        return self._compacted(result, self._finish())

    def anonymize_many(
        self,
        client_ids: Sequence[str],
        reason: str,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> BatchResult:
        """Anonymize several clients (the retention screen), one transaction each.

        ``cancelled`` is checked before each client: when it returns true the run stops there
        and the clients already done stay anonymized. A client that cannot be anonymized (see
        :meth:`anonymize`) is left as it was and reported; the others go on. The store is
        compacted once at the end. ``progress(done, total)`` follows each client.
        """
        self.ws.require(Permission.MANAGE_PERSONAL_DATA, "client_anonymize_many")
        validation.text(reason, "reason", _("Reason"), required=True, max_length=500)
        done: list[str] = []
        failed: list[tuple[str, str]] = []
        stopped = False
        total = len(client_ids)
        try:
            for position, client_id in enumerate(client_ids):
                if cancelled is not None and cancelled():
                    stopped = True
                    break
                try:
                    done.append(self._remove(client_id, reason, erase=False).client_id)
                except InputRejected as exc:
                    failed.append((client_id, str(exc)))
                if progress is not None:
                    progress(position + 1, total)
        finally:
            compacted = self._finish() if done else False
        return BatchResult(tuple(done), tuple(failed), stopped, compacted)

    # -- the work -----------------------------------------------------------------------------

    def _finish(self) -> bool:
        """Merge the search index (removed words leave its pages), then compact the file."""
        with self.ws.write() as s, compaction.secure_delete(s):
            search_index.purge_deleted(s)
        return compaction.compact(self.ws.store)

    @staticmethod
    def _compacted(result: ErasureResult, compacted: bool) -> ErasureResult:
        return replace(result, compacted=compacted)

    def _remove(self, ref: str, reason: str, *, erase: bool) -> ErasureResult:
        action = _ERASED if erase else _ANONYMIZED
        self.ws.require(Permission.MANAGE_PERSONAL_DATA, action, "client", target=ref.strip())
        text = validation.text(reason, "reason", _("Reason"), required=True, max_length=500)
        with self.ws.read() as s:
            client = self._client(s, ref)
            foreign = self._foreign(s, client)
        if foreign:
            raise self.ws.refuse(InputRejected(foreign), action, "client", client.id)
        with self.ws.write() as s, compaction.secure_delete(s):
            client = self._client(s, ref)
            self._check(s, client, text, erase=erase)
            removed = self._strip(s, client, erase=erase)
            self._forget_sync_copies(s, removed.ids)
            search_refresh.refresh_rows(s, removed.touched)
            counts = removed.counts
            details = {
                "reason": text,
                "cases": counts.get("cases", 0),
                "consultations": counts.get("consultations", 0),
                "attachments": counts.get("attachments", 0),
            }
            self.ws.audit(s, action, "client", client.id, details)
            return ErasureResult(
                client_id=client.id,
                action="erased" if erase else "anonymized",
                cases=counts.get("cases", 0),
                consultations=counts.get("consultations", 0),
                parties=counts.get("parties", 0),
                deadlines=counts.get("deadlines", 0),
                attachments=counts.get("attachments", 0),
                compacted=False,
            )

    def _client(self, s: Session, ref: str) -> Client:
        """The client ``ref`` names: a client id, or the number of one of their cases."""
        key = ref.strip()
        number = normalize_client_number(key)
        if number is not None:
            row = s.scalar(select(Client).where(Client.number == number))
        else:
            row = s.get(Client, key) if key else None
        if row is None:
            case = s.scalar(select(Case).where(Case.number == key.upper())) if key else None
            if case is not None and case.deleted_hlc is None:
                row = s.get(Client, case.client_id)
        if row is None or row.deleted_hlc is not None:
            raise NotFound(_("There is no client or case {ref}.").format(ref=key))
        return row

    def _foreign(self, s: Session, client: Client) -> str:
        """Why this node may not remove ``client`` (another center's), or ``""``."""
        if client.node_code != self.ws.node_code:
            return _(
                "This client belongs to the {node} center; only that center can anonymize or "
                "erase them."
            ).format(node=client.node_code)
        elsewhere = s.execute(
            select(Case.number, Case.owner_node).where(
                Case.client_id == client.id,
                Case.deleted_hlc.is_(None),
                Case.owner_node != self.ws.node_code,
            )
        ).first()
        if elsewhere is not None:
            return _(
                "Case {number} of this client belongs to the {node} center; it must be "
                "transferred back first."
            ).format(number=elsewhere[0], node=elsewhere[1])
        return ""

    def _check(self, s: Session, client: Client, reason: str, *, erase: bool) -> None:
        if is_anonymized(client.full_name) and not erase:
            raise InputRejected(_("This client is already anonymized."))
        open_case = s.scalar(
            select(Case.number).where(
                Case.client_id == client.id,
                Case.deleted_hlc.is_(None),
                Case.status.in_(OPEN_STATES),
            )
        )
        if open_case is not None:
            consents = s.execute(
                select(Consent.client_id, Consent.purposes, Consent.withdrawn_on).where(
                    Consent.client_id == client.id, Consent.deleted_hlc.is_(None)
                )
            ).all()
            if client.id not in self._withdrawals(consents):
                raise InputRejected(
                    _(
                        "Case {number} of this client is still open: close it first (or record "
                        "the withdrawal of their consent to store and process the data)."
                    ).format(number=open_case)
                )
        if _names_person(reason, client):
            raise InputRejected(
                _(
                    "The reason must not contain the person's name or phone number: it stays "
                    "in the audit log after their data is removed."
                )
            )

    def _strip(self, s: Session, client: Client, *, erase: bool) -> _Removed:
        """Overwrite the person's content in every row under them (tombstones included)."""
        ws, out = self.ws, _Removed()
        values: dict[str, object] = {
            "phone": "",
            "address": "",
            "referral_source": "",
            "contact_person": "",
            "full_name": "" if erase else ANONYMIZED_NAME,
            "birth_year": None if erase else anonymized_birth_year(client.birth_year),
        }
        if erase:
            values.update(
                gender="", region="", displacement="", disability="", registration="", members=None
            )
        _blank(ws, s, client, values, gone=erase)
        client.name_sort = sort_string(client.full_name)
        out.note(client, ("full_name", "phone", "address", "birth_year"))
        for consent in s.scalars(select(Consent).where(Consent.client_id == client.id)):
            _blank(ws, s, consent, {"attachment_id": None}, gone=erase)
            out.note(consent, live=False)
        cases = list(s.scalars(select(Case).where(Case.client_id == client.id)))
        case_ids = [c.id for c in cases]
        for case in cases:
            live = case.deleted_hlc is None
            blank: dict[str, object] = {"summary": "", "referral": "", "transfer_reason": ""}
            if erase:
                blank["grant_code"] = ""
            _blank(ws, s, case, blank, gone=erase)
            out.note(case, live=live)
        children: tuple[tuple[type[SyncMixin], dict[str, object], bool], ...] = (
            (CorruptionDetails, {"institution": "", "reported_to": ""}, erase),
            (Consultation, {"notes": "", "advice": "", "next_steps": ""}, erase),
            (Party, {"name": "", "notes": ""}, True),
            (Deadline, {"description": ""}, erase),
            (Referral, {"to_whom": "", "request": "", "answer": ""}, erase),
        )
        for model, blank, gone in children:
            column = model.case_id  # type: ignore[attr-defined]
            for row in s.scalars(select(model).where(column.in_(case_ids))):
                live = row.deleted_hlc is None
                _blank(ws, s, row, blank, gone=gone)
                out.note(row, tuple(blank), live=live)
        attachments = s.scalars(
            select(Attachment).where(
                (Attachment.client_id == client.id) | Attachment.case_id.in_(case_ids)
            )
        )
        for attachment in attachments:
            live = attachment.deleted_hlc is None
            _blank(ws, s, attachment, dict(erasure.ATTACHMENT_BLANK), gone=True)
            out.note(attachment, live=live)
        corrections = s.scalars(
            select(Correction).where(
                (Correction.client_id == client.id) | Correction.case_id.in_(case_ids)
            )
        )
        for correction in corrections:
            # what a field was and became is the person's content: gone with the rest
            _blank(ws, s, correction, dict(erasure.ERASED_FIELDS["corrections"]), gone=erase)
            out.note(correction, live=correction.deleted_hlc is None)
        return out

    def _forget_sync_copies(self, s: Session, ids: dict[str, set[str]]) -> None:
        """Drop the person's values kept by sync (the same rule the importer applies)."""
        erasure.forget_sync_copies(s, ids, self.ws.actor.username)


def _names_person(reason: str, client: Client) -> bool:
    """Whether ``reason`` contains a word of the client's name, or their phone number."""
    words = set(fold(reason).split())
    for token in fold(client.full_name).split():
        if len(token) >= 3 and token not in _MARKERS and token in words:
            return True
    digits = "".join(ch for ch in reason if ch.isdigit())
    return any(len(form) >= 7 and form[-7:] in digits for form in phone_digits(client.phone))
