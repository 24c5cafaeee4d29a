"""The conflict scores pinned: a table of cases computed by hand from the rules.

Each expected number below is worked out from the table in the docstring of
:mod:`legalaid_desktop.search.conflicts` (not copied from a run), on names whose phonetic keys
were checked to relate as the comment says (same key, typo, other gender's form, none). A
change to any weight, band edge or level boundary changes at least one of these numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from test_search import add_case, add_client, add_party

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.search.conflicts import check_conflicts
from legalaid_desktop.store.store import Store
from legalaid_desktop.store.vault import FLOOR

RASHAD_PHONE = "+994 50 123 45 67"
KAMRAN_PHONE = "055 765 43 21"


@dataclass
class World:
    store: Store
    ids: dict[str, str]

    def hits(self, name: str, **kwargs: Any) -> dict[str, ConflictHit]:
        """The hits for ``name``, by the key of the person found (unknown people left out)."""
        with self.store.session() as s:
            found = check_conflicts(s, name, **kwargs)
        by_id = {v: k for k, v in self.ids.items()}
        return {by_id[h.ref_id]: h for h in found if h.ref_id in by_id}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    session, _recovery = app.create(
        tmp_path_factory.mktemp("scores") / "store",
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    store = session.ws.store
    ids: dict[str, str] = {}
    with store.session(write=True) as s:
        rashad = add_client(s, "Əliyev Rəşad İsmayıl oğlu", birth_year=1985, phone=RASHAD_PHONE)
        ids["rashad"] = rashad.id
        add_case(s, "GNJ-2026-0001", rashad)
        ids["leyla"] = add_client(s, "Hüseynova Leyla Əli qızı", gender="female").id
        ids["kamran"] = add_client(s, "Nəsirov Kamran", phone=KAMRAN_PHONE).id
        nigar = add_client(s, "Babayeva Nigar", gender="female")
        case = add_case(s, "GNJ-2026-0002", nigar)
        ids["adverse"] = add_party(s, case, "Quliyev Orxan Fuad oğlu", "adverse").id
        ids["witness"] = add_party(s, case, "Quliyev Orxan Fuad oğlu", "witness").id
    yield World(store, ids)
    session.close()


# (checked name, keyword arguments, person, score, level): worked out by hand.
# Points: surname 45 same / 30 typo or other gender / 15 unknown; given name 40 same / 20 typo;
# father +10 same / +5 typo / -20 different; family (given names differ) 55 same surname /
# 50 other gender, +15 same father; birth year +8 same / +3 one or two apart / -20 ten or more;
# phone +20 and at least 75; adverse party +5; clamped to 0..100; exact >= 90, strong >= 70,
# possible >= 50, below 50 not a hit.
TABLE: list[tuple[str, dict[str, Any], str, int, str]] = [
    # 45 + 40 + 10
    ("Əliyev Rəşad İsmayıl oğlu", {}, "rashad", 95, "exact"),
    # 45 + 40 - 20: a different father's name
    ("Əliyev Rəşad Kamran oğlu", {}, "rashad", 65, "possible"),
    # 45 + 40, no father's name given (unknown: 0)
    ("Əliyev Rəşad", {}, "rashad", 85, "strong"),
    # 45 + 20: rasada is a typo of rasad (Jaro-Winkler 0.97 >= 0.93)
    ("Əliyev Rəşadə", {}, "rashad", 65, "possible"),
    # 45 + 20 + 20 phone (above the floor of 75)
    ("Əliyev Rəşadə", {"phone": "0501234567"}, "rashad", 85, "strong"),
    # rasid is not a typo of rasad (0.907, under 0.93 for short keys): the family, 55
    ("Əliyev Rəşid", {}, "rashad", 55, "possible"),
    # family: 55 + 15 (a brother: same surname and father, another given name)
    ("Əliyev Kamran İsmayıl oğlu", {}, "rashad", 70, "strong"),
    # family: 55, the birth year ignored for a family hit
    ("Əliyev Kamran", {}, "rashad", 55, "possible"),
    ("Əliyev Kamran", {"birth_year": 1950}, "rashad", 55, "possible"),
    # family, the other gender's form: 50
    ("Əliyeva Günel", {}, "rashad", 50, "possible"),
    # 30 (surname typo: kusianova / kusainova) + 40
    ("Hüsyenova Leyla", {}, "leyla", 70, "strong"),
    # nothing of the name, the same phone: max(0 + 20, 75)
    ("Abbasov Tural", {"phone": "+994 (55) 765-43-21"}, "kamran", 75, "strong"),
    # family, other gender 50, + phone 20 = 70, raised to the floor 75
    ("Nəsirova Aygün", {"phone": KAMRAN_PHONE}, "kamran", 75, "strong"),
    ("Nəsirova Aygün", {}, "kamran", 50, "possible"),
    # a surname that only sounds alike (ш is not с: one key, surely another spelling): counted
    # as a typo, 30 + 40 = 70, kept below strong at 69; the same phone still adds 20
    ("Наширов Камран", {}, "kamran", 69, "possible"),
    ("Наширов Камран", {"phone": KAMRAN_PHONE}, "kamran", 89, "strong"),
    # the same surname in Russian spelling: 45 + 40
    ("Насиров Камран", {}, "kamran", 85, "strong"),
    # the adverse-party bonus: 45 + 40 for the witness, + 5 for the adverse party
    ("Quliyev Orxan", {}, "witness", 85, "strong"),
    ("Quliyev Orxan", {}, "adverse", 90, "exact"),
    # 45 + 40 + 10 = 95 for the witness; 100 (clamped from 100) for the adverse party
    ("Quliyev Orxan Fuad oğlu", {}, "witness", 95, "exact"),
    ("Quliyev Orxan Fuad oğlu", {}, "adverse", 100, "exact"),
]


@pytest.mark.parametrize(("name", "kwargs", "who", "score", "level"), TABLE)
def test_hand_computed_scores(
    world: World, name: str, kwargs: dict[str, Any], who: str, score: int, level: str
) -> None:
    hits = world.hits(name, **kwargs)
    assert who in hits, f"{who} not found for {name!r}"
    assert (hits[who].score, hits[who].level) == (score, level)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Əliyev Rəşadə Kamran oğlu", {}),  # 45 + 20 - 20 = 45
        ("Əliyev Rəşad Kamran oğlu", {"birth_year": 1995}),  # 45 + 40 - 20 - 20 = 45
    ],
)
def test_below_fifty_is_not_a_hit(world: World, name: str, kwargs: dict[str, Any]) -> None:
    assert "rashad" not in world.hits(name, **kwargs)


def test_a_surname_that_only_sounds_alike_is_no_family(world: World) -> None:
    # another given name: Насиров Турал would be the family (55); Наширов is another surname
    assert world.hits("Насиров Турал")["kamran"].score == 55
    assert "kamran" not in world.hits("Наширов Турал")


# "Əliyev Rəşad" (85) against Rəşad born in 1985, the birth year given at each band edge.
BIRTH_YEARS = [
    (1985, 93, "exact", "Same birth year (1985)"),  # +8
    (1984, 88, "strong", "Close birth year (1985)"),  # one apart: +3
    (1986, 88, "strong", "Close birth year (1985)"),
    (1983, 88, "strong", "Close birth year (1985)"),  # two apart: +3
    (1987, 88, "strong", "Close birth year (1985)"),
    (1982, 85, "strong", None),  # three apart: nothing
    (1988, 85, "strong", None),
    (1976, 85, "strong", None),  # nine apart: nothing
    (1994, 85, "strong", None),
    (1975, 65, "possible", "Birth year far apart (1985)"),  # ten apart: -20
    (1995, 65, "possible", "Birth year far apart (1985)"),
    (1940, 65, "possible", "Birth year far apart (1985)"),
]


@pytest.mark.parametrize(("year", "score", "level", "reason"), BIRTH_YEARS)
def test_birth_year_bands(
    world: World, year: int, score: int, level: str, reason: str | None
) -> None:
    hit = world.hits("Əliyev Rəşad", birth_year=year)["rashad"]
    assert (hit.score, hit.level) == (score, level)
    year_reasons = [r for r in hit.reasons if "birth year" in r.lower()]
    assert year_reasons == ([reason] if reason else [])


# What the lawyer reads beside each hit: the reasons, in order, in the user's words (English
# here). Phone first, then how the names relate, the father's name, the birth year, the role.
REASONS: list[tuple[str, dict[str, Any], str, tuple[str, ...]]] = [
    ("Əliyev Rəşad İsmayıl oğlu", {}, "rashad",
     ("Same name: Əliyev Rəşad", "Same father's name (İsmayıl)")),
    ("Əliyev Rəşad Kamran oğlu", {}, "rashad",
     ("Same name: Əliyev Rəşad", "Different father's name (İsmayıl)")),
    ("Əliyev Rəşadə", {"phone": "0501234567"}, "rashad",
     ("Same phone number", "Similar name: Əliyev Rəşad")),
    ("Əliyev Kamran İsmayıl oğlu", {}, "rashad",
     ("Same family name (Əliyev)", "Same father's name (İsmayıl)")),
    ("Əliyeva Günel", {}, "rashad", ("Same family name (Əliyev)",)),
    # the given name and the father agree, the surname is the other gender's form
    ("Əliyeva Rəşad İsmayıl oğlu", {}, "rashad",
     ("Same given name: Əliyev Rəşad", "Same family name (Əliyev)",
      "Same father's name (İsmayıl)")),
    ("Abbasov Tural", {"phone": "+994 (55) 765-43-21"}, "kamran", ("Same phone number",)),
    ("Наширов Камран", {}, "kamran", ("Similar name: Nəsirov Kamran",)),
    ("Насиров Камран", {}, "kamran", ("Same name in another spelling: Nəsirov Kamran",)),
    ("Quliyev Orxan Fuad oğlu", {}, "adverse",
     ("Same name: Quliyev Orxan", "Same father's name (Fuad)",
      "Adverse party in case GNJ-2026-0002")),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kwargs", "who", "reasons"), REASONS)
def test_reasons_say_what_matched(
    world: World, name: str, kwargs: dict[str, Any], who: str, reasons: tuple[str, ...]
) -> None:
    assert world.hits(name, **kwargs)[who].reasons == reasons
