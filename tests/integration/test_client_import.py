"""Importing a center's spreadsheet of clients into a real store (issue 20, docs/import.md):
all valid rows or nothing, as if typed in (numbers, audit, change log, search), duplicates
against the store and within the file, twice without duplicates, cancel and dry run leave the
store as it was, and only managers and administrators may."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from import_support import center_xlsx
from legalaid_desktop import app
from legalaid_desktop.domain.cases import ClientInput
from legalaid_desktop.domain.errors import (
    DuplicatesUndecided,
    ImportCancelled,
    ImportProblems,
    PermissionDenied,
)
from legalaid_desktop.i18n import set_language
from legalaid_desktop.services.import_report import Action, Decision, OnDuplicate
from legalaid_desktop.store.models import AuditEvent, Case, ChangeLog, Client, ConflictDecision

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def english() -> None:
    set_language("en")


@pytest.fixture
def center(admin_session: app.AppSession) -> app.AppSession:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    return admin_session


def _run(session: app.AppSession, path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    imports = session.imports
    table = imports.read(path)
    return imports.run(table, imports.guess_mapping(table), **kwargs)  # type: ignore[arg-type]


def _state(session: app.AppSession) -> tuple[int, ...]:
    with session.ws.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Client, Case, AuditEvent, ChangeLog, ConflictDecision)
        )


def test_a_center_list_imports_as_if_typed_in(center: app.AppSession, tmp_path: Path) -> None:
    report = _run(center, center_xlsx(tmp_path / "list.xlsx"))
    assert report.done and report.empty_rows == 1
    actions = {o.row: o.action for o in report.outcomes}
    assert actions == {
        3: Action.CREATED, 4: Action.CREATED, 6: Action.CREATED, 7: Action.CREATED,
        8: Action.SAME_CLIENT,
    }  # fmt: skip
    numbers = {o.row: o.client_number for o in report.outcomes}
    assert numbers[3] == numbers[8] == "GNJ-C-00001" and numbers[7] == "GNJ-C-00004"
    assert report.cases_created == 5
    page = center.clients.list(limit=10)
    assert page.total == 4
    with center.ws.read() as s:
        first = s.scalar(select(Client).where(Client.number == "GNJ-C-00001"))
        assert first is not None
        assert (first.full_name, first.gender, first.birth_year) == (
            "Əliyev Rəşad İsmayıl oğlu",
            "male",
            1985,
        )
        cyrillic = s.scalar(select(Client).where(Client.number == "GNJ-C-00002"))
        assert cyrillic is not None
        assert (cyrillic.full_name, cyrillic.region, cyrillic.phone) == (
            "Алиева Лейла Исмаил кызы",
            "AZ-SKR",
            "+994551234567",
        )
        cases = {c.number: c for c in s.scalars(select(Case))}
        assert sorted(cases) == [f"GNJ-2024-000{n}" for n in range(1, 6)]
        lawyers = sorted(c.assigned_lawyer for c in cases.values())
        assert lawyers == ["admin", LAWYER, LAWYER, LAWYER, LAWYER]  # "Hüseynova L." = leyla
        logged = {(r.table_name, r.row_id) for r in s.scalars(select(ChangeLog))}
        assert all(("clients", c.id) in logged for c in s.scalars(select(Client)))
        assert all(("cases", c.id) in logged for c in cases.values())
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    registered = [e for e in events if e.action == "client_registered"]
    assert len(registered) == 4 and all(e.details == {"source": "import"} for e in registered)
    assert sum(1 for e in events if e.action == "case_opened") == 5
    (summary,) = [e for e in events if e.action == "import_clients"]
    assert summary.details["file"] == "list.xlsx"
    assert summary.details["created"] == 4 and summary.details["cases_created"] == 5
    assert "Əliyev" not in json.dumps(summary.details, ensure_ascii=False)
    found = center.search.search("Алиев Рашад", kinds=("client",))
    assert [hit.title for hit in found] == ["Əliyev Rəşad İsmayıl oğlu"]


def test_importing_the_same_file_twice_makes_no_duplicates(
    center: app.AppSession, tmp_path: Path
) -> None:
    path = center_xlsx(tmp_path / "list.xlsx")
    _run(center, path)
    before = _state(center)
    again = _run(center, path)
    assert {o.action for o in again.outcomes} == {Action.EXISTING, Action.SAME_CLIENT}
    assert again.count(Action.EXISTING) == 4 and again.cases_existing == 5
    assert again.cases_created == 0
    after = _state(center)
    assert after[:2] == before[:2]  # no client, no case more
    assert after[2] == before[2] + 1  # only the import's own audit event


def test_a_client_already_in_the_store_needs_a_decision(
    center: app.AppSession, tmp_path: Path
) -> None:
    known = center.clients.register(
        ClientInput(full_name="Кулиева Сабина Арифовна", gender="female", region="AZ-GA",
                    birth_year=1988)
    )  # fmt: skip
    path = center_xlsx(tmp_path / "list.xlsx")
    before = _state(center)
    with pytest.raises(DuplicatesUndecided) as refused:
        _run(center, path)
    assert _state(center) == before  # nothing written
    (row,) = refused.value.report.undecided  # type: ignore[attr-defined]
    assert row.row == 7
    (candidate,) = row.candidates
    assert (candidate.kind, candidate.ref, candidate.mergeable) == ("client", known.number, True)
    assert candidate.level in ("exact", "strong")

    merged = _run(center, path, decisions={7: Decision(OnDuplicate.MERGE)})
    outcome = next(o for o in merged.outcomes if o.row == 7)
    assert (outcome.action, outcome.client_number) == (Action.MERGED, known.number)
    assert center.clients.count() == 4  # 3 new and the one known
    cases = center.cases.list(client_id=known.id).rows
    assert [c.legal_area for c in cases] == ["social"]


def test_keep_both_records_the_conflict_decision_and_skip_leaves_the_row_out(
    center: app.AppSession, tmp_path: Path
) -> None:
    center.clients.register(
        ClientInput(full_name="Quliyeva Səbinə Arif qızı", gender="female", region="AZ-GA")
    )
    path = center_xlsx(tmp_path / "list.xlsx")
    skipped = _run(center, path, on_duplicate=OnDuplicate.SKIP, dry_run=True)
    assert next(o for o in skipped.outcomes if o.row == 7).action is Action.SKIPPED
    assert skipped.dry_run and not skipped.done
    kept = _run(center, path, on_duplicate=OnDuplicate.KEEP)
    assert next(o for o in kept.outcomes if o.row == 7).action is Action.KEPT
    assert center.clients.count() == 5
    with center.ws.read() as s:
        decisions = list(s.scalars(select(ConflictDecision)))
    assert [d.decision for d in decisions] == ["no_conflict"]


def test_the_same_person_spelt_two_ways_in_one_file_is_asked_about(
    center: app.AppSession, tmp_path: Path
) -> None:
    extra = [[9, "Алиев", "Рашад", "Исмаил", "м", "31.12.1985", None, "Gəncə", "Ailə", "Nikah",
              "01.04.2024", None]]  # fmt: skip
    with pytest.raises(DuplicatesUndecided) as refused:
        _run(center, center_xlsx(tmp_path / "list.xlsx", extra))
    (row,) = refused.value.report.undecided  # type: ignore[attr-defined]
    assert row.row == 9
    assert [(c.kind, c.ref) for c in row.candidates] == [("row", "row 3")]
    merged = _run(
        center, center_xlsx(tmp_path / "list2.xlsx", extra), on_duplicate=OnDuplicate.MERGE
    )
    outcome = next(o for o in merged.outcomes if o.row == 9)
    assert (outcome.action, outcome.client_number) == (Action.MERGED, "GNJ-C-00001")
    assert center.clients.count() == 4


def test_rows_with_problems_stop_the_import_unless_skipped(
    center: app.AppSession, tmp_path: Path
) -> None:
    extra = [
        [10, "Həsənov", "Tural", None, "K", "31.12.2999", None, "Gorambay", "Ailə", "x",
         "01.04.2024", None],
        [11, "=HYPERLINK(\"http://x\",\"y\")", "Vüsal", None, "K", 1990, None, "Gəncə", None,
         None, None, None],
    ]  # fmt: skip
    path = center_xlsx(tmp_path / "list.xlsx", extra)
    before = _state(center)
    with pytest.raises(ImportProblems) as refused:
        _run(center, path)
    assert _state(center) == before
    cells = {(p.cell, p.field) for p in refused.value.report.problems}  # type: ignore[attr-defined]
    assert {("F9", "birth"), ("H9", "region"), ("B10", "surname")} <= cells
    report = _run(center, path, skip_invalid=True)
    assert report.done and report.count(Action.INVALID) == 2
    assert center.clients.count() == 4


def test_cancelling_midway_leaves_the_store_as_it_was(
    center: app.AppSession, tmp_path: Path
) -> None:
    path = center_xlsx(tmp_path / "list.xlsx")
    before = _state(center)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 3  # after three rows were written

    with pytest.raises(ImportCancelled):
        _run(center, path, cancelled=cancelled)
    assert _state(center) == before
    report = _run(center, path)  # and the import still works afterwards
    assert report.count(Action.CREATED) == 4


def test_a_dry_run_says_what_would_happen_and_writes_nothing(
    center: app.AppSession, tmp_path: Path
) -> None:
    before = _state(center)
    seen: list[tuple[int, int]] = []
    report = _run(
        center,
        center_xlsx(tmp_path / "l.xlsx"),
        dry_run=True,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert report.dry_run and not report.done
    assert report.count(Action.CREATED) == 4 and report.cases_created == 5
    assert _state(center) == before
    assert seen[-1] == (5, 5)


def test_only_managers_and_administrators_import(store_with_lawyer: Path, tmp_path: Path) -> None:
    path = center_xlsx(tmp_path / "l.xlsx")
    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            session.imports.read(path)
    finally:
        session.close()
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        (refusal,) = admin.audit.events(action="permission_denied").rows
        assert refusal.actor == LAWYER and ("action", "import_clients") in refusal.details
        assert admin.clients.count() == 0
    finally:
        admin.close()


def test_an_organization_and_dates_of_a_closed_case(center: app.AppSession, tmp_path: Path) -> None:
    from import_support import write_xlsx

    rows = [
        ["Ad", "Növ", "Rayon", "Hüquq sahəsi", "Məzmun", "Tarix", "Nəticə", "Bağlanma tarixi"],
        ["Gənclər Birliyi", "İB", "Gəncə", "İnzibati", "Şikayət", "01.02.2023",
         "Şikayət verilib", "15.03.2023"],
    ]  # fmt: skip
    imports = center.imports
    table = imports.read(write_xlsx(tmp_path / "org.xlsx", rows))
    mapping = imports.guess_mapping(table)
    assert mapping.columns["B"] == "kind"
    report = imports.run(table, mapping)
    assert report.done
    with center.ws.read() as s:
        org = s.scalar(select(Client))
        case = s.scalar(select(Case))
    assert org is not None and case is not None
    assert (org.kind, org.gender, org.birth_year) == ("organization", "", None)
    assert (case.status, case.outcome, case.closed_on) == (
        "closed",
        "complaint_filed",
        "2023-03-15",
    )
    assert case.opened_on == date(2023, 2, 1).isoformat()
