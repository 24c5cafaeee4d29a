"""Which rows of other nodes a center was *given* (DESIGN.md §6, docs/sync.md §5).

A center owns its clients, campaigns and cases. It holds another node's client (or campaign)
only when HQ transferred it a case of that client: the transfer is the one way a client's
name and phone go to a second center. HQ uses the same answer twice, so that what it accepts
and what it sends cannot drift apart:

- **import** (:mod:`~legalaid_desktop.sync.importer`): a center's case may point only at a client
  or campaign the center owns or was given; anything else is refused;
- **export** (:mod:`~legalaid_desktop.sync.export`): HQ sends a center the clients and campaigns
  it owns, and those it was given, never the client of a case merely *claiming* it.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import CaseTransfer
from legalaid_desktop.sync.records import table_specs

__all__ = ["case_number_node", "given_by_transfer"]

_CASE_NUMBER = re.compile(r"([A-Z]{2,5})-[0-9]{4}-[0-9]{4,12}")


def given_by_transfer(session: Session, node: str) -> dict[str, set[str]]:
    """The clients and campaigns of the cases HQ ever transferred to ``node``.

    Returns:
        ``{"clients": {...}, "campaigns": {...}}`` (row ids).
    """
    given: dict[str, set[str]] = {"clients": set(), "campaigns": set()}
    case_ids = sorted(
        set(session.scalars(select(CaseTransfer.case_id).where(CaseTransfer.to_node == node)))
    )
    cases = table_specs()["cases"].table.c
    for batch in batches(case_ids):
        for client_id, campaign_id in session.execute(
            select(cases.client_id, cases.campaign_id).where(cases.id.in_(batch))
        ):
            if client_id:
                given["clients"].add(client_id)
            if campaign_id:
                given["campaigns"].add(campaign_id)
    return given


def case_number_node(number: str) -> str | None:
    """The node code of a well-formed case number (``GNJ`` of ``GNJ-2026-0001``), else None.

    A case number is made once, by its node (``services.cases.next_case_number``): the node's
    code, the year, a counter of at least four digits. Anything else (``GNJ-../../x``) is not a
    number this program made, and a center may not send it.
    """
    match = _CASE_NUMBER.fullmatch(number)
    return match.group(1) if match else None
