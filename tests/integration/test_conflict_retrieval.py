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

import pytest

from conftest import new_center_store
from legalaid_desktop import app
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
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
