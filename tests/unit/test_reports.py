"""The PDF reports: case summaries, batches and consent forms (reports/)."""

from __future__ import annotations

import io
import os
import re
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
import reportlab
from reportlab.pdfbase import pdfmetrics

from legalaid_desktop.domain.errors import FontNotFound, ReportCancelled, ReportNotSaved
from legalaid_desktop.i18n import _, language
from legalaid_desktop.reference_data import load_catalog
from legalaid_desktop.reports import pdf as pdf_module
from legalaid_desktop.reports.fonts import clear_font_cache, find_fonts
from legalaid_desktop.reports.model import (
    AttachmentInfo,
    CaseSummaryInput,
    CenterInfo,
    ClientInfo,
    ConsentFormInput,
    ConsultationInfo,
    CorruptionInfo,
    DeadlineInfo,
    PartyInfo,
)
from legalaid_desktop.reports.pdf import (
    render_case_summaries,
    render_case_summary,
    render_consent_form,
)

CLIENT_NAME = "Əliyev Rəşad İsmayıl oğlu"
LAWYER_NAME = "Hüseynova Gülşən Əli qızı"
CYRILLIC_PARTY = "Мамедов Эльчин"
CLIENT_PHONE = "+994 50 123 45 67"
CLIENT_ADDRESS = "Gəncə, Atatürk prospekti 45, mənzil 17"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
NOW = datetime(2026, 3, 5, 10, 30, tzinfo=UTC)  # 14:30 in Baku
MODES = ("in_person", "phone", "online", "outreach", "hotline")

CENTER = CenterInfo(
    name="Gəncə Hüquqi Yardım Mərkəzi",
    address="Gəncə şəhəri, Nizami küçəsi 12\nAZ2000",
    phone="+994 22 256 00 00",
)
CLIENT = ClientInfo(
    client_id="0192f3a4-7b1c-7e55-9a1d-3c4b5d6e7f80",
    full_name=CLIENT_NAME,
    gender="male",
    birth_year=1984,
    region="AZ-GA",
    phone=CLIENT_PHONE,
    address=CLIENT_ADDRESS,
    displacement="idp",
    disability="physical",
)


def marker(index: int) -> str:
    """A text that occurs once in the PDF: in the notes of consultation ``index``."""
    return f"Görüş-{index:03d}"


def consultations(count: int) -> list[ConsultationInfo]:
    start = date(2026, 1, 5)
    return [
        ConsultationInfo(
            date=start + timedelta(days=i),
            mode=MODES[i % len(MODES)],
            minutes=30 + i % 4 * 15,
            lawyer=LAWYER_NAME,
            notes=(
                f"{marker(i)}: müştəri torpaq sahəsinin qeydiyyatından imtina barədə yerli icra "
                "hakimiyyətinin qərarından şikayətləndi; sənədlər natamamdır."
            ),
            advice="İnzibati şikayət ərizəsi hazırlamaq tövsiyə olundu." if i % 2 else "",
            next_steps="Sənədlərin surətlərini gətirmək." if i % 3 == 0 else "",
            follow_up=start + timedelta(days=i + 7) if i % 4 == 0 else None,
        )
        for i in range(count)
    ]


def make_case(
    n_consultations: int = 3, number: str = "GNJ-2026-0042", **changes: Any
) -> CaseSummaryInput:
    case = CaseSummaryInput(
        center=CENTER,
        number=number,
        status="open",
        legal_area="property",
        summary="Torpaq sahəsinə mülkiyyət hüququnun qeydiyyatından imtina.",
        lawyer=LAWYER_NAME,
        opened=date(2026, 1, 5),
        client=CLIENT,
        outcome="advice_given",
        corruption=CorruptionInfo(
            sector="land_property",
            conduct="bribery",
            institution="Gəncə şəhər İcra Hakimiyyəti",
            amount_requested=Decimal("1500"),
            reported_to="Baş Prokurorluq",
            satisfaction=4,
        ),
        parties=[
            PartyInfo(CYRILLIC_PARTY, "adverse"),
            PartyInfo("Gəncə şəhər İcra Hakimiyyəti", "institution"),
        ],
        consultations=consultations(n_consultations),
        deadlines=[
            DeadlineInfo(date(2026, 2, 1), "İddia ərizəsinin verilməsi"),
            DeadlineInfo(date(2026, 1, 20), "Artıq yerinə yetirilib", done=True),
        ],
        attachments=[AttachmentInfo("şikayət_ərizəsi.pdf", "application/pdf", 234_567, SHA)],
    )
    return replace(case, **changes)


def render(case: CaseSummaryInput, lang: str = "az", **kwargs: Any) -> tuple[bytes, int]:
    out = io.BytesIO()
    pages = render_case_summary(
        case, out, lang=lang, generated_by="Məmmədov Tural", now=NOW, **kwargs
    )
    return out.getvalue(), pages


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def full_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def flat(text: str) -> str:
    """``text`` with all white space removed (for values that may wrap)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def long_case_pdf() -> tuple[bytes, int]:
    return render(make_case(60), lang="en")


# --- Content ----------------------------------------------------------------------------------


def test_azerbaijani_and_cyrillic_names_are_extracted_exactly() -> None:
    pdf, pages = render(make_case())
    text = full_text(pdf)
    assert pages >= 1
    for name in (CLIENT_NAME, LAWYER_NAME, CYRILLIC_PARTY, CENTER.name):
        assert name in text
    assert "Gəncə şəhər İcra Hakimiyyəti" in text


def test_fonts_are_an_embedded_unicode_subset_not_helvetica() -> None:
    pdf, _pages = render(make_case())
    fonts = find_fonts()
    faces = {
        pdfmetrics.getFont(name).face.name.decode() for name in (fonts.regular, fonts.bold)
    }  # the PostScript names in the font files, e.g. "DejaVuSans" and "DejaVuSans-Bold"
    seen = set()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            base = str(font["/BaseFont"])
            assert "Helvetica" not in base
            subset = re.fullmatch(r"/[A-Z]{6}\+(\S+)", base)  # a subset: /AAAAAA+Name
            assert subset is not None, base
            seen.add(subset.group(1))
            assert "/FontFile2" in font["/FontDescriptor"].get_object()  # embedded TrueType
    assert seen == faces


def test_every_page_is_marked_confidential_with_time_and_user() -> None:
    pdf, pages = render(make_case(30), lang="en")
    texts = page_texts(pdf)
    assert len(texts) == pages > 1
    with language("en"):
        marking = _("CONFIDENTIAL — contains personal data")
    for text in texts:
        assert marking in text
        assert "05.03.2026 14:30" in text  # 10:30 UTC is 14:30 in Baku
        assert "Məmmədov Tural" in text


def test_sixty_consultations_span_pages_numbered_x_of_y(long_case_pdf: tuple[bytes, int]) -> None:
    pdf, pages = long_case_pdf
    texts = page_texts(pdf)
    assert pages == len(texts) >= 3
    with language("en"):
        page_of = _("Page {page} of {pages}")
    for number, text in enumerate(texts, start=1):
        assert page_of.format(page=number, pages=pages) in text
        other = {page_of.format(page=n, pages=pages) for n in range(1, pages + 1)} - {
            page_of.format(page=number, pages=pages)
        }
        assert not any(o in text for o in other)
    assert all(marker(i) in "".join(texts) for i in range(60))


def test_consultation_header_repeats_on_continuation_pages(
    long_case_pdf: tuple[bytes, int],
) -> None:
    pdf, _pages = long_case_pdf
    texts = page_texts(pdf)
    with language("en"):
        header = _("Notes, advice and next steps")
    pages_with_rows = [t for t in texts if any(marker(i) in t for i in range(60))]
    assert len(pages_with_rows) >= 2
    for text in pages_with_rows:
        assert header in text


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_labels_are_in_the_chosen_language(lang: str) -> None:
    pdf, _pages = render(make_case(), lang=lang)
    text = full_text(pdf)
    with language(lang):
        labels = [
            _("Case summary"),
            _("Consultations"),
            _("Open deadlines"),
            _("Attachments"),
            _("CONFIDENTIAL — contains personal data"),
        ]
    for label in labels:
        assert label in text
    catalog = load_catalog()
    for kind, code in [
        ("legal_areas", "property"),
        ("case_statuses", "open"),
        ("genders", "male"),
        ("party_roles", "adverse"),
        ("outcomes", "advice_given"),
        ("corruption_conduct", "bribery"),
    ]:
        assert flat(catalog[kind].label(code, lang)) in flat(text)  # labels may wrap
    for other in {"az", "ru", "en"} - {lang}:
        assert flat(catalog["legal_areas"].label("property", other)) not in flat(text)
        assert flat(catalog["genders"].label("male", other)) not in flat(text)


def test_contact_details_can_be_left_out() -> None:
    with_contact, _pages = render(make_case())
    assert flat(CLIENT_PHONE) in flat(full_text(with_contact))
    assert flat(CLIENT_ADDRESS) in flat(full_text(with_contact))

    without, _pages = render(make_case(), include_contact=False)
    text = full_text(without)
    assert flat(CLIENT_PHONE) not in flat(text)
    assert "123 45 67" not in text
    assert "Atatürk" not in text
    assert CLIENT_NAME in text  # the rest of the client block is still there


def test_corruption_deadlines_attachments_and_outcome() -> None:
    pdf, _pages = render(make_case(), lang="ru")
    text = full_text(pdf)
    catalog = load_catalog()
    assert flat(catalog["corruption_sectors"].label("land_property", "ru")) in flat(text)
    assert "1 500,00 AZN" in text.replace("\xa0", " ").replace("\u202f", " ")
    assert "Baş Prokurorluq" in text
    assert "01.02.2026" in text and "İddia ərizəsinin verilməsi" in text
    assert "Artıq yerinə yetirilib" not in text  # done deadlines are not "open"
    assert SHA in flat(text)
    assert "şikayət_ərizəsi.pdf" in text
    assert flat(catalog["outcomes"].label("advice_given", "ru")) in flat(text)


def test_without_corruption_details_the_section_is_absent() -> None:
    pdf, _pages = render(make_case(corruption=None), lang="en")
    with language("en"):
        assert _("Corruption complaint") not in full_text(pdf)


def test_user_text_markup_and_control_characters_are_printed_literally() -> None:
    hostile = ConsultationInfo(
        date=date(2026, 2, 2),
        mode="phone",
        minutes=None,
        lawyer="<b>Lawyer</b> & Co",
        notes="<para>Qeyd</para> & <font size=40>böyük</font>\x00\x07 son",
    )
    pdf, _pages = render(make_case(0, consultations=[hostile]), lang="en")
    text = full_text(pdf)
    assert flat("<b>Lawyer</b> & Co") in flat(text)
    assert flat("<para>Qeyd</para> & <font size=40>böyük</font> son") in flat(text)


def test_very_long_notes_and_words_wrap_across_pages() -> None:
    word = "Daşınmazəmlakınqeydiyyatıxidmətininməlumatlarınagörə" * 3
    long_notes = " ".join(["Müştərinin izahatı uzun bir mətndir."] * 400) + " " + word
    case = make_case(0, consultations=[replace(consultations(1)[0], notes=long_notes)])
    pdf, pages = render(case, lang="en")
    assert pages >= 3
    assert flat(word) in flat(full_text(pdf))


def test_stream_output_and_page_count() -> None:
    pdf, pages = render(make_case())
    assert pdf.startswith(b"%PDF-")
    assert pages == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_huge_values_in_every_field_still_render() -> None:
    huge = "Əliyev Rəşad <İsmayıl> & oğlu " * 100  # 3,000 characters
    case = make_case(
        2,
        number="GNJ-" + "9" * 2000,
        center=replace(CENTER, name=huge, address=huge),
        client=replace(CLIENT, full_name=huge, address=huge),
        lawyer=huge,
        summary=huge,
        referral=huge,
        parties=[PartyInfo(huge, "adverse")],
        deadlines=[DeadlineInfo(date(2026, 1, 1), huge)],
        attachments=[AttachmentInfo(huge, huge, 10, "f" * 3000)],
    )
    pdf, pages = render(case, lang="en")
    assert pages > 5
    assert "<İsmayıl> & oğlu" in full_text(pdf)
    out = io.BytesIO()
    form = ConsentFormInput(replace(CENTER, name=huge), replace(CLIENT, full_name=huge))
    assert render_consent_form(form, out, lang="az", generated_by=huge) >= 2


def test_logo_is_drawn_and_an_unreadable_logo_is_left_out(tmp_path: Path) -> None:
    from PIL import Image  # ReportLab's own dependency

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (31, 58, 95)).save(logo)
    pdf, _pages = render(make_case(0, center=replace(CENTER, logo_path=logo)))
    resources = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    assert "/XObject" in resources

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    for path in (broken, tmp_path / "missing.png"):
        pdf, _pages = render(make_case(0, center=replace(CENTER, logo_path=path)))
        assert CENTER.name in full_text(pdf)


def test_naive_now_is_taken_as_baku_time() -> None:
    out = io.BytesIO()
    render_case_summary(
        make_case(0),
        out,
        lang="en",
        generated_by="x",
        now=datetime(2026, 3, 5, 9, 5),  # noqa: DTZ001
    )
    assert "05.03.2026 09:05" in full_text(out.getvalue())


# --- Batch ------------------------------------------------------------------------------------


def test_batch_starts_each_case_on_a_new_page_and_numbers_per_case(tmp_path: Path) -> None:
    cases = [
        make_case(2, number="GNJ-2026-0001"),
        make_case(40, number="GNJ-2026-0002"),
        make_case(1, number="GNJ-2026-0003"),
    ]
    singles = [render(c, lang="en")[1] for c in cases]
    progress: list[tuple[int, int]] = []
    out = tmp_path / "batch.pdf"
    pages = render_case_summaries(
        cases,
        out,
        lang="en",
        generated_by="Məmmədov Tural",
        now=NOW,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert pages == sum(singles)
    texts = page_texts(out.read_bytes())
    assert len(texts) == pages
    with language("en"):
        page_of = _("Page {page} of {pages}")
    position = 0
    for case, count in zip(cases, singles, strict=True):
        for number in range(1, count + 1):
            text = texts[position]
            assert case.number in text
            assert page_of.format(page=number, pages=count) in text
            position += 1
    assert progress[-1] == (3, 3)
    assert [done for done, _total in progress] == sorted(done for done, _total in progress)
    assert {total for _done, total in progress} == {3}


def test_cancelled_batch_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "batch.pdf"
    seen: list[int] = []

    def cancelled() -> bool:
        return len(seen) >= 1

    with pytest.raises(ReportCancelled):
        render_case_summaries(
            [make_case(5, number=f"GNJ-2026-{i:04d}") for i in range(4)],
            out,
            lang="az",
            generated_by="x",
            progress=lambda done, total: seen.append(done),
            cancelled=cancelled,
        )
    assert list(tmp_path.iterdir()) == []


def test_cancelled_before_start_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ReportCancelled):
        render_case_summaries(
            [make_case()], tmp_path / "x.pdf", lang="en", generated_by="x", cancelled=lambda: True
        )
    assert list(tmp_path.iterdir()) == []


def test_empty_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="no cases"):
        render_case_summaries([], io.BytesIO(), lang="en", generated_by="x")


# --- Writing to a path ------------------------------------------------------------------------


def test_writes_atomically_to_a_path(tmp_path: Path) -> None:
    out = tmp_path / "case.pdf"
    pages = render_case_summary(make_case(), out, lang="en", generated_by="x", now=NOW)
    assert pages >= 1
    assert out.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.pdf"]
    if os.name == "posix":
        assert out.stat().st_mode & 0o077 == 0  # personal data: owner only


def test_failed_rename_removes_the_temp_file_and_keeps_the_old_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "case.pdf"
    out.write_bytes(b"old copy")

    def failing_replace(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pdf_module.os, "replace", failing_replace)
    with pytest.raises(ReportNotSaved, match="Permission denied"):
        render_case_summary(make_case(), out, lang="en", generated_by="x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.pdf"]
    assert out.read_bytes() == b"old copy"


def test_failed_write_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_module.os, "fsync", full_disk)
    with pytest.raises(ReportNotSaved, match="No space left"):
        render_consent_form(
            ConsentFormInput(CENTER, CLIENT), tmp_path / "c.pdf", lang="az", generated_by="x"
        )
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_gives_a_clear_error_and_no_file(read_only_folder: Path) -> None:
    with pytest.raises(OSError):  # the folder really is read-only, for this user too
        (read_only_folder / "probe").write_bytes(b"")
    with pytest.raises(ReportNotSaved, match="could not be saved"):
        render_case_summary(make_case(), read_only_folder / "case.pdf", lang="en", generated_by="x")
    assert list(read_only_folder.iterdir()) == []


def test_a_file_where_the_folder_should_be_gives_a_clear_error(tmp_path: Path) -> None:
    """Runs for every user, root included: no permission can let this write succeed."""
    blocker = tmp_path / "reports"
    blocker.write_bytes(b"not a folder")
    with pytest.raises(ReportNotSaved, match="could not be saved"):
        render_case_summary(make_case(), blocker / "case.pdf", lang="en", generated_by="x")
    assert blocker.read_bytes() == b"not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_missing_folder_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportNotSaved, match="could not be saved"):
        render_case_summary(make_case(), tmp_path / "nope" / "c.pdf", lang="en", generated_by="x")


# --- Fonts ------------------------------------------------------------------------------------


def test_no_font_in_an_empty_folder_names_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontNotFound) as info:
        find_fonts([tmp_path])
    message = str(info.value)
    assert "fonts-dejavu-core" in message
    assert "DejaVu" in message
    assert str(tmp_path) in message


def test_render_with_no_font_fails_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "case.pdf"
    with pytest.raises(FontNotFound):
        render_case_summary(
            make_case(), out, lang="az", generated_by="x", font_dirs=[tmp_path / "none"]
        )
    assert list(tmp_path.iterdir()) == []


def test_a_font_without_azerbaijani_letters_is_rejected(tmp_path: Path) -> None:
    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # Latin-1 only
    shutil.copy(vera, tmp_path / "DejaVuSans.ttf")
    with pytest.raises(FontNotFound, match="lacks"):
        find_fonts([tmp_path])


def test_a_font_in_an_explicit_folder_is_found_and_cached(tmp_path: Path) -> None:
    system = find_fonts()
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    shutil.copy(system.regular_path, nested / system.regular_path.name.lower())
    shutil.copy(system.bold_path, nested / system.bold_path.name.lower())
    fonts = find_fonts([tmp_path])
    assert fonts.family == system.family
    assert fonts.regular_path.parent == nested
    assert fonts.bold != fonts.regular
    assert find_fonts([tmp_path]) is fonts
    clear_font_cache()
    assert find_fonts([tmp_path]) == fonts  # searched again, same result
    pdf, _pages = render(make_case(), font_dirs=[tmp_path])
    assert CLIENT_NAME in full_text(pdf)


# --- Consent form -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "law"),
    [
        ("az", "«Fərdi məlumatlar haqqında»"),
        ("ru", "«О персональных данных»"),
        ("en", "On Personal Data"),
    ],
)
def test_consent_form_is_prefilled_in_the_chosen_language(lang: str, law: str) -> None:
    form = ConsentFormInput(
        center=CENTER,
        client=CLIENT,
        purposes=["store_process"],
        valid_until=date(2027, 3, 5),
        hq_name="Hüquqi Yardım Şəbəkəsi",
        form_date=date(2026, 3, 5),
    )
    out = io.BytesIO()
    pages = render_consent_form(form, out, lang=lang, generated_by="Məmmədov Tural", now=NOW)
    assert pages == 1
    text = full_text(out.getvalue())
    assert law in text
    for value in (CLIENT_NAME, CENTER.name, "05.03.2027", "05.03.2026", "1984"):
        assert value in text
    assert flat(CLIENT_PHONE) in flat(text)
    catalog = load_catalog()
    for code in catalog["consent_purposes"].codes():  # every purpose is offered as a tick box
        assert flat(catalog["consent_purposes"].label(code, lang)) in flat(text)
    with language(lang):
        assert _("CONFIDENTIAL — contains personal data") in text


def test_consent_form_without_end_date_is_valid_until_withdrawn() -> None:
    out = io.BytesIO()
    render_consent_form(ConsentFormInput(CENTER, CLIENT), out, lang="az", generated_by="x")
    text = full_text(out.getvalue())
    assert "geri götürülənədək" in text
    assert "Razılığın geri götürülməsi hüququ və qaydası" in text
