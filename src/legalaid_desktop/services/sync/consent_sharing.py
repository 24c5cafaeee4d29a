"""A client's consent to "share with HQ" changed: what HQ holds must follow (DESIGN.md §11).

A center sends HQ a client who does not share pseudonymized (:mod:`~legalaid_desktop.sync.
pseudonyms`), each field group under its real stamp. A bundle carries only rows with a change
since the last acknowledged one, and HQ takes a group only when its stamp is newer, so a
change of consent alone would move nothing: HQ would keep the pseudonymized record after the
consent is given, or the full one after it is withdrawn (a silent divergence).

:func:`consent_changed` therefore re-stamps, at the center, every field group whose value
differs between the full and the pseudonymized record, of the client and of every row under it
the center owns (live or deleted). The values here do not change; the next bundle carries the
groups as ordinary newer edits, full or pseudonymized as the consent now says, and HQ's merge
takes them (the center made the stamps HQ holds, so no conflict is logged).

The consent services call it in the same write transaction as the consent change (given or
withdrawn); HQ never calls it (nothing of a center's client is HQ's to re-send).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import (
    Attachment,
    Case,
    Client,
    ConflictDecision,
    Consultation,
    Correction,
    CorruptionDetails,
    Deadline,
    Party,
    Referral,
)
from legalaid_desktop.sync.nodes import is_hq
from legalaid_desktop.sync.pseudonyms import SENSITIVE_GROUPS, sharing_clients

__all__ = ["consent_changed", "follow_sharing", "shares_with_hq"]

_CASE_CHILDREN: tuple[type[Any], ...] = (
    CorruptionDetails,
    Referral,
    Consultation,
    Party,
    Deadline,
    Attachment,
    ConflictDecision,
    Correction,
)


def consent_changed(ws: Workspace, session: Session, client_id: str) -> int:
    """Re-stamp the client's pseudonymized field groups so the next bundle re-sends them.

    Args:
        ws: The workspace (its clock and actor stamp the groups).
        session: The caller's write transaction (the one that changed the consent).
        client_id: The client whose consent changed.

    Returns:
        How many rows were re-stamped (0 at HQ, or for a client this center neither owns nor
        holds a case of).
    """
    if is_hq(session):
        return 0
    me = ws.node_code
    rows: list[Any] = []
    client = session.get(Client, client_id)
    if client is None:
        return 0
    if client.node_code == me:
        rows.append(client)
        rows.extend(
            session.scalars(
                select(Attachment).where(
                    Attachment.client_id == client_id, Attachment.case_id.is_(None)
                )
            )
        )
        for model in (ConflictDecision, Correction):
            rows.extend(
                session.scalars(
                    select(model).where(model.client_id == client_id, model.case_id.is_(None))
                )
            )
    cases = list(
        session.scalars(select(Case).where(Case.client_id == client_id, Case.owner_node == me))
    )
    rows.extend(cases)
    case_ids = [case.id for case in cases]
    if case_ids:
        for model in _CASE_CHILDREN:
            rows.extend(session.scalars(select(model).where(model.case_id.in_(case_ids))))
    for row in rows:
        table = type(row).__tablename__
        stamped = [g for g in SENSITIVE_GROUPS.get(table, ()) if g in (row.clocks or {})]
        if stamped:
            ws.touch(session, row, stamped)
    return len(rows)


def shares_with_hq(session: Session, client_id: str) -> bool:
    """Whether the client has a live, not withdrawn consent to share with HQ."""
    return client_id in sharing_clients(session, [client_id])


def follow_sharing(ws: Workspace, session: Session, client_id: str, shared_before: bool) -> None:
    """After a consent change in ``session``: if sharing with HQ changed, :func:`consent_changed`.

    The consent services take ``shared_before`` (:func:`shares_with_hq`) before they change
    anything and call this before their transaction ends.
    """
    session.flush()
    if shares_with_hq(session, client_id) != shared_before:
        consent_changed(ws, session, client_id)
