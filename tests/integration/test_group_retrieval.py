"""The conflict check finds organizations through each of its three searches, on a real store.

An organization's name is looked up by all its words, then by any of them (a name within it),
then by the first letters of each (a typo in every word). A name found by one search only is
each search's test: were it gone or malformed, that organization would not be flagged, and a
lawyer would take a case against a group the center already advises.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import new_center_store
from legalaid_desktop import app
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.i18n.dates import today

REGISTERED = ("Nur", "Bərabərlik", "Dirçələş Gənclərə", "Ada Nur Qadınları")


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[app.AppSession]:
    s = new_center_store(tmp_path_factory.mktemp("groups") / "store")
    for name in REGISTERED:
        s.clients.register(
            ClientInput(full_name=name, gender="", region="AZ-GA", kind="organization"),
            ConsentInput(today(), ("store_process",)),
            ConflictDecisionInput("no_conflict"),
        )
    yield s
    s.close()


def found(session: app.AppSession, name: str) -> dict[str, tuple[int, str]]:
    hits = session.search.conflicts(name, kind="organization", audit=False)
    return {hit.name: (hit.score, hit.level) for hit in hits}


def test_the_same_words_are_found(session: app.AppSession) -> None:
    assert found(session, "Bərabərlik") == {"Bərabərlik": (95, "exact")}


def test_a_name_within_a_longer_one_is_found_by_any_of_its_words(
    session: app.AppSession,
) -> None:
    """The group "Nur" holds one of the two words: only "any of the words" finds it."""
    assert found(session, "Ada Nur") == {
        "Ada Nur Qadınları": (60, "possible"),
        "Nur": (60, "possible"),
    }


def test_a_typo_in_a_one_word_name_is_found_by_its_first_letters(
    session: app.AppSession,
) -> None:
    assert found(session, "Bərabərlk") == {"Bərabərlik": (80, "strong")}


def test_a_typo_in_every_word_is_found_by_their_first_letters(session: app.AppSession) -> None:
    """Neither word is the same (dircalis / dircalas, kanclari / kanclara): only the first
    letters of each find the group."""
    assert found(session, "Dirçəliş Gəncləri") == {"Dirçələş Gənclərə": (80, "strong")}


def test_the_reason_says_whether_the_name_is_written_the_same(session: app.AppSession) -> None:
    """The same name: the same letters, whatever the case or the script (Cyrillic letters
    that transliterate to them); in another spelling: ə written as a, as on a keyboard
    without Azerbaijani letters."""

    def reasons(name: str) -> list[tuple[str, ...]]:
        hits = session.search.conflicts(name, kind="organization", audit=False)
        return [hit.reasons for hit in hits if hit.name == "Bərabərlik"]

    assert reasons("Bərabərlik") == [("Same name: Bərabərlik",)]
    assert reasons("BƏRABƏRLİK") == [("Same name: Bərabərlik",)]
    assert reasons("Barabarlik") == [("Same name in another spelling: Bərabərlik",)]
    assert reasons("Бярабярлик") == [("Same name: Bərabərlik",)]


def test_a_similar_name_says_so_with_the_name_registered(session: app.AppSession) -> None:
    hits = session.search.conflicts("Bərabərlk", kind="organization", audit=False)
    assert [(hit.name, hit.reasons) for hit in hits] == [
        ("Bərabərlik", ("Similar name: Bərabərlik",))
    ]
