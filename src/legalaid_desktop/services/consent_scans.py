"""The signed scan of a consent: an attachment of the client, kept in the encrypted store.

A consent row (``consents``) names its scan by ``attachment_id``; the scan itself is an
``attachments`` row with ``client_id`` set and no ``case_id`` (a document of the person, not of
one of their cases). Its name and size follow the rules of every attachment
(:func:`~legalaid_desktop.services.case_records.checked_file`: a plain name, at most 20 MB).

Where the scan goes (DESIGN.md §11, docs/personal-data.md):

- to HQ in full only while the client shares with HQ: for a client who does not, the bundle
  carries a placeholder without bytes (:mod:`legalaid_desktop.sync.pseudonyms` withholds every
  attachment whose client does not share, case-level or client-level alike);
- anonymization and erasure remove it with the rest (``services/retention``); the access report
  lists it.

The scan is attached when a purpose is given (``ClientService.give_purpose(..., scan=...)``:
the new row is written once with its scan) or later, to a consent recorded without one
(:meth:`ClientService.attach_consent_scan`: the consent row's "consent" group is stamped again
with the same purposes and dates and the scan's id; only the client's own center records it, so
no other node writes that group).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.i18n import _
from legalaid_desktop.services.case_records import MAX_ATTACHMENT_BYTES, checked_file
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Attachment, Client, Consent

__all__ = ["ScanFile", "checked_scan", "consent_for_scan", "read_scan", "store_scan"]


@dataclass(frozen=True)
class ScanFile:
    """A scan about to be stored: its plain name, media type and bytes (already checked)."""

    file_name: str
    media_type: str
    content: bytes


def read_scan(path: Path) -> tuple[str, bytes]:
    """The name and bytes of the scan file at ``path`` (the user's choice in a file dialog or on
    the command line). At most one byte over the size limit is read, so that a huge file is
    refused by the limit's own message without being loaded."""
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_ATTACHMENT_BYTES + 1)
    except OSError as exc:
        raise InputRejected(
            _("The scan {name} cannot be read: {reason}").format(
                name=path.name, reason=exc.strerror or type(exc).__name__
            )
        ) from None
    return path.name, content


def checked_scan(file_name: str, content: bytes, media_type: str | None = None) -> ScanFile:
    """A scan checked as every attachment is (before the write transaction)."""
    name, kind = checked_file(file_name, content, media_type)
    return ScanFile(name, kind, content)


def consent_for_scan(session: Session, client: Client, consent_id: str | None) -> Consent:
    """The consent row of ``client`` a scan is attached to: ``consent_id``, or (``None``) the
    newest one in force. Refused: another client's, a withdrawn one, one with a scan already."""
    if consent_id is None:
        row = session.scalars(
            select(Consent)
            .where(
                Consent.client_id == client.id,
                Consent.deleted_hlc.is_(None),
                Consent.withdrawn_on.is_(None),
            )
            .order_by(Consent.given_on.desc(), Consent.id.desc())
            .limit(1)
        ).first()
        if row is None:
            raise InputRejected(_("The client has no consent in force to attach a scan to."))
    else:
        found = session.get(Consent, consent_id.strip())
        if found is None or found.client_id != client.id or found.deleted_hlc is not None:
            raise InputRejected(_("That consent does not belong to this client."))
        row = found
    if row.withdrawn_on is not None:
        raise InputRejected(_("This consent was already withdrawn."))
    if row.attachment_id:
        raise InputRejected(_("This consent already carries its signed scan."))
    return row


def store_scan(ws: Workspace, session: Session, client: Client, scan: ScanFile) -> Attachment:
    """Store ``scan`` as an attachment of ``client`` (in the caller's write transaction)."""
    row = Attachment(
        id=new_id(),
        case_id=None,
        client_id=client.id,
        file_name=scan.file_name,
        media_type=scan.media_type,
        size=len(scan.content),
        sha256=hashlib.sha256(scan.content).hexdigest(),
        content=scan.content,
        added_at=utc_now_iso(),
        origin_node=ws.node_code,
        clocks={},
        hlc="",
    )
    session.add(row)
    ws.touch(session, row, Attachment.FIELD_GROUPS)
    return row
