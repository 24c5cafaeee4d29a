"""Growing delay after wrong passwords, audit of every attempt, and the hash-chained audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER
from legalaid_desktop import app
from legalaid_desktop.domain.errors import AuthenticationError, PermissionDenied
from legalaid_desktop.store import inspection
from legalaid_desktop.store.models import AuditEvent
from legalaid_desktop.store.store import Store, StorePaths
from legalaid_desktop.store.throttle import UNKNOWN_USER, LoginThrottle, delay_for


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_delay_grows_with_each_failure(store_with_lawyer: Path) -> None:
    t = FakeTime()
    for _ in range(6):
        with pytest.raises(AuthenticationError):
            Store.unlock(store_with_lawyer, LAWYER, "wrong", sleep=t.sleep, clock=t.clock)
    # 3 free attempts, then 1 s, 2 s, 4 s before the 4th, 5th and 6th.
    assert t.slept == [1.0, 2.0, 4.0]
    assert delay_for(6) == 8.0 and delay_for(40) == 300.0
    throttle = LoginThrottle.load(StorePaths(store_with_lawyer).attempts, clock=t.clock)
    assert throttle.failures(LAWYER) == 6
    assert throttle.wait_seconds(LAWYER) == pytest.approx(8.0)


def test_a_login_with_the_right_password_resets_that_users_delay(store_with_lawyer: Path) -> None:
    """Five wrong passwords, then the right one (after its wait): the lawyer's count is gone and
    the next wrong password costs no wait; another user's count is left as it was."""
    from conftest import LAWYER_PASSWORD

    t = FakeTime()
    with pytest.raises(AuthenticationError):
        Store.unlock(store_with_lawyer, ADMIN, "wrong", sleep=t.sleep, clock=t.clock)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            Store.unlock(store_with_lawyer, LAWYER, "wrong", sleep=t.sleep, clock=t.clock)
    Store.unlock(store_with_lawyer, LAWYER, LAWYER_PASSWORD, sleep=t.sleep, clock=t.clock).close()
    assert t.slept == [1.0, 2.0, 4.0]  # before the 4th, the 5th and the right password
    throttle = LoginThrottle.load(StorePaths(store_with_lawyer).attempts, clock=t.clock)
    assert (throttle.failures(LAWYER), throttle.failures(ADMIN)) == (0, 1)
    with pytest.raises(AuthenticationError):
        Store.unlock(store_with_lawyer, LAWYER, "wrong", sleep=t.sleep, clock=t.clock)
    assert t.slept == [1.0, 2.0, 4.0]


def test_every_attempt_reaches_the_audit_log(store_with_lawyer: Path) -> None:
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            app.login(store_with_lawyer, LAWYER, "wrong")
    with pytest.raises(AuthenticationError):
        app.login(store_with_lawyer, "ghost", "whatever")
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with session.ws.read() as s:
        events = [
            (e.actor, e.action) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        ]
    session.close()
    # Reported from the plaintext attempts file: unverified, and an unknown name is not kept.
    assert events.count((LAWYER, "login_failed_unverified")) == 2
    assert (UNKNOWN_USER, "login_failed_unverified") in events
    assert all(actor != "ghost" for actor, _action in events)
    assert events[-1] == (ADMIN, "login")
    # The success reset the delay for the admin; the lawyer's count is kept.
    throttle = LoginThrottle.load(StorePaths(store_with_lawyer).attempts)
    assert throttle.pending == []
    assert throttle.failures(LAWYER) == 2


def test_a_lawyer_cannot_add_users(store_with_lawyer: Path) -> None:
    from conftest import LAWYER_PASSWORD

    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    with pytest.raises(PermissionDenied):
        session.users.add("newbie", "New Person", "lawyer", "Fresh-start-2026")
    with pytest.raises(PermissionDenied):
        session.users.revoke(ADMIN)
    assert [u.username for u in session.users.list()] == [ADMIN, LAWYER]
    session.close()


def _tamper(data_dir: Path, statement: object) -> None:
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with session.ws.store.session(write=True) as s:
        s.execute(statement)  # type: ignore[arg-type]
    session.close()


def test_intact_chain_verifies(store_with_lawyer: Path) -> None:
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    report = session.maintenance.verify()
    session.close()
    assert report.ok and report.audit_events >= 3


def test_edited_event_is_detected(store_with_lawyer: Path) -> None:
    _tamper(
        store_with_lawyer,
        update(AuditEvent).where(AuditEvent.seq == 2).values(actor="someone-else"),
    )
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    report = inspection.verify(session.ws.store)
    session.close()
    assert any("event 2" in p and "altered" in p for p in report.audit_problems)


def test_deleted_event_in_the_middle_is_detected(store_with_lawyer: Path) -> None:
    _tamper(store_with_lawyer, delete(AuditEvent).where(AuditEvent.seq == 2))
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    report = inspection.verify(session.ws.store)
    session.close()
    assert any("2–2 are missing" in p for p in report.audit_problems)


def test_deleted_events_at_the_end_are_detected(store_with_lawyer: Path) -> None:
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with session.ws.store.session(write=True) as s:
        last = s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
        s.execute(delete(AuditEvent).where(AuditEvent.seq >= last - 1))
    report = inspection.verify(session.ws.store)
    session.close()
    assert any("were removed" in p for p in report.audit_problems)
