"""Consent to "share with HQ" through sync (issue 16, DESIGN.md §11): real stores, real bundles.

Without the consent HQ receives a pseudonymized client (no name, contact, free text, party
name or attachment; a birth cohort instead of the year); the consent given later sends the full
record in the next bundle; withdrawn later, HQ's copy is replaced by the pseudonymized one; a
stale bundle does not bring the name back; the center keeps its real data after HQ's bundles;
and a second center that is transferred a case gets no more than HQ holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from legalaid_desktop import app
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInput,
    ConsentInput,
    ConsultationInput,
    CorruptionInput,
)
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import ChannelViolation
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import Case, Client, Consent
from legalaid_desktop.sync.container import open_bundle
from legalaid_desktop.sync.pseudonyms import PLACEHOLDER_FILE_NAME, is_pseudonym
from sync_support import DATA_TABLES, enroll, make_node, node_keys, pinned, rows, sync

NAME = "Quliyeva Səbinə Rafiq qızı"
PHONE = "+994 55 321 09 87"
ADDRESS = "Gəncə, Nizami küçəsi 14"
SOURCE = "Qonşusu Aygün xanım"
SUMMARY = "Ərinin zorakılığı barədə şikayət"
NOTES = "Boşanma ərizəsi hazırlandı"
ADVICE = "Məhkəməyə müraciət etməyi tövsiyə etdim"
NEXT = "Nikah şəhadətnaməsini gətirsin"
PARTY = "Quliyev Elnur Vaqif oğlu"
DEADLINE = "Ərizəni məhkəməyə təqdim etmək"
INSTITUTION = "Gəncə Şəhər Polis İdarəsi"
SCAN = b"%PDF-1.4 imzalanmis razilig Quliyeva scan " * 40
SECRETS = (NAME, "Quliyeva", "Səbinə", PHONE, "321 09 87", ADDRESS, SOURCE, SUMMARY, NOTES)
SECRETS += (ADVICE, NEXT, PARTY, "Elnur", DEADLINE, INSTITUTION)


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    qba = make_node(tmp_path, "QBA", name="Quba mərkəzi")
    enroll(hq, gnj, tmp_path)
    enroll(hq, qba, tmp_path)
    yield hq, gnj, qba
    for node in (hq, gnj, qba):
        node.close()


def add_person(
    session: app.AppSession, purposes: tuple[str, ...] = ("store_process",)
) -> tuple[str, str]:
    """A client with every kind of personal data under them; returns (client id, case number)."""
    client = session.clients.register(
        ClientInput(
            full_name=NAME,
            gender="female",
            birth_year=1983,
            region="AZ-GA",
            phone=PHONE,
            address=ADDRESS,
            displacement="idp",
            disability="none",
            referral_source=SOURCE,
        ),
        ConsentInput(given_on=today(), purposes=purposes),
        ConflictDecisionInput("no_conflict"),  # the same person again in some tests
    )
    case = session.cases.open(
        CaseInput(
            client.id,
            "corruption",
            SUMMARY,
            corruption=CorruptionInput("public_services", "bribery", INSTITUTION, 500),
        )
    )
    session.records.add_consultation(
        case.number, ConsultationInput(notes=NOTES, advice=ADVICE, next_steps=NEXT, minutes=45)
    )
    session.records.add_party(
        case.number,
        PARTY,
        "adverse",
        notes=f"{PARTY} qardaşı",
        decision=ConflictDecisionInput("no_conflict"),
    )
    session.records.add_deadline(case.number, today(), DEADLINE)
    session.records.add_attachment(case.number, "Quliyeva-ərizə.pdf", SCAN)
    return client.id, case.number


def up(center: app.AppSession, hq: app.AppSession, path: Path) -> Any:
    bundle = sync(center).export(path)
    return bundle, sync(hq).import_bundle(bundle.path)


def down(hq: app.AppSession, center: app.AppSession, path: Path) -> Any:
    bundle = sync(hq).export(path, to=center.ws.node_code)
    return bundle, sync(center).import_bundle(bundle.path)


def store_dump(session: app.AppSession) -> bytes:
    """Every value of every table of the decrypted store (the search index's tables too)."""
    out: list[bytes] = []
    with session.ws.read() as s:
        tables = s.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
        for table in list(tables):
            for row in s.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        out.append(bytes(value))
                    elif value is not None:
                        out.append(str(value).encode("utf-8"))
    return b"\x00".join(out)


def leaks(data: bytes, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    found = [s for s in secrets if s.encode("utf-8") in data]
    if SCAN[:40] in data:
        found.append("the scan")
    return found


FOLDED = ("quliyev", "sebine", "elnur", "3210987", "zorakil", "bosanma")
"""Forms the search index may keep the person's words in (folded, digits only)."""


def index_leaks(session: app.AppSession) -> list[str]:
    """The folded words of the person found in the search index's own tables."""
    out: list[bytes] = []
    with session.ws.read() as s:
        tables = s.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search%'")
        ).scalars()
        for table in list(tables):
            for row in s.execute(text(f'SELECT * FROM "{table}"')):
                out.extend(bytes(v) if isinstance(v, bytes) else str(v).encode() for v in row)
    data = b"\x00".join(out).lower()
    return [word for word in FOLDED if word.encode() in data]


def bundle_parts(path: Path, reader: app.AppSession) -> bytes:
    opened = open_bundle(
        path, me=node_keys(reader).private, sender_keys=lambda code: pinned(reader, code)
    )
    return b"\x00".join(opened.parts.values())


def client_row(session: app.AppSession, client_id: str) -> Client:
    with session.ws.read() as s:
        row = s.get(Client, client_id)
        assert row is not None
        s.expunge(row)
        return row


def test_without_share_hq_hq_holds_a_pseudonym_and_the_statistics(
    nodes: tuple[app.AppSession, app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj, _qba = nodes
    client_id, number = add_person(gnj)
    bundle, result = up(gnj, hq, tmp_path / "1.bundle")
    # 8 rows of the client and GNJ's admin in the user roster
    assert result.inserted == 9 and result.quarantined == 0 and result.conflicts == 0
    # Neither the file's decrypted parts nor anything in HQ's decrypted store hold the person.
    assert leaks(bundle_parts(bundle.path, hq)) == []
    assert leaks(store_dump(hq)) == [] and index_leaks(hq) == []
    # What HQ holds: a pseudonym, the cohort, and everything the statistics need.
    held = client_row(hq, client_id)
    assert is_pseudonym(held.full_name)
    assert (held.birth_year, held.gender, held.region, held.displacement) == (
        1980,
        "female",
        "AZ-GA",
        "idp",
    )
    assert (held.phone, held.address, held.referral_source) == ("", "", "")
    case = hq.cases.get(number)
    assert (case.legal_area, case.summary, case.status, case.owner_node) == (
        "corruption",
        "",
        "open",
        "GNJ",
    )
    [consultation] = case.consultations
    assert (consultation.minutes, consultation.notes, consultation.advice) == (45, "", "")
    assert [p.name for p in case.parties] == [""] and case.parties[0].role == "adverse"
    with hq.ws.read() as s:
        details = s.execute(
            text("SELECT sector, conduct, amount_requested, institution FROM corruption_details")
        ).one()
        attachment = s.execute(text("SELECT file_name, size, content FROM attachments")).one()
    assert tuple(details) == ("public_services", "bribery", 500, "")
    assert (attachment[0], attachment[1], bytes(attachment[2])) == (PLACEHOLDER_FILE_NAME, 0, b"")
    # The conflict check and the search at HQ cannot see the person.
    assert hq.search.search("Quliyeva") == [] and hq.search.search(PARTY) == []
    assert hq.search.conflicts(NAME, birth_year=1983, phone=PHONE) == []
    assert hq.search.conflicts(PARTY) == []
    # The pseudonym is stable (a full export repeats it) and not made from the name.
    again = sync(gnj).export(tmp_path / "full.bundle", full=True)
    assert held.full_name.encode() in bundle_parts(again.path, hq)
    twin_id, _twin = add_person(gnj)
    twin = sync(gnj).export(tmp_path / "twin.bundle")
    sync(hq).import_bundle(twin.path)
    assert client_row(hq, twin_id).full_name not in (held.full_name, NAME)
    # HQ's bundle back: no name in it, and the center's own data is untouched.
    before = {t: rows(gnj, t) for t in DATA_TABLES}
    back, _imported = down(hq, gnj, tmp_path / "down.bundle")
    assert leaks(bundle_parts(back.path, gnj)) == []
    assert {t: rows(gnj, t) for t in DATA_TABLES} == before
    assert client_row(gnj, client_id).full_name == NAME
    assert gnj.cases.get(number).summary == SUMMARY


def test_with_share_hq_the_full_record_arrives(
    nodes: tuple[app.AppSession, app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj, _qba = nodes
    client_id, number = add_person(gnj, ("store_process", "share_hq"))
    up(gnj, hq, tmp_path / "1.bundle")
    held = client_row(hq, client_id)
    assert (held.full_name, held.birth_year, held.phone) == (NAME, 1983, PHONE)
    case = hq.cases.get(number)
    assert case.summary == SUMMARY and case.parties[0].name == PARTY
    assert SCAN[:40] in store_dump(hq)
    assert hq.search.conflicts(NAME, birth_year=1983) != []
    assert index_leaks(hq) == list(FOLDED)  # the scan reaches the index


def test_consent_given_later_sends_the_full_record_in_the_next_bundle(
    nodes: tuple[app.AppSession, app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj, _qba = nodes
    client_id, number = add_person(gnj)
    up(gnj, hq, tmp_path / "1.bundle")
    down(hq, gnj, tmp_path / "1-down.bundle")  # HQ acknowledged the pseudonymized record
    assert sync(gnj).export(tmp_path / "empty.bundle").records == 0
    # What `legalaid client consent ID --give share_hq` does; it re-stamps what HQ must get anew.
    gnj.clients.give_purpose(client_id, "share_hq")
    _bundle, result = up(gnj, hq, tmp_path / "2.bundle")
    assert result.conflicts == 0 and result.quarantined == 0
    held = client_row(hq, client_id)
    assert (held.full_name, held.birth_year, held.phone, held.address) == (
        NAME,
        1983,
        PHONE,
        ADDRESS,
    )
    case = hq.cases.get(number)
    assert (case.summary, case.consultations[0].advice, case.parties[0].name) == (
        SUMMARY,
        ADVICE,
        PARTY,
    )
    assert SCAN[:40] in store_dump(hq)
    assert leaks(store_dump(hq)) != []  # positive control of the scans above
    assert sync(hq).conflicts() == []


def test_withdrawal_replaces_hqs_copy_and_a_stale_bundle_cannot_bring_it_back(
    nodes: tuple[app.AppSession, app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj, _qba = nodes
    client_id, number = add_person(gnj, ("store_process", "share_hq"))
    witness = gnj.records.add_party(number, "Məmmədov Kamran Əli oğlu", "witness")
    up(gnj, hq, tmp_path / "1.bundle")
    down(hq, gnj, tmp_path / "1-down.bundle")
    assert client_row(hq, client_id).full_name == NAME and b"Kamran" in store_dump(hq)
    gnj.records.remove_party(number, witness.id)  # deleted, but HQ holds its name
    gnj.cases.update_summary(number, SUMMARY + " (yenilənib)")
    stale = sync(gnj).export(tmp_path / "stale.bundle")  # written, carried late
    with gnj.ws.read() as s:
        consent_id = s.scalar(select(Consent.id).where(Consent.client_id == client_id))
    gnj.clients.withdraw_consent(client_id, consent_id)  # re-stamps what HQ must replace
    _bundle, result = up(gnj, hq, tmp_path / "2.bundle")
    assert result.conflicts == 0 and result.updated >= 7
    held = client_row(hq, client_id)
    assert is_pseudonym(held.full_name) and held.birth_year == 1980 and held.phone == ""
    assert hq.cases.get(number).summary == ""
    assert leaks(store_dump(hq), (*SECRETS, "Kamran")) == []
    assert index_leaks(hq) == []  # not even in the search index's older segments
    assert hq.search.search("Quliyeva") == []
    assert hq.search.conflicts(NAME, birth_year=1983, phone=PHONE) == []
    # The stale bundle, imported after the newer one, is refused; the name stays away.
    with pytest.raises(ChannelViolation):
        sync(hq).import_bundle(stale.path)
    assert is_pseudonym(client_row(hq, client_id).full_name)
    # The center keeps every real value after HQ's bundle.
    down(hq, gnj, tmp_path / "2-down.bundle")
    kept = client_row(gnj, client_id)
    assert (kept.full_name, kept.birth_year, kept.phone) == (NAME, 1983, PHONE)
    assert gnj.cases.get(number).parties[0].name == PARTY


def test_hq_placeholders_never_replace_the_centers_real_values(
    nodes: tuple[app.AppSession, app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """Three nodes: a case of a client who does not share is transferred to a second center,
    which gets only what HQ holds; newer groups coming back through HQ (an edit at HQ, the new
    owner's edit) carry placeholders, and the first center keeps its real values."""
    hq, gnj, qba = nodes
    client_id, number = add_person(gnj)
    up(gnj, hq, tmp_path / "1.bundle")
    sync(hq).transfer_case(number, "QBA")
    to_qba, result = down(hq, qba, tmp_path / "q.bundle")
    assert result.transfers == 1
    assert leaks(bundle_parts(to_qba.path, qba)) == []
    assert leaks(store_dump(qba)) == [] and index_leaks(qba) == []
    assert is_pseudonym(qba.cases.get(number).client.full_name)
    # The new owner writes a summary of its own: it reaches HQ pseudonymized too.
    qba.cases.update_summary(number, "Quba: iş davam edir")
    up(qba, hq, tmp_path / "q-up.bundle")
    assert hq.cases.get(number).summary == ""
    # HQ edits the client (a newer identity group, with the pseudonym in it).
    with hq.ws.write() as s:
        row = s.get(Client, client_id)
        row.disability = "visual"
        hq.ws.touch(s, row, ("identity", "profile"))
    before = client_row(gnj, client_id)
    _back, imported = down(hq, gnj, tmp_path / "g-down.bundle")
    assert imported.conflicts == 0
    kept = client_row(gnj, client_id)
    assert (kept.full_name, kept.birth_year, kept.referral_source) == (NAME, 1983, SOURCE)
    assert kept.disability == "visual"  # what HQ really changed is taken
    assert kept.clocks["identity"] > before.clocks["identity"]
    case = gnj.cases.get(number)
    assert case.owner_node == "QBA" and case.summary == SUMMARY
    assert (case.consultations[0].notes, case.parties[0].name) == (NOTES, PARTY)
    with gnj.ws.read() as s:
        content = s.execute(text("SELECT content FROM attachments")).scalar_one()
        assert s.scalar(select(Case.summary).where(Case.number == number)) == SUMMARY
    assert bytes(content) == SCAN


def test_withdrawing_share_hq_alone_pseudonymizes_hqs_copy(
    nodes: tuple[app.AppSession, app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """`legalaid client consent ID --withdraw share_hq`: processing goes on at the center, and
    HQ's copy becomes the pseudonymized one in the next bundle."""
    hq, gnj, _qba = nodes
    client_id, number = add_person(gnj, ("store_process", "share_hq"))
    up(gnj, hq, tmp_path / "1.bundle")
    down(hq, gnj, tmp_path / "1-down.bundle")
    assert client_row(hq, client_id).full_name == NAME
    gnj.clients.withdraw_purpose(client_id, "share_hq")
    _bundle, result = up(gnj, hq, tmp_path / "2.bundle")
    assert result.conflicts == 0
    assert is_pseudonym(client_row(hq, client_id).full_name)
    assert hq.cases.get(number).summary == ""
    assert hq.search.conflicts(NAME, birth_year=1983, phone=PHONE) == []
    # Still stored and processed at the center.
    gnj.records.add_consultation(number, ConsultationInput(notes="Davam edir", minutes=20))
    assert client_row(gnj, client_id).full_name == NAME
