"""What an import tells HQ, and what HQ's search finds after it (real stores, HQ and GNJ).

A record removed or renamed at a center must be found at HQ as it now is: an analyst who
searches HQ for a party a lawyer removed, or for a client under the name the center corrected,
must not be led to the old record. The counts an import reports are what the sync screen and
``legalaid sync import`` show the operator (and what each bundle's history row keeps).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.domain.cases import ClientInput
from legalaid_desktop.store.models import Client, ConflictEntry, Consent
from store_pages import pages_as_they_are
from sync_support import add_case, hq_and_center, sync

_counter = iter(range(1, 1000))


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    with hq_and_center(tmp_path) as nodes:
        yield nodes


def _up(hq: app.AppSession, gnj: app.AppSession, folder: Path) -> object:
    bundle = sync(gnj).export(folder / f"up-{next(_counter)}.bundle")
    return sync(hq).import_bundle(bundle.path)


def _found(node: app.AppSession, text: str, kind: str) -> set[str]:
    return {hit.ref_id for hit in node.search.search(text, kinds=(kind,))}


def test_the_counts_of_an_import_count_every_row(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    add_case(gnj, "Məmmədova Səbinə Rauf qızı", "+994 50 111 22 33")
    add_case(gnj, "Hüseynova Aytən Elşən qızı", "+994 55 444 55 66")
    result = _up(hq, gnj, tmp_path)
    # two of each record, and GNJ's administrator in the roster
    assert result.tables == {
        "clients": 2,
        "consents": 2,
        "cases": 2,
        "consultations": 2,
        "user_roster": 1,
    }
    assert (result.inserted, result.updated, result.deleted) == (9, 0, 0)


def test_parties_removed_at_a_center_are_deleted_and_leave_hqs_search(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    _client_id, number = add_case(gnj)
    kept = gnj.records.add_party(number, "Qasımov Elnur Vüqar oğlu", "adverse")
    removed = [
        gnj.records.add_party(number, name, "adverse").id
        for name in ("Quliyev Tofiq Namiq oğlu", "Quliyeva Lalə Tofiq qızı")
    ]
    _up(hq, gnj, tmp_path)
    assert _found(hq, "Quliyev", "party") == set(removed)

    for party_id in removed:
        gnj.records.remove_party(number, party_id)
    result = _up(hq, gnj, tmp_path)
    assert (result.deleted, result.updated, result.inserted) == (2, 2, 0)
    assert result.tables == {"parties": 2}
    assert _found(hq, "Quliyev", "party") == set()
    assert _found(hq, "Qasımov Elnur", "party") == {kept.id}


def test_a_duplicate_merged_away_at_a_center_leaves_hqs_search(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    keep_id, _ = add_case(gnj, "Nəsibova Gülnarə Akif qızı", "+994 50 222 33 44")
    other_id, other_case = add_case(gnj, "Nəsibova Gülnarə Akif qızı", "+994 70 222 33 44")
    _up(hq, gnj, tmp_path)
    assert _found(hq, "Nəsibova Gülnarə", "client") == {keep_id, other_id}

    gnj.merges.merge(keep_id, other_id)
    result = _up(hq, gnj, tmp_path)
    assert result.deleted == 1  # the duplicate; its case, consent and consultation moved
    assert _found(hq, "Nəsibova Gülnarə", "client") == {keep_id}
    assert hq.cases.get(other_case).client.id == keep_id


def test_a_client_renamed_at_a_center_is_found_at_hq_under_the_new_name(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    client_id, number = add_case(gnj, "Abbasov Ramil Fikrət oğlu")
    _up(hq, gnj, tmp_path)
    case_id = hq.cases.get(number).id
    assert _found(hq, "Abbasov Ramil", "case") == {case_id}

    gnj.clients.update(
        client_id,
        ClientInput(
            full_name="Abbaszadə Ramil Fikrət oğlu",
            gender="male",
            birth_year=1980,
            region="AZ-GA",
            phone="+994 50 123 45 67",
        ),
    )
    _up(hq, gnj, tmp_path)
    # The case is indexed under its client's name: it moves with the renamed client.
    assert _found(hq, "Abbaszadə Ramil", "case") == {case_id}
    assert _found(hq, "Abbaszadə Ramil", "client") == {client_id}
    assert _found(hq, "Abbasov Ramil", "case") == set()


def test_an_open_conflict_about_a_person_anonymized_at_the_center_is_closed_by_the_importer(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """HQ and GNJ changed the phone at once (a conflict HQ has not reviewed, holding both
    numbers); GNJ then anonymizes the person. HQ's import empties both sides and closes the
    conflict, in the name of the user who imported (the conflict log says who settled it), and
    compacts the store so that the old values leave the file."""
    hq, gnj = pair
    client_id, _number = add_case(gnj)
    _up(hq, gnj, tmp_path)
    phones = ("+994 50 111 11 11", "+994 12 222 22 22")
    for node, phone in zip((gnj, hq), phones, strict=True):
        with node.ws.write() as s:
            row = s.get(Client, client_id)
            row.phone = phone
            node.ws.touch(s, row, ("contact",))
    assert _up(hq, gnj, tmp_path).conflicts == 1
    [open_one] = sync(hq).conflicts()
    assert open_one.local_value is not None

    with gnj.ws.read() as s:
        consent_id = s.scalar(select(Consent.id).where(Consent.client_id == client_id))
    gnj.clients.withdraw_consent(client_id, consent_id)
    gnj.retention.anonymize(client_id, "Razılıq geri götürüldü")
    _up(hq, gnj, tmp_path)
    # The values the import overwrote left the file: the store was vacuumed and its WAL emptied.
    # The values the import overwrote left the file: no page of the database or its WAL,
    # older copies included, holds them (the store was compacted).
    plain = pages_as_they_are(hq.ws.store.key, hq.ws.store.paths.db)
    assert [p for p in (*phones, "+994 50 123 45 67") if p.encode() in plain] == []
    with hq.ws.read() as s:
        entry = s.get(ConflictEntry, open_one.id)
        assert entry is not None
        assert (entry.local_value, entry.remote_value) == (None, None)
        assert entry.resolved_at is not None
        assert (entry.resolved_by, entry.resolution) == (hq.ws.actor.username, "local")
    assert sync(hq).conflicts() == []
