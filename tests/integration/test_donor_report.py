"""The donor report on a crafted store: the PDF and the XLSX read back against the statistics
service's own figures, anonymized (consent rule, "<5", no client's name or birth year), the
methodology in the file, vector charts, the CLI's exit codes, who may make it."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    LAWYER,
    LAWYER_PASSWORD,
    Run,
    cli_as,
    copy_store,
    new_center_store,
)
from legalaid_desktop import app
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInput,
    ConsentInput,
    ConsultationInput,
    CorruptionInput,
)
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.domain.referrals import ReferralInput
from legalaid_desktop.i18n import _, language
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.donor_content import METHOD_NOTES, REFERRED_NOTE, SATISFACTION_NOTE
from legalaid_desktop.statistics.definitions import (
    COUNTING_RULES,
    MEASURE_LABELS,
    NOT_REFERRED,
    Dimension,
    Measure,
)
from legalaid_desktop.statistics.periods import Period, parse_period
from legalaid_desktop.statistics.query import FigureQuery
from legalaid_desktop.store.models import AuditEvent

ALL = ("store_process", "share_hq", "anonymized_stats")
NAME = "Əliyeva Günay Rəşid qızı"
BIRTH_AGE = 37  # a birth year that no date of the report can contain


def _client(
    session: app.AppSession, gender: str, purposes: tuple[str, ...] = ALL, corrupt: bool = False
) -> str:
    day = today()
    info = session.clients.register(
        ClientInput(full_name=NAME, gender=gender, region="AZ-GA", birth_year=day.year - BIRTH_AGE),
        ConsentInput(given_on=day, purposes=purposes),
        ConflictDecisionInput("no_conflict"),  # one name for every client, on purpose
    )
    corruption = CorruptionInput("health", "bribery", "Poliklinika 3") if corrupt else None
    case = session.cases.open(
        CaseInput(info.id, "family", "aliment", opened_on=day, corruption=corruption)
    )
    session.records.add_consultation(case.number, ConsultationInput("məsləhət", held_on=day))
    return info.id


@pytest.fixture(scope="module")
def crafted_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Female 7 (3 of them corruption cases), male 6, other 2 who consented to anonymized
    statistics; one more female who did not: 16 clients served this month, 15 counted."""
    data_dir = tmp_path_factory.mktemp("donor") / "store"
    s = new_center_store(data_dir)
    s.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    for gender, n in (("female", 7), ("male", 6), ("other", 2)):
        for i in range(n):
            _client(s, gender, corrupt=gender == "female" and i < 3)
    _client(s, "female", ("store_process",))
    s.close()
    return data_dir


@pytest.fixture
def crafted(crafted_once: Path, tmp_path: Path) -> Path:
    return copy_store(crafted_once, tmp_path)


@pytest.fixture
def session(crafted: Path) -> app.AppSession:
    s = app.login(crafted, ADMIN, ADMIN_PASSWORD)
    yield s  # type: ignore[misc]
    s.close()


def _period() -> Period:
    return parse_period(today().strftime("%Y-%m"))


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "")  # the crafted figures are below a thousand


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_the_pdf_holds_the_services_headline_figures_in_its_language(
    session: app.AppSession, lang: str
) -> None:
    doc = session.donor.document(_period(), lang=lang)
    text = _text(doc.data)
    with language(lang):
        for measure in Measure:
            table = session.statistics.figures(
                FigureQuery(measure, _period(), anonymized=True, lang=lang)
            )
            label = _(MEASURE_LABELS[measure])
            shown = table.total_shown
            assert table.previous is not None
            previous = table.previous.total_shown
            expected = f"{label} {shown if isinstance(shown, str) else _number(shown)} {previous}"
            assert expected in text, (expected, lang)
        # the headings and the methodology note with every counting rule, in the language
        for heading in (_("Headline figures"), _("Methodology: what is counted and how")):
            assert heading in text
        for rule in COUNTING_RULES.values():
            assert _(rule)[:60] in text
        for title, note in METHOD_NOTES:
            assert _(title) in text and re.sub(r"\s+", " ", _(note))[:50] in text
    assert "<5" in text  # "other" (2) and the cell suppressed with it


def test_the_languages_differ(session: app.AppSession) -> None:
    texts = {
        lang: _text(session.donor.document(_period(), lang=lang).data)
        for lang in "az ru en".split()
    }
    for lang, text in texts.items():
        with language(lang):
            assert _(MEASURE_LABELS[Measure.CLIENTS_SERVED]) in text
    assert "Xidmət göstərilən müştərilər" in texts["az"]
    assert "Обслужено клиентов" in texts["ru"]
    assert "Clients served" in texts["en"]


def test_no_client_name_or_birth_year_leaves_in_the_files(
    session: app.AppSession, tmp_path: Path
) -> None:
    doc = session.donor.document(_period(), lang="az")
    text = _text(doc.data)
    birth_year = str(today().year - BIRTH_AGE)
    for secret in (NAME, "Əliyeva", "Günay", birth_year):
        assert secret not in text
    path = tmp_path / "donor.xlsx"
    session.donor.write_xlsx(_period(), path, lang="az")
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    ]
    assert not any(NAME in c or "Əliyeva" in c or c == birth_year for c in cells)


def test_the_consent_rule_and_the_clients_left_out(session: app.AppSession) -> None:
    text = _text(session.donor.document(_period(), lang="en").data)
    served = session.statistics.figures(
        FigureQuery(Measure.CLIENTS_SERVED, _period(), anonymized=True)
    )
    assert served.total == 15 and served.left_out == 1
    assert "Clients served 15 0 1" in text  # this period, previous, left out
    assert "(no consent to anonymized statistics) 1" in text


def test_the_charts_are_vectors_not_images(session: app.AppSession) -> None:
    doc = session.donor.document(_period(), lang="ru")
    reader = PdfReader(io.BytesIO(doc.data))
    assert all(len(page.images) == 0 for page in reader.pages)
    assert b"/Subtype /Image" not in doc.data
    # the charts' legends and axes are text in the report font: gender labels appear twice
    # (the table and the legend)
    text = _text(doc.data)
    assert text.count("Женщина") >= 2


def _cases(session: app.AppSession) -> list[str]:
    """The cases of the clients who consented to anonymized statistics (all but the last one
    opened, whose client did not)."""
    return sorted(r.number for r in session.cases.list(limit=100).rows)[:-1]


def test_the_alac_table_says_where_the_cases_were_referred(session: app.AppSession) -> None:
    """Referred to: the cases opened, each under its first referral's body; a case referred
    twice counts once; the others are "not referred" (the table adds up to the cases opened)."""
    numbers = _cases(session)
    day = today()
    for number in numbers[:6]:
        session.referrals.refer(number, ReferralInput("prosecutor_anticorruption", day))
    session.referrals.refer(numbers[0], ReferralInput("ombudsman", day))  # the second: not counted
    figures = session.donor.figures(_period(), None, "en")
    referred = next(t for t in figures.alac if t.by == (Dimension.REFERRED_TO,))
    assert referred.measure is Measure.CASES_OPENED
    got = {r.codes[0]: r.value for r in referred.rows}
    assert got == {"prosecutor_anticorruption": 6, NOT_REFERRED: len(numbers) - 6}
    assert referred.total == len(numbers) == 15  # the 16th client did not consent
    text = _text(session.donor.document(_period(), lang="en").data)
    assert re.sub(r"\s+", " ", REFERRED_NOTE)[:60] in text
    assert "Prosecutor General's Anti-Corruption Directorate 6" in text
    assert "not referred 9" in text
    assert "Health care <5" in text  # 3 corruption cases in health care: suppressed


def test_the_satisfaction_table_counts_the_cases_closed_that_recorded_it(
    session: app.AppSession,
) -> None:
    """Satisfaction is asked at closing: the cases closed in the period with a score or "could
    not be reached" — not the cases opened, not a case closed without asking."""
    numbers = _cases(session)
    day = today()
    scores = ["5", "5", "4", "unreachable", "1", "3"]
    for number, score in zip(numbers, scores, strict=False):
        session.cases.close(number, "advice_given", day, score)
    session.cases.close(numbers[6], "advice_given", day)  # closed without asking
    # opened last month, closed now with a score: in this period's table
    client = session.clients.register(
        ClientInput(full_name=NAME, gender="male", region="AZ-GA", birth_year=1980),
        ConsentInput(given_on=day, purposes=ALL),
        ConflictDecisionInput("no_conflict"),
    )
    earlier = session.cases.open(
        CaseInput(client.id, "family", "aliment", opened_on=_period().start - timedelta(days=3))
    )
    session.cases.close(earlier.number, "resolved_full", day, "5")
    figures = session.donor.figures(_period(), None, "en")
    table = figures.alac[-1]
    assert (table.measure, table.by) == (Measure.CASES_CLOSED, (Dimension.SATISFACTION,))
    got = {r.codes[0]: r.value for r in table.rows}
    assert got == {"5": 3, "4": 1, "3": 1, "1": 1, "unreachable": 1}
    assert table.total == 7  # not the 15 cases opened (counted), not the 8 closed
    text = _text(session.donor.document(_period(), lang="en").data)
    assert re.sub(r"\s+", " ", SATISFACTION_NOTE)[:60] in text


def test_the_xlsx_has_a_sheet_per_table_and_the_parameters(
    session: app.AppSession, tmp_path: Path
) -> None:
    path = tmp_path / "donor.xlsx"
    n = session.donor.write_xlsx(_period(), path, lang="en")
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == n + 1 and book.sheetnames[-1] == "Parameters"
    headline = book.worksheets[0]
    rows = list(headline.iter_rows(values_only=True))
    values = {r[0]: r[1] for r in rows[1:]}
    for measure in Measure:
        table = session.statistics.figures(FigureQuery(measure, _period(), anonymized=True))
        assert values[MEASURE_LABELS[measure]] == table.total_shown
    assert isinstance(values["Clients served"], int)  # numbers as numbers
    cross = list(book.worksheets[1].iter_rows(values_only=True))
    assert any("<5" in r for r in cross)
    assert cross[-1][0] == "youth (14–29)"
    params = {r[0]: r[1] for r in book["Parameters"].iter_rows(values_only=True)}
    assert params["Anonymized"] == "yes"
    assert params["Clients left out (no consent to anonymized statistics)"] == 1
    assert params["Clients served"] == COUNTING_RULES[Measure.CLIENTS_SERVED]
    assert "ALAC_ Referred to" in book.sheetnames  # a colon cannot be in a sheet's name
    assert params["Referred to"] == REFERRED_NOTE


def test_a_lawyer_is_refused_and_it_is_audited(crafted: Path) -> None:
    s = app.login(crafted, LAWYER, LAWYER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            s.donor.document(_period(), lang="en")
    finally:
        s.close()
    s = app.login(crafted, ADMIN, ADMIN_PASSWORD)
    try:
        with s.ws.read() as db:
            denied = db.scalars(
                select(AuditEvent).where(AuditEvent.action == "permission_denied")
            ).all()
        assert any("pdf_donor_preview" in str(e.details) for e in denied)
    finally:
        s.close()


def test_an_unknown_center_is_rejected(session: app.AppSession) -> None:
    with pytest.raises(InputRejected):
        session.donor.document(_period(), center="XYZ", lang="en")
    # at a center, its own code is the report's scope
    assert session.donor.document(_period(), center="gnj", lang="en").pages >= 1


def test_the_preview_is_saved_and_printed_through_the_reports_service(
    session: app.AppSession, tmp_path: Path
) -> None:
    doc = session.donor.document(_period(), lang="en")
    target = tmp_path / "donor.pdf"
    session.reports.save_document(doc, target)
    assert target.read_bytes() == doc.data
    session.reports.record_printed(doc, doc.pages)
    with session.ws.read() as db:
        actions = set(db.scalars(select(AuditEvent.action)))
    assert {"pdf_donor_preview", "pdf_donor_save", "pdf_donor_print"} <= actions


# -- the command ----------------------------------------------------------------------------------


@pytest.fixture
def run(crafted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return cli_as(crafted, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)


@pytest.mark.parametrize("suffix", ["pdf", "xlsx"])
def test_the_command_writes_the_report(run: Run, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"donor.{suffix}"
    code, out, err = run(
        "report", "donor", "--period", _period().code, "-o", str(target), "--lang", "ru"
    )
    assert code == 0, err
    assert str(target) in out
    data = target.read_bytes()
    if suffix == "pdf":
        assert "Обслужено клиентов" in _text(data)
    else:
        assert len(openpyxl.load_workbook(target).sheetnames) > 5


BAD = [
    (("--period", "2026Q5"), "donor.pdf", "Unknown period"),
    (("--from", "2026-03-01", "--to", "2026-02-01"), "donor.pdf", "starts"),
    (("--period", "2026"), "donor.docx", "FILE.pdf or FILE.xlsx"),
    (("--period", "2026"), "missing/donor.pdf", "Cannot write"),
    (("--period", "2026", "--lang", "de"), "donor.pdf", "Unknown language"),
]


@pytest.mark.parametrize(("args", "name", "message"), BAD)
def test_bad_input_is_exit_4_before_the_password_and_leaves_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], name: str,
    message: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("LEGALAID_PASSWORD", "wrong-password")  # never asked for: 4, not 3
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _out, err = run("report", "donor", *args, "-o", str(out_dir / name))
    assert code == 4, err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(out_dir.iterdir()) == []


def test_an_unknown_center_is_exit_4_and_leaves_nothing(run: Run, tmp_path: Path) -> None:
    code, _out, err = run(
        "report", "donor", "--period", "2026", "--center", "XYZ", "-o", str(tmp_path / "d.pdf")
    )
    assert code == 4 and "XYZ" in err and err.count("\n") == 1
    assert not (tmp_path / "d.pdf").exists()


def test_a_lawyer_gets_exit_5_and_no_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEGALAID_USER", LAWYER)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    for name in ("d.pdf", "d.xlsx"):
        code, _out, err = run("report", "donor", "--period", "2026", "-o", str(tmp_path / name))
        assert code == 5 and err.count("\n") == 1
        assert not (tmp_path / name).exists()


def test_at_hq_the_network_or_one_center(tmp_path: Path) -> None:
    from sync_support import enroll, make_node, sync

    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    try:
        enroll(hq, gnj, tmp_path)
        for _i in range(6):
            _client(gnj, "female")
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "out").path)
        scope = hq.donor.scope()
        assert scope.hq and [c.code for c in scope.centers] == ["GNJ"]
        network = _text(hq.donor.document(_period(), lang="en").data)
        assert "the whole network" in network and "Clients served 6 0 0" in network
        center = _text(hq.donor.document(_period(), center="gnj", lang="en").data)
        assert "Clients served 6 0 0" in center and "the whole network" not in center
        with pytest.raises(InputRejected, match="BAK"):  # HQ itself is no center
            hq.donor.document(_period(), center="BAK", lang="en")
        # a center may name only itself
        with pytest.raises(InputRejected):
            gnj.donor.document(_period(), center="BAK", lang="en")
    finally:
        hq.close()
        gnj.close()


def test_long_tables_and_charts_are_laid_out() -> None:
    """A network's many legal areas and a long range of months fit the pages (the charts are
    capped at half a page, a long table continues on the next page)."""
    from legalaid_desktop.reports.donor import (
        DonorChart,
        DonorReportInput,
        DonorSection,
        DonorTable,
        render_donor_report,
    )
    from legalaid_desktop.reports.model import CenterInfo

    labels = tuple(f"Hüquq sahəsi {i}" for i in range(80))
    values = tuple(i * 7 for i in range(80))
    months = tuple(f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(72))
    data = DonorReportInput(
        center=CenterInfo("Gəncə mərkəzi", ""),
        title="Donor report",
        facts=(("Period", "2020 – 2025"),),
        sections=(
            DonorSection(
                "Legal areas",
                tables=(DonorTable(("Area", "Cases"), tuple(zip(labels, values, strict=True))),),
                chart=DonorChart("bars", labels, (("Cases", values),)),
            ),
            DonorSection(
                "Months",
                chart=DonorChart("lines", months, (("Cases", tuple(range(72))),)),
            ),
        ),
    )
    pdf, pages = render_donor_report(data, lang="az", generated_by="Bench")
    reader = PdfReader(io.BytesIO(pdf))
    assert pages == len(reader.pages) >= 3
    assert all(not page.images for page in reader.pages)


def test_figures_many_counts_as_figures_and_keeps_no_stale_consent(
    session: app.AppSession,
) -> None:
    """The batch path (one consent selection per period end, in a temporary table of the read)
    gives the same tables as one figure at a time, and a consent withdrawn after a batch counts
    in the next one."""
    from legalaid_desktop.statistics.definitions import Dimension
    from legalaid_desktop.store.models import Client

    queries = [
        FigureQuery(Measure.CLIENTS_SERVED, _period(), (Dimension.GENDER,), anonymized=True),
        FigureQuery(Measure.CASES_OPENED, _period(), (Dimension.AGE_BAND,), anonymized=True),
        FigureQuery(Measure.CONSULTATIONS, _period(), anonymized=True, previous=False),
        FigureQuery(Measure.CLIENTS_SERVED, _period(), (Dimension.GENDER,)),  # exact
    ]
    many = session.statistics.figures_many(queries)
    assert many == [session.statistics.figures(q) for q in queries]
    assert many[0].total == 15 and many[0].left_out == 1 and many[3].total == 16
    with session.ws.read() as db:
        some = db.scalars(select(Client.id).where(Client.gender == "male")).first()  # consented
    assert some is not None
    session.clients.withdraw_purpose(some, "anonymized_stats")
    again = session.statistics.figures_many(queries[:1])[0]
    assert (again.total, again.left_out) == (14, 2)


def test_a_heading_word_is_not_broken_across_lines() -> None:
    """The gender × age table has six figure columns; "göstərilməyib" (not stated) heads one of
    them and must stand whole, not as "göstərilməyi" over "b"."""
    from legalaid_desktop.reports.donor import (
        DonorReportInput,
        DonorSection,
        DonorTable,
        render_donor_report,
    )
    from legalaid_desktop.reports.model import CenterInfo

    header = ("Cins \\ Yaş qrupu", "18-29", "30-44", "45-59", "60+", "göstərilməyib", "Cəmi")
    rows = (("Qadın", 698, 1015, 580, 519, 33, 2845), ("Bildirilməyib", "x", 13, 7, "<5", 0, 27))
    data = DonorReportInput(
        center=CenterInfo("Gəncə mərkəzi", ""),
        title="Donor hesabatı",
        facts=(("Dövr", "2026"),),
        sections=(DonorSection("Cins və yaş qrupu", tables=(DonorTable(header, rows),)),),
    )
    pdf, _pages = render_donor_report(data, lang="az", generated_by="Bench")
    words = _text(pdf).split()
    assert "göstərilməyib" in words and "Bildirilməyib" in words
