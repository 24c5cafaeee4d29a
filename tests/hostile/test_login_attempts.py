"""``login-attempts.json`` is plaintext and unauthenticated: nothing in it is believed.

Whoever can write to the data folder can edit the file. Its entries reach the audit log only as
unverified reports of failed attempts (never a ``login``), a bad value or a file that is not JSON
never stops a login, and a typed user name that is not a user (it may be a password typed into
the wrong field) is never written anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER
from legalaid_desktop import app
from legalaid_desktop.domain.errors import AuthenticationError
from legalaid_desktop.store.models import AuditEvent
from legalaid_desktop.store.store import StorePaths
from legalaid_desktop.store.throttle import MAX_DELAY_SECONDS, LoginThrottle

UNKNOWN_USER = "unknown user"  # what is stored instead of a name that is not a user


def _plant(data_dir: Path, content: Any) -> None:
    path = StorePaths(data_dir).attempts
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())


def _events(data_dir: Path, *, sleep: Any = None) -> list[AuditEvent]:
    """Log in as the administrator (it must work) and return the whole audit log."""
    session = (
        app.login(data_dir, ADMIN, ADMIN_PASSWORD)
        if sleep is None
        else app.login(data_dir, ADMIN, ADMIN_PASSWORD, sleep=sleep)
    )
    try:
        with session.ws.read() as s:
            events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
            for event in events:
                s.expunge(event)
        assert session.maintenance.verify().ok
    finally:
        session.close()
    return events


def _after_store_created(events: list[AuditEvent], since: int) -> list[AuditEvent]:
    return [e for e in events if e.seq > since]


def _last_seq(data_dir: Path) -> int:
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with session.ws.read() as s:
        seq = s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    session.close()
    assert seq is not None
    return seq


def test_forged_entries_are_unverified_failed_attempts(store_with_lawyer: Path) -> None:
    since = _last_seq(store_with_lawyer)
    _plant(
        store_with_lawyer,
        {
            "users": {},
            "pending": [
                {"at": 1_000.0, "user": LAWYER, "ok": True, "detail": ""},  # a forged "login"
                {"at": 1_700_000_000.0, "user": LAWYER, "ok": False},
                {"at": 1_700_000_001.0, "user": "hq-inspector", "ok": False},
            ],
        },
    )
    events = _after_store_created(_events(store_with_lawyer), since)
    actions = [(e.actor, e.action) for e in events]
    # The forged success is not a login of the lawyer, and no report is a "login_failed" event.
    assert (LAWYER, "login") not in actions
    assert all(action != "login_failed" for _actor, action in actions)
    reports = [e for e in events if e.action == "login_failed_unverified"]
    assert [e.actor for e in reports] == [LAWYER, UNKNOWN_USER]
    # The claimed time is a detail, not the event's time (the chain's times stay its own).
    assert reports[0].details["reported_at"] == "2023-11-14T22:13:20.000Z"
    assert all(not e.at.startswith(("1970", "2023")) for e in reports)
    assert "hq-inspector" not in repr([(e.actor, e.details) for e in events])
    assert actions[-1] == (ADMIN, "login")


@pytest.mark.parametrize(
    "content",
    [
        {"users": {}, "pending": [{"at": 1e300, "user": LAWYER, "ok": False}]},
        {"users": {ADMIN: {"failures": 5, "last": 1e300}}, "pending": []},
        {"users": {ADMIN: {"failures": 10**300, "last": 0}}, "pending": []},
        {"users": {ADMIN: {"failures": "many"}}, "pending": [{"at": "soon"}, 7, None]},
    ],
    ids=["at-1e300", "last-1e300", "huge-count", "wrong-types"],
)
def test_a_bad_value_never_breaks_a_login(store_with_lawyer: Path, content: Any) -> None:
    waits: list[float] = []
    _plant(store_with_lawyer, content)
    events = _events(store_with_lawyer, sleep=waits.append)
    assert events[-1].action == "login" and events[-1].actor == ADMIN
    assert all(0 <= w <= MAX_DELAY_SECONDS for w in waits)
    # The file is clean again: the next login has nothing left to report.
    throttle = LoginThrottle.load(StorePaths(store_with_lawyer).attempts)
    assert throttle.pending == [] and getattr(throttle, "ignored", 0) == 0


@pytest.mark.parametrize(
    "content",
    [
        b'{"users": {"admin": ',
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b"",
        b"[" * 100_000,
        b'{"users": {}, "pending": [' + b'{"at": 1, "user": "x", "ok": false},' * 200_000 + b"1]}",
    ],
    ids=["cut", "binary", "a-list", "empty", "deep", "huge"],
)
def test_a_malformed_file_is_ignored_and_audited(store_with_lawyer: Path, content: bytes) -> None:
    since = _last_seq(store_with_lawyer)
    _plant(store_with_lawyer, content)
    events = _after_store_created(_events(store_with_lawyer), since)
    assert [e.action for e in events][-1] == "login"
    ignored = [e for e in events if e.action == "login_attempts_ignored"]
    assert len(ignored) == 1 and ignored[0].details["ignored"] >= 1
    later = _after_store_created(_events(store_with_lawyer), events[-1].seq)
    assert "login_attempts_ignored" not in [e.action for e in later]  # the file was rewritten


def test_a_password_typed_as_the_user_name_is_not_stored(store_with_lawyer: Path) -> None:
    secret = "Gizli-Parol-2026!"
    since = _last_seq(store_with_lawyer)
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            app.login(store_with_lawyer, secret, "")
        with pytest.raises(AuthenticationError):
            app.login(store_with_lawyer, secret, "x")
    with pytest.raises(AuthenticationError):
        app.login(store_with_lawyer, LAWYER, "wrong")
    raw = StorePaths(store_with_lawyer).attempts.read_bytes()
    assert secret.encode() not in raw
    assert UNKNOWN_USER.encode() in raw and LAWYER.encode() in raw
    # Unknown names share one delay, so guessing names is throttled as well.
    throttle = LoginThrottle.load(StorePaths(store_with_lawyer).attempts)
    assert throttle.failures("any-other-typo") >= 3
    events = _after_store_created(_events(store_with_lawyer), since)
    assert secret not in repr([(e.actor, e.details) for e in events])
    reports = [e.actor for e in events if e.action == "login_failed_unverified"]
    assert reports.count(UNKNOWN_USER) >= 3 and reports.count(LAWYER) == 1
