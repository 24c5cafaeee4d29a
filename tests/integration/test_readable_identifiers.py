"""What people read names a client by number and a person by name: no UUID on paper.

The consent form and the case summary are rendered from a real store and read back with pypdf;
the default file name of a consent form carries the client number; the case's people are
resolved to their full names (``case show``, the summary).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.documents import document_kind
from legalaid_desktop.i18n import set_language
from legalaid_desktop.i18n.dates import today

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
LAWYER_NAME = "Hüseynova Leyla Əli qızı"


@pytest.fixture
def lawyer(store_with_lawyer: Path):  # type: ignore[no-untyped-def]
    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    yield session
    session.close()
    set_language("en")


@pytest.fixture
def case(lawyer: app.AppSession) -> tuple[str, str, str]:
    """(client id, client number, case number) with a consultation and a document."""
    client = lawyer.clients.register(
        ClientInput("Əliyeva Səbinə Rauf qızı", "female", "AZ-GA", 1985, "+994 55 222 33 44"),
        ConsentInput(today(), ("store_process", "share_hq")),
    )
    opened = lawyer.cases.open(CaseInput(client.id, "social", "MİS müavinəti dayandırılıb."))
    lawyer.records.add_consultation(opened.number, ConsultationInput(notes="İlk görüş."))
    lawyer.records.add_attachment(opened.number, "ərizə.pdf", b"%PDF-1.4\n%%EOF\n")
    return client.id, client.number, opened.number


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_the_consent_form_names_the_client_by_number(
    lawyer: app.AppSession, case: tuple[str, str, str], lang: str
) -> None:
    client_id, number, _case = case
    doc = lawyer.reports.consent_form_document(client_id, lang=lang)
    text = _text(doc.data)
    assert number in text
    assert not UUID.search(text), UUID.search(text)
    assert doc.name == f"consent-{number}"
    assert doc.entity_id == client_id  # the audit still names the row


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_the_case_summary_names_client_and_lawyer_for_people(
    lawyer: app.AppSession, case: tuple[str, str, str], lang: str
) -> None:
    _id, number, case_number = case
    text = _text(lawyer.reports.case_summary_bytes(case_number, lang=lang))
    assert number in text
    assert not UUID.search(text), UUID.search(text)
    flat = " ".join(text.split())
    assert LAWYER_NAME.split()[0] in flat and "leyla" not in flat
    assert "application/pdf" not in flat


def test_the_consent_form_by_number_from_the_cli(
    store_with_lawyer: Path,
    case: tuple[str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store_with_lawyer))
    monkeypatch.setenv("LEGALAID_USER", LAWYER)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    _id, number, case_number = case
    out = tmp_path / "form.pdf"
    assert main(["pdf", "consent", number.lower(), "-o", str(out), "--lang", "az"]) == 0
    assert number in _text(out.read_bytes())
    capsys.readouterr()
    assert main(["case", "show", case_number]) == 0
    shown = capsys.readouterr().out
    assert f"Lawyer: {LAWYER_NAME}" in shown and f"{LAWYER_NAME}: İlk görüş." in shown
    assert f"Client: Əliyeva Səbinə Rauf qızı (Ganja, 1985)  {number}" in shown
    assert not UUID.search(shown)


def test_the_case_detail_knows_its_peoples_names(
    lawyer: app.AppSession, case: tuple[str, str, str]
) -> None:
    detail = lawyer.cases.get(case[2])
    assert detail.person(detail.assigned_lawyer) == LAWYER_NAME
    assert detail.attachments[0].added_by == LAWYER
    assert detail.person("nobody") == "nobody"


@pytest.mark.parametrize(
    ("media_type", "en"),
    [
        ("application/pdf", "PDF document"),
        ("image/jpeg", "Image"),
        ("IMAGE/PNG; q=1", "Image"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),  # noqa: E501
        ("application/x-unknown", "File"),
        ("", "File"),
    ],
)  # fmt: skip
def test_document_kinds_are_words(media_type: str, en: str) -> None:
    set_language("en")
    assert document_kind(media_type) == en


def test_the_access_report_names_the_client_by_number(
    store_with_lawyer: Path, case: tuple[str, str, str], tmp_path: Path
) -> None:
    client_id, number, _case = case
    manager = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        manager.access.export(number.lower(), tmp_path / "report.pdf", lang="az")
        report = manager.access.report(number)
    finally:
        manager.close()
    text = _text((tmp_path / "report.pdf").read_bytes())
    assert number in text and client_id not in " ".join(text.split())
    assert report.client.id == client_id and report.client.number == number


def test_search_finds_a_client_by_number_and_shows_it(
    lawyer: app.AppSession, case: tuple[str, str, str]
) -> None:
    """A number read off a consent form or a summary finds the person, as typed or folded, and
    the search result shows it; after a rebuild of the index too."""
    client_id, number, _case_number = case
    other = lawyer.clients.register(
        ClientInput("Məmmədov Orxan", "male", "AZ-GA", 1990),
        ConsentInput(today(), ("store_process",)),
    )

    def found(text: str) -> list[str]:
        return [h.ref_id for h in lawyer.search.search(text, kinds=("client",))]

    for typed in (number, number.lower(), number.replace("-", " ")):
        assert found(typed)[:1] == [client_id], typed
        assert other.id not in found(typed)
    assert found(other.number)[:1] == [other.id]
    hit = lawyer.search.search(number, kinds=("client",))[0]
    assert number in hit.subtitle
    from legalaid_desktop.search.index import rebuild

    with lawyer.ws.store.session(write=True) as s:
        rebuild(s)
    assert found(number)[:1] == [client_id]
