"""PDFs from the real store: the CLI and the service, text checked with pypdf, audited."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.i18n import set_language
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import AuditEvent


@pytest.fixture
def case_number(store_with_lawyer: Path) -> tuple[str, str]:
    s = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    client = s.clients.register(
        ClientInput("Hüseynova Gülşən Əli qızı", "female", "AZ-GA", 1979, "+994 55 222 33 44"),
        ConsentInput(today(), ("store_process", "share_hq")),
    )
    case = s.cases.open(
        CaseInput(
            client.id,
            "social",
            "MİS müavinəti dayandırılıb.",
            opened_on=today() - timedelta(days=10),
        )
    )
    s.records.add_party(case.number, "Мамедов Эльчин Гасанович", "adverse")
    for i in range(3):
        s.records.add_consultation(
            case.number,
            ConsultationInput(
                notes=f"Görüş {i}: şikayət ərizəsi hazırlandı.",
                held_on=today() - timedelta(days=3 - i),
            ),
        )
    s.close()
    return case.number, client.id


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_cli_writes_the_case_summary(
    store_with_lawyer: Path,
    case_number: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store_with_lawyer))
    monkeypatch.setenv("LEGALAID_USER", LAWYER)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    number, client_id = case_number
    for lang in ("az", "ru", "en"):
        out = tmp_path / f"summary-{lang}.pdf"
        assert main(["pdf", "case", number, "-o", str(out), "--lang", lang]) == 0
        text = _text(out.read_bytes())
        assert "Hüseynova Gülşən Əli qızı" in text
        assert "Мамедов Эльчин Гасанович" in text
        assert number in text
    out = tmp_path / "consent.pdf"
    assert main(["pdf", "consent", client_id, "-o", str(out), "--lang", "az"]) == 0
    assert "Hüseynova Gülşən Əli qızı" in _text(out.read_bytes())
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "consent.pdf",
        "summary-az.pdf",
        "summary-en.pdf",
        "summary-ru.pdf",
    ]
    assert main(["pdf", "case", "GNJ-1999-0001", "-o", str(tmp_path / "x.pdf")]) == 4
    assert not (tmp_path / "x.pdf").exists()


def test_cli_pdf_language_comes_from_the_global_option_and_the_environment(
    store_with_lawyer: Path,
    case_number: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An HQ script writes ``legalaid --lang ru pdf ...`` or sets LEGALAID_LANG once."""
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store_with_lawyer))
    monkeypatch.setenv("LEGALAID_USER", LAWYER)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    number, _client_id = case_number
    try:
        assert main(["--lang", "ru", "pdf", "case", number, "-o", str(tmp_path / "ru.pdf")]) == 0
        assert "Сводка по делу" in _text((tmp_path / "ru.pdf").read_bytes())
        monkeypatch.setenv("LEGALAID_LANG", "az")
        assert main(["pdf", "case", number, "-o", str(tmp_path / "az.pdf")]) == 0
        assert "İşin xülasəsi" in _text((tmp_path / "az.pdf").read_bytes())
        assert main(["pdf", "case", number, "-o", str(tmp_path / "en.pdf"), "--lang", "en"]) == 0
        assert "Case summary" in _text((tmp_path / "en.pdf").read_bytes())
    finally:
        set_language("en")


def test_preview_is_in_memory_and_every_print_is_audited(
    store_with_lawyer: Path, case_number: tuple[str, str]
) -> None:
    number, client_id = case_number
    s = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    files_before = {p for p in store_with_lawyer.rglob("*")}
    data = s.reports.case_summary_bytes(number, lang="en", include_contact=False)
    assert data.startswith(b"%PDF")
    text = _text(data)
    assert "Hüseynova Gülşən Əli qızı" in text and "+994 55 222 33 44" not in text
    assert s.reports.consent_form_bytes(client_id, lang="ru").startswith(b"%PDF")
    assert {p for p in store_with_lawyer.rglob("*")} == files_before
    with s.ws.read() as db:
        actions = db.scalars(select(AuditEvent.action)).all()
    s.close()
    assert "pdf_case_preview" in actions and "pdf_consent_preview" in actions


def test_batch_of_closed_cases(
    store_with_lawyer: Path, case_number: tuple[str, str], tmp_path: Path
) -> None:
    number, _client = case_number
    s = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    s.cases.close(number, "referred_state_body")
    s.close()
    # The batch of every closed case is for managers and above (a lawyer is refused:
    # tests/hostile/test_roles.py).
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    seen: list[tuple[int, int]] = []
    pages = s.reports.closed_summaries(
        today() - timedelta(days=1),
        today(),
        tmp_path / "batch.pdf",
        lang="az",
        progress=lambda d, t: seen.append((d, t)),
    )
    s.close()
    assert pages >= 1 and seen and seen[-1][0] == seen[-1][1]
    assert number in _text((tmp_path / "batch.pdf").read_bytes())
