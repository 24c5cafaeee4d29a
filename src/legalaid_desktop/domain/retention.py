"""The retention rule and what anonymization keeps (docs/personal-data.md), without the store.

A client is *due* for anonymization when the purpose of holding their data is reached (the
retention period after their last case closed has passed) or when they withdrew their consent
to store and process it. The services find who is due and do the anonymizing or erasing; this
module holds the rule's arithmetic and the plain objects handed to front ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from legalaid_desktop.i18n import _

DEFAULT_RETENTION_YEARS: Final = 5
"""Years after the last case of a client closed until their data is due for anonymization."""
MIN_RETENTION_YEARS: Final = 1
MAX_RETENTION_YEARS: Final = 30
RETENTION_YEARS_KEY: Final = "retention_years"
"""The key of the rule in the store's ``meta`` table (one rule per store, i.e. per center)."""

ANONYMIZED_NAME: Final = "—"
"""The name an anonymized client keeps in place of theirs.

It has no letter, so no person can be registered under it (a name needs a letter) and the
search index and the conflict check find nothing in it; front ends may show it as "Anonymized
client". A client whose name is this marker is anonymized: the marker travels with the
``identity`` field group like any edit, so every node can tell (docs/personal-data.md).
"""

BIRTH_YEAR_BAND: Final = 5
"""An anonymized birth year is rounded down to a multiple of this (its five-year cohort)."""


class DueReason(StrEnum):
    WITHDRAWN = "consent_withdrawn"
    """Consent to store and process the data was withdrawn: due at once, open cases or not."""
    CASES_CLOSED = "cases_closed"
    """The retention period after the last case closed has passed."""
    NO_CASE = "no_case"
    """No case was ever opened and the retention period after registration has passed."""


@dataclass(frozen=True)
class RetentionDue:
    """One client due for anonymization, with why.

    Attributes:
        client_id: The client.
        full_name: Their name (the list is for the manager who decides).
        reason: Why they are due.
        since: The date the reason refers to: the withdrawal, the last closing, the
            registration.
        due_on: The first day they were due.
        case_numbers: Their cases (live ones), for finding them.
        open_cases: How many of them are still open or pending (only with a withdrawal).
        why: The reason as a sentence in the current language.
    """

    client_id: str
    full_name: str
    reason: DueReason
    since: date
    due_on: date
    case_numbers: tuple[str, ...]
    open_cases: int
    why: str


@dataclass(frozen=True)
class RetentionRule:
    years: int
    default: bool
    """True when no administrator set the rule (the default applies)."""


@dataclass(frozen=True)
class ErasureResult:
    """What one anonymization or erasure changed (counts only: nothing removed is repeated)."""

    client_id: str
    action: str  # "anonymized" | "erased"
    cases: int
    consultations: int
    parties: int
    deadlines: int
    attachments: int
    compacted: bool
    """Whether the store file was compacted afterwards (freed pages gone from the file)."""


@dataclass(frozen=True)
class BatchResult:
    """The outcome of :meth:`RetentionService.anonymize_many`."""

    done: tuple[str, ...]
    """The clients anonymized, in order."""
    failed: tuple[tuple[str, str], ...]
    """``(client id, message)`` of each client that could not be anonymized (left as it was)."""
    cancelled: bool
    """The run stopped at a cancel request; the clients before it stay anonymized."""
    compacted: bool


def add_years(day: date, years: int) -> date:
    """``day`` moved ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def due_on(last: date, years: int) -> date:
    """The day a client whose purpose ended on ``last`` becomes due: its ``years``-th
    anniversary (a case closed on 12.03.2020 is due from 12.03.2025 with five years)."""
    return add_years(last, years)


def anonymized_birth_year(birth_year: int | None) -> int | None:
    """The birth year kept after anonymization: its five-year cohort (1987 → 1985).

    Statistics need the age band, not the year: any band of five years or wider is still
    computed (to within the cohort), and the exact year no longer narrows a small region's
    clients down to one person.
    """
    if birth_year is None:
        return None
    return birth_year - birth_year % BIRTH_YEAR_BAND


def is_anonymized(full_name: str) -> bool:
    return full_name == ANONYMIZED_NAME


def display_name(full_name: str) -> str:
    """The name a front end shows for a client: "Anonymized client" (in the current language)
    in place of the stored marker :data:`ANONYMIZED_NAME`, otherwise the name itself."""
    return _("Anonymized client") if is_anonymized(full_name) else full_name
