"""Every PDF the app writes names the center, never the user, in its metadata (issue 13).

The document information dictionary (author, creator, producer, subject, keywords, title) and
the XMP packet travel with the file: a case summary forwarded by e-mail or left on a shared
printer must not say which lawyer made it. The center's name is enough. The visible footer
("Generated ... by ...") is the page's content and stays. The PDFs are made by the real
services over a real store and read back with pypdf.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ADMIN
from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.reports.model import CenterInfo, ClientInfo, ConsentFormInput
from legalaid_desktop.reports.pdf import render_consent_form

CENTER = "Gəncə mərkəzi"  # the node name of the admin_session fixture
FULL_NAME = "Məmmədov Elçin Vaqif oğlu"  # its administrator's full name


def _pdfs(session: app.AppSession, tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    """One PDF of every kind the app writes, saved to a file or rendered for the preview."""
    client = session.clients.register(
        ClientInput("Hüseynova Gülşən Əli qızı", "female", "AZ-GA", 1979, "+994 55 222 33 44"),
        ConsentInput(today(), ("store_process", "share_hq")),
    )
    case = session.cases.open(
        CaseInput(client.id, "social", "MİS müavinəti.", opened_on=today() - timedelta(days=5))
    )
    session.records.add_consultation(case.number, ConsultationInput(notes="Görüş."))
    for lang in ("az", "ru", "en"):
        path = tmp_path / f"case-{lang}.pdf"
        session.reports.case_summary(case.number, path, lang=lang)
        yield f"case summary ({lang})", path.read_bytes()
    yield "case preview", session.reports.case_summary_document(case.number, lang="az").data
    path = tmp_path / "consent.pdf"
    session.reports.consent_form(client.id, path, lang="ru")
    yield "consent form", path.read_bytes()
    yield "consent preview", session.reports.consent_form_document(client.id, lang="az").data
    session.cases.close(case.number, "referred_state_body")
    path = tmp_path / "batch.pdf"
    session.reports.closed_summaries(today() - timedelta(days=1), today(), path, lang="az")
    yield "batch of closed cases", path.read_bytes()


def test_pdf_metadata_names_the_center_not_the_user(
    admin_session: app.AppSession, tmp_path: Path
) -> None:
    forbidden = [FULL_NAME, *FULL_NAME.split()[:2], ADMIN]
    kinds = []
    for kind, data in _pdfs(admin_session, tmp_path):
        kinds.append(kind)
        reader = PdfReader(io.BytesIO(data))
        info = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
        assert info.get("/Author") == CENTER, kind
        for key, value in info.items():
            for name in forbidden:
                assert name.casefold() not in value.casefold(), f"{kind}: {key} = {value!r}"
        xmp = reader.xmp_metadata
        if xmp is not None:
            packet = xmp.stream.get_data().decode("utf-8", "replace").casefold()
            for name in forbidden:
                assert name.casefold() not in packet, f"{kind}: XMP holds {name!r}"
        # The user is still on the page itself, where the reader sees who printed it.
        assert FULL_NAME in reader.pages[0].extract_text(), kind
    assert len(kinds) == 7


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_renderer_takes_the_author_from_the_center(lang: str) -> None:
    """The renderer itself (under the CLI, the GUI and the services) names the center of the
    data as the author, whoever ``generated_by`` is."""
    center = CenterInfo(name="Quba Hüquqi Yardım Mərkəzi", address="Quba")
    client = ClientInfo(client_id="c1", full_name="Əliyeva Səbinə", gender="female")
    out = io.BytesIO()
    render_consent_form(
        ConsentFormInput(center, client), out, lang=lang, generated_by="Qasımova Aytən Rauf qızı"
    )
    metadata = PdfReader(io.BytesIO(out.getvalue())).metadata or {}
    info = {str(k): str(v) for k, v in metadata.items()}
    assert info["/Author"] == center.name
    assert not any("Qasımova" in v or "Aytən" in v for v in info.values())
