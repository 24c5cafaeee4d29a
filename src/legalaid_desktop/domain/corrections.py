"""Corrections and their history (issue 19): what can be corrected, and how a change reads.

A lawyer corrects what was entered (a typo in a consultation, a wrong legal area, a case summary)
and the store keeps the value it replaces (``store.models.Correction``). The history views show
each change as *who, when, what, from what to what* in the user's language: the record and
field by their labels, a code by its reference label, a date in the user's format; never an
identifier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from legalaid_desktop.domain.referrals import STATUS_LABELS
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.i18n.formatting import format_date


class RecordKind(StrEnum):
    """The kinds of record a correction is made to."""

    CLIENT = "client"
    CASE = "case"
    CORRUPTION = "corruption"
    CONSULTATION = "consultation"
    PARTY = "party"
    DEADLINE = "deadline"
    REFERRAL = "referral"


KIND_LABELS: dict[str, str] = {
    RecordKind.CLIENT: N_("Client"),
    RecordKind.CASE: N_("Case"),
    RecordKind.CORRUPTION: N_("Corruption details"),
    RecordKind.CONSULTATION: N_("Consultation"),
    RecordKind.PARTY: N_("Party"),
    RecordKind.DEADLINE: N_("Deadline"),
    RecordKind.REFERRAL: N_("Referral"),
}

FIELD_LABELS: dict[str, str] = {
    "full_name": N_("Full name"),
    "gender": N_("Gender"),
    "birth_year": N_("Year of birth"),
    "region": N_("Region"),
    "displacement": N_("Displacement"),
    "disability": N_("Disability"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "referral_source": N_("How they heard of us"),
    "kind": N_("Kind of client"),
    "registration": N_("Registration"),
    "contact_person": N_("Contact person"),
    "members": N_("Members"),
    "legal_area": N_("Legal area"),
    "summary": N_("Summary"),
    "opened_on": N_("Opening date"),
    "assigned_lawyer": N_("Assigned lawyer"),
    "sector": N_("Sector"),
    "conduct": N_("Type of conduct"),
    "institution": N_("Institution"),
    "amount_requested": N_("Amount requested (AZN)"),
    "reported_to": N_("Reported to"),
    "satisfaction": N_("Citizen satisfaction"),
    "held_on": N_("Date"),
    "minutes": N_("Minutes"),
    "mode": N_("Mode"),
    "notes": N_("Notes"),
    "advice": N_("Advice given"),
    "next_steps": N_("Next steps"),
    "name": N_("Name"),
    "role": N_("Role"),
    "due_on": N_("Due date"),
    "description": N_("Description"),
    "merged_from": N_("Merged with the client"),
    "grant_code": N_("Grant code"),
    "referred_on": N_("Referred on"),
    "body": N_("Referred to"),
    "to_whom": N_("Name or office"),
    "request": N_("What was asked"),
    "status": N_("Answer status"),
    "answered_on": N_("Answered on"),
    "answer": N_("Answer"),
    "result": N_("Result"),
}
"""The label of every field a correction can name (the history shows these, not the names)."""

CODE_LISTS: dict[str, str] = {
    "gender": "genders",
    "region": "regions",
    "displacement": "displacement",
    "disability": "disability",
    "kind": "client_kinds",
    "legal_area": "legal_areas",
    "sector": "corruption_sectors",
    "conduct": "corruption_conduct",
    "mode": "consultation_modes",
    "role": "party_roles",
    "body": "referral_bodies",
    "result": "referral_results",
}
"""The reference list whose label shows a field's code."""

DATE_FIELDS = frozenset({"opened_on", "held_on", "due_on", "referred_on", "answered_on"})
"""Fields whose value is an ISO date."""


@dataclass(frozen=True)
class HistoryEntry:
    """One corrected field, as a history view lists it.

    ``old_value`` and ``new_value`` are as stored (text; a code, an ISO date); :func:`readable`
    turns them into what the user reads. Both are empty where the client's content was removed
    or withheld (an erasure; a pseudonymized copy at HQ).
    """

    changed_at: str
    changed_by: str
    changed_by_name: str
    record_kind: str
    field: str
    old_value: str
    new_value: str
    case_number: str | None = None
    record_date: date | None = None
    """The date of the consultation or deadline corrected (what tells it from the others)."""
    record_name: str = ""
    """The name of the party corrected, as it is now (what tells it from the case's others)."""
    old_name: str = ""
    new_name: str = ""
    """What people read for a value that names a person (the assigned lawyer): their full name,
    another center's with its code (the user roster); ``""`` for any other field."""

    @property
    def what(self) -> str:
        """The record and field in the user's language: "Consultation of 12.03.2026: Notes",
        "Party Məmmədov Elçin: Role"."""
        return what_label(self.record_kind, self.field, self.record_date, self.record_name)

    def shown_old(self, label: Callable[[str, str], str]) -> str:
        """The value before, as the user reads it (:func:`readable`, or the person named)."""
        return self.old_name or readable(self.field, self.old_value, label)

    def shown_new(self, label: Callable[[str, str], str]) -> str:
        """The value after, as the user reads it (:func:`readable`, or the person named)."""
        return self.new_name or readable(self.field, self.new_value, label)


def what_label(kind: str, field: str, on: date | None = None, name: str = "") -> str:
    """The readable name of a corrected field of a record of ``kind`` (dated ``on``, or
    named ``name``)."""
    record = _(KIND_LABELS.get(kind, kind))
    if on is not None:
        record = _("{record} of {date}").format(record=record, date=format_date(on))
    elif name:
        record = _("{record} {name}").format(record=record, name=name)
    return _("{record}: {field}").format(record=record, field=_(FIELD_LABELS.get(field, field)))


def readable(field: str, value: str, label: Callable[[str, str], str]) -> str:
    """A stored value as the user reads it: a code's label (``label(list, code)``), a date in
    the user's format, "—" for nothing (or a value removed)."""
    if value == "":
        return "—"
    if field in CODE_LISTS:
        return label(CODE_LISTS[field], value)
    if field == "status" and value in STATUS_LABELS:
        return _(STATUS_LABELS[value])
    if field in DATE_FIELDS:
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def as_text(value: object) -> str:
    """How a field's value is kept in the history: text, ``""`` for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


@dataclass(frozen=True)
class CaseEdit:
    """The corrections to a case (``None``: leave the field as it is).

    The corruption fields apply to the case's corruption details (which a case without them
    gets when a sector and a type of conduct are both given).
    """

    summary: str | None = None
    legal_area: str | None = None
    opened_on: date | None = None
    sector: str | None = None
    conduct: str | None = None
    institution: str | None = None
    amount_requested: int | None = None
    reported_to: str | None = None
    grant_code: str | None = None

    def corruption_given(self) -> bool:
        return any(
            value is not None
            for value in (
                self.sector,
                self.conduct,
                self.institution,
                self.amount_requested,
                self.reported_to,
            )
        )


@dataclass(frozen=True)
class ConsultationEdit:
    """The corrections to a consultation (``None``: leave the field as it is)."""

    held_on: date | None = None
    minutes: int | None = None
    mode: str | None = None
    notes: str | None = None
    advice: str | None = None
    next_steps: str | None = None

    def empty(self) -> bool:
        return all(value is None for value in vars(self).values())


@dataclass(frozen=True)
class PartyEdit:
    """The corrections to a party of a case (``None``: leave the field as it is)."""

    name: str | None = None
    role: str | None = None
    notes: str | None = None

    def empty(self) -> bool:
        return all(value is None for value in vars(self).values())


@dataclass(frozen=True)
class DeadlineEdit:
    """The corrections to a deadline of a case (``None``: leave the field as it is); whether it
    is done is ticked, not corrected (``CaseRecordService.set_deadline_done``)."""

    due_on: date | None = None
    description: str | None = None

    def empty(self) -> bool:
        return all(value is None for value in vars(self).values())
