"""The screening of incoming records of a removed person (sync/erasure.py), without a database.

Each case is one rule of docs/sync.md §11: content in a removed field never merges; made
without knowing of the removal it loses (logged once, no values); made knowing of it, with a
newer stamp, the record is refused; the removal's own record and blank values pass.
"""

from __future__ import annotations

from typing import Any

from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.domain.retention import ANONYMIZED_NAME
from legalaid_desktop.sync.erasure import EMPTY_SHA256, REMOVED, Removals
from legalaid_desktop.sync.history import AckedBundle, ChangeEntry, MergeHistory
from legalaid_desktop.sync.records import Record, table_specs

ME, OWNER, OTHER = "BAK", "GNJ", "QBA"
CLIENT = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
ROW = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61"
CASE = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60"
NOW = "2026-06-01T10:00:00.000Z"


def at(ms: int, node: str) -> str:
    return HLC(1_780_000_000_000 + ms, 0, node).encode()


REMOVED_AT = at(1000, OWNER)


def consultation(stamp: str, notes: str) -> Record:
    content = {"notes": notes, "advice": "", "next_steps": ""}
    return Record(
        line=1,
        spec=table_specs()["consultations"],
        id=ROW,
        origin=OTHER,
        updated_by="lawyer",
        extras={},
        groups={"content": (stamp, content)},
        deleted=None,
        raw={"t": "consultations", "id": ROW, "g": {"content": {"h": stamp, "v": dict(content)}}},
        stamps=[HLC.decode(stamp)],
    )


def removals() -> Removals:
    out = Removals()
    out.kinds[CLIENT] = "anonymized"
    out.stamps[CLIENT] = REMOVED_AT
    out.owner[("consultations", ROW)] = CLIENT
    out.owner[("attachments", ROW)] = CLIENT
    out.owner[("clients", CLIENT)] = CLIENT
    return out


def history(peer: str, acked_before: str | None = None) -> MergeHistory:
    """HQ's history: the removal came from GNJ (change-log seq 7); optionally relayed to the
    peer in a bundle it imported at ``acked_before``."""
    h = MergeHistory(peer)
    h.changes[("clients", CLIENT, REMOVED_AT)] = ChangeEntry(7, OWNER, frozenset({"identity"}))
    if acked_before is not None:
        h.acked.append(AckedBundle(7, REMOVED_AT, acked_before))
    return h


LOCAL: dict[str, Any] = {"id": ROW, "notes": "", "advice": "", "next_steps": ""}


def test_an_older_edit_made_elsewhere_loses_and_is_logged_without_content() -> None:
    rec = consultation(at(500, OTHER), "Secret note")
    verdict, logged = removals().screen(rec, LOCAL, history(OTHER), NOW)
    assert verdict == "keep"
    assert rec.groups["content"][1]["notes"] == ""
    [entry] = logged
    assert (entry["kind"], entry["local_value"], entry["remote_value"]) == (REMOVED, None, None)
    assert (entry["winner"], entry["resolved_at"]) == ("local", NOW)


def test_a_newer_edit_made_without_knowing_loses_too() -> None:
    rec = consultation(at(2000, OTHER), "Concurrent note")
    verdict, logged = removals().screen(rec, LOCAL, history(OTHER), NOW)
    assert verdict == "keep" and rec.groups["content"][1]["notes"] == "" and len(logged) == 1


def test_a_newer_edit_made_knowing_of_the_removal_is_refused() -> None:
    rec = consultation(at(3000, OTHER), "Written back")
    verdict, logged = removals().screen(rec, LOCAL, history(OTHER, at(1500, OTHER)), NOW)
    assert (verdict, logged) == ("refuse", [])


def test_the_owner_cannot_un_anonymize_its_own_client() -> None:
    spec = table_specs()["clients"]
    identity = {"full_name": "Quliyeva Səbinə", "gender": "female", "birth_year": 1983}
    stamp = at(4000, OWNER)
    rec = Record(1, spec, CLIENT, OWNER, "admin", {}, {"identity": (stamp, identity)}, None, {}, [])
    local = {"id": CLIENT, "birth_year": 1980, "full_name": ANONYMIZED_NAME}
    assert removals().screen(rec, local, history(OWNER), NOW)[0] == "refuse"


def test_the_removal_itself_and_blank_values_pass_without_a_conflict() -> None:
    spec = table_specs()["clients"]
    identity = {"full_name": ANONYMIZED_NAME, "gender": "female", "birth_year": 1980}
    contact = {"phone": "", "address": ""}
    groups = {"identity": (REMOVED_AT, identity), "contact": (at(1001, OWNER), contact)}
    rec = Record(1, spec, CLIENT, OWNER, "admin", {}, groups, None, {}, [])
    assert removals().screen(rec, None, history(OWNER), NOW) == ("keep", [])
    blank = consultation(at(5000, OWNER), "")
    assert removals().screen(blank, LOCAL, history(OWNER), NOW) == ("keep", [])


def test_a_conflict_already_logged_is_not_logged_again() -> None:
    h = history(OTHER)
    h.conflicts.add(("consultations", ROW, "content", REMOVED_AT, at(500, OTHER)))
    rec = consultation(at(500, OTHER), "Secret note")
    assert removals().screen(rec, LOCAL, h, NOW) == ("keep", [])
    assert rec.groups["content"][1]["notes"] == ""


def test_a_new_attachment_of_the_person_is_left_out_and_the_quarantine_keeps_no_value() -> None:
    spec = table_specs()["attachments"]
    stamp = at(600, OTHER)
    values = {
        "case_id": CASE,
        "client_id": None,
        "file_name": "passport.pdf",
        "media_type": "application/pdf",
        "size": 10,
        "sha256": "ab" * 32,
        "content": "ab" * 32,
    }
    raw = {"t": "attachments", "id": ROW, "g": {"file": {"h": stamp, "v": dict(values)}}}
    rec = Record(1, spec, ROW, OTHER, "lawyer", {}, {"file": (stamp, values)}, None, raw, [])
    stripped = removals().stripped_raw(rec)
    assert stripped["g"]["file"]["v"]["file_name"] == ""
    assert stripped["g"]["file"]["v"]["content"] == EMPTY_SHA256
    assert raw["g"]["file"]["v"]["file_name"] == "passport.pdf"  # a copy, not the record
    verdict, logged = removals().screen(rec, None, history(OTHER), NOW)
    assert verdict == "drop" and len(logged) == 1
