"""The merge rules of docs/sync.md §6, one row each, against the pure :func:`merge_record`.

No database: the history the importer would load (:class:`MergeHistory`) is written here as
plain values. Each row names the rule it checks; planting a bug in any rule of
``sync/merge.py`` (or ``sync/history.py``) fails at least one row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.store.models import ConflictEntry
from legalaid_desktop.sync.history import AckedBundle, ChangeEntry, MergeHistory
from legalaid_desktop.sync.merge import (
    EDIT_DELETE,
    EDIT_EDIT,
    IncompleteRecord,
    MergeContext,
    merge_record,
)
from legalaid_desktop.sync.records import Record, table_specs

ME, PEER, OTHER = "BAK", "GNJ", "QBA"
ROW = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
CASE = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60"
OLD = {"case_id": CASE, "due_on": "2026-03-01", "description": "Appeal"}
NEW = {"case_id": CASE, "due_on": "2026-03-08", "description": "Appeal to the court"}
DETECTED = "2026-06-01T00:00:00.000Z"


def at(ms: int, node: str) -> str:
    """A stamp ``ms`` milliseconds into the test's day, made by ``node``."""
    return HLC(1_780_000_000_000 + ms, 0, node).encode()


def record(groups: dict[str, tuple[str, dict[str, Any]]], deleted: str | None = None) -> Record:
    spec = table_specs()["deadlines"]
    return Record(
        line=1,
        spec=spec,
        id=ROW,
        origin=ME,
        updated_by="peer-user",
        extras={"created_at": "2026-01-05T10:00:00.000Z"},
        groups=groups,
        deleted=deleted,
        raw={},
        stamps=[HLC.decode(stamp) for stamp, _values in groups.values()],
    )


def local_row(
    clock: str | None, values: dict[str, Any], deleted: str | None = None
) -> dict[str, Any]:
    """The local row; ``clock`` None: the deadline group has no stamp here (a newer group)."""
    clocks = {"done": at(0, ME)}
    if clock is not None:
        clocks["deadline"] = clock
    if deleted is not None:
        clocks["_deleted"] = deleted
    return {"id": ROW, "clocks": clocks, "deleted_hlc": deleted, "done": False, **values}


@dataclass(frozen=True)
class Rule:
    """One rule: the local row, the incoming group, what the peer's history says, the result.

    ``applied`` is the due date the row gets (``None``: the group is not applied), ``conflicts``
    the ``(kind, winner)`` logged.
    """

    name: str
    lc: str | None
    mine: dict[str, Any] | None
    rc: str
    theirs: dict[str, Any]
    applied: str | None
    conflicts: tuple[tuple[str, str], ...] = ()
    local_deleted: str | None = None
    remote_deleted: str | None = None
    deleted_after: str | None = None
    changes: dict[tuple[str, str, str], ChangeEntry] = field(default_factory=dict)
    logged: frozenset[tuple[str, str, str, str | None, str | None]] = frozenset()
    acked: tuple[AckedBundle, ...] = ()


def _entry(stamp: str, origin: str, seq: int = 7) -> dict[tuple[str, str, str], ChangeEntry]:
    return {("deadlines", ROW, stamp): ChangeEntry(seq, origin, frozenset({"deadline"}))}


RULES = [
    Rule(
        "rc == lc: nothing, even when the values differ",
        at(10, OTHER),
        OLD,
        at(10, OTHER),
        NEW,
        applied=None,
    ),
    Rule(
        "rc > lc, acknowledged in any bundle the peer imported before rc: no conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        changes=_entry(at(10, ME), ME),
        acked=(AckedBundle(8, at(10, ME), at(25, PEER)), AckedBundle(7, at(10, ME), at(15, PEER))),
    ),
    Rule(
        "an edit_delete conflict is logged once",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        local_deleted=at(15, ME),
        deleted_after=at(15, ME),
        logged=frozenset({("deadlines", ROW, "deadline", at(15, ME), at(20, PEER))}),
    ),
    Rule(
        "rc > lc, same values: the stamp moves, no conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        OLD,
        applied="2026-03-01",
    ),
    Rule(
        "rc > lc, concurrent edits: remote wins, edit_edit logged",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        conflicts=((EDIT_EDIT, "remote"),),
    ),
    Rule(
        "rc > lc, lc made by the peer: a successor, no conflict",
        at(10, PEER),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
    ),
    Rule(
        "rc > lc, lc came to us from the peer: no conflict",
        at(10, OTHER),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        changes=_entry(at(10, OTHER), PEER),
    ),
    Rule(
        "rc > lc, lc went to the peer in a bundle it imported before rc: no conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        changes=_entry(at(10, ME), ME),
        acked=(AckedBundle(7, at(10, ME), at(15, PEER)),),
    ),
    Rule(
        "rc > lc, the peer imported lc only after rc: a conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        conflicts=((EDIT_EDIT, "remote"),),
        changes=_entry(at(10, ME), ME),
        acked=(AckedBundle(7, at(10, ME), at(25, PEER)),),
    ),
    Rule(
        "rc > lc, lc newer than every acknowledged bundle: a conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        conflicts=((EDIT_EDIT, "remote"),),
        changes=_entry(at(10, ME), ME, seq=9),
        acked=(AckedBundle(7, at(5, ME), at(15, PEER)),),
    ),
    Rule(
        "rc > lc, lc before the change log: acknowledged by stamp, no conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        acked=(AckedBundle(None, at(12, ME), at(15, PEER)),),
    ),
    Rule(
        "a conflict is logged once",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        logged=frozenset({("deadlines", ROW, "deadline", at(10, ME), at(20, PEER))}),
    ),
    Rule(
        "rc < lc, concurrent edits: local wins, edit_edit logged",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        conflicts=((EDIT_EDIT, "local"),),
    ),
    Rule("rc < lc, same values: nothing", at(20, ME), OLD, at(10, PEER), OLD, applied=None),
    Rule(
        "rc < lc, lc made by the peer: no conflict",
        at(20, PEER),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
    ),
    Rule(
        "rc < lc, rc applied here before (a re-sent row): no conflict",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        changes=_entry(at(10, PEER), PEER),
    ),
    Rule(
        "rc < lc, rc known for another group only: a conflict",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        conflicts=((EDIT_EDIT, "local"),),
        changes={("deadlines", ROW, at(10, PEER)): ChangeEntry(7, PEER, frozenset({"done"}))},
    ),
    Rule(
        "tombstone sticky: an edit the peer made unaware of our deletion is edit_delete, "
        "applied under the tombstone",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        conflicts=((EDIT_DELETE, "local"),),
        local_deleted=at(15, ME),
        deleted_after=at(15, ME),
    ),
    Rule(
        "tombstone: an edit of an already known stamp is not a conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        local_deleted=at(15, ME),
        deleted_after=at(15, ME),
        changes=_entry(at(20, PEER), PEER),
    ),
    Rule(
        "both deleted, the peer knew our deletion: no conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        local_deleted=at(15, PEER),
        remote_deleted=at(15, PEER),
        deleted_after=at(15, PEER),
    ),
    Rule(
        "the peer deletes, unaware of a newer local edit: edit_delete, deleted",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        conflicts=((EDIT_DELETE, "remote"),),
        remote_deleted=at(30, PEER),
        deleted_after=at(30, PEER),
    ),
    Rule(
        "the peer deletes a row it had seen: deleted, no conflict",
        at(10, PEER),
        OLD,
        at(10, PEER),
        OLD,
        applied=None,
        remote_deleted=at(30, PEER),
        deleted_after=at(30, PEER),
    ),
    Rule(
        "rc < lc, deleted here, an older remote edit: edit_delete, local wins",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        conflicts=((EDIT_DELETE, "local"),),
        local_deleted=at(25, ME),
        deleted_after=at(25, ME),
    ),
    Rule(
        "rc > lc, lc absent here (a group this row never had): applied, no conflict",
        None,
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
    ),
    Rule(
        "rc > lc, a conflict of lc with another remote stamp is logged: this one is new",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        conflicts=((EDIT_EDIT, "remote"),),
        logged=frozenset({("deadlines", ROW, "deadline", at(5, ME), at(20, PEER))}),
    ),
    Rule(
        "tombstone: an edit_edit of the same remote stamp logged before is not this "
        "edit_delete conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        conflicts=((EDIT_DELETE, "local"),),
        local_deleted=at(15, ME),
        deleted_after=at(15, ME),
        logged=frozenset({("deadlines", ROW, "deadline", at(10, ME), at(20, PEER))}),
    ),
    Rule(
        "both deleted, the peer imported our deletion before its edit: no conflict",
        at(10, ME),
        OLD,
        at(20, PEER),
        NEW,
        applied="2026-03-08",
        local_deleted=at(15, ME),
        remote_deleted=at(15, ME),
        deleted_after=at(15, ME),
        changes={("deadlines", ROW, at(15, ME)): ChangeEntry(7, ME, frozenset({"_deleted"}))},
        acked=(AckedBundle(7, None, at(17, PEER)),),
    ),
    Rule(
        "both deleted with the same stamp, nothing newer: nothing changes",
        at(10, PEER),
        OLD,
        at(10, PEER),
        OLD,
        applied=None,
        local_deleted=at(15, ME),
        remote_deleted=at(15, ME),
        deleted_after=at(15, ME),
    ),
    Rule(
        "rc < lc, concurrent edits logged before: not logged again",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        logged=frozenset({("deadlines", ROW, "deadline", at(20, ME), at(10, PEER))}),
    ),
    Rule(
        "rc < lc, the same remote stamp logged against another local one: a new conflict",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        conflicts=((EDIT_EDIT, "local"),),
        logged=frozenset({("deadlines", ROW, "deadline", at(5, ME), at(10, PEER))}),
    ),
    Rule(
        "the peer deletes unaware of a local edit, logged before: not logged again",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        remote_deleted=at(30, PEER),
        deleted_after=at(30, PEER),
        logged=frozenset({("deadlines", ROW, "deadline", at(20, ME), at(30, PEER))}),
    ),
    Rule(
        "the peer deletes unaware of a local edit, another edit of ours logged: a new conflict",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        conflicts=((EDIT_DELETE, "remote"),),
        remote_deleted=at(30, PEER),
        deleted_after=at(30, PEER),
        logged=frozenset({("deadlines", ROW, "deadline", at(5, ME), at(30, PEER))}),
    ),
    Rule(
        "rc < lc, deleted here, the older remote edit logged before: not logged again",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        local_deleted=at(25, ME),
        deleted_after=at(25, ME),
        logged=frozenset({("deadlines", ROW, "deadline", at(25, ME), at(10, PEER))}),
    ),
    Rule(
        "rc < lc, deleted here, only an edit_edit of the remote stamp logged: a new conflict",
        at(20, ME),
        NEW,
        at(10, PEER),
        OLD,
        applied=None,
        conflicts=((EDIT_DELETE, "local"),),
        local_deleted=at(25, ME),
        deleted_after=at(25, ME),
        logged=frozenset({("deadlines", ROW, "deadline", at(20, ME), at(10, PEER))}),
    ),
    Rule(
        "an older remote deletion does not move the tombstone",
        at(10, PEER),
        OLD,
        at(10, PEER),
        OLD,
        applied=None,
        local_deleted=at(40, ME),
        remote_deleted=at(30, PEER),
        deleted_after=at(40, ME),
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_merge_rule(rule: Rule) -> None:
    history = MergeHistory(PEER, dict(rule.changes), set(rule.logged), list(rule.acked))
    ctx = MergeContext(history, DETECTED)
    local = local_row(rule.lc, rule.mine or {}, rule.local_deleted)
    incoming = record({"deadline": (rule.rc, rule.theirs)}, rule.remote_deleted)
    out = merge_record(incoming, local, ctx)
    row = out.row or {}
    fields = table_specs()["deadlines"].groups["deadline"]
    mine = {name: local[name] for name in fields}
    if rule.applied is not None:
        assert row.get("due_on", local["due_on"]) == rule.applied
        assert out.applied.get(rule.rc) == ["deadline"]
        assert row["clocks"]["deadline"] == rule.rc
        assert out.changed_fields == {n for n in fields if rule.theirs[n] != mine[n]}
    else:
        assert rule.rc not in out.applied
        assert "due_on" not in row
        assert out.changed_fields == set()
    # Nothing applied and no new tombstone: no row change at all.
    changed = rule.applied is not None or rule.deleted_after != rule.local_deleted
    assert (out.row is not None) == changed
    if changed:
        assert row["clocks"]["done"] == local["clocks"]["done"]  # other groups keep their stamp
        assert row["hlc"] == max(row["clocks"].values())
        assert row["updated_by"] == "peer-user"
    assert tuple((c["kind"], c["winner"]) for c in out.conflicts) == rule.conflicts
    for conflict in out.conflicts:
        assert_conflict_row(conflict)
        if conflict["kind"] == EDIT_EDIT:
            expected = (mine, rule.theirs, rule.lc, rule.rc)
        elif conflict["winner"] == "local":  # an edit of the peer against our deletion
            expected = (None, rule.theirs, rule.local_deleted, rule.rc)
        else:  # the peer's deletion against our edit
            expected = (mine, None, rule.lc, rule.remote_deleted)
        got = ("local_value", "remote_value", "local_hlc", "remote_hlc")
        assert tuple(conflict[key] for key in got) == expected
    deleted_after = row.get("deleted_hlc", rule.local_deleted)
    assert deleted_after == rule.deleted_after
    assert out.deleted_now == (rule.local_deleted is None and rule.deleted_after is not None)
    if rule.deleted_after != rule.local_deleted:
        assert row["clocks"]["_deleted"] == rule.deleted_after
        assert out.applied[rule.deleted_after][-1] == "_deleted"


def assert_conflict_row(conflict: dict[str, Any]) -> None:
    """A conflict as it goes to the conflict log: every column, open, of this row and peer."""
    assert set(conflict) == set(ConflictEntry.__table__.c.keys())
    assert str(uuid.UUID(conflict["id"])) == conflict["id"]
    assert conflict["table_name"] == "deadlines" and conflict["row_id"] == ROW
    assert conflict["field_group"] == "deadline" and conflict["peer"] == PEER
    assert conflict["detected_at"] == DETECTED
    assert conflict["resolved_at"] is None and conflict["resolved_by"] is None
    assert conflict["resolution"] is None


def test_a_new_row_is_inserted_whole() -> None:
    ctx = MergeContext(MergeHistory(PEER), "2026-06-01T00:00:00.000Z")
    stamp, done = at(10, PEER), at(11, PEER)
    out = merge_record(
        record({"deadline": (stamp, NEW), "done": (done, {"done": True})}), None, ctx
    )
    assert out.insert and out.row is not None and not out.conflicts
    assert out.row["due_on"] == "2026-03-08" and out.row["done"] is True
    assert out.row["clocks"] == {"deadline": stamp, "done": done}
    assert out.row["hlc"] == done


def test_a_new_row_without_every_group_is_incomplete() -> None:
    ctx = MergeContext(MergeHistory(PEER), "2026-06-01T00:00:00.000Z")
    with pytest.raises(IncompleteRecord):
        merge_record(record({"deadline": (at(10, PEER), NEW)}), None, ctx)
