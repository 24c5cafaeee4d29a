"""Sync between real stores: enrollment, bundles both ways, convergence, conflicts, transfers.

HQ (BAK) and the centers (GNJ, QBA) are real encrypted stores; everything goes through
:class:`SyncService` and the files it writes, as it would on a USB stick.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.cli import main as cli_main
from legalaid_desktop.cli import sync_commands
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, CorruptionInput
from legalaid_desktop.domain.errors import (
    FingerprintNotConfirmed,
    InputRejected,
    UnknownSender,
)
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import (
    Case,
    Client,
    Consent,
    Consultation,
    CorruptionDetails,
    SyncBundle,
)
from legalaid_desktop.store.vault import parse_recovery_key
from legalaid_desktop.sync.container import open_bundle
from legalaid_desktop.sync.keys import recovery_keypair
from sync_support import (
    PASSWORD,
    add_case,
    assert_converged,
    audit_actions,
    enroll,
    make_node,
    node_keys,
    rows,
    sync,
)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    enroll(hq, gnj, tmp_path)
    yield hq, gnj
    hq.close()
    gnj.close()


def roundtrip(
    hq: app.AppSession, center: app.AppSession, folder: Path, tag: str
) -> tuple[Any, Any]:
    """Center → HQ, then HQ → center."""
    code = center.ws.node_code
    up = sync(center).export(folder / f"{tag}-{code}-up.bundle")
    imported_up = sync(hq).import_bundle(up.path)
    down = sync(hq).export(folder / f"{tag}-{code}-down.bundle", to=code)
    imported_down = sync(center).import_bundle(down.path)
    return imported_up, imported_down


def edit(session: app.AppSession, model: Any, row_id: str, group: str, **values: Any) -> None:
    """An edit as any service makes it: change the fields, stamp the group, log the change."""
    with session.ws.write() as s:
        row = s.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        session.ws.touch(s, row, (group,))


def delete(session: app.AppSession, model: Any, row_id: str) -> None:
    with session.ws.write() as s:
        session.ws.tombstone(s, s.get(model, row_id))


def test_enrollment_pins_keys_both_ways(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    try:
        request = sync(gnj).enroll_request(tmp_path / "req.json")
        peek = sync(hq).enroll_peek(request.path)
        assert (peek.kind, peek.node_code, peek.fingerprint) == (
            "request",
            "GNJ",
            request.fingerprint,
        )
        with pytest.raises(FingerprintNotConfirmed, match="--fingerprint"):
            sync(hq).enroll_accept(request.path, tmp_path / "resp.json", None)
        with pytest.raises(FingerprintNotConfirmed):
            sync(hq).enroll_accept(request.path, tmp_path / "resp.json", "12345 " * 6)
        assert not (tmp_path / "resp.json").exists()
        accepted = sync(hq).enroll_accept(
            request.path, tmp_path / "resp.json", request.fingerprint.replace(" ", "")
        )
        assert accepted.recovery_key and accepted.node_code == "GNJ"
        with pytest.raises(FingerprintNotConfirmed):
            sync(gnj).enroll_complete(accepted.response_path, None)
        done = sync(gnj).enroll_complete(accepted.response_path, accepted.hq_fingerprint)
        assert done.hq_code == "BAK"
        states = {n.code: n.enrollment for n in sync(hq).nodes()}
        assert states == {"BAK": "local", "GNJ": "enrolled"}
        assert {n.code: n.enrollment for n in sync(gnj).nodes()} == {
            "BAK": "enrolled",
            "GNJ": "local",
        }
        # A second center gets no new recovery key; a tampered request is refused.
        tampered = request.path.read_bytes().replace(b"GNJ", b"QBA")
        (tmp_path / "bad.json").write_bytes(tampered)
        with pytest.raises(InputRejected):
            sync(hq).enroll_accept(tmp_path / "bad.json", tmp_path / "r2.json", "0" * 30)
    finally:
        hq.close()
        gnj.close()


def test_bundles_both_ways_converge(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    client_id, number = add_case(gnj)
    gnj.records.add_party(number, "Hüseynov Tural", "adverse")
    gnj.records.add_attachment(number, "ərizə.pdf", b"%PDF-1.4 scanned consent " * 300)
    up, down = roundtrip(hq, gnj, tmp_path, "1")
    assert up.inserted == 7 and up.conflicts == 0  # 6 rows and GNJ's admin in the roster
    assert down.acks == 1
    assert_converged(hq, gnj)
    # HQ can find the client and read the case; its search index knows them.
    assert hq.cases.get(number).client.full_name == "Əliyev Rəşad İsmayıl oğlu"
    hits = hq.search.search("Əliyev")
    assert any(client_id in repr(hit) for hit in hits)
    # The next bundle after the acknowledgement carries nothing old.
    again = sync(gnj).export(tmp_path / "2.bundle")
    assert again.records == 0
    # Later edits travel as the full current state of the changed rows only.
    gnj.clients.update(
        client_id,
        ClientInput(
            full_name="Əliyev Rəşad İsmayıl oğlu",
            gender="male",
            birth_year=1980,
            region="AZ-GA",
            phone="+994 55 765 43 21",
        ),
    )
    third = sync(gnj).export(tmp_path / "3.bundle")
    # the correction travels with the row it corrected: HQ's history has it
    assert third.counts == {"clients": 1, "corrections": 1}
    sync(hq).import_bundle(again.path)
    result = sync(hq).import_bundle(third.path)
    assert result.updated == 1
    assert_converged(hq, gnj)
    phone = next(e for e in hq.history.client_history(client_id) if e.field == "phone")
    assert (phone.old_value, phone.new_value) == ("+994 50 123 45 67", "+994 55 765 43 21")
    # A replay is harmless.
    replay = sync(hq).import_bundle(third.path)
    assert replay.already_imported and "already imported" in replay.message
    # Edits one after the other on the two nodes are no conflict.
    edit(hq, Client, client_id, "contact", phone="+994 12 444 44 44")
    assert sync(gnj).import_bundle(sync(hq).export(tmp_path / "5.bundle", to="GNJ").path).updated
    edit(gnj, Client, client_id, "contact", phone="+994 55 000 00 01")
    assert sync(hq).import_bundle(sync(gnj).export(tmp_path / "6.bundle").path).updated
    assert sync(hq).conflicts() == [] and sync(gnj).conflicts() == []
    assert_converged(hq, gnj)


def test_no_client_data_in_bundle_bytes(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    _hq, gnj = pair
    add_case(gnj, name="Qasımova Zəminə Əli qızı", phone="+994 70 555 12 34")
    result = sync(gnj).export(tmp_path / "g.bundle", full=True)
    data = result.path.read_bytes()
    for secret in ("Qasımova", "Zəminə", "Alimentlə", "555 12 34", "İlk görüş"):
        assert secret.encode("utf-8") not in data
        assert secret.encode("utf-16-le") not in data
    # Positive control: the secrets are in the decrypted bundle, and neither the decrypted parts
    # nor their compressed form (as the writer stores them) show through anywhere in the file.
    hq, _gnj = pair
    opened = open_bundle(
        result.path, me=node_keys(hq).private, sender_keys=lambda code: _pin(hq, code)
    )
    everything = b"".join(opened.parts.values())
    for secret in ("Qasımova", "Zəminə", "Alimentlə", "İlk görüş"):
        assert secret.encode("utf-8") in everything
    assert len(everything) > 1000
    for name, part in opened.parts.items():
        for form in (part, zlib.compress(part, 6)):
            assert not _shared_window(form, data), name


def _shared_window(needle: bytes, haystack: bytes, width: int = 24) -> bool:
    """Whether any ``width``-byte piece of ``needle`` (every 8th offset) is in ``haystack``.

    A needle shorter than ``width`` (an empty part such as ``[]``) tells nothing: a few bytes turn
    up by chance in any ciphertext of some kilobytes (``[]`` in about one bundle in ten), and the
    secrets themselves are checked by name above.
    """
    if len(needle) < width:
        return False
    return any(needle[i : i + width] in haystack for i in range(0, len(needle) - width + 1, 8))


def test_recovery_key_opens_every_bundle(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    try:
        recovery = enroll(hq, gnj, tmp_path)
        assert recovery is not None
        add_case(gnj)
        bundle = sync(gnj).export(tmp_path / "g.bundle")
        key = recovery_keypair(parse_recovery_key(recovery))
        opened = open_bundle(bundle.path, me=key, sender_keys=lambda code: _pin(hq, code))
        assert "Rəşad".encode() in opened.parts["changes"]
    finally:
        hq.close()
        gnj.close()


def _pin(session: app.AppSession, code: str) -> Any:
    from sync_support import pinned

    return pinned(session, code)


def test_concurrent_edits_conflict_on_both_nodes_and_converge(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    client_id, _number = add_case(gnj)
    roundtrip(hq, gnj, tmp_path, "1")
    # Both edit the client's phone while offline.
    edit(gnj, Client, client_id, "contact", phone="+994 50 111 11 11")
    edit(hq, Client, client_id, "contact", phone="+994 12 222 22 22")
    up, down = roundtrip(hq, gnj, tmp_path, "2")
    assert up.conflicts == 1 and down.conflicts == 1
    assert_converged(hq, gnj)
    for node in (hq, gnj):
        [conflict] = sync(node).conflicts()
        assert conflict.kind == "edit_edit" and conflict.field_group == "contact"
        values = {conflict.local_value["phone"], conflict.remote_value["phone"]}
        assert values == {"+994 50 111 11 11", "+994 12 222 22 22"}
        with node.ws.read() as s:
            assert s.get(Client, client_id).needs_review
    winner = rows(hq, "clients")[0]
    assert "+994 12 222 22 22" in winner or "+994 50 111 11 11" in winner
    # Resending the same rows does not log the conflict again.
    sync(hq).import_bundle(sync(gnj).export(tmp_path / "3.bundle").path)
    assert len(sync(hq).conflicts()) == 1
    # The manager at GNJ keeps the GNJ value: a new edit that wins everywhere, no new conflict.
    [conflict] = sync(gnj).conflicts()
    keep = "local" if conflict.local_value["phone"] == "+994 50 111 11 11" else "remote"
    sync(gnj).resolve_conflict(conflict.id, keep)
    assert sync(gnj).conflicts() == []
    with gnj.ws.read() as s:
        row = s.get(Client, client_id)
        assert row.phone == "+994 50 111 11 11" and not row.needs_review
    up, _down = roundtrip(hq, gnj, tmp_path, "4")
    assert up.conflicts == 0
    assert_converged(hq, gnj)
    with hq.ws.read() as s:
        assert s.get(Client, client_id).phone == "+994 50 111 11 11"


def test_the_first_bundle_each_way_is_number_one(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """HQ hears from the center before it ever writes to it: the channel the import makes
    starts HQ's own numbering at one, as the one an export makes does."""
    hq, gnj = pair
    up = sync(gnj).export(tmp_path / "up.bundle")
    sync(hq).import_bundle(up.path)
    down = sync(hq).export(tmp_path / "down.bundle", to="GNJ")
    sync(gnj).import_bundle(down.path)
    again = sync(gnj).export(tmp_path / "up-2.bundle")
    assert (up.seq, down.seq, again.seq) == (1, 1, 2)


def test_a_bundle_lost_before_any_acknowledgement_is_carried_by_the_next(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """HQ's first bundle to a center it first heard from is lost: nothing acknowledged it, so
    the next carries its changes again (the channel the import made acknowledges nothing)."""
    hq, gnj = pair
    client_id, _number = add_case(gnj)
    sync(hq).import_bundle(sync(gnj).export(tmp_path / "up.bundle").path)
    edit(hq, Client, client_id, "contact", phone="+994 12 222 22 22")
    sync(hq).export(tmp_path / "lost.bundle", to="GNJ")
    edit(hq, Client, client_id, "profile", referral_source="Ombudsman")
    sync(gnj).import_bundle(sync(hq).export(tmp_path / "down.bundle", to="GNJ").path)
    with gnj.ws.read() as s:
        client = s.get(Client, client_id)
        assert (client.phone, client.referral_source) == ("+994 12 222 22 22", "Ombudsman")


def test_a_conflict_is_logged_once_when_its_bundle_comes_again_unacknowledged(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """Bundles are cumulative: until HQ acknowledges one, the center's next bundle carries its
    changes again. The conflict the first caused is neither logged nor counted a second time:
    the import reads the conflict log of the rows it already has."""
    hq, gnj = pair
    client_id, _number = add_case(gnj)
    roundtrip(hq, gnj, tmp_path, "1")
    edit(gnj, Client, client_id, "contact", phone="+994 50 111 11 11")
    edit(hq, Client, client_id, "contact", phone="+994 12 222 22 22")
    first = sync(hq).import_bundle(sync(gnj).export(tmp_path / "2.bundle").path)
    again = sync(hq).import_bundle(sync(gnj).export(tmp_path / "3.bundle").path)
    assert (first.conflicts, again.conflicts) == (1, 0)
    assert again.unchanged + again.updated >= 1  # the client's row did come again
    [conflict] = sync(hq).conflicts()
    assert conflict.remote_value["phone"] == "+994 50 111 11 11"


def test_a_conflict_on_a_consent_or_a_consultation_flags_its_client_and_case(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """A conflicting row that is not a client or a case (a consent's withdrawal, a
    consultation's notes) flags the client or case it belongs to for review; another client's
    file stays unflagged. (A bundle that carries only the changed group, so that the client is
    found through the row here: test_import_check_reasons.py.) The sync history keeps each
    import's figures as the import reported them."""
    hq, gnj = pair
    client_id, number = add_case(gnj)
    other_client, other_number = add_case(gnj, "Quliyeva Nərmin Fərid qızı", "+994 55 765 43 21")
    roundtrip(hq, gnj, tmp_path, "1")
    with gnj.ws.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.number == number))
        consent_id = s.scalar(select(Consent.id).where(Consent.client_id == client_id))
        consultation_id = s.scalar(select(Consultation.id).where(Consultation.case_id == case_id))
    edit(gnj, Consent, consent_id, "withdrawal", withdrawn_on="2026-11-02")
    edit(hq, Consent, consent_id, "withdrawal", withdrawn_on="2026-11-03")
    edit(gnj, Consultation, consultation_id, "content", notes="Gəncədə yazılan qeyd")
    edit(hq, Consultation, consultation_id, "content", notes="Bakıda yazılan qeyd")
    up, down = roundtrip(hq, gnj, tmp_path, "2")
    assert (up.conflicts, down.conflicts) == (2, 2)
    for node in (hq, gnj):
        kinds = sorted((c.kind, c.field_group) for c in sync(node).conflicts())
        assert kinds == [("edit_edit", "content"), ("edit_edit", "withdrawal")]
        with node.ws.read() as s:
            flagged = {
                "clients": set(s.scalars(select(Client.id).where(Client.needs_review))),
                "cases": set(s.scalars(select(Case.number).where(Case.needs_review))),
            }
        assert flagged == {"clients": {client_id}, "cases": {number}}, node.ws.node_code
        assert other_client not in flagged["clients"] and other_number not in flagged["cases"]
    # The sync history keeps what each import did (HQ's later edits win on both sides).
    same = {"inserted": 0, "deleted": 0, "conflicts": 2, "quarantined": 0, "refused": 0}
    same |= {"reference_updated": [], "roster_changed": [], "transfers": 0, "acks": 1}
    at_hq = same | {"updated": 0, "unchanged": 2, "tables": {}}
    at_gnj = same | {"updated": 2, "unchanged": 0, "tables": {"consents": 1, "consultations": 1}}
    for node, expected in ((hq, at_hq), (gnj, at_gnj)):
        newest_in = next(r for r in sync(node).history() if r.direction == "in")
        assert newest_in.counts == expected, node.ws.node_code


def test_keeping_a_corruption_detail_reindexes_its_case(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """Conflict resolution refreshes the search index through the path every writer uses: a
    kept corruption detail (institution) re-indexes its case, as an import does."""
    hq, gnj = pair
    client = gnj.clients.register(
        ClientInput(
            full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", birth_year=1980, region="AZ-GA"
        ),
        ConsentInput(given_on=today(), purposes=("store_process", "share_hq")),
    )
    case = gnj.cases.open(
        CaseInput(
            client.id,
            "corruption",
            "Rüşvət tələbi",
            corruption=CorruptionInput("public_services", "bribery", "Gəncə İcra Hakimiyyəti"),
        )
    )
    roundtrip(hq, gnj, tmp_path, "1")
    with gnj.ws.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.number == case.number))
        details_id = s.scalar(
            select(CorruptionDetails.id).where(CorruptionDetails.case_id == case_id)
        )
    edit(gnj, CorruptionDetails, details_id, "details", institution="Şəhər Polis İdarəsi")
    edit(hq, CorruptionDetails, details_id, "details", institution="Vergi Xidməti")
    roundtrip(hq, gnj, tmp_path, "2")
    [conflict] = sync(gnj).conflicts()
    with gnj.ws.read() as s:
        current = s.get(CorruptionDetails, details_id).institution
    keep = "local" if conflict.local_value["institution"] != current else "remote"
    kept = (conflict.local_value if keep == "local" else conflict.remote_value)["institution"]
    sync(gnj).resolve_conflict(conflict.id, keep)
    word = kept.split()[0]
    assert case_id in {hit.ref_id for hit in gnj.search.search(word)}


def test_edit_concurrent_with_delete(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    _client_id, number = add_case(gnj)
    roundtrip(hq, gnj, tmp_path, "1")
    with gnj.ws.read() as s:
        consultation_id = s.scalar(select(Consultation.id))
    delete(gnj, Consultation, consultation_id)
    edit(hq, Consultation, consultation_id, "content", notes="Əlavə qeyd: sənədlər gətirildi")
    up, down = roundtrip(hq, gnj, tmp_path, "2")
    assert up.conflicts == 1 and down.conflicts == 1
    assert_converged(hq, gnj)
    for node in (hq, gnj):
        [conflict] = sync(node).conflicts()
        assert conflict.kind == "edit_delete"
        kept = conflict.local_value or conflict.remote_value
        assert kept["notes"] == "Əlavə qeyd: sənədlər gətirildi"  # the edit is not lost
        with node.ws.read() as s:
            row = s.get(Consultation, consultation_id)
            assert row.deleted_hlc is not None  # no resurrection
            assert s.scalar(select(Case.needs_review).where(Case.number == number))
        assert not node.search.search("sənədlər gətirildi")
        # A deletion is not undone by resolving: keeping it is the only way to settle.
        deleted_side = "local" if conflict.local_value is None else "remote"
        with pytest.raises(InputRejected):
            sync(node).resolve_conflict(
                conflict.id, "remote" if deleted_side == "local" else "local"
            )
        sync(node).resolve_conflict(conflict.id, deleted_side)


def test_cumulative_export_after_a_lost_bundle(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    first_client, _ = add_case(gnj, name="Birinci Müştəri Əli oğlu")
    lost = sync(gnj).export(tmp_path / "lost.bundle")
    lost.path.unlink()  # the stick is lost
    second_client, _ = add_case(gnj, name="İkinci Müştəri Vəli oğlu")
    second = sync(gnj).export(tmp_path / "second.bundle")
    assert second.seq == 2 and second.counts["clients"] == 2
    result = sync(hq).import_bundle(second.path)
    assert result.inserted == second.records
    with hq.ws.read() as s:
        assert s.get(Client, first_client) is not None
        assert s.get(Client, second_client) is not None
    down = sync(hq).export(tmp_path / "down.bundle", to="GNJ")
    sync(gnj).import_bundle(down.path)
    assert sync(gnj).export(tmp_path / "third.bundle").records == 0
    with gnj.ws.read() as s:
        statuses = {
            b.seq: b.status
            for b in s.scalars(select(SyncBundle).where(SyncBundle.direction == "out"))
        }
    assert statuses == {1: "exported", 2: "acknowledged", 3: "exported"}


def test_transfer_and_revocation(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    qba = make_node(tmp_path, "QBA", name="Quba mərkəzi")
    try:
        enroll(hq, gnj, tmp_path)
        enroll(hq, qba, tmp_path)
        _client_id, number = add_case(gnj)
        gnj.records.add_party(number, "Rayon icra hakimiyyəti", "institution")
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "g1.bundle").path)
        # A GNJ edit made before GNJ learns of the transfer.
        gnj.cases.update_summary(number, "Aliment: məhkəməyə müraciət hazırlanır")
        info = sync(hq).transfer_case(number, "QBA")
        assert (info.from_node, info.to_node) == ("GNJ", "QBA")
        to_qba = sync(hq).export(tmp_path / "q.bundle", to="QBA")
        assert to_qba.counts["cases"] == 1 and to_qba.counts["clients"] == 1
        assert to_qba.counts["consultations"] == 1 and to_qba.counts["parties"] == 1
        result = sync(qba).import_bundle(to_qba.path)
        assert result.transfers == 1
        detail = qba.cases.get(number)
        assert detail.owner_node == "QBA" and detail.status == "transferred"
        assert detail.client.full_name == "Əliyev Rəşad İsmayıl oğlu"
        assert len(detail.consultations) == 1 and len(detail.parties) == 1
        qba.cases.close(number, "advice_given")  # the new owner works on it
        sync(hq).import_bundle(sync(qba).export(tmp_path / "q-up.bundle").path)
        assert hq.cases.get(number).status == "closed"
        # GNJ's late edit is set aside at HQ (kept, not applied over QBA's case).
        # (the edit and its history line: both set aside)
        late = sync(hq).import_bundle(sync(gnj).export(tmp_path / "g2.bundle").path)
        assert late.quarantined == 2
        aside = {q.table_name: q for q in sync(hq).quarantined()}
        assert set(aside) == {"cases", "corrections"}
        assert all("transferred" in q.reason for q in aside.values())
        assert hq.cases.get(number).summary == "Alimentlə bağlı məsləhət"
        # GNJ learns the case moved; it can no longer change it.
        sync(gnj).import_bundle(sync(hq).export(tmp_path / "g-down.bundle", to="GNJ").path)
        assert gnj.cases.get(number).owner_node == "QBA"
        with pytest.raises(InputRejected):
            gnj.cases.update_summary(number, "Yeni")

        # Revocation: GNJ's bundles are refused as a security alert; QBA learns it.
        add_case(gnj, name="Sonuncu Müştəri Əli oğlu", phone="")
        bundle = sync(gnj).export(tmp_path / "g3.bundle")
        sync(hq).revoke_node("GNJ")
        before = rows(hq, "clients")
        with pytest.raises(UnknownSender, match="revoked"):
            sync(hq).import_bundle(bundle.path)
        assert audit_actions(hq)[-1] == "security_alert"
        assert rows(hq, "clients") == before
        assert sync(hq).inspect(bundle.path).verdict == "revoked_sender"
        with pytest.raises(InputRejected):
            sync(hq).export(tmp_path / "x.bundle", to="GNJ")
        sync(qba).import_bundle(sync(hq).export(tmp_path / "q2.bundle", to="QBA").path)
        assert {n.code: n.enrollment for n in sync(qba).nodes()}["GNJ"] == "revoked"
    finally:
        for node in (hq, gnj, qba):
            node.close()


def test_days_since_last_export_and_history(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    assert sync(gnj).days_since_last_export() is None
    roundtrip(hq, gnj, tmp_path, "1")
    assert sync(gnj).days_since_last_export() == 0
    history = sync(gnj).history()
    assert [(h.direction, h.status) for h in history] == [
        ("in", "imported"),
        ("out", "acknowledged"),
    ] or {(h.direction, h.status) for h in history} == {("in", "imported"), ("out", "acknowledged")}


# --- the command line -----------------------------------------------------------------------------


_BUILD_PARSER = cli_main.build_parser


def _with_sync() -> Any:
    """The CLI parser, with the sync commands added if cli/main.py does not register them yet."""
    parser = _BUILD_PARSER()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    if "bundle" not in subparsers.choices:  # type: ignore[operator]
        sync_commands.register(subparsers)  # type: ignore[arg-type]
    return parser


def _run(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(cli_main, "build_parser", _with_sync)
    return cli_main.main(argv)


def test_cli_enroll_export_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    add_case(gnj)
    hq.close()
    gnj.close()
    monkeypatch.setenv("LEGALAID_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", open(__file__))  # not a terminal
    hq_dir, gnj_dir = str(tmp_path / "bak"), str(tmp_path / "gnj")
    req, resp = str(tmp_path / "req.json"), str(tmp_path / "resp.json")
    assert _run(["--data-dir", gnj_dir, "enroll", "request", "-o", req], monkeypatch) == 0
    fingerprint = capsys.readouterr().out.strip().splitlines()[-1].strip()
    code = _run(["--data-dir", hq_dir, "enroll", "accept", req, "-o", resp], monkeypatch)
    assert code == 4
    assert "Compare the fingerprint" in capsys.readouterr().err
    code = _run(
        [
            "--data-dir",
            hq_dir,
            "enroll",
            "accept",
            req,
            "-o",
            resp,
            "--fingerprint",
            fingerprint.replace(" ", "-"),
        ],
        monkeypatch,
    )
    out = capsys.readouterr().out
    assert code == 0 and "BUNDLE RECOVERY KEY" in out
    hq_fingerprint = out.split("by phone:\n")[1].splitlines()[0].strip()
    args = ["--data-dir", gnj_dir, "enroll", "complete", resp, "--fingerprint", hq_fingerprint]
    assert _run(args, monkeypatch) == 0
    bundle = str(tmp_path / "g.bundle")
    assert _run(["--data-dir", gnj_dir, "bundle", "export", "-o", bundle], monkeypatch) == 0
    capsys.readouterr()
    assert _run(["--data-dir", hq_dir, "--json", "bundle", "import", bundle], monkeypatch) == 0
    assert '"inserted": 5' in capsys.readouterr().out  # 4 rows and the user roster's admin
    assert _run(["--data-dir", hq_dir, "bundle", "import", bundle], monkeypatch) == 0
    assert "already imported" in capsys.readouterr().out
    (tmp_path / "junk.bundle").write_bytes(b"not a bundle at all")
    junk = str(tmp_path / "junk.bundle")
    assert _run(["--data-dir", hq_dir, "bundle", "import", junk], monkeypatch) == 4
