"""What merging a whole record gives: several groups at once, new rows, attachments, clients.

tests/unit/test_merge_rules.py checks each rule on one field group of a deadline; here a
record carries several groups (each judged on its own: one group left alone must not stop
the next), a new row is inserted with everything the importer writes, an attachment's content
travels as its SHA-256 and is stored as its bytes, and a client's sort key follows its name.
No database: the history is plain values, as the importer would load it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.sync.history import ChangeEntry, MergeHistory
from legalaid_desktop.sync.merge import EDIT_EDIT, MergeContext, merge_record
from legalaid_desktop.sync.records import Record, table_specs
from legalaid_desktop.text.collation import sort_string

ME, PEER = "BAK", "GNJ"
ROW = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
CASE = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60"
CREATED = {"created_at": "2026-01-05T10:00:00.000Z"}
DEADLINE = {"case_id": CASE, "due_on": "2026-03-01", "description": "Appeal"}


def at(ms: int, node: str) -> str:
    return HLC(1_780_000_000_000 + ms, 0, node).encode()


def make(
    table: str, groups: dict[str, tuple[str, dict[str, Any]]], deleted: str | None = None
) -> Record:
    return Record(
        line=1,
        spec=table_specs()[table],
        id=ROW,
        origin=PEER,
        updated_by="peer-user",
        extras=dict(CREATED),
        groups=groups,
        deleted=deleted,
        raw={},
        stamps=[HLC.decode(stamp) for stamp, _values in groups.values()],
    )


def ctx(
    history: MergeHistory | None = None, attachments: dict[str, bytes] | None = None
) -> MergeContext:
    return MergeContext(
        history or MergeHistory(PEER), "2026-06-01T00:00:00.000Z", attachments or {}
    )


def deadline_row(clocks: dict[str, str], done: bool = False, **values: Any) -> dict[str, Any]:
    return {"id": ROW, "clocks": clocks, "deleted_hlc": None, "done": done, **DEADLINE, **values}


# -- several groups: each is judged on its own ------------------------------------------------


def test_a_group_already_current_does_not_stop_the_next() -> None:
    local = deadline_row({"deadline": at(10, ME), "done": at(10, ME)})
    incoming = make(
        "deadlines", {"deadline": (at(10, ME), DEADLINE), "done": (at(20, PEER), {"done": True})}
    )
    out = merge_record(incoming, local, ctx())
    assert out.row is not None and out.row["done"] is True
    assert out.applied == {at(20, PEER): ["done"]}
    assert out.row["clocks"] == {"deadline": at(10, ME), "done": at(20, PEER)}
    assert out.changed_fields == {"done"}


def test_an_older_group_with_the_same_values_does_not_stop_the_next() -> None:
    local = deadline_row({"deadline": at(30, ME), "done": at(10, PEER)})
    incoming = make(
        "deadlines", {"deadline": (at(20, PEER), DEADLINE), "done": (at(25, PEER), {"done": True})}
    )
    out = merge_record(incoming, local, ctx())
    assert out.row is not None and out.row["done"] is True and not out.conflicts


def test_an_older_group_known_here_does_not_stop_the_next() -> None:
    older = at(20, PEER)
    history = MergeHistory(
        PEER, changes={("deadlines", ROW, older): ChangeEntry(3, PEER, frozenset({"deadline"}))}
    )
    local = deadline_row({"deadline": at(30, ME), "done": at(10, PEER)}, due_on="2026-04-01")
    incoming = make(
        "deadlines", {"deadline": (older, DEADLINE), "done": (at(25, PEER), {"done": True})}
    )
    out = merge_record(incoming, local, ctx(history))
    assert out.row is not None and out.row["done"] is True and not out.conflicts
    assert "due_on" not in out.row


def test_two_groups_in_conflict_are_two_conflicts() -> None:
    local = deadline_row({"deadline": at(10, ME), "done": at(11, ME)})
    theirs = {**DEADLINE, "due_on": "2026-05-05"}
    incoming = make(
        "deadlines", {"deadline": (at(20, PEER), theirs), "done": (at(21, PEER), {"done": True})}
    )
    out = merge_record(incoming, local, ctx())
    assert [(c["field_group"], c["kind"]) for c in out.conflicts] == [
        ("deadline", EDIT_EDIT),
        ("done", EDIT_EDIT),
    ]
    assert out.conflicts[0]["id"] != out.conflicts[1]["id"]
    assert out.applied == {at(20, PEER): ["deadline"], at(21, PEER): ["done"]}


# -- new rows -----------------------------------------------------------------------------------


def test_a_new_deleted_row_arrives_with_its_tombstone() -> None:
    stamp, done, gone = at(10, PEER), at(11, PEER), at(30, PEER)
    incoming = make(
        "deadlines", {"deadline": (stamp, DEADLINE), "done": (done, {"done": False})}, gone
    )
    out = merge_record(incoming, None, ctx())
    assert out.insert and out.row is not None
    assert out.row == {
        "id": ROW,
        "origin_node": PEER,
        "updated_by": "peer-user",
        "deleted_hlc": gone,
        **CREATED,
        **DEADLINE,
        "done": False,
        "clocks": {"deadline": stamp, "done": done, "_deleted": gone},
        "hlc": gone,
    }
    assert out.applied == {stamp: ["deadline"], done: ["done"], gone: ["_deleted"]}
    assert out.changed_fields == {"case_id", "due_on", "description", "done"}


def client_values(name: str) -> dict[str, dict[str, Any]]:
    return {
        "identity": {"full_name": name, "gender": "F", "birth_year": 1980},
        "contact": {"phone": "+994 50 000 00 00", "address": "Gəncə"},
        "profile": {"region": "Gəncə", "displacement": "", "disability": "", "referral_source": ""},
        "owner": {"node_code": PEER},
        "organization": {
            "kind": "person",
            "registration": "",
            "contact_person": "",
            "members": None,
        },
        "merge": {"merged_into": None},
    }


def test_a_new_client_gets_its_sort_key_and_is_not_flagged_for_review() -> None:
    name = "Əliyeva İlahə Rəşid qızı"
    values = client_values(name)
    incoming = make(
        "clients", {g: (at(10 + i, PEER), v) for i, (g, v) in enumerate(values.items())}
    )
    out = merge_record(incoming, None, ctx())
    assert out.row is not None and out.insert
    assert out.row["name_sort"] == sort_string(name)
    assert out.row["needs_review"] is False


def test_a_renamed_client_gets_a_new_sort_key_and_a_new_phone_keeps_it() -> None:
    values = client_values("Əliyeva İlahə")
    clocks = {g: at(10, ME) for g in values}
    local = {
        "id": ROW,
        "clocks": clocks,
        "deleted_hlc": None,
        "name_sort": sort_string("Əliyeva İlahə"),
    }
    for group_values in values.values():
        local.update(group_values)

    renamed = {**values["identity"], "full_name": "Quliyeva İlahə"}
    out = merge_record(make("clients", {"identity": (at(20, PEER), renamed)}), local, ctx())
    assert out.row is not None and out.row["name_sort"] == sort_string("Quliyeva İlahə")

    phone = {**values["contact"], "phone": "+994 55 111 11 11"}
    out = merge_record(make("clients", {"contact": (at(20, PEER), phone)}), local, ctx())
    assert out.row is not None and out.row["phone"] == "+994 55 111 11 11"
    assert "name_sort" not in out.row and "full_name" not in out.row


# -- attachments: the content travels as its SHA-256 -------------------------------------------


CONTENT = b"%PDF-1.7 the court's decision"
SHA = hashlib.sha256(CONTENT).hexdigest()


def file_values(sha: str, name: str = "decision.pdf") -> dict[str, Any]:
    return {
        "case_id": CASE,
        "client_id": None,
        "file_name": name,
        "media_type": "application/pdf",
        "size": len(CONTENT),
        "sha256": sha,
        "content": sha,
    }


def attachment_row(clock: str, content: bytes = CONTENT) -> dict[str, Any]:
    sha = hashlib.sha256(content).hexdigest()
    return {
        "id": ROW,
        "clocks": {"file": clock},
        "deleted_hlc": None,
        **file_values(sha),
        "content": content,
    }


def test_a_new_attachment_is_stored_with_its_bytes() -> None:
    out = merge_record(
        make("attachments", {"file": (at(10, PEER), file_values(SHA))}),
        None,
        ctx(attachments={SHA: CONTENT}),
    )
    assert out.row is not None and out.row["content"] == CONTENT and out.row["sha256"] == SHA


def test_an_attachment_restamped_with_the_same_content_changes_nothing() -> None:
    out = merge_record(
        make("attachments", {"file": (at(20, PEER), file_values(SHA))}),
        attachment_row(at(10, ME)),
        ctx(),
    )
    assert not out.conflicts and out.changed_fields == set()
    assert out.row is not None and "content" not in out.row


def test_an_older_attachment_with_the_same_content_is_no_conflict() -> None:
    out = merge_record(
        make("attachments", {"file": (at(10, PEER), file_values(SHA))}),
        attachment_row(at(20, ME)),
        ctx(),
    )
    assert not out.conflicts and out.row is None


def test_a_renamed_attachment_keeps_its_bytes_and_a_new_content_brings_its_own() -> None:
    renamed = merge_record(
        make("attachments", {"file": (at(20, PEER), file_values(SHA, "appeal.pdf"))}),
        attachment_row(at(10, ME)),
        ctx(attachments={SHA: CONTENT}),
    )
    assert renamed.row is not None and renamed.changed_fields == {"file_name"}
    assert renamed.row["content"] == CONTENT

    new = b"%PDF-1.7 the appeal"
    new_sha = hashlib.sha256(new).hexdigest()
    replaced = merge_record(
        make("attachments", {"file": (at(20, PEER), file_values(new_sha))}),
        attachment_row(at(10, PEER)),
        ctx(attachments={new_sha: new}),
    )
    assert replaced.row is not None and replaced.row["content"] == new
    assert replaced.changed_fields == {"sha256", "content"}
    # A concurrent change of the content is logged with the SHA-256 on both sides, not bytes.
    conflict = merge_record(
        make("attachments", {"file": (at(20, PEER), file_values(new_sha))}),
        attachment_row(at(10, ME)),
        ctx(attachments={new_sha: new}),
    ).conflicts
    assert [(c["local_value"]["content"], c["remote_value"]["content"]) for c in conflict] == [
        (SHA, new_sha)
    ]
