"""One row of the sheet to a client (and a case), with every problem per cell.

The checks are the intake's own validators (:mod:`legalaid_desktop.domain.validation`), so a
row that passes here is one the client service accepts; the messages name the cell, and a
problem's text never quotes a name, a phone, an address or a date from the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.cases import ClientInput, ConsentInput, is_person
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.spreadsheet_import.cells import Cell, column_letter
from legalaid_desktop.spreadsheet_import.fields import BY_NAME, CASE_FIELDS
from legalaid_desktop.spreadsheet_import.mapping import ImportMapping
from legalaid_desktop.spreadsheet_import.problems import CaseDraft, Problem
from legalaid_desktop.spreadsheet_import.references import Match, ReferenceMatcher, folded_key
from legalaid_desktop.spreadsheet_import.values import (
    DateOrder,
    blank,
    expected_date,
    looks_like_formula,
    read_date,
    read_number,
    read_phone,
    text_of,
)
from legalaid_desktop.text.chars import script_of
from legalaid_desktop.text.folding import fold
from legalaid_desktop.text.names import split_name

__all__ = ["Lawyers", "RowContext", "RowReader", "Unknown"]

_MARKERS_CYR: Final = {"male": "оглы", "female": "кызы"}
_MARKERS_LAT: Final = {"male": "oğlu", "female": "qızı"}
_CLOSED, _OPEN, _TRANSFERRED = "closed", "open", "transferred"


class Lawyers:
    """Reads a lawyer column: a user name, a full name, or a surname with initials
    (``Hüseynova L.``), among the users who can be assigned cases; the mapping's value map
    first."""

    def __init__(self, users: Mapping[str, str], value_map: Mapping[str, str]) -> None:
        self.users = dict(users)
        self.value_map = {folded_key(k): v for k, v in value_map.items()}
        self._names = {u: fold(n).split() for u, n in users.items()}

    def match(self, raw: str) -> Match:
        key = folded_key(raw)
        if key in self.value_map:
            return Match(self.value_map[key])
        by_name = [u for u in self.users if u.lower() == raw.strip().lower()]
        if by_name:
            return Match(by_name[0])
        words = fold(raw).split()
        found = [u for u, name in self._names.items() if words and self._fits(words, name)]
        if len(found) == 1:
            return Match(found[0])
        return Match(None, tuple(found))

    @staticmethod
    def _fits(words: list[str], name: list[str]) -> bool:
        """Every word typed begins a different word of the name (``huseynova l``)."""
        left = list(name)
        for word in words:
            hit = next((w for w in left if w.startswith(word)), None)
            if hit is None:
                return False
            left.remove(hit)
        return True


@dataclass(frozen=True)
class Unknown:
    """A reference or lawyer cell no rule read (for the value-mapping step)."""

    field: str
    column: str
    value: str
    match: Match


@dataclass
class RowContext:
    """What every row is read with."""

    catalog: ReferenceCatalog
    mapping: ImportMapping
    titles: list[str]
    matchers: dict[str, ReferenceMatcher]
    lawyers: Lawyers
    orders: dict[int, DateOrder | None]
    today: date
    language: str
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.labels = {name: spec.title for name, spec in BY_NAME.items()}


@dataclass
class RowReader:
    """Reads one row (``cells``: field → its ``(column, value)`` pairs)."""

    ctx: RowContext
    row: int
    cells: dict[str, list[tuple[int, Cell]]]
    problems: list[Problem] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)
    raw_shown: dict[str, str] = field(default_factory=dict)
    unknown: list[Unknown] = field(default_factory=list)

    # -- problems -------------------------------------------------------------------------------

    def _where(self, name: str) -> tuple[str, str]:
        found = self.cells.get(name)
        if not found:
            return "", BY_NAME[name].title
        col = found[0][0]
        return column_letter(col), self.ctx.titles[col] or BY_NAME[name].title

    def problem(
        self, name: str, message: str, expected: str = "", *, value: str = "", blocking: bool = True
    ) -> None:
        column, header = self._where(name)
        if blocking and name not in self.shown and self.cells.get(name):
            text = " ".join(text_of(v) for _c, v in self.cells[name] if not blank(v))
            self.raw_shown[name] = text[:200]
        self.problems.append(
            Problem(self.row, column, header, name, message, expected, value, blocking)
        )

    def _checked(self, name: str, check: object) -> object:
        """``check()``'s value, or ``None`` after recording its :class:`ValidationError`."""
        try:
            return check()  # type: ignore[operator]
        except ValidationError as exc:
            self.problem(name, str(exc))
            return None

    # -- cells ----------------------------------------------------------------------------------

    def __post_init__(self) -> None:
        self._raw: dict[str, list[tuple[int, Cell]]] = {}
        for name, pairs in self.cells.items():
            kept = []
            for col, value in pairs:
                if blank(value):
                    continue
                if isinstance(value, str) and looks_like_formula(value):
                    self.problems.append(
                        Problem(
                            self.row,
                            column_letter(col),
                            self.ctx.titles[col],
                            name,
                            _("The cell holds a spreadsheet formula, which is not imported."),
                            _("the value itself, without '=' in front"),
                        )
                    )
                    continue
                kept.append((col, value))
            if kept:
                self._raw[name] = kept

    def raw(self, name: str) -> list[tuple[int, Cell]]:
        """The field's non-blank cells; a formula-like text is a problem and left out."""
        return self._raw.get(name, [])

    def text(self, name: str, joiner: str = "\n") -> str:
        return joiner.join(text_of(v) for _c, v in self.raw(name))

    def given(self, name: str) -> bool:
        return bool(self.raw(name))

    def code(self, name: str, *, default: str | None = None) -> str | None:
        """A reference field's code: the cell read, else the mapping's default, else
        ``default``."""
        spec = BY_NAME[name]
        found = self.raw(name)
        if found:
            col, value = found[0]
            raw = text_of(value)
            match = self.ctx.matchers[name].match(raw)
            if match.code is not None:
                self.shown[name] = self.ctx.catalog[spec.reference].label(
                    match.code, self.ctx.language
                )
                return match.code
            self.unknown.append(Unknown(name, column_letter(col), raw, match))
            self.problem(name, *self._unknown_text(name, match), value=raw)
            return None
        fallback = self.ctx.mapping.defaults.get(name, default)
        if fallback is not None:
            self.shown[name] = self.ctx.catalog[spec.reference].label(fallback, self.ctx.language)
        return fallback

    def _unknown_text(self, name: str, match: Match) -> tuple[str, str]:
        spec = BY_NAME[name]
        items = self.ctx.catalog[spec.reference]
        lang = self.ctx.language
        if match.candidates:
            labels = " / ".join(items.label(c, lang) for c in match.candidates)
            return _("The value could be any of: {labels}.").format(labels=labels), _(
                "one of them, chosen in the value map"
            )
        expected = _("a {field} of the reference list").format(field=spec.title.lower())
        if match.suggestion is not None:
            expected = _("perhaps {label}?").format(label=items.label(match.suggestion, lang))
        return _("Unknown value."), expected

    def day(self, name: str, *, birth: bool = False) -> tuple[date | None, int | None]:
        """A date field's day, or (birth) year; the default for an empty cell."""
        found = self.raw(name)
        if not found:
            default = self.ctx.mapping.defaults.get(name)
            return (date.fromisoformat(default) if default else None), None
        col, value = found[0]
        read = read_date(value, order=self.ctx.orders.get(col), birth=birth)
        if read.error:
            self.problem(name, read.error, expected_date())
            return None, None
        if read.day is not None and read.day > self.ctx.today:
            self.problem(
                name,
                _("The date is in the future."),
                _("a date up to today ({today})").format(today=format_date(self.ctx.today)),
            )
            return None, None
        return read.day, read.year

    # -- the client -----------------------------------------------------------------------------

    def name(self, gender: str | None) -> str:
        if "full_name" in self.cells:
            return self.text("full_name", " ")
        surname, given, father = (
            self.text(p, " ") for p in ("surname", "given_name", "father_name")
        )
        if father and split_name(f"X Y {father}").marker is None and gender in _MARKERS_LAT:
            cyrillic = any(script_of(ch) == "C" for ch in father)
            father += " " + (_MARKERS_CYR if cyrillic else _MARKERS_LAT)[gender]
        return " ".join(p for p in (surname, given, father) if p)

    def client(self) -> tuple[ClientInput | None, ConsentInput | None]:
        kind = self.code("kind", default="person") or "person"
        person = is_person(kind)
        gender_cell = self.code("gender") if self.given("gender") else None
        name = self.name(gender_cell)
        full = self._checked(
            "full_name" if "full_name" in self.cells else "surname",
            lambda: validation.person_name(name, "full_name", self.ctx.labels["full_name"]),
        )
        if isinstance(full, str):
            self.shown["full_name"] = full
        gender, year = self._person_fields(
            person, gender_cell, full if isinstance(full, str) else ""
        )
        phone = self._phone()
        region = self.code("region")
        if region is None and not self.given("region"):
            self.problem(
                "region",
                _("The region is missing."),
                _("a region, or a default region in the mapping"),
            )
        members = self._members(person)
        data = {
            "address": self._text("address", self.ctx.labels["address"], 300, ", "),
            "referral_source": self._text(
                "referral_source", self.ctx.labels["referral_source"], 200, " "
            ),
            "registration": self._text("registration", self.ctx.labels["registration"], 64, " "),
            "contact_person": self._text(
                "contact_person", self.ctx.labels["contact_person"], 200, " "
            ),
        }
        if person:
            for other in ("registration", "contact_person"):
                if data[other]:
                    self.problem(
                        other,
                        _("A person has no registration or contact person: only an organization."),
                    )
        displacement = self.code("displacement", default="resident")
        disability = self.code("disability", default="none")
        consent = self._consent()
        if not isinstance(full, str) or region is None or (person and gender is None):
            return None, consent
        if displacement is None or disability is None or phone is None:
            return None, consent
        return (
            ClientInput(
                full_name=full,
                gender=gender or "",
                region=region,
                birth_year=year,
                phone=phone,
                displacement=displacement,
                disability=disability,
                kind=kind,
                members=members,
                **data,
            ),
            consent,
        )

    def _person_fields(
        self, person: bool, gender_cell: str | None, name: str
    ) -> tuple[str | None, int | None]:
        if not person:
            for other in ("gender", "birth"):
                if self.given(other):
                    self.problem(
                        other,
                        _("An organization or initiative group has no {field}.").format(
                            field=BY_NAME[other].title.lower()
                        ),
                    )
            return "", None
        gender = gender_cell
        if gender is None and not self.given("gender"):
            marker = split_name(name).marker if name else None
            if marker is not None:
                gender = "male" if marker == "oglu" else "female"
                self.shown["gender"] = self.ctx.catalog["genders"].label(gender, self.ctx.language)
                self.problem(
                    "gender", _("The gender was read from the name (oğlu, qızı)."), blocking=False
                )
            else:
                gender = self.code("gender")
                if gender is None:
                    self.problem(
                        "gender",
                        _("The gender is missing."),
                        _("a gender, or a default gender in the mapping"),
                    )
        day, year = self.day("birth", birth=True)
        year = day.year if day is not None else year
        if year is not None:
            checked = self._checked("birth", lambda: validation.birth_year(year))
            year = checked if isinstance(checked, int) else None
            if year is not None:
                self.shown["birth"] = str(year)
        return gender, year

    def _phone(self) -> str | None:
        found = self.raw("phone")
        if not found:
            return ""
        phone, more = read_phone(found[0][1])
        checked = self._checked("phone", lambda: validation.phone(phone))
        if isinstance(checked, str):
            self.shown["phone"] = checked
            if more:
                self.problem(
                    "phone",
                    _("The cell holds more numbers: only the first is imported."),
                    blocking=False,
                )
            return checked
        return None

    def _members(self, person: bool) -> int | None:
        found = self.raw("members")
        if not found:
            return None
        if person:
            self.problem("members", _("A person has no members: only an organization."))
            return None
        number = read_number(found[0][1])
        if number is None:
            self.problem("members", _("Not a whole number."), _("the number of members"))
            return None
        checked = self._checked("members", lambda: validation.members(number))
        return checked if isinstance(checked, int) else None

    def _text(self, name: str, label: str, limit: int, joiner: str) -> str:
        value = self.text(name, joiner)
        checked = self._checked(
            name, lambda: validation.text(value, name, label, required=False, max_length=limit)
        )
        if isinstance(checked, str):
            if checked:
                self.shown[name] = checked
            return checked
        return ""

    def _consent(self) -> ConsentInput | None:
        day, _year = self.day("consent_date")
        if day is None:
            return None
        self.shown["consent_date"] = format_date(day)
        return ConsentInput(given_on=day, purposes=self.ctx.mapping.consent_purposes)

    # -- the case -------------------------------------------------------------------------------

    def has_case(self) -> bool:
        return any(not blank(v) for name in CASE_FIELDS for _c, v in self.cells.get(name, ()))

    def case(self) -> CaseDraft | None:
        area = self.code("legal_area")
        if area is None and not self.given("legal_area"):
            self.problem(
                "legal_area",
                _("The case's legal area is missing."),
                _("a legal area, or a default in the mapping"),
            )
        summary = self._text("summary", self.ctx.labels["summary"], 4000, "\n")
        if not summary:
            self.problem(
                "summary", _("The case's summary is missing."), _("what the case is about")
            )
        opened, _y = self.day("opened_on")
        if opened is None and not self.given("opened_on"):
            self.problem(
                "opened_on", _("The date the case was opened is missing."), expected_date()
            )
        outcome = self.code("outcome")
        closed, _y = self.day("closed_on")
        status = self._status(outcome, closed)
        lawyer = self._lawyer()
        if opened is not None:
            self.shown["opened_on"] = format_date(opened)
        if closed is not None:
            self.shown["closed_on"] = format_date(closed)
            if opened is not None and closed < opened:
                self.problem("closed_on", _("The case closes before it was opened."))
                return None
        if area is None or not summary or opened is None or status is None or lawyer is False:
            return None
        return CaseDraft(
            legal_area=area,
            summary=summary,
            opened_on=opened,
            status=status,
            outcome=outcome,
            closed_on=closed,
            lawyer=lawyer if isinstance(lawyer, str) else None,
        )

    def _status(self, outcome: str | None, closed: date | None) -> str | None:
        given = self.code("status") if self.given("status") else None
        if self.given("status") and given is None:
            return None
        status = given or (_CLOSED if outcome or closed else self.code("status", default=_OPEN))
        if status is None:
            return None
        if status == _TRANSFERRED:
            self.problem(
                "status",
                _("A case cannot be imported as transferred: import it open, then transfer it."),
            )
            return None
        if status == _CLOSED:
            if outcome is None:
                self.problem(
                    "outcome",
                    _("A closed case needs its outcome."),
                    _("an outcome of the reference list"),
                )
                return None
            if closed is None:
                self.problem(
                    "closed_on", _("A closed case needs the date it was closed."), expected_date()
                )
                return None
        elif outcome is not None or closed is not None:
            self.problem("status", _("A case that is not closed has no outcome or closing date."))
            return None
        self.shown.setdefault(
            "status", self.ctx.catalog["case_statuses"].label(status, self.ctx.language)
        )
        return status

    def _lawyer(self) -> str | bool | None:
        """The user name, ``None`` (the user who imports), or ``False`` (a problem)."""
        found = self.raw("lawyer")
        if not found:
            default = self.ctx.mapping.defaults.get("lawyer")
            if default is not None:
                self.shown["lawyer"] = default
            return default
        col, value = found[0]
        raw = text_of(value)
        match = self.ctx.lawyers.match(raw)
        if match.code is not None and match.code in self.ctx.lawyers.users:
            self.shown["lawyer"] = match.code
            return match.code
        self.unknown.append(Unknown("lawyer", column_letter(col), raw, match))
        if match.candidates:
            self.problem(
                "lawyer",
                _("The name fits several users: {names}.").format(
                    names=", ".join(match.candidates)
                ),
                _("one of them, chosen in the value map"),
                value=raw,
            )
        else:
            self.problem(
                "lawyer",
                _("No user of this center who can be assigned cases has this name."),
                _("a lawyer's user name or full name"),
                value=raw,
            )
        return False
