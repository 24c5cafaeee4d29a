"""Merging duplicate clients (issue 19): a manager merges two clients; cases, consents and
documents move to the kept one; the other becomes a tombstone pointing to it; the merge syncs;
a record arriving later for the merged-away client lands on the kept one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, cli_as
from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput
from legalaid_desktop.domain.errors import InputRejected, NotFound, PermissionDenied
from legalaid_desktop.store.models import Case, Client, Consent
from legalaid_desktop.sync.records import record_from_row, table_specs
from sync_support import (
    add_case,
    audit_actions,
    channel,
    enroll,
    jsonl,
    make_node,
    node_keys,
    parts_with,
    pinned,
    snapshot,
    stamp,
    sync,
    write,
)


def _number(session: app.AppSession, client_id: str) -> str:
    return session.clients.get(client_id).number


def test_a_merge_moves_everything_and_leaves_a_pointer(admin_session: app.AppSession) -> None:
    keep, keep_case = add_case(admin_session)
    other, other_case = add_case(
        admin_session, name="Aliyev Rashad Ismayil oglu", phone="+994 50 123 45 67"
    )
    admin_session.records.add_attachment(other_case, "ərizə.pdf", b"%PDF-1.4 scan")
    result = admin_session.merges.merge(keep, _number(admin_session, other))
    # the case's document goes with the case; none was the client's own
    assert (result.cases, result.consents, result.documents) == (1, 1, 0)
    moved = admin_session.cases.get(other_case)
    assert moved.client.id == keep and [a.file_name for a in moved.attachments] == ["ərizə.pdf"]
    with admin_session.ws.read() as s:
        gone = s.get(Client, other)
        assert gone is not None and gone.merged_into == keep and gone.deleted_hlc is not None
        assert {c.client_id for c in s.scalars(select(Consent))} == {keep}
        assert {c.client_id for c in s.scalars(select(Case))} == {keep}
    with pytest.raises(NotFound):
        admin_session.clients.get(other)
    # the client's list and search show one person with both cases
    page = admin_session.cases.list(client_id=keep)
    assert {r.number for r in page.rows} == {keep_case, other_case}
    hits = admin_session.search.search("Aliyev Rashad")
    assert all(other not in repr(h) for h in hits)
    history = admin_session.history.client_history(keep)
    assert any(e.field == "merged_from" and e.new_value == result.merged_number for e in history)
    assert "clients_merged" in audit_actions(admin_session)


def test_what_cannot_be_merged_changes_nothing(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    keep, _case = add_case(admin_session)
    other, _other_case = add_case(
        admin_session, name="Quliyev Orxan Fuad oğlu", phone="+994 55 111 22 33"
    )
    tables = ("clients", "cases", "consents", "corrections", "change_log")
    before = snapshot(admin_session, tables)
    with pytest.raises(InputRejected, match="themselves"):
        admin_session.merges.merge(keep, keep)
    with pytest.raises(NotFound):
        admin_session.merges.merge(keep, "GNJ-C-99999")
    admin_session.clients.withdraw_purpose(other, "store_process")
    before = snapshot(admin_session, tables)
    with pytest.raises(InputRejected):
        admin_session.merges.merge(keep, other)
    assert snapshot(admin_session, tables) == before
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    leyla = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    with pytest.raises(PermissionDenied):
        leyla.merges.merge(keep, other)
    leyla.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Path, app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    try:
        enroll(hq, gnj, tmp_path)
        yield tmp_path, hq, gnj
    finally:
        hq.close()
        gnj.close()


_counter = iter(range(1, 1_000_000))


def _up(folder: Path, hq: app.AppSession, gnj: app.AppSession) -> Any:
    path = sync(gnj).export(folder / f"up-{next(_counter)}.bundle").path
    return sync(hq).import_bundle(path)


def test_the_merge_syncs_and_a_late_record_lands_on_the_kept_client(
    world: tuple[Path, app.AppSession, app.AppSession],
) -> None:
    folder, hq, gnj = world
    keep, _keep_case = add_case(gnj)
    other, other_case = add_case(gnj, name="Aliyev Rashad Ismayil oglu", phone="+994 50 111 11 11")
    assert _up(folder, hq, gnj).refused == 0
    gnj.merges.merge(keep, other)
    result = _up(folder, hq, gnj)
    assert result.refused == 0 and result.quarantined == 0
    assert hq.cases.get(other_case).client.id == keep
    with hq.ws.read() as s:
        gone = s.get(Client, other)
        assert gone is not None and gone.merged_into == keep and gone.deleted_hlc is not None
    # a case for the merged-away client, made before the merge was known (a crafted bundle
    # as a second laptop of the center could send), arrives at HQ on the kept client
    spec = table_specs()["cases"]
    with gnj.ws.read() as s:
        row = s.execute(select(spec.table).where(spec.table.c.number == other_case)).mappings()
        record, _content = record_from_row(spec, row.one())
    late = json.loads(json.dumps(record))
    late["id"] = "01900000-0000-7000-8000-0000000a1a7e"
    number = other_case[:-4] + "0999"
    late["g"]["core"]["v"].update(number=number, client_id=other)
    c = stamp("GNJ", ahead_ms=1000)
    for group in late["g"].values():
        group["c"] = c
    seq, prev = channel(hq, "GNJ")
    path = write(
        folder / "late.bundle",
        node_keys(gnj).private,
        pinned(gnj, "BAK"),
        parts_with(jsonl([late]), "GNJ"),
        seq=seq + 1,
        prev_hash=prev,
    )
    imported = sync(hq).import_bundle(path)
    assert imported.refused == 0 and imported.inserted == 1
    assert hq.cases.get(number).client.id == keep


def test_the_command_line(
    admin_session: app.AppSession,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keep, _case = add_case(admin_session)
    other, _other_case = add_case(admin_session, name="Aliyev Rashad", phone="+994 50 222 22 22")
    keep_number, other_number = _number(admin_session, keep), _number(admin_session, other)
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.close()
    run = cli_as(data_dir, LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)
    code, _out, err = run("client", "merge", keep_number, other_number)
    assert code == 5 and len(err.strip().splitlines()) == 1
    run = cli_as(data_dir, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    code, out, err = run("--json", "client", "merge", keep_number, other_number)
    assert code == 0, err
    assert json.loads(out)["cases"] == 1
    code, _out, err = run("client", "merge", keep_number, other_number)
    assert code == 4 and other_number in err
    code, out, _err = run("--lang", "en", "client", "history", keep_number)
    assert "Merged with the client" in out and other_number in out
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        opened = session.cases.open(
            CaseInput(client_id=keep, legal_area="family", summary="Yeni müraciət")
        )
        assert opened.client.id == keep
    finally:
        session.close()
