"""Global search on the real encrypted store: any script, casing or spelling; as you type."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.search import SearchHit
from legalaid_desktop.search import entries, index, query
from legalaid_desktop.search.query import fts_query, search
from legalaid_desktop.store.models.cases import Case, Client, Consultation, Party
from legalaid_desktop.store.store import Store
from legalaid_desktop.store.vault import FLOOR
from legalaid_desktop.text.collation import sort_string
from legalaid_desktop.text.phonetic import phonetic_key


def _sync() -> dict[str, Any]:
    return {"id": new_id(), "origin_node": "GNJ", "clocks": {}, "hlc": "x", "updated_by": "t"}


_client_seq = iter(range(1, 1_000_000))


def add_client(s: Session, name: str, **extra: Any) -> Client:
    values: dict[str, Any] = {
        "gender": "male",
        "region": "AZ-GA",
        "node_code": "GNJ",
        "number": f"GNJ-C-{next(_client_seq):05d}",
        "created_at": "2026-01-05T10:00:00Z",
        **extra,
    }
    row = Client(**_sync(), full_name=name, name_sort=sort_string(name), **values)
    s.add(row)
    s.flush()
    index.index_client(s, row)
    return row


def add_case(s: Session, number: str, client: Client, summary: str = "Aliment borcu") -> Case:
    row = Case(
        **_sync(),
        number=number,
        client_id=client.id,
        legal_area="family",
        summary=summary,
        status="open",
        assigned_lawyer="leyla",
        owner_node="GNJ",
        opened_on="2026-01-05",
    )
    s.add(row)
    s.flush()
    index.index_case(s, row, client.full_name)
    return row


def add_consultation(s: Session, case: Case, notes: str, advice: str = "") -> Consultation:
    row = Consultation(
        **_sync(),
        case_id=case.id,
        held_on="2026-02-10",
        lawyer="leyla",
        mode="in_person",
        notes=notes,
        advice=advice,
    )
    s.add(row)
    s.flush()
    index.index_consultation(s, row)
    return row


def add_party(s: Session, case: Case, name: str, role: str = "adverse") -> Party:
    row = Party(**_sync(), case_id=case.id, name=name, role=role)
    s.add(row)
    s.flush()
    index.index_party(s, row)
    return row


@dataclass
class World:
    store: Store
    rashad: Client
    gunel: Client
    case: Case
    consultation: Consultation
    party: Party

    def search(self, query: str, **kwargs: Any) -> list[SearchHit]:
        with self.store.session() as s:
            return search(s, query, **kwargs)

    def ids(self, query: str, **kwargs: Any) -> set[str]:
        return {hit.ref_id for hit in self.search(query, **kwargs)}


def build_world(store: Store) -> World:
    with store.session(write=True) as s:
        rashad = add_client(
            s, "Əliyev Rəşad İsmayıl oğlu", birth_year=1985, phone="+994 50 123 45 67"
        )
        gunel = add_client(s, "Hüseynova Günel Vaqif qızı", gender="female", birth_year=1990)
        add_client(s, "Məmmədov Elçin Vaqif oğlu", birth_year=1970)
        case = add_case(s, "GNJ-2026-0042", rashad, "Torpaq sahəsinin qeydiyyatından imtina")
        other = add_case(s, "GNJ-2026-0043", gunel)
        consultation = add_consultation(
            s, case, "Kupça itib, Əmlak Məsələləri Dövlət Xidmətinə müraciət edilməlidir."
        )
        add_consultation(s, other, "Aliment ödənilmir.")
        party = add_party(s, other, "Qasımov Vüqar Elxan oğlu")
    return World(store, rashad, gunel, case, consultation, party)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One store for the module; tests that change it use :func:`scratch`."""
    session, _recovery = app.create(
        tmp_path_factory.mktemp("search") / "store",
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    yield build_world(session.ws.store)
    session.close()


@pytest.fixture
def scratch(world: World) -> Iterator[Session]:
    """A write transaction on the module's store, rolled back after the test."""
    s = Session(bind=world.store.engine.execution_options(write=True))
    try:
        yield s
    finally:
        s.rollback()
        s.close()


def ids_in(s: Session, query: str, **kwargs: Any) -> set[str]:
    return {hit.ref_id for hit in search(s, query, **kwargs)}


@pytest.mark.parametrize(
    "query",
    ["Алиев", "aliyev", "ALIYEV", "Əliyev", "eliyev", "Rəş", "resad", "Рашад", "ƏLİYEV", "Aliev"],
)
def test_any_script_casing_or_spelling_finds_the_client(world: World, query: str) -> None:
    hits = world.search(query)
    assert world.rashad.id in {h.ref_id for h in hits}
    client_hit = next(h for h in hits if h.ref_id == world.rashad.id)
    assert client_hit.kind == "client"
    assert client_hit.title == "Əliyev Rəşad İsmayıl oğlu"
    assert "1985" in client_hit.subtitle
    assert world.gunel.id not in {h.ref_id for h in hits}


def test_the_client_ranks_before_the_records_that_only_mention_him(world: World) -> None:
    hits = world.search("Əliyev Rəşad")
    assert hits[0].ref_id == world.rashad.id
    assert {h.kind for h in hits} == {"client", "case"}  # his case carries his name
    assert all(h.score > 0 for h in hits)


@pytest.mark.parametrize("typed", ["Ə", "Əl", "Əli", "Əliy", "Əliye", "Əliyev R", "Əliyev Rə"])
def test_prefixes_find_as_you_type(world: World, typed: str) -> None:
    assert world.rashad.id in world.ids(typed)


def test_every_word_must_match(world: World) -> None:
    assert world.ids("Əliyev Günel") == set()
    assert world.gunel.id in world.ids("Günel Hüseynova")


@pytest.mark.parametrize("number", ["GNJ-2026-0042", "gnj-2026-0042", "0042"])
def test_case_numbers_full_and_partial(world: World, number: str) -> None:
    hits = world.search(number, kinds=["case"])
    assert [h.ref_id for h in hits] == [world.case.id]
    assert hits[0].case_number == "GNJ-2026-0042"
    assert hits[0].title == "GNJ-2026-0042"
    assert "Əliyev Rəşad İsmayıl oğlu" in hits[0].subtitle


def test_a_number_without_separators_finds_its_case_first(world: World) -> None:
    hits = world.search("GNJ20260042", kinds=["case"])
    assert hits[0].ref_id == world.case.id
    assert hits[0].score > hits[-1].score


def test_a_partial_number_finds_every_case_it_begins(world: World) -> None:
    assert len(world.search("004", kinds=["case"])) == 2
    assert len(world.search("GNJ-2026", kinds=["case"])) == 2


def test_words_of_consultation_notes_and_case_summaries(world: World) -> None:
    hits = world.search("kupça", kinds=["consultation"])
    assert [h.ref_id for h in hits] == [world.consultation.id]
    assert hits[0].case_number == "GNJ-2026-0042"
    assert hits[0].subtitle.startswith("2026-02-10")
    assert "Kupça itib" in hits[0].subtitle
    assert world.case.id in world.ids("torpaq qeydiyyat")  # summary, prefix of each word


def test_parties_are_found_with_role_and_case(world: World) -> None:
    hits = world.search("Касимов")  # Russian spelling of Qasımov
    assert [h.ref_id for h in hits] == [world.party.id]
    assert hits[0].kind == "party"
    assert hits[0].case_number == "GNJ-2026-0043"
    assert "GNJ-2026-0043" in hits[0].subtitle


@pytest.mark.parametrize("phone", ["0501234567", "050 123 45 67", "+994501234567", "501234567"])
def test_phone_numbers_in_any_format(world: World, phone: str) -> None:
    assert world.ids(phone, kinds=["client"]) == {world.rashad.id}


def test_kinds_and_limit(world: World) -> None:
    assert {h.kind for h in world.search("Əliyev", kinds=["case"])} == {"case"}
    assert len(world.search("Vaqif", limit=1)) == 1
    assert world.search("oğlu") == []  # markers are not searched
    assert world.search("Əliyev", limit=0) == []
    assert world.search("Əliyev", kinds=[]) == []


def test_tombstoned_records_are_not_found(world: World, scratch: Session) -> None:
    client = scratch.get(Client, world.rashad.id)
    assert client is not None
    client.deleted_hlc = "y"
    index.index_client(scratch, client)
    assert world.rashad.id not in ids_in(scratch, "Əliyev")
    assert world.case.id in ids_in(scratch, "Əliyev")
    case = scratch.get(Case, world.case.id)
    assert case is not None
    case.deleted_hlc = "y"
    index.index_case(scratch, case, "")
    assert ids_in(scratch, "Əliyev") == set()
    assert ids_in(scratch, "kupça") == set()  # the case's consultation went with it


def test_a_row_deleted_without_reindexing_is_still_left_out(world: World, scratch: Session) -> None:
    scratch.execute(
        text("UPDATE parties SET deleted_hlc = 'y' WHERE id = :id"), {"id": world.party.id}
    )
    assert ids_in(scratch, "Qasımov") == set()
    scratch.execute(
        text("UPDATE cases SET deleted_hlc = 'y' WHERE id = :id"), {"id": world.case.id}
    )
    assert ids_in(scratch, "kupça") == set()


def test_reindexing_replaces_the_entry(world: World, scratch: Session) -> None:
    client = scratch.get(Client, world.gunel.id)
    assert client is not None
    client.full_name = "Rzayeva Günel Vaqif qızı"
    index.index_client(scratch, client)
    index.index_client(scratch, client)
    count = scratch.execute(
        text("SELECT count(*) FROM search_index_refs WHERE ref_id = :id"), {"id": client.id}
    ).scalar()
    assert count == 1
    scratch.execute(text("INSERT INTO search_index (search_index) VALUES ('integrity-check')"))
    assert world.gunel.id not in ids_in(scratch, "Hüseynova")
    assert world.gunel.id in ids_in(scratch, "Rzayeva")


def test_remove(world: World, scratch: Session) -> None:
    index.remove(scratch, "party", world.party.id)
    index.remove(scratch, "party", world.party.id)  # twice: nothing to do
    index.remove(scratch, "client", "no-such-id")
    assert ids_in(scratch, "Qasımov") == set()
    assert world.rashad.id in ids_in(scratch, "Əliyev")
    scratch.execute(text("INSERT INTO search_index (search_index) VALUES ('integrity-check')"))


def test_unranked_hits_come_clients_first_then_newest(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = world.search("Əl")  # a word shorter than RANK_MIN_WORD: not ranked by BM25
    assert [h.kind for h in short] == ["client", "client", "party", "case"]  # Elçin, Elxan
    assert all(h.score == 0.0 for h in short)
    monkeypatch.setattr(query, "RANK_LIMIT", 1)  # as if more matched than can be ranked
    many = world.search("Vaqif")
    assert [h.kind for h in many] == ["client", "client", "case"]
    assert [h.title for h in many[:2]] == [
        "Məmmədov Elçin Vaqif oğlu",  # added last: the newest first
        "Hüseynova Günel Vaqif qızı",
    ]


@pytest.mark.parametrize("ranked", [True, False], ids=["ranked", "too-many-to-rank"])
@pytest.mark.parametrize("typed", ["Алиев Рашад", "Rashad Aliyev", "əliyev rəşad"])
def test_people_come_in_the_order_the_query_fits_their_names(
    world: World, scratch: Session, monkeypatch: pytest.MonkeyPatch, ranked: bool, typed: str
) -> None:
    # Added in the reverse of the expected order: newest first alone would get it backwards.
    same = add_client(scratch, "Əliyev Rəşad Azər oğlu")
    father = add_client(scratch, "Əliyev Azər Rəşad oğlu")
    daughter = add_client(scratch, "Əliyeva Aygün Rəşad qızı", gender="female")
    if not ranked:
        monkeypatch.setattr(query, "RANK_LIMIT", 1)
    hits = search(scratch, typed, kinds=["client"])
    order = [h.ref_id for h in hits]
    assert set(order[:2]) == {same.id, world.rashad.id}  # surname and given name
    assert order[2:] == [father.id, daughter.id]  # father's name; another surname form


@pytest.mark.parametrize("ranked", [True, False], ids=["ranked", "too-many-to-rank"])
def test_a_whole_surname_comes_before_the_longer_ones_it_begins(
    world: World, scratch: Session, monkeypatch: pytest.MonkeyPatch, ranked: bool
) -> None:
    brother = add_client(scratch, "Hüseynov Namiq Vaqif oğlu")
    if not ranked:
        monkeypatch.setattr(query, "RANK_LIMIT", 1)
    hits = search(scratch, "Hüseynova", kinds=["client"])
    assert [h.ref_id for h in hits] == [world.gunel.id, brother.id]
    hits = search(scratch, "Гусейнов", kinds=["client"])
    assert [h.ref_id for h in hits] == [brother.id, world.gunel.id]


def test_name_fit_weighs_the_parts_of_a_name() -> None:
    signature = entries.name_signature("Əliyev Rəşad İsmayıl oğlu")
    key = phonetic_key
    assert query.name_fit([key("Aliyev"), key("Rashad")], signature) == 6.0
    assert query.name_fit([key("Ismail")], signature) == 2.0
    assert query.name_fit([key("Ali")], signature) == 1.0  # the beginning of the surname
    assert query.name_fit([key("Kupca")], signature) == 0.0


@pytest.mark.parametrize(
    "query",
    ['"', 'NEAR(', "*", "a OR b", "-", "name:x", "names:eliyev", '"Əliyev', "Əliyev*",
     "(", ")", "^", "{names}", "AND", "NOT Əliyev", "x' OR '1'='1", "\x00", "🙂", ""],
)  # fmt: skip
def test_fts_syntax_is_never_injected(world: World, query: str) -> None:
    world.search(query)  # does not raise


def test_a_pasted_wall_of_text_is_cut(world: World) -> None:
    assert world.search("Əliyev " * 5000) != []
    world.search("x" * 100_000)  # does not raise (its key is "k": any K-, Q-, X-, G-, H-name)


@pytest.mark.parametrize("query", ["", "   ", '"', "*", "-", "()", "!?.,", "🙂"])
def test_a_query_without_letters_or_digits_finds_nothing(world: World, query: str) -> None:
    assert fts_query(query) is None
    assert world.search(query) == []


def test_operators_are_searched_as_words(world: World) -> None:
    assert world.search("Əliyev OR Hüseynova") == []
    assert world.rashad.id in world.ids("Əliyev*")
    assert world.search("names:Əliyev") == []  # two words, and no record has "names"


def test_rebuild_gives_the_same_results(world: World, scratch: Session) -> None:
    queries = ["Əliyev", "Rəş", "0042", "kupça", "Касимов", "Günel", "050 123 45 67", "aliment"]

    def snapshot() -> list[list[tuple[str, str, str, str]]]:
        return [
            [(h.kind, h.ref_id, h.title, h.subtitle) for h in search(scratch, q)] for q in queries
        ]

    before = snapshot()
    deleted = add_client(scratch, "Əliyev Samir", birth_year=2000)
    deleted.deleted_hlc = "y"  # tombstoned after indexing: rebuild leaves it out
    scratch.flush()
    assert index.rebuild(scratch) == 3 + 2 + 2 + 1
    assert snapshot() == before
    assert index.rebuild(scratch) == 3 + 2 + 2 + 1  # again, from a full index
    assert snapshot() == before
    scratch.execute(text("INSERT INTO search_index (search_index) VALUES ('integrity-check')"))
