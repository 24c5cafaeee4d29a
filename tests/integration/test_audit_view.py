"""The audit log viewer's service: newest first, filters, paging, permission."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.errors import PermissionDenied
from legalaid_desktop.i18n.dates import local_date, today
from legalaid_desktop.services.audit_view import AuditService


def test_events_newest_first_filtered_and_paged(admin_session: app.AppSession) -> None:
    admin_session.users.add("nigar", "Quliyeva Nigar", "lawyer", "Lankaran-tea-2026")
    service = AuditService(admin_session.ws)
    page = service.events()
    assert page.total == len(page.rows) >= 2
    seqs = [r.seq for r in page.rows]
    assert seqs == sorted(seqs, reverse=True)
    added = service.events(action="user_added")
    assert added.total == 1
    assert dict(added.rows[0].details)["username"] == "nigar"
    assert service.events(actor="nobody").total == 0
    # The day filters (Baku days). The fixture's store may have been made before midnight in
    # Baku and the user added after it: the days are the events' own, not the clock's.
    days = {local_date(row.at) for row in page.rows}
    oldest, newest = min(d for d in days if d), max(d for d in days if d)
    assert newest == today()  # the user just added
    assert service.events(since=oldest).total == page.total
    assert service.events(until=oldest - timedelta(days=1)).total == 0
    assert service.events(since=newest + timedelta(days=1)).total == 0
    assert service.events(since=newest).total == sum(local_date(r.at) == newest for r in page.rows)
    first = service.events(limit=1)
    second = service.events(offset=1, limit=1)
    assert first.rows[0].seq == second.rows[0].seq + 1
    assert "user_added" in service.actions()


def test_lawyer_may_not_read_the_audit_log(store_with_lawyer: Path) -> None:
    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            AuditService(session.ws).events()
    finally:
        session.close()
