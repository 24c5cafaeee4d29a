"""What :meth:`MergeHistory.load` reads back from a real store, and the questions it answers.

The merge rules (tests/unit/test_merge_rules.py) are checked against a history written as plain
values; here the history is loaded from the change log, the conflict log and the bundle table of
a real SQLCipher store, so a load that drops, mixes up or invents entries (another table's, an
incoming bundle, another peer's, a batch left out) makes a wrong merge decision visible.
"""

from __future__ import annotations

import uuid

from sqlalchemy import event, select

from legalaid_desktop import app
from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.store.models import ChangeLog, ConflictEntry, SyncBundle
from legalaid_desktop.sync.history import AckedBundle, ChangeEntry, MergeHistory

ME, PEER, OTHER = "GNJ", "BAK", "QBA"


def at(ms: int, node: str) -> str:
    return HLC(1_780_000_000_000 + ms, 0, node).encode()


OTHER_ROW = str(uuid.UUID(int=9999))


def ids(count: int) -> list[str]:
    """``count`` row ids in their sorted order (the order load batches them in)."""
    return sorted(str(uuid.UUID(int=n + 1)) for n in range(count))


def _bundle(
    direction: str, peer: str, seq: int, *, imported: str | None, **extra: object
) -> SyncBundle:
    return SyncBundle(
        id=str(uuid.uuid4()),
        direction=direction,
        peer=peer,
        seq=seq,
        bundle_hash=f"{seq:064x}",
        created="2026-06-01T00:00:00.000Z",
        processed_at="2026-06-01T00:00:00.000Z",
        peer_import_hlc=imported,
        status="acknowledged" if imported else "exported",
        **extra,
    )


def _conflict(table: str, row_id: str, group: str, local: str | None, remote: str) -> ConflictEntry:
    return ConflictEntry(
        id=str(uuid.uuid4()),
        table_name=table,
        row_id=row_id,
        field_group=group,
        kind="edit_edit",
        local_hlc=local,
        remote_hlc=remote,
        winner="remote",
        peer=PEER,
        detected_at="2026-06-01T00:00:00.000Z",
    )


def test_load_reads_every_batch_of_rows_and_only_the_asked_table(
    admin_session: app.AppSession,
) -> None:
    rows = ids(1203)  # three batches of up to 500: the first, a middle and the last row are logged
    first, middle, last = rows[0], rows[700], rows[-1]
    with admin_session.ws.write() as s:
        s.add(
            ChangeLog(
                table_name="deadlines",
                row_id=first,
                hlc=at(1, ME),
                groups=["deadline"],
                origin_node=ME,
            )
        )
        s.add(
            ChangeLog(
                table_name="deadlines",
                row_id=middle,
                hlc=at(2, PEER),
                groups=["done", "deadline"],
                origin_node=PEER,
            )
        )
        s.add(
            ChangeLog(
                table_name="deadlines",
                row_id=last,
                hlc=at(3, OTHER),
                groups=None,
                origin_node=OTHER,
            )
        )
        # The same row id in another table: not part of the deadlines' history.
        s.add(
            ChangeLog(
                table_name="cases", row_id=first, hlc=at(4, ME), groups=["status"], origin_node=ME
            )
        )
        s.add(_conflict("deadlines", first, "deadline", at(1, ME), at(9, PEER)))
        s.add(_conflict("deadlines", last, "done", None, at(8, PEER)))
        s.add(_conflict("cases", middle, "status", at(5, ME), at(6, PEER)))
        # A row of the same table that was not asked for: its history is not loaded.
        s.add(
            ChangeLog(
                table_name="deadlines",
                row_id=OTHER_ROW,
                hlc=at(7, ME),
                groups=["done"],
                origin_node=ME,
            )
        )
        s.add(_conflict("deadlines", OTHER_ROW, "done", at(7, ME), at(8, PEER)))
    with admin_session.ws.read() as s:
        seqs = {
            row_id: seq
            for row_id, seq in s.execute(
                select(ChangeLog.row_id, ChangeLog.seq).where(ChangeLog.table_name == "deadlines")
            )
        }
        statements: list[str] = []
        engine = s.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            # Ids given twice and out of order are loaded once.
            history = MergeHistory.load(s, PEER, {"deadlines": [*reversed(rows), middle]})
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    # A few queries per batch of rows (two logs each) and one for the acknowledgements, not a
    # few per row: an import of a large bundle stays fast.
    assert len(statements) <= 3 * 2 + 1

    assert history.peer == PEER
    assert history.changes == {
        ("deadlines", first, at(1, ME)): ChangeEntry(seqs[first], ME, frozenset({"deadline"})),
        ("deadlines", middle, at(2, PEER)): ChangeEntry(
            seqs[middle], PEER, frozenset({"done", "deadline"})
        ),
        ("deadlines", last, at(3, OTHER)): ChangeEntry(seqs[last], OTHER, frozenset()),
    }
    assert history.conflicts == {
        ("deadlines", first, "deadline", at(1, ME), at(9, PEER)),
        ("deadlines", last, "done", None, at(8, PEER)),
    }
    assert history.known("deadlines", middle, "done", at(2, PEER))
    assert not history.known("deadlines", first, "status", at(4, ME))
    assert history.logged("deadlines", first, "deadline", at(1, ME), at(9, PEER))
    assert not history.logged("deadlines", middle, "status", at(5, ME), at(6, PEER))


def test_load_of_one_row_and_of_no_rows(admin_session: app.AppSession) -> None:
    (row,) = ids(1)
    with admin_session.ws.write() as s:
        s.add(
            ChangeLog(
                table_name="deadlines",
                row_id=row,
                hlc=at(1, ME),
                groups=["deadline"],
                origin_node=ME,
            )
        )
    with admin_session.ws.read() as s:
        one = MergeHistory.load(s, PEER, {"deadlines": [row]})
        none = MergeHistory.load(s, PEER, {})
    assert list(one.changes) == [("deadlines", row, at(1, ME))]
    assert none.changes == {} and none.conflicts == set()


def test_load_keeps_only_our_bundles_to_this_peer_that_it_acknowledged(
    admin_session: app.AppSession,
) -> None:
    with admin_session.ws.write() as s:
        s.add(_bundle("out", PEER, 1, imported=at(15, PEER), max_change_seq=7, max_hlc=at(10, ME)))
        s.add(_bundle("out", PEER, 2, imported=None, max_change_seq=9, max_hlc=at(12, ME)))
        s.add(
            _bundle("out", OTHER, 1, imported=at(16, OTHER), max_change_seq=8, max_hlc=at(11, ME))
        )
        s.add(_bundle("in", PEER, 1, imported=at(17, PEER), max_change_seq=3, max_hlc=at(13, PEER)))
        s.add(_bundle("out", PEER, 3, imported=at(18, PEER)))
    with admin_session.ws.read() as s:
        history = MergeHistory.load(s, PEER, {})
    assert sorted(history.acked, key=lambda b: b.peer_import_hlc) == [
        AckedBundle(7, at(10, ME), at(15, PEER)),
        AckedBundle(None, None, at(18, PEER)),
    ]


# -- the questions, on plain values ------------------------------------------------------------

ROW = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
CASE_ROW = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60"


def test_logged_with_a_local_stamp_matches_that_conflict_only() -> None:
    history = MergeHistory(PEER, conflicts={("deadlines", ROW, "deadline", at(1, ME), at(9, PEER))})
    assert history.logged("deadlines", ROW, "deadline", at(1, ME), at(9, PEER))
    # Another local stamp against the same remote one is another conflict, not yet logged.
    assert not history.logged("deadlines", ROW, "deadline", at(2, ME), at(9, PEER))
    assert not history.logged("deadlines", ROW, "deadline", at(1, ME), at(8, PEER))


def test_logged_without_a_local_stamp_matches_any_local_stamp_of_that_group_and_remote() -> None:
    history = MergeHistory(
        PEER,
        conflicts={
            ("deadlines", ROW, "deadline", at(1, ME), at(9, PEER)),
            ("deadlines", ROW, "done", None, at(7, PEER)),
        },
    )
    assert history.logged("deadlines", ROW, "deadline", None, at(9, PEER))
    assert history.logged("deadlines", ROW, "done", None, at(7, PEER))
    assert not history.logged("deadlines", ROW, "deadline", None, at(7, PEER))  # other remote
    assert not history.logged("deadlines", ROW, "done", None, at(9, PEER))  # other group
    assert not history.logged("cases", ROW, "deadline", None, at(9, PEER))  # other table
    assert not history.logged("deadlines", CASE_ROW, "deadline", None, at(9, PEER))  # other row
    assert not MergeHistory(PEER).logged("deadlines", ROW, "deadline", None, at(9, PEER))


def _with_entry(origin: str, seq: int, *acked: AckedBundle) -> MergeHistory:
    changes = {("deadlines", ROW, at(10, ME)): ChangeEntry(seq, origin, frozenset({"deadline"}))}
    return MergeHistory(PEER, changes=changes, acked=list(acked))


def test_peer_knew_a_stamp_it_made_or_sent_us() -> None:
    assert MergeHistory(PEER).peer_knew("deadlines", ROW, at(10, PEER), at(20, PEER))
    assert not MergeHistory(PEER).peer_knew("deadlines", ROW, at(10, OTHER), at(20, PEER))
    assert _with_entry(PEER, 7).peer_knew("deadlines", ROW, at(10, ME), at(20, PEER))
    assert not _with_entry(OTHER, 7).peer_knew("deadlines", ROW, at(10, ME), at(20, PEER))
    # The entry is looked up by its own row: another row's entry says nothing.
    assert not _with_entry(PEER, 7).peer_knew("deadlines", CASE_ROW, at(10, ME), at(20, PEER))


def test_peer_knew_our_stamp_from_a_bundle_carrying_exactly_its_change() -> None:
    # The bundle's last change is the stamp's own change: it carried it.
    exact = _with_entry(ME, 7, AckedBundle(7, at(10, ME), at(15, PEER)))
    assert exact.peer_knew("deadlines", ROW, at(10, ME), at(20, PEER))
    # One change short: the bundle did not carry it.
    short = _with_entry(ME, 8, AckedBundle(7, at(30, ME), at(15, PEER)))
    assert not short.peer_knew("deadlines", ROW, at(10, ME), at(20, PEER))
    # A bundle whose changes are unknown proves nothing (and does not break the check).
    unknown = _with_entry(ME, 7, AckedBundle(None, at(30, ME), at(15, PEER)))
    assert not unknown.peer_knew("deadlines", ROW, at(10, ME), at(20, PEER))


def test_peer_knew_a_stamp_from_before_the_change_log_by_the_bundles_stamps() -> None:
    def knew(*acked: AckedBundle) -> bool:
        return MergeHistory(PEER, acked=list(acked)).peer_knew(
            "deadlines", ROW, at(10, ME), at(20, PEER)
        )

    assert knew(AckedBundle(None, at(10, ME), at(15, PEER)))  # its top stamp is ours: carried
    assert not knew(AckedBundle(None, at(9, ME), at(15, PEER)))  # older than ours
    assert not knew(AckedBundle(3, None, at(15, PEER)))  # stamps unknown: proves nothing
    assert not knew(AckedBundle(None, at(10, ME), at(25, PEER)))  # imported after the edit
    assert not knew()
