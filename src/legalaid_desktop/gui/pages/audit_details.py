"""The audit log for people: who by full name, records by number, details in words.

:class:`~legalaid_desktop.services.audit_view.AuditRow` carries the raw event and, in ``names``,
what people read for its ids and user names (resolved by the service). These functions turn
them into the text of the audit log's columns in the interface language, so that the log shows
"Hüseynova Leyla Əli qızı", "Client GNJ-C-00042" and "Role: Lawyer" instead of user names,
UUIDs and ``role=lawyer``. A value that is an id nothing here knows is left out of the details
(the record column still says what kind of record it was).
"""

from __future__ import annotations

import re

from legalaid_desktop.domain.roles import ROLE_LABELS, Role
from legalaid_desktop.gui.pages.sync_conflicts import GROUP_LABELS
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.services.audit_view import AuditRow

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

#: The kinds of record an audit event is about.
ENTITY_LABELS: dict[str, str] = {
    "attachment": N_("Document"),
    "bundle": N_("Sync bundle"),
    "campaign": N_("Campaign"),
    "case": N_("Case"),
    "client": N_("Client"),
    "node": N_("Center"),
    "store": N_("Data store"),
    "user": N_("User"),
}

#: What the keys of an event's details mean (a key not listed is shown as it is).
DETAIL_LABELS: dict[str, str] = {
    "attachment": N_("Document"),
    "attachments": N_("Documents"),
    "campaign": N_("Campaign"),
    "campaigns": N_("Campaigns"),
    "previous_campaign": N_("Previous campaign"),
    "cases": N_("Cases"),
    "clients": N_("Clients"),
    "consent": N_("Consent"),
    "consents": N_("Consents"),
    "consultations": N_("Consultations"),
    "contact": N_("Phone and address"),
    "deadlines": N_("Deadlines"),
    "file": N_("File"),
    "filters": N_("Filters"),
    "format": N_("Format"),
    "list": N_("List"),
    "rows": N_("Rows"),
    "kind": N_("Kind"),
    "parties": N_("Parties"),
    "records": N_("Records"),
    "groups": N_("What changed"),
    "lang": N_("Language"),
    "lawyer": N_("Lawyer"),
    "number": N_("Number"),
    "pages": N_("Pages"),
    "party": N_("Party"),
    "peer": N_("Center"),
    "permission": N_("Permission"),
    "reason": N_("Reason"),
    "role": N_("Role"),
    "size": N_("Size"),
    "target": N_("Record"),
    "to": N_("Center"),
    "username": N_("User"),
}

HIDDEN_DETAILS = frozenset({"sha256"})
"""Details a person has no use for in the log (a document's fingerprint)."""


def person(row: AuditRow, username: str) -> str:
    """The full name of ``username`` when this store knows it, else the user name."""
    return row.names.get(username) or username


def record_text(row: AuditRow) -> str:
    """``Client GNJ-C-00042``, ``Case GNJ-2026-0001``, ``User Hüseynova Leyla Əli qızı``."""
    kind = ENTITY_LABELS.get(row.entity_type)
    label = _(kind) if kind is not None else row.entity_type
    ref = row.names.get(row.entity_id, "")
    if not ref and row.entity_id and not _UUID.fullmatch(row.entity_id):
        ref = row.entity_id  # a case number, a center code: already readable
    return f"{label} {ref}".strip()


def _value(row: AuditRow, key: str, value: str) -> str | None:
    if key == "role":
        try:
            return _(ROLE_LABELS[Role(value)])
        except ValueError:
            return value
    if key == "groups":
        return ", ".join(
            _(GROUP_LABELS[g]) if g in GROUP_LABELS else g for g in value.split(", ") if g
        )
    if key in ("username", "lawyer", "target"):
        value = person(row, value)
    if value in ("True", "False"):
        return _("yes") if value == "True" else _("no")
    unknown = False

    def readable(match: re.Match[str]) -> str:
        nonlocal unknown
        found = row.names.get(match.group(0))
        if found is None:
            unknown = True
            return ""
        return found

    text = _UUID.sub(readable, value)
    return None if unknown and not text.strip(" ,") else text


def details_text(row: AuditRow) -> str:
    """``Role: Lawyer; User: Quliyeva Nigar``: the details in the interface language (a number
    the record column shows already is not repeated)."""
    parts = []
    shown = row.names.get(row.entity_id) or row.entity_id
    for key, raw in row.details:
        if key in HIDDEN_DETAILS or (key == "number" and raw == shown):
            continue
        value = _value(row, key, raw)
        if value is None:
            continue
        label = DETAIL_LABELS.get(key)
        parts.append(f"{_(label) if label is not None else key}: {value}")
    return "; ".join(parts)
