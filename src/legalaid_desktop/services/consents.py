"""A client's consent as the services enforce it (Law on Personal Data, 2010; DESIGN.md §11).

The rules (the pure ones are in :mod:`legalaid_desktop.domain.cases`):

- A client's consent is the set of their ``consents`` rows; each row is one signed statement (its
  purposes, the day given, "valid until", the scan). A purpose is in force while a row that
  holds it is given, not withdrawn and not expired (:func:`purposes_in_force`).
- **Withdrawal of "store and process"** stops processing: every write on the client and their
  cases is refused with :class:`~legalaid_desktop.domain.errors.ProcessingWithdrawn`
  (:func:`refuse_if_withdrawn`); reading still works, and the client waits for anonymization
  (:func:`withdrawn_clients`, for the retention list).
- An expired consent (past "valid until", not renewed) stops nothing; it shows on the client and
  on the dashboard (:func:`expired_consent_count`).

Every function here takes the caller's session: they run inside the use case's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.cases import (
    ConsentInfo,
    ConsentPurpose,
    expired_purposes,
)
from legalaid_desktop.domain.cases import (
    processing_withdrawn_on as _withdrawn_on,
)
from legalaid_desktop.domain.cases import (
    purposes_in_force as _in_force,
)
from legalaid_desktop.domain.client_numbers import normalize_client_number
from legalaid_desktop.domain.errors import NotFound, ProcessingWithdrawn, ValidationError
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.services.rows import consent_info
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import Case, Client, Consent

__all__ = [
    "client_consents",
    "expired_consent_count",
    "processing_withdrawn_on",
    "purposes_in_force",
    "refuse_if_withdrawn",
    "require_purpose",
    "resolve_client",
    "withdrawn_clients",
]


def require_purpose(code: str, valid: Sequence[str] | None = None) -> str:
    """``code`` if it is one of the consent purposes ``valid`` (the reference list's codes;
    the code's :class:`ConsentPurpose` when not given); else a message that names them."""
    valid = list(valid) if valid is not None else [p.value for p in ConsentPurpose]
    if code not in valid:
        raise ValidationError(
            _("'{code}' is not a consent purpose (the purposes are: {valid}).").format(
                code=code, valid=", ".join(valid)
            ),
            "purposes",
        )
    return code


def resolve_client(session: Session, ref: str) -> Client:
    """The live client ``ref`` names: a client id, or the number of one of their cases."""
    ref = ref.strip()
    number = normalize_client_number(ref)
    if number is not None:
        row = session.scalar(select(Client).where(Client.number == number))
    else:
        row = session.get(Client, ref)
    if row is None:
        client_id = session.scalar(
            select(Case.client_id).where(Case.number == ref.upper(), Case.deleted_hlc.is_(None))
        )
        row = session.get(Client, client_id) if client_id else None
    if row is None or row.deleted_hlc is not None:
        raise NotFound(_("There is no client or case '{ref}'.").format(ref=ref))
    return row


def client_consents(session: Session, client_id: str) -> tuple[ConsentInfo, ...]:
    """The client's live consent rows, oldest first."""
    rows = session.scalars(
        select(Consent)
        .where(Consent.client_id == client_id, Consent.deleted_hlc.is_(None))
        .order_by(Consent.given_on, Consent.id)
    ).all()
    return tuple(consent_info(r) for r in rows)


def purposes_in_force(session: Session, client_id: str, day: date) -> frozenset[str]:
    """The purposes the client's consent covers on ``day``."""
    return _in_force(client_consents(session, client_id), day)


def processing_withdrawn_on(session: Session, client_id: str) -> date | None:
    """When the client withdrew consent to store and process (``None`` if they have not)."""
    return _withdrawn_on(client_consents(session, client_id))


def refuse_if_withdrawn(session: Session, client_id: str) -> None:
    """Raise :class:`ProcessingWithdrawn` if the client withdrew consent to store and process.

    Called by every write on a client or their cases (client update, case open, each change
    to a case and what hangs off it), inside the write transaction.
    """
    when = processing_withdrawn_on(session, client_id)
    if when is not None:
        raise ProcessingWithdrawn(
            _(
                "The client withdrew consent to store and process their data on {date}: "
                "their records can be read but not changed."
            ).format(date=format_date(when))
        )


def withdrawn_clients(session: Session) -> dict[str, date]:
    """Every live client whose processing is withdrawn, with the day it was (for retention).

    Reads only the consent rows of clients that have a withdrawn one.
    """
    candidates = sorted(
        set(
            session.scalars(
                select(Consent.client_id).where(
                    Consent.withdrawn_on.is_not(None), Consent.deleted_hlc.is_(None)
                )
            )
        )
    )
    out: dict[str, date] = {}
    for client_id, consents in _consents_of(session, candidates).items():
        when = _withdrawn_on(consents)
        if when is not None:
            out[client_id] = when
    return out


def expired_consent_count(session: Session, day: date, node_code: str | None = None) -> int:
    """How many live clients (of ``node_code``, when given) have a consent that expired before
    ``day`` and was not renewed (:func:`~legalaid_desktop.domain.cases.expired_purposes`).

    One pass over the consents finds the clients with a lapsed, unwithdrawn row; only their
    clients and consent rows are read then, by key.
    """
    lapsed = sorted(
        set(
            session.scalars(
                select(Consent.client_id).where(
                    Consent.deleted_hlc.is_(None),
                    Consent.withdrawn_on.is_(None),
                    Consent.valid_until < day.isoformat(),
                )
            )
        )
    )
    consents = _consents_of(session, lapsed, node_code)
    return sum(1 for rows in consents.values() if expired_purposes(rows, day))


def _consents_of(
    session: Session, client_ids: list[str], node_code: str | None = None
) -> dict[str, tuple[ConsentInfo, ...]]:
    """The live consent rows of each of ``client_ids`` that is a live client (of
    ``node_code``, when given)."""
    found: dict[str, list[ConsentInfo]] = defaultdict(list)
    for batch in batches(client_ids):
        live = select(Client.id).where(Client.id.in_(batch), Client.deleted_hlc.is_(None))
        if node_code is not None:
            live = live.where(Client.node_code == node_code)
        clients = list(session.scalars(live))
        rows = session.scalars(
            select(Consent)
            .where(Consent.client_id.in_(clients), Consent.deleted_hlc.is_(None))
            .order_by(Consent.given_on, Consent.id)
        )
        for row in rows:
            found[row.client_id].append(consent_info(row))
    return {client_id: tuple(rows) for client_id, rows in found.items()}
