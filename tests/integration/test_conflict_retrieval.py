"""The conflict check's retrieval, on a real store: each tier finds what only it can find.

Candidates come from the search index in tiers (the same person, typos, the family) before they
are scored; a candidate the scorer would flag but no tier retrieves is a conflict the lawyer
never sees. Each registered name below is found by one search only, so a search dropped,
narrowed or malformed fails a test here.

Found by the mutation run of issue 14: a name with a three-letter key (Əli, Qul, Xan, Kür, all
common) had no search on its first letters, so ``Əliyev Əli`` never found ``Əliyev Əlif`` and
``Kür`` never found ``Kürt``, though both pairs score as conflicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import new_center_store
from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.i18n.dates import today

PEOPLE = ("Əliyev Əlif", "Qulu Rəşad")
GIVEN = ("Rəşad", "Elçin", "Vüqar", "Tural", "Orxan", "Nicat", "Samir", "Kamran", "Fuad", "Zaur")
FATHERS = (
    "Vaqif",
    "Hüseyn",
    "Məmməd",
    "İsmayıl",
    "Həsən",
    "Tofiq",
    "Rauf",
    "Oqtay",
    "Şahin",
    "Elxan",
)
"""A hundred of Əliyev Əlif's family, registered after him: the family search's 100 newest."""
GROUPS = ("Kürt",)


def _register(session: app.AppSession, name: str, kind: str = "person") -> str:
    client = session.clients.register(
        ClientInput(
            full_name=name,
            gender="" if kind != "person" else "male",
            region="AZ-GA",
            kind=kind,
        ),
        ConsentInput(today(), ("store_process",)),
        ConflictDecisionInput("no_conflict"),
    )
    return client.id


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[app.AppSession]:
    s = new_center_store(tmp_path_factory.mktemp("retrieval") / "store")
    for name in PEOPLE:
        _register(s, name)
    for given in GIVEN:
        for father in FATHERS:
            _register(s, f"Əliyev {given} {father} oğlu")
    for name in GROUPS:
        _register(s, name, "organization")
    yield s
    s.close()


def found(session: app.AppSession, name: str, kind: str = "person") -> dict[str, int]:
    return {hit.name: hit.score for hit in session.search.conflicts(name, kind=kind, audit=False)}


def test_a_given_name_of_three_letters_finds_its_typo(session: app.AppSession) -> None:
    """``ali`` and ``alif``: the search on the given name's first letters finds him behind the
    hundred newer Əliyevs that fill the family search."""
    hits = session.search.conflicts("Əliyev Əli", audit=False)
    assert [(h.name, h.score) for h in hits[:1]] == [("Əliyev Əlif", 65)]
    assert len(hits) == 25  # the default limit, filled by the family (55: the same surname)
    assert {h.score for h in hits[1:]} == {55}


def test_a_surname_of_three_letters_finds_its_typo(session: app.AppSession) -> None:
    assert found(session, "Qul Rəşad") == {"Qulu Rəşad": 70}


def test_a_one_word_group_name_of_three_letters_finds_its_typo(session: app.AppSession) -> None:
    assert found(session, "Kür", "organization") == {"Kürt": 80}


def test_a_phone_typed_without_the_country_code_finds_the_client(tmp_path: Path) -> None:
    """Nine digits (the national number as typed, no 994 and no leading 0): its one searchable
    form finds the client registered with the full international number."""
    s = new_center_store(tmp_path / "store")
    try:
        s.clients.register(
            ClientInput(
                full_name="Məmmədova Səbinə",
                gender="female",
                region="AZ-GA",
                phone="+994 55 765 43 21",
            ),
            ConsentInput(today(), ("store_process",)),
            ConflictDecisionInput("no_conflict"),
        )
        hits = s.search.conflicts("Quliyev Tural", phone="55 765 43 21", audit=False)
        assert [(h.name, h.reasons[0]) for h in hits] == [("Məmmədova Səbinə", "Same phone number")]
    finally:
        s.close()


def test_a_birth_year_that_is_not_a_number_is_shown_as_unknown(tmp_path: Path) -> None:
    """A store changed outside the program (SQLite keeps any type in any column): a birth year
    stored as text is no birth year in the hit, rather than a value of the wrong type."""
    s = new_center_store(tmp_path / "store")
    try:
        client_id = _register(s, "Əliyev Rəşad İsmayıl oğlu")
        with s.ws.write() as db:
            db.execute(
                text("UPDATE clients SET birth_year = 'min doqquz yüz' WHERE id = :id"),
                {"id": client_id},
            )
        hits = s.search.conflicts("Əliyev Rəşad İsmayıl oğlu", audit=False)
        assert [(h.name, h.birth_year) for h in hits] == [("Əliyev Rəşad İsmayıl oğlu", None)]
    finally:
        s.close()


def test_a_person_client_is_no_conflict_for_an_organizations_name(tmp_path: Path) -> None:
    """A person registered under one word that is also an organization's name ("Nur") scores
    high against it, but clients are matched by kind: the organizations among the clients (and
    every party) for an organization, so only the organization is a hit."""
    s = new_center_store(tmp_path / "store")
    try:
        _register(s, "Nur", "organization")
        _register(s, "Nur")
        hits = s.search.conflicts("Nur", kind="organization", audit=False)
        assert [(h.name, h.kind, h.score) for h in hits] == [("Nur", "client", 95)]
    finally:
        s.close()


def test_equal_scores_list_clients_first_then_the_newest(tmp_path: Path) -> None:
    """Two clients and a witness with one name score alike: the clients come first (a client is
    the conflict a lawyer must see first), the newer client before the older one."""
    s = new_center_store(tmp_path / "store")
    try:
        older = _register(s, "Həsənov Elvin Tofiq oğlu")
        newer = _register(s, "Həsənov Elvin Tofiq oğlu")
        case = s.cases.open(CaseInput(client_id=older, legal_area="family", summary="Aliment"))
        witness = s.records.add_party(
            case.number,
            "Həsənov Elvin Tofiq oğlu",
            "witness",
            decision=ConflictDecisionInput("no_conflict"),
        )
        hits = s.search.conflicts("Həsənov Elvin Tofiq oğlu", audit=False)
        assert len({h.score for h in hits}) == 1
        assert [(h.kind, h.ref_id) for h in hits] == [
            ("client", newer),
            ("client", older),
            ("party", witness.id),
        ]
    finally:
        s.close()


def test_a_record_deleted_since_it_was_indexed_is_skipped_not_the_rest(tmp_path: Path) -> None:
    """The index can lag a deletion (the row is read again before a hit is shown): the best
    hit, deleted, is left out, and the hits after it are still listed."""
    s = new_center_store(tmp_path / "store")
    try:
        older = _register(s, "Həsənov Elvin Tofiq oğlu")
        newer = _register(s, "Həsənov Elvin Tofiq oğlu")
        with s.ws.write() as db:
            db.execute(text("UPDATE clients SET deleted_hlc = 'x' WHERE id = :id"), {"id": newer})
        hits = s.search.conflicts("Həsənov Elvin Tofiq oğlu", audit=False)
        assert [h.ref_id for h in hits] == [older]
    finally:
        s.close()


def test_a_fathers_name_with_a_typo_is_a_similar_fathers_name(tmp_path: Path) -> None:
    s = new_center_store(tmp_path / "store")
    try:
        _register(s, "Əliyev Rəşad Vaqf oğlu")
        hits = s.search.conflicts("Əliyev Rəşad Vaqif oğlu", audit=False)
        assert [(h.name, h.score, h.reasons) for h in hits] == [
            (
                "Əliyev Rəşad Vaqf oğlu",
                90,
                ("Same name: Əliyev Rəşad", "Similar father's name (Vaqf)"),
            )
        ]
    finally:
        s.close()
