"""Anonymization and erasure through sync (issue 16): real stores, real bundles, three nodes.

GNJ removes its client; the removal reaches HQ and, through HQ, QBA, which holds a case of the
person by a transfer. Afterwards no decrypted store (search index tables, conflict log and
quarantine included) holds any of the person's strings; an edit made at QBA without knowing of
the anonymization loses and is logged; a stale bundle cannot bring the values back; and the
owning center cannot "un-anonymize" the person by sending the old values again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.errors import ChannelViolation
from legalaid_desktop.domain.retention import ANONYMIZED_NAME
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import (
    AuditEvent,
    Client,
    ConflictEntry,
    Consent,
    Consultation,
    QuarantineEntry,
)
from legalaid_desktop.sync.erasure import REMOVED
from sync_support import audit_actions, enroll, make_node, sync

NAME = "Quliyeva Səbinə Rafiq qızı"
PHONE = "+994 55 321 09 87"
ADDRESS = "Gəncə, Nizami küçəsi 14"
SUMMARY = "Ərinin zorakılığı barədə şikayət"
NOTES = "Boşanma ərizəsi hazırlandı"
ADVICE = "Məhkəməyə müraciət etməyi tövsiyə etdim"
PARTY = "Quliyev Elnur Vaqif oğlu"
DEADLINE = "Ərizəni məhkəməyə təqdim etmək"
QBA_NOTE = "Qubada görüş: şahid Həsənov danışdı"
LATE_NOTE = "Qubada gecikmiş qeyd: Rəhimova ilə danışıldı"
SCAN = b"%PDF-1.4 imzalanmis Quliyeva erize " * 40
SECRETS = (NAME, "Quliyeva", "Səbinə", PHONE, "321 09 87", ADDRESS, SUMMARY, NOTES, ADVICE)
SECRETS += (PARTY, "Elnur", DEADLINE, QBA_NOTE, "Həsənov", LATE_NOTE, "Rəhimova")
FOLDED = ("quliyev", "sebine", "elnur", "3210987", "zorakil", "bosanma", "hesenov", "rehimova")
"""Forms the search index keeps the person's words in (folded, digits only)."""
REASON = "Razılıq geri götürüldü"

Nodes = tuple[app.AppSession, app.AppSession, app.AppSession]


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[Nodes]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    qba = make_node(tmp_path, "QBA", name="Quba mərkəzi")
    enroll(hq, gnj, tmp_path)
    enroll(hq, qba, tmp_path)
    yield hq, gnj, qba
    for node in (hq, gnj, qba):
        node.close()


def add_person(session: app.AppSession, share_hq: bool = True) -> tuple[str, str]:
    """A client with every kind of personal data; returns (client id, case number)."""
    purposes = ("store_process", "share_hq") if share_hq else ("store_process",)
    client = session.clients.register(
        ClientInput(
            full_name=NAME,
            gender="female",
            birth_year=1983,
            region="AZ-GA",
            phone=PHONE,
            address=ADDRESS,
        ),
        ConsentInput(given_on=today(), purposes=purposes),
    )
    case = session.cases.open(CaseInput(client.id, "family", SUMMARY))
    session.records.add_consultation(
        case.number, ConsultationInput(notes=NOTES, advice=ADVICE, minutes=45)
    )
    session.records.add_party(case.number, PARTY, "adverse", notes=f"{PARTY} qardaşı")
    session.records.add_deadline(case.number, today(), DEADLINE)
    session.records.add_attachment(case.number, "Quliyeva-ərizə.pdf", SCAN)
    return client.id, case.number


class Mail:
    """Numbered bundle files between the nodes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.n = 0

    def path(self) -> Path:
        self.n += 1
        return self.folder / f"{self.n}.bundle"

    def up(self, center: app.AppSession, hq: app.AppSession) -> Any:
        return sync(hq).import_bundle(sync(center).export(self.path()).path)

    def down(self, hq: app.AppSession, center: app.AppSession) -> Any:
        bundle = sync(hq).export(self.path(), to=center.ws.node_code)
        return sync(center).import_bundle(bundle.path)


def withdraw(session: app.AppSession, client_id: str) -> None:
    """Withdraw the consent to store and process (the person is then due at once)."""
    with session.ws.read() as s:
        consent_id = s.scalar(select(Consent.id).where(Consent.client_id == client_id))
    assert consent_id is not None
    session.clients.withdraw_consent(client_id, consent_id)


def spread(nodes: Nodes, mail: Mail) -> tuple[str, str]:
    """GNJ's person reaches HQ; the case goes to QBA (which adds a consultation) and back."""
    hq, gnj, qba = nodes
    client_id, number = add_person(gnj)
    mail.up(gnj, hq)
    sync(hq).transfer_case(number, "QBA")
    mail.down(hq, qba)
    qba.records.add_consultation(number, ConsultationInput(notes=QBA_NOTE, minutes=20))
    mail.up(qba, hq)
    sync(hq).transfer_case(number, "GNJ")
    mail.down(hq, gnj)
    mail.down(hq, qba)
    for node in nodes:  # positive control: every node holds the person now
        assert leaks(node) != []
    assert qba.cases.get(number).client.full_name == NAME
    return client_id, number


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


def leaks(session: app.AppSession) -> list[str]:
    """The person's strings found anywhere in the store (folded ones in the index tables)."""
    data = store_dump(session)
    found = [s for s in SECRETS if s.encode("utf-8") in data]
    if SCAN[:40] in data:
        found.append("the scan")
    folded = data.lower()
    found += [word for word in FOLDED if word.encode() in folded]
    return found


def client_row(session: app.AppSession, client_id: str) -> Client:
    with session.ws.read() as s:
        row = s.get(Client, client_id)
        assert row is not None
        s.expunge(row)
        return row


def removed_conflicts(session: app.AppSession) -> list[ConflictEntry]:
    with session.ws.read() as s:
        found = list(s.scalars(select(ConflictEntry).where(ConflictEntry.kind == REMOVED)))
        for entry in found:
            s.expunge(entry)
        return found


def assert_gone(session: app.AppSession) -> None:
    code = session.ws.node_code
    assert leaks(session) == [], code
    assert session.search.search("Quliyeva") == [], code
    assert session.search.conflicts(NAME, birth_year=1983, phone=PHONE) == [], code
    assert session.search.conflicts(PARTY) == [], code


def test_anonymization_reaches_hq_and_the_center_holding_a_transferred_case(
    nodes: Nodes, tmp_path: Path
) -> None:
    hq, gnj, qba = nodes
    mail = Mail(tmp_path)
    client_id, number = spread(nodes, mail)
    gnj.retention.anonymize(client_id, REASON)
    assert_gone(gnj)
    up = mail.up(gnj, hq)
    assert up.refused == 0
    down = mail.down(hq, qba)
    assert down.refused == 0
    for node in nodes:
        held = client_row(node, client_id)
        assert (held.full_name, held.birth_year, held.phone) == (ANONYMIZED_NAME, 1980, "")
        assert (held.gender, held.region) == ("female", "AZ-GA")  # the statistics stay
        case = node.cases.get(number)
        assert case.summary == "" and case.legal_area == "family"
        assert all(c.notes == "" for c in case.consultations)
        assert_gone(node)
    # Nothing travels back and forth afterwards, and nothing comes back.
    mail.down(hq, gnj)
    mail.up(qba, hq)
    mail.up(gnj, hq)
    for node in nodes:
        assert client_row(node, client_id).full_name == ANONYMIZED_NAME
        assert_gone(node)


def test_erasure_reaches_hq_and_the_center_holding_a_transferred_case(
    nodes: Nodes, tmp_path: Path
) -> None:
    hq, gnj, qba = nodes
    mail = Mail(tmp_path)
    client_id, _number = spread(nodes, mail)
    gnj.retention.erase(client_id, REASON)
    mail.up(gnj, hq)
    mail.down(hq, qba)
    for node in nodes:
        held = client_row(node, client_id)
        assert held.deleted_hlc is not None and held.full_name == "" and held.gender == ""
        with node.ws.read() as s:
            notes = set(s.scalars(select(Consultation.notes)))
        assert notes <= {""}, node.ws.node_code
        assert_gone(node)


def test_an_anonymized_client_without_share_hq_arrives_as_anonymized_not_pseudonymized(
    nodes: Nodes, tmp_path: Path
) -> None:
    hq, gnj, _qba = nodes
    mail = Mail(tmp_path)
    client_id, _number = add_person(gnj, share_hq=False)
    mail.up(gnj, hq)
    withdraw(gnj, client_id)
    gnj.retention.anonymize(client_id, REASON)
    mail.up(gnj, hq)
    assert client_row(hq, client_id).full_name == ANONYMIZED_NAME
    assert_gone(hq)


def test_an_edit_made_without_knowing_of_the_anonymization_loses_and_is_logged(
    nodes: Nodes, tmp_path: Path
) -> None:
    """HQ transfers the case to QBA while GNJ, not knowing yet, anonymizes the person; QBA edits
    a consultation's notes before it hears of it, and its bundle reaches HQ afterwards."""
    hq, gnj, qba = nodes
    mail = Mail(tmp_path)
    client_id, number = add_person(gnj)
    mail.up(gnj, hq)
    sync(hq).transfer_case(number, "QBA")
    mail.down(hq, qba)
    with qba.ws.write() as s:  # QBA, the case's owner now, edits the notes
        row = s.scalars(select(Consultation).where(Consultation.notes == NOTES)).one()
        row.notes = LATE_NOTE
        qba.ws.touch(s, row, ("content",))
    late = sync(qba).export(mail.path())  # written before QBA knew of the anonymization
    stale = sync(gnj).export(mail.path())  # GNJ's, written before the anonymization
    withdraw(gnj, client_id)
    gnj.retention.anonymize(client_id, REASON)
    newer = sync(gnj).export(mail.path())
    sync(hq).import_bundle(newer.path)
    assert client_row(hq, client_id).full_name == ANONYMIZED_NAME
    assert hq.cases.get(number).summary == ""  # GNJ's case rows were set aside, yet emptied
    assert_gone(hq)
    # QBA's later bundle: the notes lose to the anonymization, logged without any content.
    result = sync(hq).import_bundle(late.path)
    assert result.refused == 0 and result.conflicts >= 1
    assert [c.notes for c in hq.cases.get(number).consultations] == [""]
    [logged] = [c for c in removed_conflicts(hq) if c.table_name == "consultations"]
    assert (logged.local_value, logged.remote_value, logged.winner) == (None, None, "local")
    assert logged.resolved_at is not None and (logged.peer, logged.resolved_by) == ("QBA", "QBA")
    assert_gone(hq)
    # GNJ's stale bundle is refused by the channel; the name stays away.
    with pytest.raises(ChannelViolation):
        sync(hq).import_bundle(stale.path)
    assert client_row(hq, client_id).full_name == ANONYMIZED_NAME
    # QBA hears of it: its own note goes too, and it sends nothing that brings values back.
    mail.down(hq, qba)
    mail.up(qba, hq)
    mail.down(hq, gnj)
    for node in nodes:
        assert client_row(node, client_id).full_name == ANONYMIZED_NAME
        assert_gone(node)
    assert "security_alert" in audit_actions(hq)  # the stale bundle, not the late edit


def test_the_owning_center_cannot_un_anonymize_the_person(nodes: Nodes, tmp_path: Path) -> None:
    """An insider at GNJ writes the old name and phone back with a newer stamp: HQ refuses the
    record (a security alert) and keeps the marker; the quarantine keeps no removed value."""
    hq, gnj, _qba = nodes
    mail = Mail(tmp_path)
    client_id, _number = add_person(gnj)
    mail.up(gnj, hq)
    withdraw(gnj, client_id)
    gnj.retention.anonymize(client_id, REASON)
    mail.up(gnj, hq)
    mail.down(hq, gnj)
    with gnj.ws.write() as s:
        row = s.get(Client, client_id)
        assert row is not None
        row.full_name, row.phone, row.birth_year = NAME, PHONE, 1983
        gnj.ws.touch(s, row, ("identity", "contact"))
    alerts = audit_actions(hq).count("security_alert")
    result = mail.up(gnj, hq)
    assert result.refused == 1 and "Security alert" in result.alert
    assert audit_actions(hq).count("security_alert") == alerts + 1
    held = client_row(hq, client_id)
    assert (held.full_name, held.phone, held.birth_year) == (ANONYMIZED_NAME, "", 1980)
    with hq.ws.read() as s:  # kept for the alert, without the values it tried to restore
        [kept] = s.scalars(select(QuarantineEntry.record)).all()
    assert kept["id"] == client_id and kept["g"]["identity"]["v"]["full_name"] == ANONYMIZED_NAME
    detail = "it would restore the data of an anonymized or erased person"
    [held_back] = sync(hq).quarantined()
    assert held_back.reason == "refused (security alert): " + detail
    with hq.ws.read() as s:  # the alert names the record and why
        alerts = [
            d if isinstance(d, dict) else json.loads(d)
            for d in s.scalars(
                select(AuditEvent.details).where(AuditEvent.action == "security_alert")
            )
        ]
    refusals = [a for a in alerts if a.get("reason") == "records_refused"]
    assert [(r["table"], r["id"], r["reason"]) for r in refusals[-1]["records"]] == [
        ("clients", client_id, detail)
    ]
    assert_gone(hq)
