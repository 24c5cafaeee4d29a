"""The conflict-of-interest check on the real encrypted store, across scripts and spellings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session
from test_search import add_case, add_client, add_party

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.search import index
from legalaid_desktop.search.conflicts import check_conflicts
from legalaid_desktop.store.models.cases import Client
from legalaid_desktop.store.store import Store
from legalaid_desktop.store.vault import FLOOR

NEW_CLIENT = "Əliyev Rəşad İsmayıl oğlu"


@dataclass
class World:
    store: Store
    ids: dict[str, str]

    def check(self, name: str, **kwargs: Any) -> list[ConflictHit]:
        with self.store.session() as s:
            return check_conflicts(s, name, **kwargs)

    def hit(self, name: str, key: str, **kwargs: Any) -> ConflictHit:
        hits = [h for h in self.check(name, **kwargs) if h.ref_id == self.ids[key]]
        assert hits, f"{key} not found for {name!r}"
        return hits[0]


def build_world(s: Session) -> dict[str, str]:
    ids: dict[str, str] = {}
    sevinc = add_client(s, "Quliyeva Sevinc Rauf qızı", gender="female", birth_year=1979)
    case = add_case(s, "GNJ-2026-0007", sevinc)
    ids["adverse"] = add_party(s, case, "Алиев Рашад Исмаилович", "adverse").id
    add_party(s, case, "Gəncə Şəhər İcra Hakimiyyəti", "institution")
    ids["witness"] = add_party(s, case, "Məmmədova Nərmin", "witness").id
    gunel = add_client(s, "Əliyeva Günel Vaqif qızı", gender="female", birth_year=1988)
    ids["gunel"] = gunel.id
    add_case(s, "GNJ-2026-0008", gunel)
    add_case(s, "GNJ-2025-0100", gunel)
    rashad = add_client(s, NEW_CLIENT, birth_year=1985, phone="+994 50 123 45 67")
    ids["rashad"] = rashad.id
    add_case(s, "GNJ-2026-0009", rashad)
    ids["leyla"] = add_client(s, "Hüseynova Leyla Əli qızı", gender="female", birth_year=1990).id
    ids["kamran"] = add_client(s, "Nəsirov Kamran", birth_year=1960, phone="055 765 43 21").id
    add_client(s, "Məmmədov Elçin Vaqif oğlu", birth_year=1970)
    add_client(s, "Kərimova Aysel Tofiq qızı", gender="female", birth_year=1995)
    return ids


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    session, _recovery = app.create(
        tmp_path_factory.mktemp("conflicts") / "store",
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    store = session.ws.store
    with store.session(write=True) as s:
        ids = build_world(s)
    yield World(store, ids)
    session.close()


def test_a_cyrillic_adverse_party_is_an_exact_conflict_for_the_new_client(world: World) -> None:
    hits = world.check(NEW_CLIENT, exclude_client_id=world.ids["rashad"])
    top = hits[0]
    assert top.ref_id == world.ids["adverse"]
    assert top.kind == "party"
    assert top.name == "Алиев Рашад Исмаилович"
    assert top.role == "adverse"
    assert top.case_numbers == ("GNJ-2026-0007",)
    assert top.level == "exact"
    assert top.score >= 90
    assert "Same name in another spelling: Алиев Рашад" in top.reasons
    assert "Same father's name (Исмаил)" in top.reasons
    assert "Adverse party in case GNJ-2026-0007" in top.reasons
    assert top.birth_year is None


@pytest.mark.parametrize(
    "spelling",
    ["Aliyev Rashad Ismail ogly", "ƏLİYEV RƏŞAD", "Eliyev Reshad", "Rəşad Əliyev", "Алиев Рашад"],
)
def test_other_spellings_and_orders_are_strong_or_exact(world: World, spelling: str) -> None:
    hit = world.hit(spelling, "adverse")
    assert hit.level in ("strong", "exact")
    assert hit.score >= 70


def test_a_woman_of_the_same_family_is_a_lower_family_hit(world: World) -> None:
    hits = world.check(NEW_CLIENT, exclude_client_id=world.ids["rashad"])
    family = next(h for h in hits if h.ref_id == world.ids["gunel"])
    assert family.kind == "client"
    assert family.level == "possible"
    assert 50 <= family.score < hits[0].score
    assert "Same family name (Əliyeva)" in family.reasons
    assert family.case_numbers == ("GNJ-2025-0100", "GNJ-2026-0008")
    assert family.birth_year == 1988
    assert family.role is None


def test_a_client_lists_his_cases(world: World) -> None:
    hit = world.hit("Aliyev Rashad", "rashad")
    assert hit.case_numbers == ("GNJ-2026-0009",)
    assert hit.name == NEW_CLIENT


@pytest.mark.parametrize(
    "name", ["Kərimov Tural", "Quliyev Rauf", "Abbasov Natiq Ramil oğlu", "Xəlilova Səbinə", "Z"]
)
def test_unrelated_names_are_not_hits(world: World, name: str) -> None:
    found = {h.ref_id for h in world.check(name)}
    assert not found & {world.ids[k] for k in ("adverse", "gunel", "rashad", "leyla", "kamran")}


@pytest.mark.parametrize("name", ["", "   ", '"', "NEAR(", "*", "oğlu", "(", "AND", "-"])
def test_nothing_is_found_for_an_empty_or_odd_name(world: World, name: str) -> None:
    assert world.check(name) == []


def test_search_operators_in_a_name_are_plain_words(world: World) -> None:
    """ "Əliyev OR Quliyev" is a name (surname Əliyev, given name "Or", father Quliyev), not a
    query for either family: it finds the Əliyev family only, as family hits (55, and 50 for
    the other gender's form; +5 for the adverse party), and no Quliyeva."""
    for name in ("Əliyev OR Quliyev", "Əliyev AND", "Əliyev*", "Əliyev NOT Quliyev"):
        hits = {h.ref_id: h for h in world.check(name)}
        assert set(hits) == {world.ids[k] for k in ("adverse", "rashad", "gunel")}, name
        scores = {k: hits[world.ids[k]].score for k in ("adverse", "rashad", "gunel")}
        assert scores == {"adverse": 60, "rashad": 55, "gunel": 50}, name
        assert all(h.reasons[0].startswith("Same family name") for h in hits.values())
    quliyeva = [h.name for h in world.check("Quliyev OR Əliyev")]
    assert quliyeva == ["Quliyeva Sevinc Rauf qızı"]


def test_a_birth_year_raises_or_lowers_the_score(world: World) -> None:
    plain = world.hit(NEW_CLIENT, "rashad")
    same = world.hit(NEW_CLIENT, "rashad", birth_year=1985)
    close = world.hit(NEW_CLIENT, "rashad", birth_year=1986)
    far = world.hit("Əliyev Rəşad", "rashad", birth_year=1950)
    assert same.score > close.score > plain.score
    assert "Same birth year (1985)" in same.reasons
    assert "Close birth year (1985)" in close.reasons
    assert far.score < world.hit("Əliyev Rəşad", "rashad").score
    assert "Birth year far apart (1985)" in far.reasons
    party = world.hit(NEW_CLIENT, "adverse", birth_year=1950)  # a party has no birth year
    assert party.score == world.hit(NEW_CLIENT, "adverse").score


def test_the_same_phone_is_a_strong_reason_on_its_own(world: World) -> None:
    hit = world.hit("Abbasov Tural Samir oğlu", "kamran", phone="+994 (55) 765-43-21")
    assert hit.level == "strong"
    assert hit.reasons == ("Same phone number",)
    with_name = world.hit(NEW_CLIENT, "rashad", phone="0501234567")
    assert with_name.score > world.hit(NEW_CLIENT, "rashad").score
    assert "Same phone number" in with_name.reasons
    assert world.check("Abbasov Tural Samir oğlu", phone="050 000 00 00") == []


def test_exclude_client_id(world: World) -> None:
    assert world.ids["rashad"] in {h.ref_id for h in world.check(NEW_CLIENT)}
    hits = world.check(NEW_CLIENT, exclude_client_id=world.ids["rashad"])
    assert world.ids["rashad"] not in {h.ref_id for h in hits}
    assert world.ids["adverse"] in {h.ref_id for h in hits}


def test_a_typo_in_the_surname_is_a_strong_similar_name(world: World) -> None:
    hit = world.hit("Hüsyenova Leyla Əli qızı", "leyla")
    assert hit.level == "strong"
    assert "Similar name: Hüseynova Leyla" in hit.reasons


def test_surname_and_given_name_swapped(world: World) -> None:
    hit = world.hit("Leyla Hüseynova Əli qızı", "leyla")
    assert hit.level == "exact"
    assert "Same name, parts in another order: Hüseynova Leyla" in hit.reasons


def test_a_brother_of_the_adverse_party_is_a_family_hit(world: World) -> None:
    hit = world.hit("Əliyev Kamran İsmayıl oğlu", "adverse")
    assert hit.level in ("possible", "strong")
    assert hit.score < world.hit(NEW_CLIENT, "adverse").score
    assert "Same family name (Алиев)" in hit.reasons
    assert "Same father's name (Исмаил)" in hit.reasons


def test_hits_are_sorted_levelled_and_limited(world: World) -> None:
    hits = world.check(NEW_CLIENT, birth_year=1985)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for h in hits:
        assert h.level == ("exact" if h.score >= 90 else "strong" if h.score >= 70 else "possible")
        assert 50 <= h.score <= 100
    assert len(world.check(NEW_CLIENT, limit=1)) == 1
    assert world.check(NEW_CLIENT, limit=0) == []


def test_tombstoned_clients_and_parties_are_not_hits(world: World) -> None:
    s = Session(bind=world.store.engine.execution_options(write=True))
    try:
        client = s.get(Client, world.ids["rashad"])
        assert client is not None
        client.deleted_hlc = "y"
        index.index_client(s, client)
        index.remove(s, "party", world.ids["adverse"])
        found = {h.ref_id for h in check_conflicts(s, NEW_CLIENT)}
        assert found == {world.ids["gunel"]}
    finally:
        s.rollback()
        s.close()
