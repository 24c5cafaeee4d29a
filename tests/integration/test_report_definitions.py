"""Saved report definitions: save, list, rerun with a relative period, delete; each user's own;
a lawyer cannot save another lawyer's figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.errors import InputRejected, NotFound, PermissionDenied
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.report_spec import ReportSpec, resolve_period
from legalaid_desktop.store.models import AuditEvent


def test_relative_periods_are_the_last_complete_ones() -> None:
    assert resolve_period("last_month", date(2026, 4, 1)).code == "2026-03"
    assert resolve_period("last_month", date(2026, 1, 31)).code == "2025-12"
    assert resolve_period("last_quarter", date(2026, 4, 1)).code == "2026Q1"
    assert resolve_period("last_quarter", date(2026, 3, 31)).code == "2025Q4"
    assert resolve_period("last_year", date(2026, 12, 31)).code == "2025"
    assert resolve_period("2026Q2", date(2030, 1, 1)).code == "2026Q2"
    fixed = resolve_period("2026-01-05..2026-02-10", date(2030, 1, 1))
    assert (fixed.start, fixed.end) == (date(2026, 1, 5), date(2026, 2, 10))
    with pytest.raises(InputRejected):
        resolve_period("2026-02-10..2026-01-05", date(2030, 1, 1))
    with pytest.raises(InputRejected):
        resolve_period("lastmonth", date(2030, 1, 1))


def test_a_spec_refuses_what_the_figures_would() -> None:
    with pytest.raises(InputRejected):
        ReportSpec(Measure.OPEN_CASES, "2026", (Dimension.MONTH,))
    with pytest.raises(InputRejected):
        ReportSpec(Measure.CONSULTATIONS, "2026", filters={"name": "x"})
    with pytest.raises(InputRejected):
        ReportSpec.from_document(
            {"measure": "clients_served", "by": ["shoe_size"], "period": "2026"}
        )


def test_save_list_rerun_delete(admin_session: app.AppSession) -> None:
    spec = ReportSpec(
        Measure.CASES_OPENED,
        "last_month",
        (Dimension.LEGAL_AREA, Dimension.GENDER),
        {"region": "AZ-GA"},
        anonymized=True,
    )
    service = admin_session.report_definitions
    saved = service.save("  Monthly   legal areas ", spec)
    assert saved.name == "Monthly legal areas"
    [listed] = service.list()
    assert listed.spec == spec and listed.id == saved.id
    query = listed.spec.query(date(2026, 5, 12))
    assert query.period.code == "2026-04" and query.filters.region == "AZ-GA"
    assert query.anonymized and query.by == (Dimension.LEGAL_AREA, Dimension.GENDER)
    # the same name replaces
    again = service.save("Monthly legal areas", ReportSpec(Measure.CASES_CLOSED, "last_year"))
    assert again.id == saved.id
    assert [r.spec.measure for r in service.list()] == [Measure.CASES_CLOSED]
    service.delete(saved.id)
    assert service.list() == []
    with pytest.raises(NotFound):
        service.delete(saved.id)
    with admin_session.ws.read() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("report_definition%"))
        ).all()
    assert actions.count("report_definition_saved") == 2
    assert "report_definition_deleted" in actions


def test_a_name_is_needed(admin_session: app.AppSession) -> None:
    spec = ReportSpec(Measure.CONSULTATIONS, "2026")
    with pytest.raises(InputRejected):
        admin_session.report_definitions.save("   ", spec)
    with pytest.raises(InputRejected):
        admin_session.report_definitions.save("x" * 121, spec)


def test_each_user_sees_and_deletes_only_their_own(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    mine = admin_session.report_definitions.save(
        "Center", ReportSpec(Measure.CONSULTATIONS, "2026", (Dimension.LAWYER,))
    )
    admin_session.close()
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    try:
        assert lawyer.report_definitions.list() == []
        with pytest.raises(NotFound):
            lawyer.report_definitions.delete(mine.id)
        # an insider lawyer saving another lawyer's figures is refused, and it is audited
        with pytest.raises(PermissionDenied):
            lawyer.report_definitions.save(
                "Theirs", ReportSpec(Measure.CONSULTATIONS, "2026", filters={"lawyer": "admin"})
            )
        own = lawyer.report_definitions.save(
            "Mine", ReportSpec(Measure.CONSULTATIONS, "2026", filters={"lawyer": LAWYER})
        )
        assert [r.id for r in lawyer.report_definitions.list()] == [own.id]
        with lawyer.ws.read() as s:
            denied = s.scalars(
                select(AuditEvent).where(AuditEvent.action == "permission_denied")
            ).all()
        assert any(e.details.get("action") == "report_definition" for e in denied)
    finally:
        lawyer.close()
