"""Corrections with history (issue 19): a lawyer corrects what was entered, the store keeps what
it was, and the history says who changed what, when, from what to what.

Real SQLCipher stores throughout. The role rules are the issue's: a lawyer corrects the cases
assigned to them and the consultations they gave, a manager any of the center's; a refusal
changes nothing and is audited.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, cli_as
from legalaid_desktop import app
from legalaid_desktop.domain.cases import ClientInput, ConsultationInput
from legalaid_desktop.domain.corrections import CaseEdit, ConsultationEdit, readable
from legalaid_desktop.domain.errors import InputRejected, PermissionDenied, ValidationError
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import Correction
from sync_support import add_case, audit_actions, snapshot

SECOND_LAWYER = "rauf"


@pytest.fixture
def world(admin_session: app.AppSession, data_dir: Path) -> tuple[Path, str, str]:
    """A center with two lawyers; Leyla's case (opened 30 days ago) with her consultation."""
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.users.add(SECOND_LAWYER, "Quliyev Rauf Samir oğlu", "lawyer", LAWYER_PASSWORD)
    client_id, number = add_case(admin_session)
    admin_session.cases.assign(number, LAWYER)
    opened = today() - timedelta(days=30)
    with admin_session.ws.write() as s:
        s.execute(
            text("UPDATE cases SET opened_on = :d WHERE number = :n"),
            {"d": opened.isoformat(), "n": number},
        )
    admin_session.close()
    leyla = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    leyla.records.add_consultation(
        number,
        ConsultationInput(notes="Sənədlər yoxlanıldı", held_on=opened + timedelta(days=2)),
    )
    leyla.close()
    return data_dir, client_id, number


def _login(data_dir: Path, user: str) -> app.AppSession:
    return app.login(data_dir, user, ADMIN_PASSWORD if user == ADMIN else LAWYER_PASSWORD)


def _consultation(session: app.AppSession, number: str, lawyer: str) -> str:
    detail = session.cases.get(number)
    return next(c.id for c in detail.consultations if c.lawyer == lawyer)


def test_a_case_correction_keeps_what_it_was(world: tuple[Path, str, str]) -> None:
    data_dir, _client, number = world
    leyla = _login(data_dir, LAWYER)
    before = leyla.cases.get(number)
    changed = leyla.corrections.edit_case(
        number, CaseEdit(summary="Aliment: məhkəməyə ərizə", legal_area="labour")
    )
    assert set(changed) == {"summary", "legal_area"}
    after = leyla.cases.get(number)
    assert (after.summary, after.legal_area) == ("Aliment: məhkəməyə ərizə", "labour")
    history = leyla.history.case_history(number)
    by_field = {e.field: e for e in history}
    assert by_field["summary"].old_value == before.summary
    assert by_field["summary"].new_value == "Aliment: məhkəməyə ərizə"
    assert (by_field["legal_area"].old_value, by_field["legal_area"].new_value) == (
        "family",
        "labour",
    )
    entry = by_field["legal_area"]
    assert entry.changed_by == LAWYER and entry.changed_by_name == "Hüseynova Leyla Əli qızı"
    assert entry.case_number == number
    # readable: the labels of the codes, never the codes or ids
    catalog = leyla.reference()
    label = readable("legal_area", entry.new_value, lambda k, c: catalog[k].label(c, "az"))
    assert label == catalog["legal_areas"].label("labour", "az") and label != "labour"
    assert "case_corrected" in audit_actions(leyla)
    assert "case_history_viewed" in audit_actions(leyla)
    # the same values again: nothing is written, no history
    assert [e.field for e in history][-1] == "assigned_lawyer"  # the fixture's assignment
    assert leyla.corrections.edit_case(number, CaseEdit(legal_area="labour")) == ()
    assert len(leyla.history.case_history(number)) == len(history) == 3
    leyla.close()


def test_a_lawyer_corrects_only_the_cases_assigned_to_them(
    world: tuple[Path, str, str],
) -> None:
    data_dir, _client, number = world
    rauf = _login(data_dir, SECOND_LAWYER)
    before = snapshot(rauf, ("cases", "corrections", "change_log"))
    with pytest.raises(PermissionDenied, match=number):
        rauf.corrections.edit_case(number, CaseEdit(summary="Başqa mətn"))
    assert snapshot(rauf, ("cases", "corrections", "change_log")) == before
    assert audit_actions(rauf)[-1] == "permission_denied"
    rauf.close()
    # a manager (the administrator) corrects any case of the center
    admin = _login(data_dir, ADMIN)
    assert admin.corrections.edit_case(number, CaseEdit(summary="Rəhbər düzəltdi")) == ("summary",)
    admin.close()


def test_a_lawyer_corrects_only_their_own_consultations(world: tuple[Path, str, str]) -> None:
    data_dir, _client, number = world
    admin = _login(data_dir, ADMIN)
    admins = _consultation(admin, number, ADMIN)
    leylas = _consultation(admin, number, LAWYER)
    admin.close()
    leyla = _login(data_dir, LAWYER)
    with pytest.raises(PermissionDenied):
        leyla.corrections.edit_consultation(admins, ConsultationEdit(notes="Dəyişdim"))
    changed = leyla.corrections.edit_consultation(
        leylas, ConsultationEdit(notes="Sənədlər yoxlanıldı, surət alındı", minutes=45)
    )
    assert set(changed) == {"notes", "minutes"}
    entry = next(e for e in leyla.history.case_history(number) if e.field == "minutes")
    assert (entry.old_value, entry.new_value) == ("30", "45")
    assert entry.record_kind == "consultation" and entry.record_date is not None
    assert "Consultation" in entry.what or "onsult" in entry.what
    detail = leyla.cases.get(number)
    mine = next(c for c in detail.consultations if c.id == leylas)
    assert mine.minutes == 45 and mine.notes == "Sənədlər yoxlanıldı, surət alındı"
    # the statistics read the corrected minutes (consultation_figures follows by trigger)
    with leyla.ws.read() as s:
        minutes = s.scalar(text("SELECT minutes FROM consultation_figures WHERE minutes = 45"))
    assert minutes == 45
    leyla.close()


def test_bad_corrections_change_nothing(world: tuple[Path, str, str]) -> None:
    data_dir, _client, number = world
    admin = _login(data_dir, ADMIN)
    consultation = _consultation(admin, number, LAWYER)
    opened = admin.cases.get(number).opened_on
    tables = ("cases", "consultations", "corruption_details", "corrections", "change_log")
    before = snapshot(admin, tables)
    bad: list[tuple[type[Exception], object]] = [
        (ValidationError, lambda: admin.corrections.edit_case(number, CaseEdit(summary="  "))),
        (ValidationError, lambda: admin.corrections.edit_case(number, CaseEdit(legal_area="x"))),
        (
            ValidationError,
            lambda: admin.corrections.edit_case(
                number, CaseEdit(opened_on=opened + timedelta(days=5))
            ),
        ),
        (
            ValidationError,
            lambda: admin.corrections.edit_case(number, CaseEdit(institution="DYP")),
        ),
        (
            ValidationError,
            lambda: admin.corrections.edit_consultation(consultation, ConsultationEdit(minutes=0)),
        ),
        (
            ValidationError,
            lambda: admin.corrections.edit_consultation(
                consultation, ConsultationEdit(held_on=opened - timedelta(days=1))
            ),
        ),
        (
            ValidationError,
            lambda: admin.corrections.edit_consultation(
                consultation, ConsultationEdit(held_on=today() + timedelta(days=1))
            ),
        ),
        (InputRejected, lambda: admin.corrections.edit_consultation("nope", ConsultationEdit())),
        (InputRejected, lambda: admin.corrections.edit_case("GNJ-2026-9999", CaseEdit())),
    ]
    for error, attempt in bad:
        with pytest.raises(error):
            attempt()  # type: ignore[operator]
    assert snapshot(admin, tables) == before
    admin.close()


def test_corruption_details_are_corrected_or_added(world: tuple[Path, str, str]) -> None:
    data_dir, _client, number = world
    leyla = _login(data_dir, LAWYER)
    changed = leyla.corrections.edit_case(
        number, CaseEdit(sector="health", conduct="bribery", institution="Poliklinika №3")
    )
    assert set(changed) == {"sector", "conduct", "institution"}
    detail = leyla.cases.get(number)
    assert detail.corruption is not None and detail.corruption.institution == "Poliklinika №3"
    leyla.corrections.edit_case(
        number, CaseEdit(institution="Poliklinika №5", amount_requested=200)
    )
    entries = [e for e in leyla.history.case_history(number) if e.field == "institution"]
    assert [(e.old_value, e.new_value) for e in entries] == [
        ("Poliklinika №3", "Poliklinika №5"),
        ("", "Poliklinika №3"),
    ]
    assert all(e.record_kind == "corruption" for e in entries)
    leyla.close()


def test_a_client_correction_is_in_the_clients_history(world: tuple[Path, str, str]) -> None:
    data_dir, client_id, number = world
    admin = _login(data_dir, ADMIN)
    info = admin.clients.get(client_id)
    admin.clients.update(
        client_id,
        ClientInput(
            full_name="Əliyev Rəşad İsmail oğlu",
            gender=info.gender,
            region=info.region,
            birth_year=1981,
            phone=info.phone,
        ),
    )
    admin.corrections.edit_case(number, CaseEdit(summary="Aliment"))
    history = admin.history.client_history(client_id)
    fields = [(e.record_kind, e.field) for e in history]
    assert ("client", "full_name") in fields and ("client", "birth_year") in fields
    assert ("case", "summary") in fields  # the client's cases too
    name = next(e for e in history if e.field == "full_name")
    assert name.old_value == "Əliyev Rəşad İsmayıl oğlu"
    assert name.case_number is None
    # the search finds the corrected name, not the old one
    assert admin.search.search("İsmail")
    assert "client_history_viewed" in audit_actions(admin)
    admin.close()


def test_an_erasure_takes_the_earlier_values_with_it(world: tuple[Path, str, str]) -> None:
    data_dir, client_id, number = world
    admin = _login(data_dir, ADMIN)
    admin.corrections.edit_case(number, CaseEdit(summary="Qonşu Vəliyev ilə mübahisə"))
    admin.cases.close(number, "advice_given")
    admin.retention.erase(client_id, "Şəxsin tələbi ilə")
    with admin.ws.read() as s:
        rows = s.scalars(select(Correction)).all()
        assert rows and all(r.old_value == "" and r.new_value == "" for r in rows)
        assert all(r.deleted_hlc is not None for r in rows)
    admin.close()
    raw = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert "Vəliyev".encode() not in raw  # the store is encrypted and was compacted


def test_the_command_line_corrects_and_lists(
    world: tuple[Path, str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir, _client, number = world
    run = cli_as(data_dir, LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)
    code, out, err = run("--json", "case", "edit", number, "--summary", "Yeni xülasə")
    assert code == 0, err
    assert json.loads(out) == {"number": number, "changed": ["summary"]}
    session = _login(data_dir, ADMIN)
    consultation = _consultation(session, number, LAWYER)
    admins = _consultation(session, number, ADMIN)
    session.close()
    code, out, err = run("consult", "edit", consultation, "--minutes", "50", "--mode", "phone")
    assert code == 0, err
    code, out, err = run("case", "history", number, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert {(e["field"], e["old"], e["new"]) for e in doc} >= {
        ("minutes", "30", "50"),
        ("mode", "in_person", "phone"),
    }
    code, out, err = run("--lang", "az", "case", "history", number)
    assert code == 0 and "Hüseynova Leyla" in out and "→" in out and "30 → 50" in out
    # a colleague's consultation: not allowed for the role (5), one line, nothing changed
    code, out, err = run("consult", "edit", admins, "--notes", "x")
    assert code == 5 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _out, err = run("case", "edit", number)
    assert code == 4 and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit) as usage:
        run("case", "edit", number, "--opened", "31.02.2026")
    assert usage.value.code == 2
    code, _out, err = run("case", "history", "GNJ-2026-9999")
    assert code == 4 and "GNJ-2026-9999" in err


def test_an_older_store_upgrades_with_an_empty_history(data_dir: Path) -> None:
    from conftest import new_center_store

    session = new_center_store(data_dir)
    _client, number = add_case(session)
    assert session.history.case_history(number) == ()
    session.close()


def test_the_case_summary_prints_the_last_correction(
    world: tuple[Path, str, str], tmp_path: Path
) -> None:
    import io

    from pypdf import PdfReader

    from legalaid_desktop.i18n import language

    data_dir, _client, number = world
    leyla = _login(data_dir, LAWYER)
    out = tmp_path / "before.pdf"
    leyla.reports.case_summary(number, out, lang="en")
    before = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Last correction" in before and "Assigned lawyer" in before  # the fixture's
    consultation = _consultation(leyla, number, LAWYER)
    leyla.corrections.edit_consultation(consultation, ConsultationEdit(notes="Düzəldilmiş qeyd"))
    with language("en"):
        leyla.reports.case_summary(number, out, lang="en")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Last correction" in text and "Hüseynova Leyla" in text
    assert "Consultation of" in text and "Notes" in text
    leyla.close()


def test_the_access_report_lists_every_correction(
    world: tuple[Path, str, str], tmp_path: Path
) -> None:
    import io

    from pypdf import PdfReader

    data_dir, client_id, number = world
    admin = _login(data_dir, ADMIN)
    admin.corrections.edit_case(number, CaseEdit(summary="Kirayə haqqı mübahisəsi"))
    report = admin.access.report(client_id)
    summary = next(e for e in report.corrections if e.field == "summary")
    assert summary.new_value == "Kirayə haqqı mübahisəsi"
    exported = admin.access.export(client_id, tmp_path / "access.json")
    doc = json.loads(exported.path.read_text("utf-8"))
    assert {"summary", "assigned_lawyer"} <= {c["field"] for c in doc["corrections"]}
    pdf = admin.access.export(client_id, tmp_path / "access.pdf", lang="en")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.path.read_bytes())).pages)
    assert "Corrections" in text and "Kirayə haqqı mübahisəsi" in text
    admin.close()
