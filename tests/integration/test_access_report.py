"""The access report (issue 16): everything held about one person, and nothing about another.

A real store with two clients of similar shape (two cases each, consultations, parties, deadlines,
a document, a consent), worked on by a lawyer and viewed by a manager; the report of one must
hold exactly that person's records and the audit trail of who viewed or changed them, in JSON
and in a PDF read back with pypdf.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.access import FORMAT_NAME, FORMAT_VERSION
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import PermissionDenied
from legalaid_desktop.domain.roles import Permission, Role, roles_with
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.access_report import AccessReportService
from legalaid_desktop.store.models import AuditEvent

MANAGER = "nigar"
MANAGER_PASSWORD = "Şəki-saray-2026"
GULSEN = "Hüseynova Gülşən Əli qızı"
RASHID = "Quliyev Rəşid Tofiq oğlu"


def _person(s: app.AppSession, name: str, tag: str) -> dict[str, Any]:
    """A client with two cases, consultations, parties (one removed), deadlines, a document."""
    client = s.clients.register(
        ClientInput(name, "female", "AZ-GA", 1979, "+994 55 222 33 44", address=f"{tag} küç. 5"),
        ConsentInput(today() - timedelta(days=20), ("store_process", "share_hq")),
        ConflictDecisionInput("no_conflict"),  # two people share a phone number here
    )
    out: dict[str, Any] = {"id": client.id, "name": name, "cases": [], "ids": {client.id}}
    for area, summary in (("social", f"{tag}: MİS müavinəti"), ("family", f"{tag}: aliment")):
        case = s.cases.open(
            CaseInput(client.id, area, summary, opened_on=today() - timedelta(days=15))
        )
        out["cases"].append(case.number)
        out["ids"].add(case.id)
        consult = s.records.add_consultation(
            case.number,
            ConsultationInput(
                notes=f"{tag} görüş: şikayət ərizəsi", held_on=today() - timedelta(days=3)
            ),
        )
        out["ids"].add(consult.id)
        party = s.records.add_party(
            case.number,
            f"Мамедов {tag} Гасанович",
            "adverse",
            "",
            ConflictDecisionInput("no_conflict"),
        )
        out["ids"].add(party.id)
        out["ids"].add(
            s.records.add_deadline(case.number, today() + timedelta(days=9), f"{tag} müddət").id
        )
    gone = s.records.add_party(out["cases"][0], f"{tag} Şahid Əhməd", "witness")
    s.records.remove_party(out["cases"][0], gone.id)
    out["removed_party"] = gone.id
    doc = s.records.add_attachment(out["cases"][1], f"{tag}-ərizə.pdf", b"%PDF-1.4 " + tag.encode())
    out["attachment"] = doc.id
    out["ids"].update({gone.id, doc.id})
    return out


@pytest.fixture
def people(admin_session: app.AppSession, data_dir: Path) -> dict[str, dict[str, Any]]:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.users.add(MANAGER, "Əsədova Nigar Rauf qızı", "manager", MANAGER_PASSWORD)
    admin_session.close()
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    gulsen = _person(lawyer, GULSEN, "Gəncə")
    rashid = _person(lawyer, RASHID, "Bərdə")
    lawyer.close()
    manager = app.login(data_dir, MANAGER, MANAGER_PASSWORD)
    for person in (gulsen, rashid):
        manager.clients.get(person["id"])  # viewed by a second user
        manager.cases.get(person["cases"][0])
    manager.close()
    return {"gulsen": gulsen, "rashid": rashid}


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(data_dir))

    def run(user: str, password: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("LEGALAID_USER", user)
        monkeypatch.setenv("LEGALAID_PASSWORD", password)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _events(data_dir: Path, action: str) -> list[AuditEvent]:
    s = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        with s.ws.read() as db:
            rows = db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
            for row in rows:
                db.expunge(row)
            return list(rows)
    finally:
        s.close()


def test_the_json_holds_exactly_this_persons_records(
    people: dict[str, dict[str, Any]], data_dir: Path, cli: Any, tmp_path: Path
) -> None:
    gulsen, rashid = people["gulsen"], people["rashid"]
    out = tmp_path / "gulsen.json"
    code, stdout, err = cli(
        MANAGER, MANAGER_PASSWORD, "client", "export", gulsen["id"], "-o", str(out)
    )
    assert code == 0, err
    assert str(out) in stdout
    text = out.read_text("utf-8")
    doc = json.loads(text)
    assert doc["format"] == FORMAT_NAME and doc["version"] == FORMAT_VERSION
    assert doc["client"]["id"] == gulsen["id"] and doc["client"]["full_name"] == GULSEN
    assert doc["client"]["address"] == "Gəncə küç. 5"
    assert [c["number"] for c in doc["cases"]] == gulsen["cases"]
    assert len(doc["consultations"]) == 2
    assert {c["case_number"] for c in doc["consultations"]} == set(gulsen["cases"])
    assert doc["consents"][0]["purposes"] == ["store_process", "share_hq"]
    assert len(doc["deadlines"]) == 2
    # the removed witness is still held (a tombstone), so it is listed, marked
    removed = [p for p in doc["parties"] if p["id"] == gulsen["removed_party"]]
    assert removed and removed[0]["deleted"] is True and len(doc["parties"]) == 3
    (attachment,) = doc["attachments"]
    assert attachment["file_name"] == "Gəncə-ərizə.pdf" and attachment["size"] == len(
        "%PDF-1.4 Gəncə".encode()
    )
    assert set(attachment) == {
        "id", "case_number", "file_name", "media_type", "size", "sha256", "added_at", "deleted"
    }  # fmt: skip
    assert "%PDF-1.4" not in text  # the document is listed, never copied
    # every record the lawyer made is in it
    listed = {doc["client"]["id"]} | {
        r["id"]
        for part in ("consents", "cases", "consultations", "parties", "deadlines", "attachments")
        for r in doc[part]
    }
    assert gulsen["ids"] <= listed
    # ... and nothing of the other client: no id, no name, no case number, no text
    for secret in [*rashid["ids"], *rashid["cases"], RASHID, "Bərdə"]:
        assert secret not in text, secret
    # who viewed or changed the records: both users, the views and the changes
    trail = {(e["actor"], e["action"]) for e in doc["audit_events"]}
    assert {
        (LAWYER, "client_registered"),
        (LAWYER, "case_opened"),
        (LAWYER, "consultation_added"),
        (LAWYER, "attachment_added"),
        (LAWYER, "party_removed"),
        (MANAGER, "client_viewed"),
        (MANAGER, "case_viewed"),
    } <= trail
    assert doc["audit_events"][-1]["action"] == "client_access_report"  # its own making
    assert {e["actor_name"] for e in doc["audit_events"]} >= {"Əsədova Nigar Rauf qızı"}
    # the report's audit event names no person and no file (a file name may hold a name)
    (event,) = _events(data_dir, "client_access_report")
    assert event.actor == MANAGER and event.entity_id == gulsen["id"]
    assert set(event.details) == {"format", "records", "cases"}
    assert event.details["format"] == "json" and event.details["cases"] == 2


def test_a_case_number_finds_the_client(people: dict[str, dict[str, Any]], data_dir: Path) -> None:
    s = app.login(data_dir, MANAGER, MANAGER_PASSWORD)
    try:
        report = AccessReportService(s.ws).report(people["rashid"]["cases"][1].lower())
    finally:
        s.close()
    assert report.client.full_name == RASHID
    assert {c.number for c in report.cases} == set(people["rashid"]["cases"])


@pytest.mark.parametrize("lang", ["az", "ru"])
def test_the_pdf_prints_the_person_in_their_language(
    people: dict[str, dict[str, Any]], cli: Any, tmp_path: Path, lang: str
) -> None:
    gulsen = people["gulsen"]
    out = tmp_path / f"gulsen-{lang}.pdf"
    args = ("client", "export", gulsen["cases"][1], "-o", str(out), "--lang", lang)
    code, _stdout, err = cli(MANAGER, MANAGER_PASSWORD, *args)
    assert code == 0, err
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert GULSEN in text  # Ü, ş, Ə, ı intact
    assert "Gəncə görüş: şikayət ərizəsi" in text
    assert "Мамедов Gəncə Гасанович" in text
    assert "Gəncə-ərizə.pdf" in text
    for number in gulsen["cases"]:
        assert number in text
    assert RASHID not in text and "Bərdə" not in text
    assert reader.metadata is not None and reader.metadata.title
    assert "Əsədova Nigar Rauf qızı" in text  # in the audit trail and the page footer


def test_who_may_export_and_the_cli_exit_codes(
    people: dict[str, dict[str, Any]], data_dir: Path, cli: Any, tmp_path: Path
) -> None:
    gulsen = people["gulsen"]
    assert roles_with(Permission.EXPORT_PERSONAL_DATA) == [Role.MANAGER, Role.ADMIN]
    out = tmp_path / "report.json"
    # a lawyer with a password is not allowed, and the attempt is audited
    code, _out, err = cli(LAWYER, LAWYER_PASSWORD, "client", "export", gulsen["id"], "-o", str(out))
    assert code == 5 and "Center manager" in err and not out.exists()
    # ... also when a name is typed for the id: the refusal's event does not record it
    code, _out, _err = cli(LAWYER, LAWYER_PASSWORD, "client", "export", GULSEN, "-o", str(out))
    assert code == 5 and not out.exists()
    denied = _events(data_dir, "permission_denied")
    assert [e.details["action"] for e in denied] == ["client_access_report"] * 2
    assert all(GULSEN not in json.dumps(e.details, ensure_ascii=False) for e in denied)
    s = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    with pytest.raises(PermissionDenied):
        AccessReportService(s.ws).report(gulsen["id"])
    s.close()
    # unknown client or case
    code, _out, err = cli(
        MANAGER, MANAGER_PASSWORD, "client", "export", "GNJ-1999-0001", "-o", str(out)
    )
    assert code == 4 and "GNJ-1999-0001" in err and not out.exists()
    # an existing file is refused and stays as it was, unless --force
    out.write_text("someone else's report")
    code, _out, err = cli(
        MANAGER, MANAGER_PASSWORD, "client", "export", gulsen["id"], "-o", str(out)
    )
    assert code == 4 and "--force" in err and out.read_text() == "someone else's report"
    code, _out, err = cli(
        MANAGER, MANAGER_PASSWORD, "client", "export", gulsen["id"], "-o", str(out), "--force"
    )
    assert code == 0, err
    assert json.loads(out.read_text("utf-8"))["client"]["id"] == gulsen["id"]
    # an administrator may as well; --json describes the file written
    pdf = tmp_path / "report.pdf"
    code, stdout, err = cli(
        ADMIN, ADMIN_PASSWORD, "--json", "client", "export", gulsen["id"], "-o", str(pdf)
    )
    assert code == 0, err
    result = json.loads(stdout)
    assert result["format"] == "pdf" and result["pages"] >= 2 and result["records"] >= 12
    # the format comes from the suffix: anything else is a usage error
    with pytest.raises(SystemExit) as usage:
        cli(
            MANAGER,
            MANAGER_PASSWORD,
            "client",
            "export",
            gulsen["id"],
            "-o",
            str(tmp_path / "r.txt"),
        )
    assert usage.value.code == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "report.json",
        "report.pdf",
    ]
    made = _events(data_dir, "client_access_report")
    assert [(e.actor, e.details["format"]) for e in made] == [(MANAGER, "json"), (ADMIN, "pdf")]
