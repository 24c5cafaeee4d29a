"""Advocacy campaigns: what is entered, what is shown, and how the period and notes are kept.

A campaign's row has no columns of its own for the period or the notes (adding them is a schema
change for a later migration). Both live in its ``description`` column as one small JSON
object, :func:`pack_profile`; a description that is not such an object (the demo's, or one
written before campaigns had a period) is read as notes with no period,
:func:`unpack_profile`. The column is in the campaign's ``profile`` field group, so the period
and the notes sync, and merge, together with the title, issue area and partners
(docs/campaigns.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from legalaid_desktop.domain.retention import display_name
from legalaid_desktop.domain.roster import person_key

PROFILE_FORMAT = "campaign-profile/1"
"""The tag of a description that holds a period and notes (:func:`pack_profile`)."""


@dataclass(frozen=True)
class CampaignInput:
    """A campaign as entered (the service validates and cleans every field)."""

    title: str
    issue_area: str = ""
    partners: tuple[str, ...] = ()
    starts_on: date | None = None
    ends_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class CampaignCase:
    """A case linked to a campaign, as the campaign's page lists it."""

    number: str
    client_name: str
    status: str
    legal_area: str
    assigned_lawyer: str
    opened_on: date
    center: str
    lawyer_node: str = ""
    """The node :attr:`assigned_lawyer` is a user of (the node that last assigned the case)."""

    @property
    def client_display_name(self) -> str:
        return display_name(self.client_name)


@dataclass(frozen=True)
class CampaignFigures:
    """The campaign's figures (the statistics' measures, filtered to the campaign).

    Attributes:
        start, end: The days counted: the campaign's period, widened to its first linked case
            and to today when they fall outside it.
        own_only: The figures are only the actor's own (a lawyer sees only their own figures).
    """

    start: date
    end: date
    cases_opened: int
    consultations: int
    clients_served: int
    own_only: bool = False


@dataclass(frozen=True)
class CampaignDetail:
    """One campaign with its linked cases and figures.

    Attributes:
        editable: This center owns the campaign and the actor may edit it; a campaign of
            another center (one that came with a transferred case) is read-only here.
        cases: The linked cases, newest first (at most a few hundred; ``case_total`` counts
            them all).
        first_opened: The opening day of the earliest linked case.
    """

    id: str
    title: str
    node_code: str
    issue_area: str
    partners: tuple[str, ...]
    starts_on: date | None
    ends_on: date | None
    notes: str
    editable: bool
    cases: tuple[CampaignCase, ...] = ()
    case_total: int = 0
    first_opened: date | None = None
    figures: CampaignFigures | None = None
    user_names: dict[str, str] = field(default_factory=dict)

    """Who the cases' lawyers are, keyed as ``CaseDetail.user_names`` (``username@NODE``,
    and the bare user name for this node's users)."""

    def person(self, username: str, node: str = "") -> str:
        """What people read for ``username`` of ``node`` (``""``: a user of this node), else
        the user name itself (never the name of a namesake of another node)."""
        return self.user_names.get(person_key(username, node)) or username


def pack_profile(notes: str, starts_on: date | None, ends_on: date | None) -> str:
    """The ``description`` column's value for these notes and period.

    Notes alone, with no period, stay plain text (what any reader of the column expects);
    with a period, a JSON object tagged :data:`PROFILE_FORMAT`.
    """
    if starts_on is None and ends_on is None and not _looks_packed(notes):
        return notes
    return json.dumps(
        {
            "format": PROFILE_FORMAT,
            "starts_on": starts_on.isoformat() if starts_on else None,
            "ends_on": ends_on.isoformat() if ends_on else None,
            "notes": notes,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _looks_packed(text: str) -> bool:
    return text.lstrip().startswith("{") and PROFILE_FORMAT in text


def unpack_profile(description: str) -> tuple[str, date | None, date | None]:
    """``(notes, starts_on, ends_on)`` from a ``description`` column (see the module)."""
    if not _looks_packed(description or ""):
        return description or "", None, None
    try:
        data = json.loads(description)
    except ValueError:
        return description, None, None
    if not isinstance(data, dict) or data.get("format") != PROFILE_FORMAT:
        return description, None, None
    notes = data.get("notes")
    return (
        notes if isinstance(notes, str) else "",
        _day(data.get("starts_on")),
        _day(data.get("ends_on")),
    )


def _day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
