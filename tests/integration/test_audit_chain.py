"""The audit chain's encoding and what `db verify` says when it is broken.

Each bundle carries the node's audit head and the hashes since HQ's last anchor, and HQ checks
that a head extends the previous one: the hash of an event is therefore a contract between
program versions, not a detail. These tests recompute it from the documented encoding (SHA-256
over the canonical JSON of sequence number, time, actor, action, entity type and id, details and
the previous hash) and check each problem report names the exact event. (Found by mutation
testing: a changed encoding, time format or report went unnoticed; see docs/testing.md.)
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.errors import AuthenticationError
from legalaid_desktop.i18n import language
from legalaid_desktop.store import inspection
from legalaid_desktop.store.audit import append_event
from legalaid_desktop.store.models import AuditEvent, Meta


def _events(data_dir: Path) -> list[AuditEvent]:
    s = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with s.ws.read() as db:
        events = list(db.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        head = db.get(Meta, "audit_head")
        assert head is not None and head.value == f"{events[-1].seq}:{events[-1].hash}"
        for event in events:
            db.expunge(event)
    s.close()
    return events


def test_every_hash_follows_the_documented_encoding(store_with_lawyer: Path) -> None:
    # Details in Azerbaijani letters: the encoding keeps them as UTF-8, it does not escape them.
    # (A failed login no longer records an unknown name as typed: it may be a password.)
    with pytest.raises(AuthenticationError):
        app.login(store_with_lawyer, ADMIN, "not-the-password")
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with s.ws.store.session(write=True) as db:
        append_event(db, actor=ADMIN, action="test_letters", details={"name": "Əliyev Rəşad"})
    s.close()
    prev = "0" * 64
    events = _events(store_with_lawyer)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert {"name": "Əliyev Rəşad"} in [e.details for e in events]
    for e in events:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e.at), e.at
        assert e.prev_hash == prev
        canonical = json.dumps(
            [e.seq, e.at, e.actor, e.action, e.entity_type, e.entity_id, e.details, prev],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        assert e.hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        prev = e.hash


def _verify(data_dir: Path) -> tuple[int, list[str]]:
    s = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with language("en"):
        report = inspection.verify(s.ws.store)
    s.close()
    return report.audit_events, list(report.audit_problems)


def _tamper(data_dir: Path, *statements: object) -> None:
    s = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with s.ws.store.session(write=True) as db:
        for statement in statements:
            db.execute(statement)  # type: ignore[call-overload]
    s.close()


def test_an_intact_chain_reports_every_event_and_no_problem(store_with_lawyer: Path) -> None:
    count, problems = _verify(store_with_lawyer)
    # The verification's own login is the last event it reads.
    assert problems == [] and count == len(_events(store_with_lawyer)) - 1


def test_each_break_is_reported_at_its_event(store_with_lawyer: Path) -> None:
    for _ in range(3):
        app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD).close()
    events = _events(store_with_lawyer)
    _tamper(
        store_with_lawyer,
        delete(AuditEvent).where(AuditEvent.seq.in_([2, 3])),
        update(AuditEvent).where(AuditEvent.seq == 5).values(prev_hash=events[0].hash),
    )
    count, problems = _verify(store_with_lawyer)
    assert problems == [
        "Audit events 2–3 are missing.",
        "Audit event 4 does not follow the event before it.",
        "Audit event 5 does not follow the event before it.",
        f"Audit event 5 ({events[4].action}, {events[4].at}) has been altered.",
    ]
    assert count == len(_events(store_with_lawyer)) - 1


def test_events_removed_at_the_end_are_reported_with_both_numbers(
    store_with_lawyer: Path,
) -> None:
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with s.ws.store.session(write=True) as db:
        last = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
        assert last is not None
        db.execute(delete(AuditEvent).where(AuditEvent.seq >= last - 1))
    with language("en"):
        report = inspection.verify(s.ws.store)
    s.close()
    assert list(report.audit_problems) == [
        f"The audit log ends at event {last - 2} but event {last} was recorded: "
        "events at the end were removed."
    ]


def test_a_wiped_log_is_reported(store_with_lawyer: Path) -> None:
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with s.ws.store.session(write=True) as db:
        last = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
        db.execute(delete(AuditEvent))
    with language("en"):
        report = inspection.verify(s.ws.store)
    s.close()
    assert report.audit_events == 0
    assert list(report.audit_problems) == [
        f"The audit log ends at event 0 but event {last} was recorded: "
        "events at the end were removed."
    ]


def test_an_event_keeps_its_details_and_has_no_entity_unless_given(
    store_with_lawyer: Path,
) -> None:
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with s.ws.store.session(write=True) as db:
        plain = append_event(db, actor=ADMIN, action="test_plain")
        detailed = append_event(
            db,
            actor=ADMIN,
            action="test_detailed",
            entity_type="case",
            entity_id="c-1",
            details={"count": 3, "code": "GNJ-2026-0001"},
        )
        assert (plain.entity_type, plain.entity_id, plain.details) == ("", "", {})
        assert detailed.seq == plain.seq + 1 and detailed.prev_hash == plain.hash
    s.close()
    events = {e.action: e for e in _events(store_with_lawyer)}
    assert events["test_detailed"].details == {"count": 3, "code": "GNJ-2026-0001"}
    assert (events["test_plain"].entity_type, events["test_plain"].entity_id) == ("", "")
