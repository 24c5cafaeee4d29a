"""Rows the services look up by id or number, refusing a missing or deleted one with
:class:`~legalaid_desktop.domain.errors.NotFound` (a message for people)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.client_numbers import normalize_client_number
from legalaid_desktop.domain.errors import NotFound
from legalaid_desktop.i18n import _
from legalaid_desktop.store.models import Case, Client


def get_client(session: Session, client_id: str) -> Client:
    """The client ``client_id`` (their id, or their readable number ``GNJ-C-00042``);
    :class:`NotFound` if there is none or it was deleted."""
    number = normalize_client_number(client_id)
    if number is not None:
        row = session.scalar(select(Client).where(Client.number == number))
        if row is None or row.deleted_hlc is not None:
            raise NotFound(_("There is no client {number}.").format(number=number))
        return row
    row = session.get(Client, client_id)
    if row is None or row.deleted_hlc is not None:
        raise NotFound(_("There is no client with the id {id}.").format(id=client_id))
    return row


def get_case(session: Session, number: str) -> Case:
    """The case numbered ``number`` (any case, spaces around); :class:`NotFound` if there is
    none or it was deleted."""
    row = session.scalar(select(Case).where(Case.number == number.strip().upper()))
    if row is None or row.deleted_hlc is not None:
        raise NotFound(_("There is no case {number}.").format(number=number))
    return row
