"""Realistic demonstration data for one center: clients, cases, consultations and the rest.

:func:`generate_demo` fills the open store with made-up but plausible records for this node
(``session.ws.node_code``), for trying the program, training staff and measuring speed at HQ scale
(DESIGN.md §9: 100,000 clients, about 150,000 cases and 500,000 consultations).

What the data looks like:

* Clients with Azerbaijani names and patronymics (``Əliyeva Aynur İsmayıl qızı``); about 8 % are
  written in Russian Cyrillic (``Алиев Рашад Исмаил оглы``) and a few in ASCII (``Aliyev Rashad``).
  More women than men; birth years 1940-2007, mostly of working age; regions around the center;
  about 10 % displaced by the Karabakh war; some with a disability; mobile numbers
  ``+994 50 123 45 67``; how they heard of the center; written consent for every client.
* About 1.5 cases per client, with the legal-area mix of real Azerbaijani legal-aid centers (bank
  loans first, then property, family, labour, social protection, ...), about 5 % anti-corruption
  (ALAC) complaints with their sector, conduct and institution. Case numbers follow the opening
  dates (``GNJ-2025-0001`` is the first case opened in 2025), continue after the numbers already
  used in the store, and the case counters are moved past them.
* About 3.3 consultations per case over the last three years, with notes, advice and next steps
  written from templates per legal area; follow-ups, some in the coming weeks. Older cases are
  mostly closed with an outcome; recent ones are open or pending. Parties (banks, employers,
  public bodies, former spouses), deadlines (some done, some coming, a few overdue) and two or
  three advocacy campaigns linked to some cases.

Determinism: the content (names, codes, dates, texts, case numbers) depends only on ``seed``, on
the store (its node, its users, the case numbers it already has) and on the *base date*, which is
today's date in Baku (:func:`legalaid_desktop.domain.dates.today`) when the generation starts:
every date is a number of days before or after it. The same seed on the same store on the same
day gives the same data. Record ids (UUIDv7) and clock stamps carry the real time, as every row
made on this node does, so they differ from run to run.

Speed: everything is written inside ONE write transaction (the workspace's
:meth:`~legalaid_desktop.services.workspace.Workspace.bulk_write`: with a rollback journal
instead of the WAL, so that the new pages are written once, not to the WAL and then again into
the database), in batches of :data:`CLIENT_BATCH` clients. The rows and their search-index
entries are made by :func:`_feed`, which needs no store: from :data:`PARALLEL_FROM` clients on a
machine with more than one core it runs in a second process (:mod:`.process_feed`) while this one
writes the previous batch, so the Python half of the work and SQLite's half run at once. Rows are
prepared as tuples in column order, with their clock stamps, outbox (``change_log``) entries and
JSON columns already encoded, and go in with the DB-API's ``executemany`` on the session's
connection, :data:`INSERT_BATCH` rows per statement (SQLAlchemy's per-row parameter processing
cost more than SQLite itself). Secondary indexes are dropped for the load and made again at the
end (:func:`_bulk_indexes`); the page cache is :data:`_BULK_CACHE_KIB` meanwhile. There is one
audit event (``demo_generated``, with the counts) for the whole run, and the full-text index is
rebuilt around the load, in the same transaction
(:func:`legalaid_desktop.search.index.bulk_rebuild`): the records already in the store are read
back, the new ones are indexed from their entries batch by batch (not read back from the store),
and FTS5 indexes all entries at the end, in one segment when its term table
(:data:`_BULK_FTS_HASHSIZE`) holds them all. If ``cancelled()`` returns true after a batch, the
transaction is rolled back: the store is left exactly as it was (apart from demo lawyer
accounts created before the data, see :func:`generate_demo`); so it is if the process is killed
(the journal is played back at the next open). ``bench/bench_demo.py`` measures a run at HQ
scale: about 97 s for 100,000 clients on a 2-core machine.

Only into a new or demo store: the generator refuses (:class:`NotADemoStore`) a store that has
clients it did not make (more client rows than its ``demo_generated`` audit events count), so
demo data is never mixed with real records. That is also why the ``legalaid demo`` command may
open its connections without SQLCipher's memory security
(:func:`legalaid_desktop.store.bulk_load.without_memory_security`): it writes synthetic
data only, 6-25 times faster; every other code path keeps memory security ON.

The names, places and texts the data is made of are in ``resources/demo/*.json`` (see
:class:`_Pools`); the code here only decides how they combine.
"""

from __future__ import annotations

import json
import os
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.dates import today
from legalaid_desktop.domain.errors import NotADemoStore, ValidationError
from legalaid_desktop.domain.hlc import COUNTER_MAX, HLC
from legalaid_desktop.domain.roles import Permission, Role
from legalaid_desktop.i18n import _
from legalaid_desktop.paths import resource_path
from legalaid_desktop.search import index as search_index
from legalaid_desktop.search.normalize import sort_string
from legalaid_desktop.services import process_feed
from legalaid_desktop.store import bulk_load
from legalaid_desktop.store.models import (
    AuditEvent,
    Campaign,
    Case,
    CaseCounter,
    Client,
    Consent,
    Consultation,
    CorruptionDetails,
    Deadline,
    Party,
    User,
)
from legalaid_desktop.store.models.base import Base

if TYPE_CHECKING:
    from legalaid_desktop.app import AppSession

__all__ = ["DEMO_LAWYERS", "INSERT_BATCH", "MAX_CLIENTS", "DemoSummary", "generate_demo"]

T = TypeVar("T")

INSERT_BATCH: Final = 5_000
"""Rows per bulk insert statement."""

CLIENT_BATCH: Final = 2_000
"""Clients generated between two progress reports (and two checks for cancellation)."""

MAX_CLIENTS: Final = 1_000_000
"""The most clients one run may generate."""

HISTORY_DAYS: Final = 3 * 365
"""How far back cases are opened, in days before the base date."""

DEMO_LAWYERS: Final[tuple[tuple[str, str, str], ...]] = (
    ("gunel.m", "Məmmədova Günel Rəşad qızı", Role.LAWYER.value),
    ("elvin.h", "Həsənov Elvin Vaqif oğlu", Role.LAWYER.value),
    ("sevinc.q", "Quliyeva Sevinc Arif qızı", Role.LAWYER.value),
    ("kamran.a", "Abbasov Kamran Elçin oğlu", Role.MANAGER.value),
)
"""The accounts :func:`generate_demo` adds when this center has nobody else to assign cases to."""


# ================================================================================================
# Result
# ================================================================================================


@dataclass(frozen=True)
class DemoSummary:
    """What one run of :func:`generate_demo` wrote.

    Attributes:
        clients: Clients added.
        consents: Consent records added (one per client).
        cases: Cases opened.
        consultations: Consultations recorded.
        parties: Case parties added.
        deadlines: Deadlines added.
        corruption_details: ALAC complaint details added (one per corruption case).
        campaigns: Advocacy campaigns created.
        lawyers_created: User accounts created for the demo.
        indexed: Records in the rebuilt full-text index.
        seconds: Wall time of the run.
        cancelled: True if the run was cancelled and nothing was written.
    """

    clients: int = 0
    consents: int = 0
    cases: int = 0
    consultations: int = 0
    parties: int = 0
    deadlines: int = 0
    corruption_details: int = 0
    campaigns: int = 0
    lawyers_created: int = 0
    indexed: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    @property
    def rows(self) -> int:
        """Synchronized rows written (each has one outbox entry)."""
        return (
            self.clients
            + self.consents
            + self.cases
            + self.consultations
            + self.parties
            + self.deadlines
            + self.corruption_details
            + self.campaigns
        )

    def as_dict(self) -> dict[str, Any]:
        """The counts as a JSON-ready dictionary."""
        return asdict(self)


class _Cancelled(Exception):
    """Raised inside the write transaction to roll it back."""


# ================================================================================================
# Small tools
# ================================================================================================


class _Weighted:
    """A weighted choice that costs one random number and one bisection."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        items: list[Any] = []
        cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight <= 0:
                continue
            total += weight
            items.append(item)
            cum.append(total)
        self._items = items
        self._cum = cum
        self._total = total

    def pick(self, rng: random.Random) -> Any:
        return self._items[bisect(self._cum, rng.random() * self._total)]


def _weighted(pairs: Iterable[tuple[T, float]]) -> _Weighted:
    return _Weighted(pairs)


def _one(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def _weekday(ordinal: int) -> int:
    """Monday 0 .. Sunday 6 of a proleptic Gregorian ordinal."""
    return (ordinal + 6) % 7


def _workday_back(ordinal: int, floor: int) -> int:
    """Move a Saturday or Sunday back to the Friday before, but not before ``floor``."""
    wd = _weekday(ordinal)
    if wd >= 5:
        ordinal -= wd - 4
    return max(ordinal, floor)


class _Stamper:
    """Record ids (UUIDv7) and clock stamps for many rows, without a call per row to the clock.

    Ids are version 7 UUIDs with the current time and a monotonic random field (RFC 9562 §6.2,
    method 2) drawn from their own generator; stamps continue the node's hybrid logical clock
    from ``start``, one per row, strictly increasing. The workspace clock is moved past
    :attr:`last` before the transaction ends.
    """

    _RANDOM_BITS: Final = 74

    def __init__(self, node: str, start: HLC, id_ms: int, rng: random.Random) -> None:
        self.node = node
        self._wall = start.wall_ms
        self._counter = start.counter - 1
        self._rng = rng
        self._id_ms = id_ms
        self._prefix = ""
        self._rand = rng.getrandbits(self._RANDOM_BITS - 1)

    def stamp(self) -> str:
        self._counter += 1
        if self._counter > COUNTER_MAX:
            self._wall += 1
            self._counter = 0
        return f"{self._wall:012x}{self._counter:04x}{self.node}"

    @property
    def last(self) -> HLC:
        return HLC(self._wall, max(self._counter, 0), self.node)

    def new_id(self) -> str:
        self._rand += 1 + self._rng.getrandbits(32)
        if self._rand >= 1 << self._RANDOM_BITS:
            self._id_ms += 1
            self._prefix = ""
            self._rand = self._rng.getrandbits(self._RANDOM_BITS - 1)
        if not self._prefix:
            ms = f"{self._id_ms:012x}"
            self._prefix = f"{ms[:8]}-{ms[8:]}-7"
        rand = self._rand
        rand_b = rand & 0x3FFF_FFFF_FFFF_FFFF  # low 62 bits; variant 0b10 above them
        return (
            f"{self._prefix}{rand >> 62:03x}-{0x8000 | rand_b >> 48:04x}-"
            f"{rand_b & 0xFFFF_FFFF_FFFF:012x}"
        )


# ================================================================================================
# Names
# ================================================================================================

# Passport-style ASCII (Məmmədov → Mammadov) and the older e-for-ə habit (Məmmədov → Memmedov).
_ASCII_PASSPORT: Final = str.maketrans(
    {
        "Ə": "A", "ə": "a", "Ş": "Sh", "ş": "sh", "Ç": "Ch", "ç": "ch", "Ğ": "Gh", "ğ": "gh",
        "ı": "i", "İ": "I", "Ö": "O", "ö": "o", "Ü": "U", "ü": "u", "X": "Kh", "x": "kh",
        "Q": "G", "q": "g", "C": "J", "c": "j",
    }
)  # fmt: skip
_ASCII_KEYBOARD: Final = str.maketrans(
    {
        "Ə": "E", "ə": "e", "Ş": "S", "ş": "s", "Ç": "C", "ç": "c", "Ğ": "G", "ğ": "g",
        "ı": "i", "İ": "I", "Ö": "O", "ö": "o", "Ü": "U", "ü": "u",
    }
)  # fmt: skip


def _feminine(surname: str, cyrillic: bool) -> str:
    if surname.endswith(("ov", "ev", "ов", "ев")):
        return surname + ("а" if cyrillic else "a")
    return surname


class _Names:
    """Builds person names in the three spellings seen at intake."""

    def __init__(self, pools: _Pools) -> None:
        self.surnames = _weighted(((s[0], s[1]), s[2]) for s in pools.surnames)
        self.male = _weighted(((n[0], n[1]), n[2]) for n in pools.male_names)
        self.female = _weighted(((n[0], n[1]), n[2]) for n in pools.female_names)

    def person(self, rng: random.Random, female: bool, script: str) -> tuple[str, str, str]:
        """A full name; returns ``(full_name, given_latin, surname_latin)``.

        Args:
            rng: The random source.
            female: Feminine forms (surname ending, ``qızı``).
            script: ``"az"`` (Azerbaijani Latin), ``"ru"`` (Russian Cyrillic) or ``"ascii"``.
        """
        surname_lat, surname_cyr = self.surnames.pick(rng)
        given_lat, given_cyr = (self.female if female else self.male).pick(rng)
        father_lat, father_cyr = self.male.pick(rng)
        if script == "ru":
            surname = _feminine(surname_cyr, True) if female else surname_cyr
            marker = "кызы" if female else "оглы"
            return f"{surname} {given_cyr} {father_cyr} {marker}", given_lat, surname_lat
        surname = _feminine(surname_lat, False) if female else surname_lat
        if script == "ascii":
            table = _ASCII_PASSPORT if rng.random() < 0.7 else _ASCII_KEYBOARD
            if rng.random() < 0.6:
                return f"{surname} {given_lat}".translate(table), given_lat, surname_lat
            marker = "qizi" if female else "oglu"
            full = f"{surname} {given_lat} {father_lat}".translate(table)
            return f"{full} {marker}", given_lat, surname_lat
        if rng.random() < 0.03:  # no patronymic given
            return f"{surname} {given_lat}", given_lat, surname_lat
        marker = "qızı" if female else "oğlu"
        return f"{surname} {given_lat} {father_lat} {marker}", given_lat, surname_lat


class _NameSorter:
    """:func:`~legalaid_desktop.search.normalize.sort_string` of clean names, from cached words.

    The sort string of a clean name (single spaces, no marks to fold) is the sort strings of its
    words joined by the weight of a space. Building it from a cache of words is many times
    faster than the full function; a self-check on sample names in every script falls back to
    the full function if the normalization ever stops working that way.
    """

    def __init__(self) -> None:
        self._words: dict[str, str] = {}
        a, b, ab = self._word("a"), self._word("b"), self._word("a b")
        self._space = ab[len(a) : len(ab) - len(b)]
        samples = (
            "Əliyeva İlahə İsmayıl qızı",
            "Алиев Рашад Исмаил оглы",
            "Aliyev Rashad",
            "Şükürov Ülvi Ağasəf oğlu",
        )
        self.exact = all(self(n) == sort_string(n) for n in samples)

    def _word(self, word: str) -> str:
        return sort_string(word).partition("\x01")[0]

    def __call__(self, name: str) -> str:
        words = self._words
        parts = []
        for word in name.split(" "):
            part = words.get(word)
            if part is None:
                part = words[word] = self._word(word)
            parts.append(part)
        return self._space.join(parts) + "\x01" + name


# ================================================================================================
# Places: where the center is, its regions and its institutions
# ================================================================================================


@dataclass(frozen=True)
class _Place:
    """The town of a center and the public bodies its clients deal with."""

    city: str  # "Gəncə"
    is_city: bool  # a city (şəhər) rather than a rayon
    regions: tuple[tuple[str, float], ...]
    courts: tuple[str, ...]
    appeal_court: str
    admin_court: str
    streets: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "Şəhər" if self.is_city else "Rayon"

    @property
    def executive(self) -> str:
        return f"{self.city} {self.kind} İcra Hakimiyyəti"

    @property
    def police(self) -> str:
        return (
            f"{self.city} şəhər polis idarəsi"
            if self.is_city
            else f"{self.city} rayon polis şöbəsi"
        )

    @property
    def municipality(self) -> str:
        return f"{self.city} Bələdiyyəsi"

    @property
    def hospital(self) -> str:
        return f"{self.city} {self.kind} Mərkəzi Xəstəxanası"

    @property
    def education(self) -> str:
        return f"{self.city} {self.kind} Təhsil İdarəsi"

    @property
    def dost(self) -> str:
        return f"{self.city} DOST mərkəzi"

    @property
    def enforcement(self) -> str:
        return f"Ədliyyə Nazirliyinin {self.city} {self.kind.lower()} İcra Şöbəsi"

    @property
    def notary(self) -> str:
        return f"{self.city} {self.kind.lower()} 1 saylı Dövlət Notariat Kontoru"


# ================================================================================================
# The pools of names and texts (resources/demo/*.json)
# ================================================================================================


def _tuples(value: Any) -> Any:
    """JSON lists as tuples, all the way down (the pools are read-only)."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class _Pools:
    """Names, places and texts the generator draws from, read from ``resources/demo/``.

    ``names.json``: surnames and given names as ``[Azerbaijani Latin, Russian Cyrillic,
    weight]``. ``places.json``: the towns of the centers (:class:`_Place`), which center is in
    which town, the regions of the whole country, streets and villages. ``texts.json``: banks,
    employers, and per legal area the case problems, the client's wishes, consultation notes,
    advice and next steps, outcomes, deadlines, ALAC scenarios and campaigns. Weighted lists are
    ``[item, weight]``. Editing a file changes the demo data of every seed.
    """

    surnames: tuple[tuple[str, str, float], ...]
    male_names: tuple[tuple[str, str, float], ...]
    female_names: tuple[tuple[str, str, float], ...]
    places: dict[str, _Place]
    node_places: dict[str, str]
    national_regions: tuple[tuple[str, float], ...]
    return_regions: tuple[str, ...]
    streets: tuple[str, ...]
    villages: tuple[str, ...]
    banks: tuple[tuple[str, float], ...]
    employers: tuple[str, ...]
    party_notes: dict[str, tuple[str, ...]]
    problems: dict[str, tuple[str, ...]]
    wishes: dict[str, tuple[str, ...]]
    wishes_generic: tuple[str, ...]
    notes: dict[str, tuple[str, ...]]
    notes_generic: tuple[str, ...]
    intake_notes: tuple[str, ...]
    advice: dict[str, tuple[str, ...]]
    advice_generic: tuple[str, ...]
    next_steps: dict[str, tuple[str, ...]]
    next_steps_generic: tuple[str, ...]
    outcome_notes: dict[str, str]
    referrals: dict[str, tuple[str, ...]]
    deadlines: tuple[tuple[str, float], ...]
    corruption_scenarios: tuple[tuple[str, str, str, str, float], ...]
    reported_to: tuple[tuple[str, float], ...]
    referral_sources: tuple[tuple[str, float], ...]
    campaigns: tuple[tuple[str, str, tuple[str, ...], str], ...]


@cache
def _pools() -> _Pools:
    """The pools, read once per process."""
    data: dict[str, Any] = {}
    for name in _POOL_FILES:
        with resource_path("demo", name).open(encoding="utf-8") as f:
            loaded = json.load(f)
        loaded.pop("about", None)
        data.update(_tuples(loaded))
    data["places"] = {key: _Place(**place) for key, place in data["places"].items()}
    data["male_names"] = data.pop("male")
    data["female_names"] = data.pop("female")
    return _Pools(**data)


_POOL_FILES: Final = ("names.json", "places.json", "texts.json")


# ================================================================================================
# Legal areas and other distributions
# ================================================================================================

_AREA_WEIGHTS: Final[tuple[tuple[str, float], ...]] = (
    ("credit", 18), ("property", 14), ("family", 13), ("labour", 12), ("social", 11),
    ("utilities", 5), ("civil_registration", 5), ("administrative", 4.5), ("inheritance", 4.5),
    ("corruption", 5), ("migration", 1.5), ("tax", 1.2), ("criminal", 1.5), ("consumer", 1.3),
    ("health", 0.9), ("education", 0.8), ("other", 0.8),
)  # fmt: skip

_OUTCOMES: Final = _weighted(
    [
        ("advice_given", 30), ("document_prepared", 20), ("referred_advocate", 8),
        ("referred_state_body", 6), ("referred_other_org", 4), ("negotiated", 5),
        ("complaint_filed", 6), ("resolved_full", 8), ("resolved_partial", 5),
        ("not_resolved", 3), ("withdrawn", 2), ("lost_contact", 2.5), ("not_eligible", 0.5),
    ]
)  # fmt: skip
_CORRUPTION_OUTCOMES: Final = _weighted(
    [
        ("advice_given", 20), ("document_prepared", 10), ("referred_state_body", 20),
        ("complaint_filed", 25), ("resolved_full", 6), ("resolved_partial", 6),
        ("not_resolved", 8), ("withdrawn", 3), ("lost_contact", 2),
    ]
)  # fmt: skip

_AMOUNTS: Final = (20, 30, 50, 50, 100, 100, 150, 200, 200, 300, 500, 500, 800, 1000, 1500, 3000)

_MODES: Final = _weighted(
    [("in_person", 55), ("phone", 26), ("online", 6), ("outreach", 7), ("hotline", 6)]
)
_MINUTES: Final[dict[str, tuple[int, ...]]] = {
    "in_person": (20, 25, 30, 30, 40, 45, 45, 60, 60, 75, 90),
    "phone": (5, 10, 10, 15, 15, 20, 25, 30),
    "online": (20, 30, 30, 45, 60),
    "outreach": (15, 20, 30, 30, 40),
    "hotline": (5, 10, 15, 15, 20),
}

_CONSULT_COUNTS: Final = _weighted(
    [(1, 20), (2, 21), (3, 20), (4, 15), (5, 10), (6, 6), (7, 4), (8, 2), (9, 1), (10, 1)]
)
_CASE_COUNTS: Final = _weighted([(1, 62), (2, 27), (3, 8), (4, 3)])
_PARTY_COUNTS: Final = _weighted([(0, 22), (1, 58), (2, 20)])

_GRANT_DONORS: Final = ("EU-LA", "NED", "OSF-AZ", "UNDP-A2J")


# ================================================================================================
# The generator
# ================================================================================================


@dataclass
class _Plan:
    """Per client: the ordinals of the days their cases open (first = intake)."""

    openings: list[list[int]]
    numbers: list[list[str]]
    last_seq: dict[int, int]


class _TableSpec:
    """How the rows of one synchronized table are written: column order, clocks, outbox groups.

    Rows are kept as tuples in :attr:`columns` order and written with the DB-API's
    ``executemany`` (no per-row work in SQLAlchemy). JSON columns are written as the text
    SQLAlchemy's JSON type would write (``json.dumps`` with its default separators).
    """

    def __init__(self, model: type[Base], columns: tuple[str, ...]) -> None:
        self.model = model
        self.name: str = model.__tablename__
        groups = list(getattr(model, "FIELD_GROUPS", {}))
        self.groups_json = json.dumps(groups)
        # '{"identity": "<stamp>", "contact": "<stamp>"}' split around the stamp, so that
        # stamp.join(parts) == json.dumps(dict.fromkeys(groups, stamp)).
        marker = "\x00"
        self.clock_parts = json.dumps(dict.fromkeys(groups, marker)).split(json.dumps(marker)[1:-1])
        self.columns = (*_SYNC_COLUMNS, *columns)
        names = ", ".join(self.columns)
        marks = ", ".join("?" * len(self.columns))
        self.sql = f"INSERT INTO {self.name} ({names}) VALUES ({marks})"

    def check(self) -> None:
        """Fail loudly if the table's columns are no longer the ones written here."""
        table = cast(Table, self.model.__table__)
        actual = {c.name for c in table.columns}
        if actual != set(self.columns):
            raise RuntimeError(
                f"demo data: the columns of {self.name} changed: "
                f"{sorted(actual ^ set(self.columns))}"
            )


_SYNC_COLUMNS: Final = ("id", "origin_node", "clocks", "hlc", "updated_by", "deleted_hlc")

_TABLES: Final[dict[str, _TableSpec]] = {
    spec.name: spec
    for spec in (
        _TableSpec(Campaign, ("title", "node_code", "issue_area", "partners", "description")),
        _TableSpec(
            Client,
            (
                "full_name", "name_sort", "gender", "birth_year", "region", "displacement",
                "disability", "phone", "address", "referral_source", "node_code", "created_at",
                "needs_review",
            ),
        ),
        _TableSpec(
            Consent,
            ("client_id", "given_on", "purposes", "valid_until", "withdrawn_on", "attachment_id"),
        ),
        _TableSpec(
            Case,
            (
                "number", "client_id", "legal_area", "summary", "status", "assigned_lawyer",
                "owner_node", "opened_on", "closed_on", "outcome", "referral", "grant_code",
                "campaign_id", "needs_review",
            ),
        ),
        _TableSpec(
            CorruptionDetails,
            (
                "case_id", "sector", "conduct", "institution", "amount_requested", "reported_to",
                "satisfaction",
            ),
        ),
        _TableSpec(
            Consultation,
            (
                "case_id", "held_on", "lawyer", "mode", "minutes", "notes", "advice",
                "next_steps", "follow_up_on",
            ),
        ),
        _TableSpec(Party, ("case_id", "name", "role", "notes")),
        _TableSpec(Deadline, ("case_id", "due_on", "description", "done")),
    )
}  # fmt: skip

_CHANGE_SQL: Final = (
    "INSERT INTO change_log (table_name, row_id, hlc, groups, origin_node) VALUES (?, ?, ?, ?, ?)"
)

_JSON_LISTS: dict[tuple[str, ...], str] = {}


def _json_list(items: list[str]) -> str:
    key = tuple(items)
    text = _JSON_LISTS.get(key)
    if text is None:
        text = _JSON_LISTS[key] = json.dumps(items)
    return text


@dataclass
class _Rows:
    """One batch of rows, per table, ready for ``executemany``."""

    campaigns: list[tuple[Any, ...]] = field(default_factory=list)
    clients: list[tuple[Any, ...]] = field(default_factory=list)
    consents: list[tuple[Any, ...]] = field(default_factory=list)
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    corruption: list[tuple[Any, ...]] = field(default_factory=list)
    consultations: list[tuple[Any, ...]] = field(default_factory=list)
    parties: list[tuple[Any, ...]] = field(default_factory=list)
    deadlines: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def tables(self) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """``(table, rows)`` in an order that satisfies the foreign keys."""
        return [
            ("campaigns", self.campaigns),
            ("clients", self.clients),
            ("consents", self.consents),
            ("cases", self.cases),
            ("corruption_details", self.corruption),
            ("consultations", self.consultations),
            ("parties", self.parties),
            ("deadlines", self.deadlines),
        ]


class _Generator:
    """Makes the rows. Every random decision comes from ``rng``, in a fixed order."""

    def __init__(
        self,
        rng: random.Random,
        stamper: _Stamper,
        node: str,
        actor: str,
        base: date,
        lawyers: Sequence[tuple[str, float]],
        region_labels: dict[str, str],
    ) -> None:
        self.p = _pools()
        self.rng = rng
        self.st = stamper
        self.node = node
        self.actor = actor
        self.base = base.toordinal()
        self.place = self.p.places.get(
            self.p.node_places.get(node.upper(), ""), self.p.places["baku"]
        )
        known = node.upper() in self.p.node_places
        regions: list[tuple[str, float]] = []
        for code, weight in self.place.regions if known else (("*", 100.0),):
            if code != "*":
                regions.append((code, weight))
            else:  # the rest spread over the country
                total = sum(w for _c, w in self.p.national_regions)
                regions += [(c, weight * w / total) for c, w in self.p.national_regions]
        # Only codes the store's reference data knows (HQ may retire one).
        self.regions = _weighted((c, w) for c, w in regions if c in region_labels)
        self.return_regions = tuple(c for c in self.p.return_regions if c in region_labels)
        self.region_labels = region_labels
        self.names = _Names(self.p)
        sorter = _NameSorter()
        self.sorter: Callable[[str], str] = sorter if sorter.exact else sort_string
        self.areas_female = _weighted(
            (a, w * (1.45 if a == "family" else 0.9 if a == "labour" else 1.0))
            for a, w in _AREA_WEIGHTS
        )
        self.areas_male = _weighted(
            (a, w * (0.45 if a == "family" else 1.2 if a in ("labour", "credit") else 1.0))
            for a, w in _AREA_WEIGHTS
        )
        self.areas_idp = _weighted(
            (a, w * (2.2 if a in ("social", "property") else 1.0)) for a, w in _AREA_WEIGHTS
        )
        self.lawyers = _weighted(lawyers)
        self.lawyer_names = [name for name, _w in lawyers]
        self.campaign_by_area: dict[str, str] = {}
        self.banks = _weighted(self.p.banks)
        self.referral_sources = _weighted(self.p.referral_sources)
        self.reported_to = _weighted(self.p.reported_to)
        self.deadline_texts = _weighted(self.p.deadlines)
        self.scenarios = _weighted((s[:4], s[4]) for s in self.p.corruption_scenarios)
        self.streets = self.place.streets + self.p.streets
        self.courts = (*self.place.courts, self.place.appeal_court, self.place.admin_court)
        self.institutions = {
            "city": self.place.city,
            "executive": self.place.executive,
            "police": self.place.police,
            "municipality": self.place.municipality,
            "hospital": self.place.hospital,
            "education": self.place.education,
            "dost": self.place.dost,
        }
        self._iso: dict[int, str] = {}
        self.grants: dict[int, tuple[str, ...]] = {}

    # -- helpers ------------------------------------------------------------------------------

    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def _emit(
        self,
        rows: _Rows,
        out: list[tuple[Any, ...]],
        spec: _TableSpec,
        row_id: str,
        values: tuple[Any, ...],
    ) -> None:
        """Queue one new row with its sync columns, and its outbox entry."""
        stamp = self.st.stamp()
        out.append(
            (row_id, self.node, stamp.join(spec.clock_parts), stamp, self.actor, None, *values)
        )
        rows.changes.append((spec.name, row_id, stamp, spec.groups_json, self.node))

    def _fill(self, template: str, ctx: dict[str, str]) -> str:
        return template.format(**self.institutions, **ctx) if "{" in template else template

    def campaigns(self, rows: _Rows) -> None:
        """The advocacy campaigns that some recent cases feed."""
        for title, area, partners, description in self.p.campaigns:
            cid = self.st.new_id()
            values = (title, self.node, area, _json_list(list(partners)), description)
            self._emit(rows, rows.campaigns, _TABLES["campaigns"], cid, values)
            self.campaign_by_area[area] = cid

    # -- plan: when every case opens, and its number ----------------------------------------------

    def plan(self, clients: int, existing: dict[int, int], taken: set[str]) -> _Plan:
        """Decide the opening days of every case, then number them in the order they opened."""
        rng = self.rng
        base = self.base
        openings: list[list[int]] = []
        for _i in range(clients):
            age = int(HISTORY_DAYS * rng.random() ** 1.2)
            first = _workday_back(base - age, base - HISTORY_DAYS - 3)
            days = [first]
            for _k in range(1, _CASE_COUNTS.pick(rng)):
                later = first + int((base - first + 1) * rng.random())
                days.append(_workday_back(min(later, base), first))
            days.sort()
            openings.append(days)
        order = sorted(
            ((day, ci, k) for ci, days in enumerate(openings) for k, day in enumerate(days)),
        )
        numbers: list[list[str]] = [[""] * len(days) for days in openings]
        last_seq = dict(existing)
        for day, ci, k in order:
            year = date.fromordinal(day).year
            seq = last_seq.get(year, 0)
            while True:
                seq += 1
                number = f"{self.node}-{year}-{seq:04d}"
                if number not in taken:
                    break
            last_seq[year] = seq
            numbers[ci][k] = number
        return _Plan(openings, numbers, last_seq)

    # -- one client with everything that hangs off them ---------------------------------------

    def client(self, rows: _Rows, openings: list[int], numbers: list[str]) -> None:
        rng = self.rng
        r = rng.random()
        gender = (
            "female"
            if r < 0.575
            else "male"
            if r < 0.99
            else "undisclosed"
            if r < 0.996
            else "other"
        )
        female = gender == "female" or (gender not in ("male", "female") and rng.random() < 0.5)
        s = rng.random()
        script = "ru" if s < 0.08 else "ascii" if s < 0.105 else "az"
        full_name, _given, _surname = self.names.person(rng, female, script)

        base_year = date.fromordinal(self.base).year
        a = rng.random()
        if a < 0.16:
            age = 18 + int(rng.random() * 8)  # youth
        elif a < 0.84:
            age = int(rng.gauss(41, 10))
        else:
            age = 60 + int(rng.expovariate(1 / 8))
        birth_year: int | None = min(2007, max(1940, base_year - age))
        if rng.random() < 0.015:
            birth_year = None

        d = rng.random()
        displacement = (
            "idp" if d < 0.10
            else "returnee" if d < 0.11
            else "refugee" if d < 0.113
            else "foreign_national" if d < 0.116
            else "stateless" if d < 0.117
            else "resident"
        )  # fmt: skip
        region = self.regions.pick(rng)
        if displacement == "returnee" and self.return_regions:
            region = _one(rng, self.return_regions)
        old = birth_year is not None and birth_year < base_year - 60
        x = rng.random() * (0.6 if old else 1.0)
        disability = (
            "physical" if x < 0.04
            else "sensory" if x < 0.055
            else "psychosocial" if x < 0.067
            else "intellectual" if x < 0.075
            else "multiple" if x < 0.09
            else "none"
        )  # fmt: skip

        phone = ""
        if rng.random() < 0.95:
            prefix = _one(rng, ("50", "50", "51", "55", "55", "70", "77", "99", "10"))
            n = int(rng.random() * 10_000_000)
            phone = f"+994 {prefix} {n // 10000:03d} {n // 100 % 100:02d} {n % 100:02d}"
        address = self._address(region, displacement)
        referral = self.referral_sources.pick(rng)

        intake = openings[0]
        client_id = self.st.new_id()
        hh = 5 + int(rng.random() * 8)
        mm = int(rng.random() * 60)
        self._emit(
            rows,
            rows.clients,
            _TABLES["clients"],
            client_id,
            (
                full_name,
                self.sorter(full_name),  # name_sort
                gender,
                birth_year,
                region,
                displacement,
                disability,
                phone,
                address,
                referral,  # referral_source
                self.node,  # node_code
                f"{self.iso(intake)}T{hh:02d}:{mm:02d}:00.000Z",  # created_at
                0,  # needs_review
            ),
        )
        purposes = ["store_process"]
        if rng.random() < 0.86:
            purposes.append("share_hq")
        if rng.random() < 0.92:
            purposes.append("anonymized_stats")
        valid = None if rng.random() < 0.5 else self.iso(intake + 5 * 365 + 1)
        self._emit(
            rows,
            rows.consents,
            _TABLES["consents"],
            self.st.new_id(),
            (
                client_id,
                self.iso(intake),  # given_on
                _json_list(purposes),
                valid,  # valid_until
                None,  # withdrawn_on
                None,  # attachment_id
            ),
        )
        if displacement in ("idp", "returnee"):
            areas = self.areas_idp
        else:
            areas = self.areas_female if female else self.areas_male
        for opened, number in zip(openings, numbers, strict=True):
            self.case(rows, client_id, female, areas.pick(rng), opened, number)

    def _address(self, region: str, displacement: str) -> str:
        rng = self.rng
        label = self.region_labels.get(region, "")
        city = label.endswith("şəhəri") or region in ("AZ-ABS",)
        if displacement == "idp" and rng.random() < 0.4:
            if rng.random() < 0.5:
                return f"{label}, məcburi köçkünlər üçün {1 + int(rng.random() * 12)} saylı qəsəbə"
            street = _one(rng, self.streets)
            house, room = 1 + int(rng.random() * 90), 1 + int(rng.random() * 60)
            return f"{label}, {street} {house} (yataqxana), otaq {room}"
        if not city and rng.random() < 0.55:
            return f"{label}, {_one(rng, self.p.villages)} kəndi"
        street = _one(rng, self.streets)
        house = 1 + int(rng.random() * 150)
        if city and rng.random() < 0.6:
            return f"{label}, {street} {house}, mənzil {1 + int(rng.random() * 80)}"
        return f"{label}, {street} {house}"

    def case(
        self, rows: _Rows, client_id: str, female: bool, area: str, opened: int, number: str
    ) -> None:
        rng = self.rng
        base = self.base
        case_id = self.st.new_id()
        lawyer = self.lawyers.pick(rng)
        ctx = self._context(area)

        scenario: tuple[str, str, str, str] | None = None
        if area == "corruption":
            scenario = self.scenarios.pick(rng)
            problem = scenario[3]
        else:
            problem = _one(rng, self.p.problems.get(area, self.p.problems["other"]))
        wishes = self.p.wishes.get(area, self.p.wishes_generic)
        wish = _one(rng, wishes if rng.random() < 0.8 else self.p.wishes_generic)
        summary = f"{self._fill(problem, ctx)}; {wish}."
        if area == "credit" and rng.random() < 0.4:
            summary += f" Borcun məbləği təxminən {_one(rng, _AMOUNTS) * 10} manatdır."

        # Status, consultation days, closing.
        age = base - opened
        count = _CONSULT_COUNTS.pick(rng)
        s = rng.random()
        if age > 150:
            status = "closed" if s < 0.93 else "pending" if s < 0.965 else "open"
        elif age > 45:
            status = "closed" if s < 0.55 else "pending" if s < 0.75 else "open"
        else:
            status = "closed" if s < 0.2 else "pending" if s < 0.35 else "open"
        gaps = [2 + int(rng.random() * 40) for _ in range(count - 1)]
        tail = int(rng.random() * 15) if status == "closed" else 0
        span = sum(gaps) + tail
        if span > age:  # squeeze into the days since opening
            factor = age / span
            gaps = [int(g * factor) for g in gaps]
            tail = int(tail * factor)
        days = [opened]
        for g in gaps:
            prev = days[-1]
            days.append(_workday_back(prev + g, prev))
        closed_on: int | None = None
        outcome: str | None = None
        if status == "closed":
            closed_on = min(base, days[-1] + tail)
            outcome = (_CORRUPTION_OUTCOMES if scenario else _OUTCOMES).pick(rng)
        referral = ""
        if outcome in self.p.referrals:
            referral = _one(rng, self.p.referrals[outcome])
        year = date.fromordinal(opened).year
        grant = ""
        if rng.random() < 0.9:
            grant = _one(rng, self._grants(year))
        campaign_id = None
        cid = self.campaign_by_area.get(area)
        if cid is not None and base - opened < 540 and rng.random() < 0.12:
            campaign_id = cid

        self._emit(
            rows,
            rows.cases,
            _TABLES["cases"],
            case_id,
            (
                number,
                client_id,
                area,  # legal_area
                summary,
                status,
                lawyer,  # assigned_lawyer
                self.node,  # owner_node
                self.iso(opened),  # opened_on
                None if closed_on is None else self.iso(closed_on),  # closed_on
                outcome,
                referral,
                grant,  # grant_code
                campaign_id,
                0,  # needs_review
            ),
        )
        if scenario is not None:
            self._corruption(rows, case_id, scenario, ctx, status, outcome)
        self._consultations(rows, case_id, area, lawyer, days, status, outcome, scenario)
        self._parties(rows, case_id, area, female, ctx)
        self._deadlines(rows, case_id, opened, closed_on, status, ctx)

    def _context(self, area: str) -> dict[str, str]:
        """The case's own court, bank, employer (for the templates; plus :attr:`institutions`)."""
        rng = self.rng
        ctx = {"court": _one(rng, self.courts)}
        if area == "credit":
            ctx["bank"] = self.banks.pick(rng)
        elif area == "labour":
            ctx["employer"] = _one(rng, self.p.employers)
        return ctx

    def _grants(self, year: int) -> tuple[str, ...]:
        codes = self.grants.get(year)
        if codes is None:
            rng = random.Random(f"grants:{year}")  # the same codes for a year, whatever the seed
            codes = tuple(f"{donor}-{year}-{rng.randint(10, 99):02d}" for donor in _GRANT_DONORS)
            self.grants[year] = codes
        return codes

    def _corruption(
        self,
        rows: _Rows,
        case_id: str,
        scenario: tuple[str, str, str, str],
        ctx: dict[str, str],
        status: str,
        outcome: str | None,
    ) -> None:
        rng = self.rng
        sector, conduct, institution, _story = scenario
        amount = None
        if conduct in ("bribery", "extortion") and rng.random() < 0.6:
            amount = _one(rng, _AMOUNTS)
        reported = self.reported_to.pick(rng)
        if outcome in ("complaint_filed", "referred_state_body") and not reported:
            reported = "Baş Prokurorluğun Korrupsiyaya qarşı mübarizə idarəsi"
        satisfaction = None
        if status == "closed" and rng.random() < 0.7:
            satisfaction = _one(rng, (1, 2, 3, 3, 4, 4, 4, 5, 5, 5))
        self._emit(
            rows,
            rows.corruption,
            _TABLES["corruption_details"],
            self.st.new_id(),
            (
                case_id,
                sector,
                conduct,
                self._fill(institution, ctx),  # institution
                amount,  # amount_requested
                reported,  # reported_to
                satisfaction,
            ),
        )

    def _consultations(
        self,
        rows: _Rows,
        case_id: str,
        area: str,
        lawyer: str,
        days: list[int],
        status: str,
        outcome: str | None,
        scenario: tuple[str, str, str, str] | None,
    ) -> None:
        rng = self.rng
        base = self.base
        notes_pool = self.p.notes.get(area, self.p.notes_generic)
        advice_pool = self.p.advice.get(area, self.p.advice_generic)
        steps_pool = self.p.next_steps.get(area, self.p.next_steps_generic)
        last = len(days) - 1
        for i, held in enumerate(days):
            if i == 0:
                mode = "in_person" if rng.random() < 0.75 else _MODES.pick(rng)
                if scenario is not None and rng.random() < 0.3:
                    mode = "hotline"
                notes = _one(rng, self.p.intake_notes)
            else:
                mode = _MODES.pick(rng)
                notes = _one(rng, notes_pool if rng.random() < 0.7 else self.p.notes_generic)
            if i == last and outcome is not None and rng.random() < 0.75:
                notes = self.p.outcome_notes[outcome]
            advice = ""
            if rng.random() < 0.85:
                advice = _one(rng, advice_pool if rng.random() < 0.7 else self.p.advice_generic)
            steps = ""
            follow: int | None = None
            if i < last:
                steps = _one(rng, steps_pool if rng.random() < 0.6 else self.p.next_steps_generic)
                if rng.random() < 0.3:
                    follow = days[i + 1]
            elif status != "closed":
                steps = _one(rng, steps_pool if rng.random() < 0.6 else self.p.next_steps_generic)
                if rng.random() < 0.7:
                    follow = held + 7 + int(rng.random() * 24)
                    if follow < base and rng.random() < 0.75:
                        follow = base + int(rng.random() * 29)  # rescheduled: coming weeks
            lawyer_here = lawyer
            if rng.random() < 0.1:
                lawyer_here = _one(rng, self.lawyer_names)
            self._emit(
                rows,
                rows.consultations,
                _TABLES["consultations"],
                self.st.new_id(),
                (
                    case_id,
                    self.iso(held),  # held_on
                    lawyer_here,  # lawyer
                    mode,
                    _one(rng, _MINUTES[mode]),  # minutes
                    notes,
                    advice,
                    steps,  # next_steps
                    None if follow is None else self.iso(follow),  # follow_up_on
                ),
            )

    def _party_for(self, area: str, female: bool, ctx: dict[str, str]) -> tuple[str, str, str]:
        """One party for a case in ``area``: ``(name, role, notes)``."""
        rng = self.rng
        inst = self.institutions
        r = rng.random()
        if r < 0.06:
            return self._person(not female), "witness", _one(rng, self.p.party_notes["witness"])
        if r < 0.1:
            return (
                self._person(rng.random() < 0.5),
                "representative",
                _one(rng, self.p.party_notes["representative"]),
            )
        if area == "credit":
            if rng.random() < 0.85:
                return (
                    ctx.get("bank") or self.banks.pick(rng),
                    "institution",
                    _one(rng, self.p.party_notes["bank"]),
                )
            return self.place.enforcement, "institution", "İcra məmuru"
        if area == "family":
            return self._person(not female), "adverse", _one(rng, self.p.party_notes["spouse"])
        if area == "inheritance":
            return (
                self._person(rng.random() < 0.5),
                "adverse",
                _one(rng, self.p.party_notes["relative"]),
            )
        if area == "property":
            if rng.random() < 0.55:
                return (
                    self._person(rng.random() < 0.3),
                    "adverse",
                    _one(rng, self.p.party_notes["neighbour"]),
                )
            body = _one(
                rng,
                (
                    f"Əmlak Məsələləri Dövlət Xidmətinin {self.place.city} regional idarəsi",
                    inst["municipality"],
                    inst["executive"],
                    '"Kəpəz Tikinti" MMC',
                ),
            )
            return body, "institution" if "MMC" not in body else "adverse", ""
        if area == "labour":
            return (
                ctx.get("employer") or _one(rng, self.p.employers),
                "adverse",
                _one(rng, self.p.party_notes["employer"]),
            )
        if area == "social":
            body = _one(
                rng,
                (
                    inst["dost"],
                    "DOST mərkəzi",
                    "Dövlət Sosial Müdafiə Fondu",
                    "Tibbi-Sosial Ekspert Komissiyası",
                    "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
                ),
            )
            return body, "institution", _one(rng, self.p.party_notes["institution"])
        if area == "utilities":
            return _one(rng, ("Azərişıq ASC", "Azəriqaz İB", "Azərsu ASC")), "institution", ""
        if area == "civil_registration":
            body = _one(rng, ("ASAN xidmət", "Dövlət Miqrasiya Xidməti", "Qeydiyyat şöbəsi"))
            return body, "institution", ""
        if area in ("administrative", "corruption"):
            body = _one(rng, (inst["executive"], inst["municipality"], inst["police"]))
            return body, "institution", _one(rng, self.p.party_notes["institution"])
        if area == "tax":
            return "Dövlət Vergi Xidməti", "institution", ""
        if area == "health":
            return inst["hospital"], "institution", ""
        if area == "education":
            return inst["education"], "institution", ""
        return self._person(rng.random() < 0.4), "adverse", ""

    def _person(self, female: bool) -> str:
        rng = self.rng
        script = "ru" if rng.random() < 0.1 else "az"
        name = self.names.person(rng, female, script)[0]
        if rng.random() < 0.35:  # parties are often known without a patronymic
            name = " ".join(name.split(" ")[:2])
        return name

    def _parties(
        self, rows: _Rows, case_id: str, area: str, female: bool, ctx: dict[str, str]
    ) -> None:
        for _k in range(_PARTY_COUNTS.pick(self.rng)):
            name, role, notes = self._party_for(area, female, ctx)
            self._emit(
                rows,
                rows.parties,
                _TABLES["parties"],
                self.st.new_id(),
                (
                    case_id,
                    name,
                    role,
                    notes,
                ),
            )

    def _deadlines(
        self,
        rows: _Rows,
        case_id: str,
        opened: int,
        closed_on: int | None,
        status: str,
        ctx: dict[str, str],
    ) -> None:
        rng = self.rng
        base = self.base
        if rng.random() >= 0.42:
            return
        for _k in range(1 if rng.random() < 0.8 else 2):
            text = self._fill(self.deadline_texts.pick(rng), ctx)
            if closed_on is not None:
                due = opened + int((closed_on - opened + 1) * rng.random())
                done = True
            else:
                due = max(opened + 1, base - 20 + int(rng.random() * 81))
                done = due < base and rng.random() < 0.75
            self._emit(
                rows,
                rows.deadlines,
                _TABLES["deadlines"],
                self.st.new_id(),
                (
                    case_id,
                    self.iso(due),  # due_on
                    text,  # description
                    done,
                ),
            )


# ================================================================================================
# Writing
# ================================================================================================


def _write(session: Session, rows: _Rows, counts: dict[str, int]) -> None:
    """Insert one batch: every table in foreign-key order, then the outbox entries."""
    conn = session.connection()
    for name, batch in rows.tables():
        sql = _TABLES[name].sql
        for start in range(0, len(batch), INSERT_BATCH):
            conn.exec_driver_sql(sql, batch[start : start + INSERT_BATCH])
        counts[name] = counts.get(name, 0) + len(batch)
    for start in range(0, len(rows.changes), INSERT_BATCH):
        conn.exec_driver_sql(_CHANGE_SQL, rows.changes[start : start + INSERT_BATCH])


def _at(table: str, *columns: str) -> tuple[int, ...]:
    """Positions of ``columns`` in the row tuples of ``table``."""
    return tuple(_TABLES[table].columns.index(c) for c in columns)


_CLIENT_FIELDS: Final = _at("clients", "id", "full_name", "birth_year", "phone", "address")
_CASE_FIELDS: Final = _at(
    "cases", "id", "client_id", "number", "legal_area", "summary", "referral", "grant_code"
)
_ALAC_FIELDS: Final = _at("corruption_details", "case_id", "institution", "reported_to")
_CONSULTATION_FIELDS: Final = _at("consultations", "id", "case_id", "notes", "advice", "next_steps")
_PARTY_FIELDS: Final = _at("parties", "id", "case_id", "name", "role", "notes")


def _entries(
    maker: search_index.EntryMaker, rows: _Rows
) -> list[tuple[str, list[search_index.PreparedEntry]]]:
    """The search-index entries of one batch, made from the rows in memory, per kind.

    Every case in a batch belongs to a client of the same batch (:meth:`_Generator.client`
    makes a client with all their cases), so the client's name is at hand.
    """
    i, name, year, phone, address = _CLIENT_FIELDS
    names = {r[i]: r[name] for r in rows.clients}
    clients = [(r[i], None, r[name], r[year], r[phone], r[address]) for r in rows.clients]
    i, client, number, area, summary, referral, grant = _CASE_FIELDS
    c, institution, reported = _ALAC_FIELDS
    alac = {r[c]: (r[institution], r[reported]) for r in rows.corruption}
    cases = [
        (
            r[i], r[i], names[r[client]], r[number], r[area], r[summary], r[referral],
            r[grant], *alac.get(r[i], (None, None)),
        )
        for r in rows.cases
    ]  # fmt: skip
    i, case, notes, advice, steps = _CONSULTATION_FIELDS
    consultations = [(r[i], r[case], r[notes], r[advice], r[steps]) for r in rows.consultations]
    i, case, name, role, notes = _PARTY_FIELDS
    parties = [(r[i], r[case], r[name], r[role], r[notes]) for r in rows.parties]
    sources: dict[str, list[tuple[Any, ...]]] = {
        "client": clients,
        "case": cases,
        "consultation": consultations,
        "party": parties,
    }
    return [(kind, maker(kind, source)) for kind, source in sources.items()]


# ================================================================================================
# The feed: the rows and their index entries, made in a second process on a big run
# ================================================================================================


@dataclass(frozen=True)
class _FeedSpec:
    """Everything the generator needs, read from the store before it starts (picklable)."""

    seed: int
    clients: int
    node: str
    actor: str
    base: date
    lawyers: tuple[tuple[str, float], ...]
    region_labels: dict[str, str]
    existing: dict[int, int]
    taken: frozenset[str]
    start: HLC


@dataclass
class _Batch:
    """One batch of the feed: its rows, their index entries, and how far the run is.

    The last batch also carries what the store must remember after the run: the last case
    number used per year and the last clock stamp given.
    """

    done: int
    rows: _Rows
    entries: list[tuple[str, list[search_index.PreparedEntry]]]
    last_seq: dict[int, int] | None = None
    last_stamp: HLC | None = None


def _feed(spec: _FeedSpec) -> Iterator[_Batch]:
    """Make the rows of a run, :data:`CLIENT_BATCH` clients a batch (see :func:`generate_demo`).

    Needs no store, so it can run in another process (:mod:`.process_feed`); every random
    decision is made here, in one fixed order, so the data is the same wherever it runs.
    """
    stamper = _Stamper(spec.node, spec.start, spec.start.wall_ms, random.Random(f"{spec.seed}:ids"))
    gen = _Generator(
        random.Random(spec.seed),
        stamper,
        spec.node,
        spec.actor,
        spec.base,
        spec.lawyers,
        spec.region_labels,
    )
    plan = gen.plan(spec.clients, spec.existing, set(spec.taken))
    maker = search_index.EntryMaker()
    rows = _Rows()
    gen.campaigns(rows)
    done = 0
    while done < spec.clients:
        upto = min(spec.clients, done + CLIENT_BATCH)
        for ci in range(done, upto):
            gen.client(rows, plan.openings[ci], plan.numbers[ci])
        batch = _Batch(upto, rows, _entries(maker, rows))
        if upto == spec.clients:
            batch.last_seq, batch.last_stamp = plan.last_seq, stamper.last
        yield batch
        rows = _Rows()
        done = upto


_APPENDED: Final = frozenset(("hlc", "case_id", "client_id"))
"""Columns whose values only grow as the generator writes rows (see :func:`_bulk_indexes`)."""

_BULK_CACHE_KIB: Final = 1024 * 1024
"""Page cache of the writing connection during a run (then set back), taken only as the store
grows (the store reaches about 1.7 GB at 100,000 clients, so a run that big fills it). Pages that
stay in the cache until the commit are encrypted and written once."""

_BULK_FTS_HASHSIZE: Final = 512 * 1024 * 1024
"""FTS5's table of new terms during a run: at 100,000 clients all of them fit, so the index is
written as one segment and not merged afterwards (taken only as the terms need it)."""

PARALLEL_FROM: Final = 10_000
"""From this many clients, the rows are made in a second process (:mod:`.process_feed`) while
this one writes; below it, starting that process costs more than it saves."""


def _bulk_indexes(session: Session) -> AbstractContextManager[None]:
    """The secondary indexes of the tables written here, dropped for the load and made again.

    See :func:`legalaid_desktop.store.bulk_load.indexes_rebuilt_after`.
    """
    tables = [*(spec.name for spec in _TABLES.values()), "change_log"]
    return bulk_load.indexes_rebuilt_after(session, tables, _APPENDED)


def _check_demo_store(session: Session) -> None:
    """Refuse a store with clients the demo generator did not make (see :func:`generate_demo`).

    A store qualifies when it has no client rows at all (tombstones count), or no more than the
    ``demo_generated`` audit events say the generator wrote.
    """
    clients = session.scalar(select(func.count()).select_from(Client)) or 0
    if not clients:
        return
    made = session.scalar(
        select(
            func.coalesce(func.sum(func.json_extract(AuditEvent.details, "$.clients")), 0)
        ).where(AuditEvent.action == "demo_generated")
    )
    if clients > int(made or 0):
        raise NotADemoStore(
            _(
                "Demo data can only be added to a new data store or to one that holds only demo "
                "data: this store has {n} clients that the demo generator did not make."
            ).format(n=clients - int(made or 0))
        )


def _lawyers(session: Session, node: str) -> list[tuple[str, str]]:
    """Active users of this node who may be assigned cases: ``(username, role)``."""
    result = session.execute(
        select(User.username, User.role)
        .where(
            User.node_code == node,
            User.active.is_(True),
            User.deleted_hlc.is_(None),
            User.role.in_((Role.LAWYER.value, Role.MANAGER.value, Role.ADMIN.value)),
        )
        .order_by(User.username)
    ).all()
    return [(str(r[0]), str(r[1])) for r in result]


def _ensure_lawyers(session: AppSession, password: str | None) -> int:
    """Create :data:`DEMO_LAWYERS` when the actor is the only one here who can take cases."""
    ws = session.ws
    with ws.read() as s:
        people = _lawyers(s, ws.node_code)
        taken = set(s.scalars(select(User.username)).all())
    if password is None or len(people) > 1:
        return 0
    created = 0
    for username, full_name, role in DEMO_LAWYERS:
        if username in taken:
            continue
        session.users.add(username, full_name, role, password)
        created += 1
    return created


_ROLE_LOAD: Final[dict[str, float]] = {
    Role.LAWYER.value: 5.0,
    Role.MANAGER.value: 2.0,
    Role.ADMIN.value: 1.0,
}


def generate_demo(
    session: AppSession,
    *,
    clients: int = 300,
    seed: int = 1,
    lawyer_password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    parallel: bool | None = None,
) -> DemoSummary:
    """Fill the store with realistic demonstration data for this center.

    Everything is written in one write transaction (with a rollback journal, see
    :meth:`Workspace.bulk_write`); the full-text index is rebuilt at the end, inside it. See the
    module docstring for what the data looks like and what is deterministic.

    Args:
        session: A logged-in manager's or administrator's session.
        clients: How many clients to add (1 .. :data:`MAX_CLIENTS`); about 1.5 cases each.
        seed: Seed of the random generator: the same seed gives the same data.
        lawyer_password: If given, and nobody at this center but the user can take cases, the
            accounts in :data:`DEMO_LAWYERS` are created first (with this password, through
            :meth:`UserService.add`) and cases are spread over them. They stay if the generation
            is then cancelled. Without it, cases go to the center's existing users.
        progress: Called as ``progress(done, total)`` after every batch; the units are clients,
            and the index rebuild at the end counts as ``clients // 2`` more.
        cancelled: Checked between batches; when it returns true the transaction is rolled back
            and a summary with ``cancelled=True`` and no rows is returned.
        parallel: Make the rows in a second process while this one writes them
            (:mod:`.process_feed`); by default from :data:`PARALLEL_FROM` clients on a machine
            with more than one core. The data is the same either way.

    Returns:
        The counts of what was written.

    Raises:
        PermissionDenied: The user is neither a manager nor an administrator.
        ValidationError: ``clients`` is out of range.
        NotADemoStore: The store has clients the demo generator did not make: demo data is only
            added to a new store or to a demo store, never mixed with real records.
        BackgroundWorkFailed: The process making the rows died (nothing was written).
    """
    started = time.perf_counter()
    ws = session.ws
    ws.require(Permission.MANAGE_USERS)
    ws.require(Permission.EDIT_CASES)
    if not 1 <= clients <= MAX_CLIENTS:
        raise ValidationError(
            _("The number of clients must be between 1 and {n}.").format(n=MAX_CLIENTS),
            field="clients",
        )
    for table in _TABLES.values():
        table.check()
    with ws.read() as s:
        _check_demo_store(s)
    stop = cancelled or (lambda: False)
    if stop():
        return DemoSummary(cancelled=True, seconds=time.perf_counter() - started)
    lawyers_created = _ensure_lawyers(session, lawyer_password)
    region_labels = {item.code: item.label("az") for item in ws.catalog()["regions"]}

    node = ws.node_code
    total_units = clients + clients // 2
    if parallel is None:
        parallel = clients >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
    counts: dict[str, int] = {}
    try:
        with ws.bulk_write() as s:
            _check_demo_store(s)  # again, inside the transaction that writes
            people = _lawyers(s, node) or [(ws.actor.username, ws.actor.role.value)]
            spec = _FeedSpec(
                seed=seed,
                clients=clients,
                node=node,
                actor=ws.actor.username,
                base=today(),
                lawyers=tuple((name, _ROLE_LOAD.get(role, 1.0)) for name, role in people),
                region_labels=region_labels,
                existing={
                    int(year): int(seq)
                    for year, seq in s.execute(
                        select(CaseCounter.year, CaseCounter.last_seq).where(
                            CaseCounter.node_code == node
                        )
                    ).all()
                },
                taken=frozenset(
                    s.scalars(select(Case.number).where(Case.number.like(f"{node}-%"))).all()
                ),
                start=ws.clock.now(),
            )
            last_seq: dict[int, int] = {}
            last_stamp = spec.start
            # The feed starts first: it makes rows while the search index reads back the
            # records already in the store. The index is rebuilt around the load: the new
            # records are indexed from the entries made with their rows (not read back).
            with (
                process_feed.feed(_feed, spec, in_process=not parallel) as batches,
                search_index.bulk_rebuild(
                    s, cache_kib=_BULK_CACHE_KIB, hashsize=_BULK_FTS_HASHSIZE
                ) as bulk,
                _bulk_indexes(s),
            ):
                for batch in batches:
                    _write(s, batch.rows, counts)
                    for kind, entries in batch.entries:
                        bulk.add_entries(kind, entries)
                    if batch.last_seq is not None and batch.last_stamp is not None:
                        last_seq, last_stamp = batch.last_seq, batch.last_stamp
                    if progress is not None:
                        progress(batch.done, total_units)
                    if stop():
                        raise _Cancelled
            for year, seq in last_seq.items():
                counter = s.get(CaseCounter, (node, year))
                if counter is None:
                    s.add(CaseCounter(node_code=node, year=year, last_seq=seq))
                elif counter.last_seq < seq:
                    counter.last_seq = seq
            ws.clock.observe(last_stamp)
            summary = DemoSummary(
                clients=counts.get("clients", 0),
                consents=counts.get("consents", 0),
                cases=counts.get("cases", 0),
                consultations=counts.get("consultations", 0),
                parties=counts.get("parties", 0),
                deadlines=counts.get("deadlines", 0),
                corruption_details=counts.get("corruption_details", 0),
                campaigns=counts.get("campaigns", 0),
                lawyers_created=lawyers_created,
                indexed=bulk.count,
            )
            details: dict[str, Any] = {
                k: v for k, v in summary.as_dict().items() if k not in ("seconds", "cancelled")
            }
            ws.audit(s, "demo_generated", details={**details, "seed": seed})
    except _Cancelled:
        return DemoSummary(
            lawyers_created=lawyers_created, cancelled=True, seconds=time.perf_counter() - started
        )
    if progress is not None:
        progress(total_units, total_units)
    return replace(summary, seconds=time.perf_counter() - started)
