"""What a figure can count and break down by: the seven measures with their counting rules, the
dimensions, age bands, and the codes of values that are not known (docs/statistics.md).

Codes, never labels, leave this module: a measure's code (``clients_served``), a dimension's
(``age_band``), a value's (``female``, ``18-29``, ``2026-02``). Front ends translate them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import N_, _

NOT_STATED = "not_stated"
"""The value of a field nobody filled in (an unknown birth year, no outcome yet)."""
NOT_APPLICABLE = "not_applicable"
"""The value of a field that does not apply: the corruption sector of a case that is not a
corruption case, the campaign of a case that feeds none, the gender and age band of a client
that is an organization or initiative group (:data:`PERSON_DIMENSIONS`)."""
OTHER = "other"
"""Every institution below the top N (:data:`INSTITUTION_TOP`)."""
NOT_REFERRED = "not_referred"
"""The ``referred_to`` value of a case that has no referral: a row of its own, so that the
breakdown adds up to the total."""
SUPPRESSED = "<5"
"""What an anonymized figure shows in place of a count of 1 to 4."""
WITHHELD = "x"
"""What an anonymized figure shows in place of a larger count hidden so that a total does not
give a "<5" back (secondary suppression): never "<5", which would say it is small."""
INSTITUTION_TOP = 10


class Measure(StrEnum):
    CLIENTS_SERVED = "clients_served"
    NEW_CLIENTS = "new_clients"
    CASES_OPENED = "cases_opened"
    CASES_CLOSED = "cases_closed"
    CONSULTATIONS = "consultations"
    CONSULTATION_MINUTES = "consultation_minutes"
    OPEN_CASES = "open_cases"


MEASURE_LABELS: dict[Measure, str] = {
    Measure.CLIENTS_SERVED: N_("Clients served"),
    Measure.NEW_CLIENTS: N_("New clients"),
    Measure.CASES_OPENED: N_("Cases opened"),
    Measure.CASES_CLOSED: N_("Cases closed"),
    Measure.CONSULTATIONS: N_("Consultations"),
    Measure.CONSULTATION_MINUTES: N_("Consultation minutes"),
    Measure.OPEN_CASES: N_("Open cases at the end of the period"),
}

COUNTING_RULES: dict[Measure, str] = {
    Measure.CLIENTS_SERVED: N_(
        "Distinct clients with at least one consultation held in the period. A client is "
        "counted once, under the values of their first consultation in the period (its case, "
        "its lawyer, its mode, its month, the center where it was held)."
    ),
    Measure.NEW_CLIENTS: N_(
        "Clients registered in the period (the day of intake, Baku time). Case values (legal "
        "area, lawyer, outcome, ...) are those of the client's first case."
    ),
    Measure.CASES_OPENED: N_("Cases opened in the period, by the day they were opened."),
    Measure.CASES_CLOSED: N_("Cases closed in the period, by the day they were closed."),
    Measure.CONSULTATIONS: N_(
        "Consultations held in the period, each counted once, at the center where it was held "
        "(a transferred case's earlier consultations stay with the center that gave them)."
    ),
    Measure.CONSULTATION_MINUTES: N_(
        "The minutes of the consultations held in the period, added up, at the center where "
        "each was held."
    ),
    Measure.OPEN_CASES: N_(
        "Cases opened on or before the last day of the period and not closed by then "
        "(a transferred case counts at the center it belongs to now)."
    ),
}

CONSULTATION_MEASURES = frozenset(
    {Measure.CLIENTS_SERVED, Measure.CONSULTATIONS, Measure.CONSULTATION_MINUTES}
)
"""The measures counted over consultations (where the consultation mode applies)."""


class Dimension(StrEnum):
    GENDER = "gender"
    AGE_BAND = "age_band"
    REGION = "region"
    CENTER = "center"
    LEGAL_AREA = "legal_area"
    CORRUPTION_SECTOR = "corruption_sector"
    CORRUPTION_CONDUCT = "corruption_conduct"
    INSTITUTION = "institution"
    OUTCOME = "outcome"
    DISPLACEMENT = "displacement"
    DISABILITY = "disability"
    CLIENT_KIND = "client_kind"
    CONSULTATION_MODE = "consultation_mode"
    HEARD_FROM = "heard_from"
    CAMPAIGN = "campaign"
    LAWYER = "lawyer"
    SATISFACTION = "satisfaction"
    REFERRED_TO = "referred_to"
    GRANT_CODE = "grant_code"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


DIMENSION_LABELS: dict[Dimension, str] = {
    Dimension.GENDER: N_("Gender"),
    Dimension.AGE_BAND: N_("Age band"),
    Dimension.REGION: N_("Region"),
    Dimension.CENTER: N_("Center"),
    Dimension.LEGAL_AREA: N_("Legal area"),
    Dimension.CORRUPTION_SECTOR: N_("Corruption sector"),
    Dimension.CORRUPTION_CONDUCT: N_("Corrupt conduct"),
    Dimension.INSTITUTION: N_("Institution"),
    Dimension.OUTCOME: N_("Outcome"),
    Dimension.DISPLACEMENT: N_("Displacement status"),
    Dimension.DISABILITY: N_("Disability"),
    Dimension.CLIENT_KIND: N_("Kind of client"),
    Dimension.CONSULTATION_MODE: N_("Consultation mode"),
    Dimension.HEARD_FROM: N_("How they heard of us"),
    Dimension.CAMPAIGN: N_("Campaign"),
    Dimension.LAWYER: N_("Lawyer"),
    Dimension.SATISFACTION: N_("Citizen satisfaction"),
    Dimension.REFERRED_TO: N_("Referred to"),
    Dimension.GRANT_CODE: N_("Grant or project"),
    Dimension.MONTH: N_("Month"),
    Dimension.QUARTER: N_("Quarter"),
    Dimension.YEAR: N_("Year"),
}

TIME_DIMENSIONS = frozenset({Dimension.MONTH, Dimension.QUARTER, Dimension.YEAR})

PERSON_DIMENSIONS = frozenset({Dimension.GENDER, Dimension.AGE_BAND})
"""A person's own: an organization or initiative group client has neither (``not_applicable``;
docs/statistics.md "People and organizations")."""

SPECIAL_LABELS: dict[str, str] = {
    NOT_STATED: N_("not stated"),
    NOT_APPLICABLE: N_("not applicable"),
    OTHER: N_("other"),
    NOT_REFERRED: N_("not referred"),
}


def parse_measure(code: str) -> Measure:
    """The measure of ``code``.

    Raises:
        InputRejected: Not a measure code (the message lists them).
    """
    try:
        return Measure(code.strip())
    except ValueError:
        raise InputRejected(
            _("Unknown measure '{code}': choose one of {codes}.").format(
                code=code, codes=", ".join(m.value for m in Measure)
            )
        ) from None


def parse_dimensions(text: str | None) -> tuple[Dimension, ...]:
    """``"gender,age_band"`` as dimensions: none, one, or two different ones.

    Raises:
        InputRejected: An unknown dimension, more than two, or the same one twice.
    """
    if text is None or not text.strip():
        return ()
    codes = [c.strip() for c in text.split(",")]
    out: list[Dimension] = []
    for code in codes:
        try:
            out.append(Dimension(code))
        except ValueError:
            raise InputRejected(
                _("Unknown dimension '{code}': choose from {codes}.").format(
                    code=code, codes=", ".join(d.value for d in Dimension)
                )
            ) from None
    if len(out) > 2 or len(set(out)) != len(out):
        raise InputRejected(_("Break a figure down by one dimension or by two different ones."))
    return tuple(out)


def check_applies(measure: Measure, dimensions: tuple[Dimension, ...]) -> None:
    """Refuse a dimension that has no meaning for ``measure``.

    The consultation mode belongs to a consultation, so it breaks down only the measures counted
    over consultations; open cases are a stock on the period's last day, so they have no month,
    quarter or year of their own (ask the figure for each period instead).

    Raises:
        InputRejected: The combination has no meaning.
    """
    for dim in dimensions:
        if dim is Dimension.CONSULTATION_MODE and measure not in CONSULTATION_MEASURES:
            raise InputRejected(
                _("The consultation mode does not break down '{measure}'.").format(
                    measure=measure.value
                )
            )
        if dim in TIME_DIMENSIONS and measure is Measure.OPEN_CASES:
            raise InputRejected(
                _(
                    "Open cases are counted on the period's last day: ask for each month's "
                    "figure instead of breaking them down by {dimension}."
                ).format(dimension=dim.value)
            )


# -- age ------------------------------------------------------------------------------------------

_BAND = re.compile(r"^(\d{1,3})-(\d{1,3})$|^(\d{1,3})\+$")


@dataclass(frozen=True)
class AgeBands:
    """Age bands by the age reached in the period's last year (its year minus the birth year).

    ``lower`` holds the first age of each band, ascending from 0; the last band is open
    (``60+``). A band's code is ``18-29`` or ``60+``.
    """

    lower: tuple[int, ...] = (0, 14, 18, 30, 45, 60)

    def __post_init__(self) -> None:
        if not self.lower or self.lower[0] != 0 or list(self.lower) != sorted(set(self.lower)):
            raise InputRejected(_("Age bands must start at 0 and go up without overlapping."))

    @property
    def codes(self) -> tuple[str, ...]:
        out = [f"{a}-{b - 1}" for a, b in zip(self.lower, self.lower[1:], strict=False)]
        return (*out, f"{self.lower[-1]}+")

    def code_of(self, age: int | None) -> str:
        if age is None or age < 0:
            return NOT_STATED
        index = sum(1 for a in self.lower if a <= age) - 1
        return self.codes[index]

    def sql_case(self, age: str) -> str:
        """A SQL ``CASE`` giving the band's code of the integer expression ``age`` (or NULL)."""
        parts = [f"WHEN {age} IS NULL OR {age} < 0 THEN '{NOT_STATED}'"]
        for low, code in reversed(tuple(zip(self.lower, self.codes, strict=True))):
            parts.append(f"WHEN {age} >= {int(low)} THEN '{code}'")
        return "CASE " + " ".join(parts) + " END"

    @classmethod
    def parse(cls, text: str) -> AgeBands:
        """``"0-13,14-17,18-29,30-44,45-59,60+"``: contiguous bands from 0, the last open.

        Raises:
            InputRejected: The bands do not fit that form.
        """
        lower: list[int] = []
        expected = 0
        parts = [p.strip() for p in text.split(",") if p.strip()]
        for i, part in enumerate(parts):
            m = _BAND.match(part)
            last = i == len(parts) - 1
            if not m or (m[3] is not None) != last:
                raise InputRejected(
                    _("Age bands look like 0-13,14-17,18-29,60+ (the last one open).")
                )
            low = int(m[1] if m[3] is None else m[3])
            if low != expected or (m[3] is None and int(m[2]) < low):
                raise InputRejected(_("Age bands must start at 0 and go up without overlapping."))
            lower.append(low)
            expected = int(m[2]) + 1 if m[3] is None else expected
        return cls(tuple(lower))


YOUTH = (14, 29)
"""Youth as the Law of Azerbaijan on youth policy counts it: 14 to 29 years old."""
YOUTH_LABEL = N_("youth (14–29)")
