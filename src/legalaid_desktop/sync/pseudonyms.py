"""What HQ may receive of a client who did not consent to "share with HQ" (DESIGN.md §11).

A center sends such a client **pseudonymized**: enough for the national statistics, nothing that
identifies the person (docs/sync.md §10). The rule is applied to each change record as it is
written into a center's bundle (:func:`pseudonymize_record`); the center's own rows keep their
real values.

- ``clients``: ``full_name`` becomes a stable random pseudonym (:func:`pseudonym`: HMAC-SHA256
  of the client id under a secret kept in the store's ``meta``, made on first use, never
  derived from the name); ``birth_year`` becomes the first year of its five-year birth cohort
  (the record format has no band field: 1983 → 1980, so an age band can still be counted);
  ``phone``, ``address`` and ``referral_source`` are emptied. Gender, region, displacement,
  disability and the owner stay.
- ``cases``: ``summary`` and the free-text ``referral`` are emptied; number, legal area, dates,
  status, outcome, lawyer, grant code and campaign stay.
- ``corruption_details``: ``institution`` and ``reported_to`` are emptied (sector, conduct,
  amount and satisfaction stay); ``consultations``: ``notes``, ``advice``, ``next_steps`` are
  emptied (date, lawyer, mode, minutes stay); ``parties``: ``name`` and ``notes`` are emptied
  (the role stays); ``deadlines``: ``description`` is emptied.
- ``attachments``: the content never leaves; a placeholder travels instead (no bytes, the name
  :data:`PLACEHOLDER_FILE_NAME`), so that a later withdrawal can replace a copy HQ holds.
- ``consents`` travel as they are (dates and purposes, no personal data).

A client shares with HQ when one of its consents that is neither deleted nor withdrawn names
``share_hq`` (:func:`sharing_clients`). When that changes, the center re-stamps the client's
pseudonymized field groups (``services/sync/consent_sharing.consent_changed``), so the next
bundle carries them as ordinary newer values: the full record after consent is given, the
pseudonymized one after it is withdrawn.

A center never lets such placeholders, coming back from HQ, replace the real values of a client
it owns and that does not share (:func:`keep_real_values`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.retention import ANONYMIZED_NAME
from legalaid_desktop.store.batches import batches
from legalaid_desktop.sync.nodes import get_meta, set_meta
from legalaid_desktop.sync.records import Record, table_specs

__all__ = [
    "BLANKED",
    "COHORT_YEARS",
    "PLACEHOLDER_FILE_NAME",
    "PSEUDONYM_KEY_META",
    "PSEUDONYM_PATTERN",
    "SENSITIVE_GROUPS",
    "SHARE_HQ",
    "ClientLinks",
    "birth_cohort",
    "is_pseudonym",
    "keep_real_values",
    "pseudonym",
    "pseudonym_key",
    "pseudonymize_record",
    "replaces_real_values",
    "sharing_clients",
    "withheld_rows",
]

SHARE_HQ = "share_hq"
"""The consent purpose that lets a client's identifying data go to HQ."""

PSEUDONYM_KEY_META = "pseudonym_key"
"""The ``meta`` key of the secret the pseudonyms are derived with (base64, 32 bytes)."""

PSEUDONYM_PATTERN = re.compile(r"PSN-[A-Z2-7]{16}")
"""What a pseudonym looks like: ``PSN-`` and 80 bits of the HMAC in base32."""

COHORT_YEARS = 5
"""Width of the birth cohort that replaces an exact birth year."""

PLACEHOLDER_FILE_NAME = "withheld"
PLACEHOLDER_MEDIA_TYPE = "application/octet-stream"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

BLANKED: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "clients": {
        "contact": ("phone", "address"),
        "profile": ("referral_source",),
        # a registration number names an organization as surely as its name
        "organization": ("contact_person", "registration"),
    },
    "cases": {
        "core": ("summary",),
        "referral": ("referral",),
        "transfer_request": ("transfer_reason",),
    },
    "corruption_details": {"details": ("institution", "reported_to")},
    "consultations": {"content": ("notes", "advice", "next_steps")},
    "parties": {"party": ("name", "notes")},
    "deadlines": {"deadline": ("description",)},
    "conflict_decisions": {"decision": ("reason",)},
    "corrections": {"values": ("old_value", "new_value")},
    "referrals": {"referral": ("to_whom", "request"), "answer": ("answer",)},
}
"""Free-text fields emptied, by table and field group."""

SENSITIVE_GROUPS: Mapping[str, tuple[str, ...]] = {
    **{table: tuple(groups) for table, groups in BLANKED.items()},
    "clients": ("identity", "contact", "profile", "organization"),
    "attachments": ("file",),
}
"""Every field group whose value differs between the real and the pseudonymized record."""


# --- the pieces -----------------------------------------------------------------------------------


def pseudonym_key(session: Session) -> bytes:
    """This store's pseudonym secret, made (in the caller's write transaction) on first use."""
    stored = get_meta(session, PSEUDONYM_KEY_META)
    if stored:
        return base64.b64decode(stored)
    key = os.urandom(32)
    set_meta(session, PSEUDONYM_KEY_META, base64.b64encode(key).decode("ascii"))
    return key


def pseudonym(key: bytes, client_id: str) -> str:
    """The stable random pseudonym of a client (``PSN-`` and 16 base32 letters)."""
    digest = hmac.new(key, b"legalaid-pseudonym-v1\x00" + client_id.encode(), "sha256").digest()
    return "PSN-" + base64.b32encode(digest[:10]).decode("ascii")


def is_pseudonym(value: object) -> bool:
    """Whether ``value`` is a pseudonym (as :func:`pseudonym` makes them)."""
    return isinstance(value, str) and PSEUDONYM_PATTERN.fullmatch(value) is not None


def birth_cohort(year: int | None) -> int | None:
    """The first year of the five-year cohort of ``year`` (1983 → 1980), or None."""
    if year is None:
        return None
    return year - year % COHORT_YEARS


def sharing_clients(session: Session, client_ids: Iterable[str]) -> set[str]:
    """Those of ``client_ids`` with a live, not withdrawn consent that names ``share_hq``."""
    consents = table_specs()["consents"].table.c
    wanted = sorted({i for i in client_ids if i})
    sharing: set[str] = set()
    for batch in batches(wanted):
        for client_id, purposes in session.execute(
            select(consents.client_id, consents.purposes).where(
                consents.client_id.in_(batch),
                consents.deleted_hlc.is_(None),
                consents.withdrawn_on.is_(None),
            )
        ):
            if isinstance(purposes, list) and SHARE_HQ in purposes:
                sharing.add(client_id)
    return sharing


def pseudonymize_record(
    record: dict[str, Any], content: bytes | None, key: bytes
) -> tuple[dict[str, Any], bytes | None]:
    """The record (as :func:`~legalaid_desktop.sync.records.record_from_row` makes it) as HQ
    may receive it for a client who does not share, and the attachment bytes to send (none).

    The stamps stay: HQ takes the values as those of the row's current stamps.
    """
    table = record["t"]
    groups: dict[str, Any] = record["g"]
    if table == "clients" and "identity" in groups:
        values = groups["identity"]["v"]
        if values["full_name"] not in (ANONYMIZED_NAME, ""):  # a removal travels as it is
            values["full_name"] = pseudonym(key, record["id"])
        values["birth_year"] = birth_cohort(values["birth_year"])
    for group, fields in BLANKED.get(table, {}).items():
        if group in groups:
            for name in fields:
                groups[group]["v"][name] = ""
    if table == "attachments" and "file" in groups:
        values = groups["file"]["v"]
        values.update(
            file_name=PLACEHOLDER_FILE_NAME,
            media_type=PLACEHOLDER_MEDIA_TYPE,
            size=0,
            sha256=EMPTY_SHA256,
            content=EMPTY_SHA256,
        )
        content = b""
    return record, content


# --- whose client a row is --------------------------------------------------------------------


class ClientLinks:
    """The client each row belongs to (clients, their consents and cases, the cases' children)."""

    def __init__(self, session: Session) -> None:
        self._s = session
        self._case_client: dict[str, str | None] = {}

    def prefetch_cases(self, case_ids: Iterable[str | None]) -> None:
        cases = table_specs()["cases"].table.c
        missing = sorted({i for i in case_ids if i and i not in self._case_client})
        for batch in batches(missing):
            for case_id, client_id in self._s.execute(
                select(cases.id, cases.client_id).where(cases.id.in_(batch))
            ):
                self._case_client[case_id] = client_id
        for case_id in missing:
            self._case_client.setdefault(case_id, None)

    def note_case(self, case_id: str, client_id: str | None) -> None:
        """Tell of a case's client known otherwise (a case arriving in the same bundle)."""
        if client_id:
            self._case_client[case_id] = client_id

    def client_of(self, table: str, row: Mapping[str, Any]) -> str | None:
        """The client of a row given by its ``id``, ``client_id`` and ``case_id`` values."""
        if table == "clients":
            return str(row["id"])
        if table == "campaigns":
            return None
        client_id = row.get("client_id")
        if client_id:
            return str(client_id)
        case_id = row.get("case_id")
        if not case_id:
            return None
        if case_id not in self._case_client:
            self.prefetch_cases([case_id])
        return self._case_client[case_id]


def withheld_rows(
    session: Session, rows: Mapping[str, Mapping[str, Mapping[str, Any]]]
) -> dict[str, set[str]]:
    """Of the rows chosen for a center's bundle to HQ, those to pseudonymize, by table.

    Args:
        session: The export's transaction.
        rows: The chosen rows, by table and id.
    """
    links = ClientLinks(session)
    for case_id, case in rows.get("cases", {}).items():
        links.note_case(case_id, case["client_id"])
    links.prefetch_cases(row.get("case_id") for table in rows.values() for row in table.values())
    client_of: dict[tuple[str, str], str] = {}
    for table, chosen in rows.items():
        if table not in SENSITIVE_GROUPS:
            continue
        for row_id, row in chosen.items():
            client_id = links.client_of(table, row)
            if client_id:
                client_of[(table, row_id)] = client_id
    sharing = sharing_clients(session, set(client_of.values()))
    withheld: dict[str, set[str]] = {}
    for (table, row_id), client_id in client_of.items():
        if client_id not in sharing:
            withheld.setdefault(table, set()).add(row_id)
    return withheld


# --- at a center: placeholders from HQ never replace real values --------------------------------


def _link_values(record: Record, local: Mapping[str, Any] | None) -> dict[str, Any]:
    values: dict[str, Any] = {"id": record.id}
    for column in ("client_id", "case_id"):
        if column in record.spec.columns:
            value = record.value(column) if record.has(column) else None
            if value is None and local is not None:
                value = local[column]
            values[column] = value
    return values


def keep_real_values(
    session: Session,
    me: str,
    records: list[Record],
    local: Mapping[str, Mapping[str, Mapping[str, Any]]],
) -> list[Record]:
    """At a center importing from HQ: keep the real values of the clients it owns that do not
    share with HQ, where HQ's record carries their pseudonymized placeholders.

    HQ holds such a client only pseudonymized. Should one of its field groups come back newer
    (HQ edited it, or another center edited a transferred case of it), the placeholder fields
    are replaced by this center's values before the merge, so the group's stamp moves on but
    the data stays; an attachment placeholder is left out. Records left with no group are
    dropped.

    Args:
        session: The import's transaction.
        me: This center's code.
        records: The bundle's checked records.
        local: The stored rows of those records, by table and id.

    Returns:
        The records to merge.
    """
    links = ClientLinks(session)
    links.prefetch_cases(
        _link_values(r, local.get(r.spec.name, {}).get(r.id)).get("case_id") for r in records
    )
    owners: dict[str, str | None] = {}
    clients = table_specs()["clients"].table.c
    candidates: list[tuple[Record, Mapping[str, Any], str]] = []
    for record in records:
        row = local.get(record.spec.name, {}).get(record.id)
        if row is None or record.spec.name not in SENSITIVE_GROUPS:
            continue
        if not any(group in record.groups for group in SENSITIVE_GROUPS[record.spec.name]):
            continue
        client_id = links.client_of(record.spec.name, _link_values(record, row))
        if client_id:
            candidates.append((record, row, client_id))
    wanted = sorted({c for _r, _row, c in candidates})
    for batch in batches(wanted):
        for client_id, node in session.execute(
            select(clients.id, clients.node_code).where(clients.id.in_(batch))
        ):
            owners[client_id] = node
    mine = {c for c in wanted if owners.get(c) == me}
    protected = mine - sharing_clients(session, mine)
    dropped: set[int] = set()
    for record, row, client_id in candidates:
        if client_id in protected and not _restore(record, row):
            dropped.add(id(record))
    return [r for r in records if id(r) not in dropped]


def _restore(record: Record, row: Mapping[str, Any]) -> bool:
    """Put the local values back where ``record`` carries placeholders; False if no group is
    left."""
    table = record.spec.name
    groups = record.groups
    if table == "clients" and "identity" in groups:
        stamp, values = groups["identity"]
        if is_pseudonym(values["full_name"]) and not is_pseudonym(row["full_name"]):
            groups["identity"] = (
                stamp,
                {**values, "full_name": row["full_name"], "birth_year": row["birth_year"]},
            )
    for group, fields in BLANKED.get(table, {}).items():
        if group in groups:
            stamp, values = groups[group]
            kept = {name: row[name] for name in fields if values[name] == "" and row[name]}
            if kept:
                groups[group] = (stamp, {**values, **kept})
    if table == "attachments" and "file" in groups:
        _stamp, values = groups["file"]
        if values["sha256"] == EMPTY_SHA256 and values["file_name"] == PLACEHOLDER_FILE_NAME:
            if row["sha256"] != EMPTY_SHA256:
                del groups["file"]
    return bool(groups)


# --- at HQ: a withdrawal replaces the real values ------------------------------------------------


def replaces_real_values(
    records: list[Record], local: Mapping[str, Mapping[str, Mapping[str, Any]]]
) -> bool:
    """Whether some record replaces a stored client's name by a pseudonym: a withdrawal of
    "share with HQ" arriving (``consent_changed`` always re-stamps the client's identity, so
    this one signal covers the client's cases and their children in the same bundle).

    Merging the whole search index costs time in proportion to it, so an ordinary edit that
    empties a text does not trigger it.
    """
    for record in records:
        if record.spec.name != "clients" or "identity" not in record.groups:
            continue
        row = local.get("clients", {}).get(record.id)
        if row is None:
            continue
        if is_pseudonym(record.groups["identity"][1]["full_name"]) and not is_pseudonym(
            row["full_name"]
        ):
            return True
    return False
