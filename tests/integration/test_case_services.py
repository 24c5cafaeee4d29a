"""Case-management services on the real encrypted store: each use case, bad input, numbering."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInput,
    ConsentInput,
    ConsultationInput,
    CorruptionInput,
)
from legalaid_desktop.domain.errors import (
    InputRejected,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.case_records import MAX_ATTACHMENT_BYTES
from legalaid_desktop.store.models import AuditEvent, Case, ChangeLog, Client

RASHAD = ClientInput(
    full_name="Əliyev Rəşad İsmayıl oğlu",
    gender="male",
    birth_year=1985,
    region="AZ-GA",
    phone="+994 50 123 45 67",
    displacement="idp",
)


def _counts(session: app.AppSession) -> tuple[int, int, int, int]:
    with session.ws.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Client)) or 0,
            s.scalar(select(func.count()).select_from(Case)) or 0,
            s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            s.scalar(select(func.count()).select_from(ChangeLog)) or 0,
        )


@pytest.fixture
def lawyer_session(store_with_lawyer: Path):  # type: ignore[no-untyped-def]
    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    yield session
    session.close()


def test_intake_case_consultations_close_reopen(lawyer_session: app.AppSession) -> None:
    s = lawyer_session
    client = s.clients.register(RASHAD, ConsentInput(given_on=today()))
    assert client.full_name == "Əliyev Rəşad İsmayıl oğlu" and len(client.consents) == 1
    case = s.cases.open(CaseInput(client.id, "credit", "Bank kreditin faizlərini artırıb."))
    year = today().year
    assert case.number == f"GNJ-{year}-0001" and case.status == "open"
    assert case.assigned_lawyer == LAWYER
    s.records.add_consultation(
        case.number, ConsultationInput(notes="İlk görüş; sənədlər yoxlanıldı.")
    )
    s.records.add_consultation(
        case.number,
        ConsultationInput(
            notes="Banka ərizə hazırlandı.",
            mode="phone",
            minutes=15,
            follow_up_on=today() + timedelta(days=3),
        ),
    )
    s.records.add_party(case.number, "Kapital Bank", "institution")
    s.records.add_deadline(case.number, today() + timedelta(days=10), "Məhkəməyə müraciət müddəti")
    detail = s.cases.get(case.number)
    assert (
        len(detail.consultations) == 2 and len(detail.parties) == 1 and len(detail.deadlines) == 1
    )
    closed = s.cases.close(case.number, "resolved_partial")
    assert closed.status == "closed" and closed.outcome == "resolved_partial"
    with pytest.raises(InputRejected, match="already closed"):
        s.cases.close(case.number, "advice_given")
    reopened = s.cases.reopen(case.number)
    assert reopened.status == "open" and reopened.outcome is None
    second = s.cases.open(CaseInput(client.id, "family", "Aliment"))
    assert second.number == f"GNJ-{year}-0002"
    agenda = s.agenda.items(today(), today() + timedelta(days=14))
    assert {i.kind for i in agenda} == {"deadline", "follow_up"}


def test_views_and_changes_are_audited(lawyer_session: app.AppSession) -> None:
    s = lawyer_session
    client = s.clients.register(RASHAD)
    case = s.cases.open(CaseInput(client.id, "labour", "İşdən qanunsuz azad olunma"))
    s.clients.get(client.id)
    s.cases.get(case.number)
    with s.ws.read() as db:
        actions = [a for (a,) in db.execute(select(AuditEvent.action).order_by(AuditEvent.seq))]
    for action in ("client_registered", "case_opened", "client_viewed", "case_viewed"):
        assert action in actions
    assert s.maintenance.verify().ok


def test_corruption_case(lawyer_session: app.AppSession) -> None:
    s = lawyer_session
    client = s.clients.register(RASHAD)
    case = s.cases.open(
        CaseInput(
            client.id,
            "corruption",
            "Arayış üçün pul tələb olunub.",
            corruption=CorruptionInput("public_services", "bribery", "Gəncə İcra Hakimiyyəti", 200),
        )
    )
    assert case.corruption is not None and case.corruption.amount_requested == 200
    with pytest.raises(ValidationError, match="corruption sector"):
        s.cases.open(
            CaseInput(client.id, "corruption", "x", corruption=CorruptionInput("mars", "bribery"))
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"region": "AZ-XX"}, "region"),
        ({"full_name": "   "}, "must not be empty"),
        ({"birth_year": today().year + 1}, "future"),
        ({"gender": "robot"}, "gender"),
        ({"phone": "call me"}, "phone"),
        ({"full_name": "12345"}, "letters"),
    ],
)
def test_bad_client_input_writes_nothing(
    lawyer_session: app.AppSession, change: dict, message: str
) -> None:  # type: ignore[type-arg]
    before = _counts(lawyer_session)
    data = ClientInput(**{**RASHAD.__dict__, **change})
    with pytest.raises(ValidationError, match=message):
        lawyer_session.clients.register(data)
    assert _counts(lawyer_session) == before


def test_bad_case_input_writes_nothing(lawyer_session: app.AppSession) -> None:
    s = lawyer_session
    client = s.clients.register(RASHAD)
    case = s.cases.open(CaseInput(client.id, "property", "Torpaq mübahisəsi"))
    before = _counts(s)
    with pytest.raises(ValidationError, match="legal area"):
        s.cases.open(CaseInput(client.id, "astrology", "x"))
    with pytest.raises(NotFound, match="no client"):
        s.cases.open(CaseInput("0190f5c0-0000-7000-8000-000000000000", "family", "x"))
    with pytest.raises(NotFound, match="no case"):
        s.records.add_consultation("GNJ-1999-9999", ConsultationInput(notes="x"))
    with pytest.raises(ValidationError, match="future"):
        s.records.add_consultation(
            case.number, ConsultationInput(notes="x", held_on=today() + timedelta(days=2))
        )
    with pytest.raises(ValidationError, match="outcome"):
        s.cases.close(case.number, "won_the_lottery")
    with pytest.raises(ValidationError, match="limit is 20 MB"):
        s.records.add_attachment(case.number, "scan.pdf", b"x" * (MAX_ATTACHMENT_BYTES + 1))
    assert _counts(s) == before


def test_attachment_is_stored_encrypted_with_its_hash(
    lawyer_session: app.AppSession, store_with_lawyer: Path, tmp_path: Path
) -> None:
    s = lawyer_session
    client = s.clients.register(RASHAD)
    case = s.cases.open(CaseInput(client.id, "property", "Torpaq"))
    content = b"%PDF-1.4 ATTACHMENTMARKER " + bytes(range(256)) * 50
    info = s.records.add_attachment(case.number, "C:\\Users\\x\\çıxarış.pdf", content)
    assert info.file_name == "çıxarış.pdf" and info.media_type == "application/pdf"
    import hashlib

    assert info.sha256 == hashlib.sha256(content).hexdigest()
    _info, got = s.records.attachment_content(info.id)
    assert got == content
    for path in store_with_lawyer.rglob("*"):
        if path.is_file():
            assert b"ATTACHMENTMARKER" not in path.read_bytes()
    out = s.records.export_attachment(info.id, tmp_path)
    assert out.read_bytes() == content


def test_lawyer_of_another_node_cannot_change_a_case(lawyer_session: app.AppSession) -> None:
    s = lawyer_session
    client = s.clients.register(RASHAD)
    case = s.cases.open(CaseInput(client.id, "family", "Boşanma"))
    with s.ws.store.session(write=True) as db:  # as if the case had come from Quba by sync
        db.execute(
            text("UPDATE cases SET owner_node = 'QBA' WHERE number = :n"), {"n": case.number}
        )
    before = _counts(s)
    with pytest.raises(InputRejected, match="belongs to the QBA center"):
        s.records.add_consultation(case.number, ConsultationInput(notes="x"))
    with pytest.raises(InputRejected, match="QBA"):
        s.cases.close(case.number, "advice_given")
    assert _counts(s) == before


def test_an_analyst_cannot_edit(admin_session: app.AppSession, data_dir: Path) -> None:
    admin_session.users.add("aysel", "Məmmədova Aysel", "hq_analyst", "Quba-apple-2026")
    client = admin_session.clients.register(RASHAD)
    admin_session.close()
    analyst = app.login(data_dir, "aysel", "Quba-apple-2026")
    with pytest.raises(PermissionDenied):
        analyst.clients.register(RASHAD)
    assert analyst.clients.get(client.id).full_name == RASHAD.full_name
    analyst.close()


def test_client_list_is_in_azerbaijani_order(lawyer_session: app.AppSession) -> None:
    names = [
        "Zeynalov Elçin",
        "Çələbi Aydın",
        "Şirinov Murad",
        "Əhmədova Lalə",
        "İsmayılov Tural",
        "Ismayılova Nərmin",
        "Cəfərov Anar",
        "Abbasov Vüsal",
        "Ötkəm Ülvi",
    ]
    for name in names:
        lawyer_session.clients.register(
            ClientInput(full_name=name, gender="female", region="AZ-GA")
        )
    page = lawyer_session.clients.list()
    assert [r.full_name for r in page.rows] == [
        "Abbasov Vüsal",
        "Cəfərov Anar",
        "Çələbi Aydın",
        "Əhmədova Lalə",
        "Ismayılova Nərmin",
        "İsmayılov Tural",
        "Ötkəm Ülvi",
        "Şirinov Murad",
        "Zeynalov Elçin",
    ]
    assert page.total == len(names)
    second = lawyer_session.clients.list(offset=3, limit=2)
    assert [r.full_name for r in second.rows] == ["Əhmədova Lalə", "Ismayılova Nərmin"]


def test_every_change_goes_to_the_outbox_with_field_groups(lawyer_session: app.AppSession) -> None:
    s = lawyer_session
    client = s.clients.register(RASHAD)
    s.clients.update(client.id, ClientInput(**{**RASHAD.__dict__, "phone": "+994 55 000 11 22"}))
    with s.ws.read() as db:
        rows = db.execute(
            select(ChangeLog.groups).where(ChangeLog.row_id == client.id).order_by(ChangeLog.seq)
        ).all()
        row = db.get(Client, client.id)
        assert row is not None
        clocks = dict(row.clocks)
    assert set(rows[0][0]) == {"identity", "contact", "profile", "owner", "organization", "merge"}
    assert rows[1][0] == ["contact"]
    assert clocks["contact"] > clocks["identity"]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from legalaid_desktop import app
    from legalaid_desktop.domain.cases import CaseInput
    data_dir, user, password, client_id = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    session = app.login(data_dir, user, password)
    numbers = [session.cases.open(CaseInput(client_id, "family", "x")).number for _ in range(15)]
    session.close()
    print(" ".join(numbers))
    """
)


def test_case_numbers_are_unique_under_concurrent_writers(store_with_lawyer: Path) -> None:
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    client = session.clients.register(RASHAD)
    session.close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store_with_lawyer), user, password, client.id],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user, password in ((ADMIN, ADMIN_PASSWORD), (LAWYER, LAWYER_PASSWORD))
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs += out.split()
    assert len(outputs) == 30 and len(set(outputs)) == 30
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in outputs)
    assert seqs == list(range(1, 31))
    assert all(re.fullmatch(r"GNJ-\d{4}-\d{4}", n) for n in outputs)
