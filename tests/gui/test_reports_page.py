"""The Reports screen on a real demo store: pickers driven by the keyboard, the figure computed
in the background and shown as the service counts it (table and chart), a lawyer's own figures,
saved definitions, and export read back."""
# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_fixtures import tasks, ui_settings  # noqa: F401 - fixtures
from openpyxl import load_workbook
from PySide6.QtCharts import QAbstractBarSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, new_center_store
from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.models.figures import VALUE_ROLE
from legalaid_desktop.gui.pages.reports import ReportsPage
from legalaid_desktop.gui.session_loader import loaded
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.gui.widgets.figure_chart import BARS, LINE, STACKED
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import year
from legalaid_desktop.statistics.query import FigureQuery, Filters
from legalaid_desktop.statistics.table import FigureTable
from legalaid_desktop.store.models import AuditEvent
from legalaid_desktop.store.vault import FLOOR

DEMO_PASSWORD = "Demo-pass-2026"
LAWYER = "gunel.m"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A center with 150 demo clients over three years (its lawyers: devtools DEMO_LAWYERS)."""
    data_dir = tmp_path_factory.mktemp("reports") / "store"
    session = new_center_store(data_dir)
    generate_demo(session.ws, clients=150, seed=18, lawyer_password=DEMO_PASSWORD)
    session.close()
    return data_dir


def _window(
    qtbot: QtBot, data_dir: Path, user: str, password: str, tasks: TaskRunner, settings: UiSettings
) -> MainWindow:
    session = app.login(data_dir, user, password, sleep=lambda _s: None)
    window = MainWindow(loaded(session), data_dir, tasks, settings)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def manager(
    qtbot: QtBot, demo_dir: Path, tasks: TaskRunner, ui_settings: UiSettings
) -> Iterator[MainWindow]:
    window = _window(qtbot, demo_dir, ADMIN, ADMIN_PASSWORD, tasks, ui_settings)
    yield window
    window.idle.stop()
    window.close()
    tasks.wait()


def _page(qtbot: QtBot, window: MainWindow) -> ReportsPage:
    window.go_actions["reports"].trigger()
    page = window.page("reports")
    assert isinstance(page, ReportsPage)
    qtbot.waitUntil(lambda: page.form.campaign.count() > 0, timeout=10_000)
    return page


def _choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Choose ``text`` as a user does with the keyboard: focus the list, Home, then Down."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _step in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def _pick(qtbot: QtBot, page: ReportsPage, measure: str, first: str, second: str = "") -> None:
    form = page.form
    for combo, text in ((form.measure, measure), (form.first, first), (form.second, second)):
        if text:
            _choose(qtbot, combo, text)


def _this_year(qtbot: QtBot, page: ReportsPage) -> None:
    form = page.form
    _choose(qtbot, form.period_kind, "Year")
    form.year.setFocus()
    form.year.selectAll()
    qtbot.keyClicks(form.year, str(today().year))


def _run(qtbot: QtBot, page: ReportsPage) -> FigureTable:
    qtbot.keyClick(page.form.year, Qt.Key.Key_Return)  # Enter in the pickers runs
    qtbot.waitUntil(lambda: not page.running, timeout=30_000)
    assert page.message.isHidden(), page.message.text()
    assert page.table is not None
    return page.table


def _shown(page: ReportsPage, column: int) -> list[str]:
    model = page.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_a_figure_by_one_dimension_is_the_services(qtbot: QtBot, manager: MainWindow) -> None:
    page = _page(qtbot, manager)
    assert page.form.lawyer is not None  # a manager may pick any lawyer
    _pick(qtbot, page, "Cases opened", "Legal area")
    _this_year(qtbot, page)
    assert page.busy.isHidden()
    page.run()  # busy until the figure arrives from the background; no second run meanwhile
    assert page.busy.isVisibleTo(page) and not page.run_button.isEnabled()
    qtbot.waitUntil(lambda: not page.running, timeout=30_000)
    assert page.run_button.isEnabled()
    table = _run(qtbot, page)
    assert manager.ctx is not None
    expected = manager.ctx.services.statistics.figures(
        FigureQuery(Measure.CASES_OPENED, year(today().year), (Dimension.LEGAL_AREA,))
    )
    assert table.total == expected.total > 0
    assert [(r.codes, r.value) for r in table.rows] == [(r.codes, r.value) for r in expected.rows]
    # the table: a line per legal area, then the total; the previous year beside each
    labels = [expected.label(Dimension.LEGAL_AREA, r.codes[0]) for r in expected.rows]
    assert _shown(page, 0) == [*labels, "Total"]
    assert [page.model.index(r, 1).data(VALUE_ROLE) for r in range(len(labels))] == [
        r.value for r in expected.rows
    ]
    assert page.model.index(len(labels), 1).data(VALUE_ROLE) == expected.total
    assert expected.previous is not None
    assert page.model.index(len(labels), 2).data(VALUE_ROLE) == expected.previous.total
    # the chart: bars of this year and the one before, a category per legal area
    assert page.chart.kind == BARS
    [series] = page.chart.series()
    assert isinstance(series, QAbstractBarSeries)
    assert series.count() == 2
    assert page.chart.categories == labels


def test_two_dimensions_stack_and_months_make_a_line(qtbot: QtBot, manager: MainWindow) -> None:
    page = _page(qtbot, manager)
    _pick(qtbot, page, "Clients served", "Gender", "Age band")
    _this_year(qtbot, page)
    table = _run(qtbot, page)
    assert table.by == (Dimension.GENDER, Dimension.AGE_BAND)
    assert page.chart.kind == STACKED
    [series] = page.chart.series()
    assert isinstance(series, QAbstractBarSeries)
    bands = {r.codes[1] for r in table.rows}
    genders = [c for c in table.labels["gender"] if any(r.codes[0] == c for r in table.rows)]
    assert series.count() == len(bands)
    assert page.chart.categories == [table.label(Dimension.GENDER, c) for c in genders]
    # the youth line under the rows, above the total
    assert _shown(page, 0)[-2:] == ["youth (14–29)", "Total"]
    assert table.youth is not None
    assert page.model.index(page.model.rowCount() - 2, 2).data(VALUE_ROLE) == table.youth

    _pick(qtbot, page, "Consultations", "Month", "(nothing)")
    table = _run(qtbot, page)
    assert page.chart.kind == LINE
    assert len(page.chart.series()) == 1
    assert len(page.chart.categories) == 12
    assert [r.codes[0] for r in table.rows] == year(today().year).months()
    # the rows name the months (the codes stay in JSON for scripts)
    assert _shown(page, 0)[:2] == [f"January {today().year}", f"February {today().year}"]
    # a time breakdown has no previous value per month, only the previous total
    assert page.model.index(0, 2).data() == ""


def test_switching_language_shows_the_figure_in_the_new_one(
    qtbot: QtBot, manager: MainWindow
) -> None:
    """The rows' and the chart's labels are made when the figure is counted: after a language
    switch the same figure is counted again, so no label stays in the old language."""
    page = _page(qtbot, manager)
    _pick(qtbot, page, "Cases opened", "Legal area")
    _this_year(qtbot, page)
    _run(qtbot, page)
    assert manager.ctx is not None
    try:
        manager.set_language("az")
        qtbot.waitUntil(lambda: not page.running and page.table is not None, timeout=30_000)
        qtbot.waitUntil(lambda: _shown(page, 0)[-1] == "Cəmi", timeout=30_000)
        expected = manager.ctx.services.statistics.figures(
            FigureQuery(
                Measure.CASES_OPENED, year(today().year), (Dimension.LEGAL_AREA,), lang="az"
            )
        )
        labels = [expected.label(Dimension.LEGAL_AREA, r.codes[0]) for r in expected.rows]
        assert _shown(page, 0) == [*labels, "Cəmi"]
        assert page.chart.categories == labels
        assert any(ch in "".join(labels) for ch in "əğışöüç")  # really Azerbaijani labels
    finally:
        manager.set_language("en")
        qtbot.waitUntil(lambda: not page.running, timeout=30_000)
    assert _shown(page, 0)[-1] == "Total"


def test_a_dimension_is_offered_only_where_it_applies(qtbot: QtBot, manager: MainWindow) -> None:
    page = _page(qtbot, manager)
    form = page.form
    _pick(qtbot, page, "Open cases at the end of the period", "Gender")
    offered = [form.first.itemData(i) for i in range(form.first.count())]
    assert "month" not in offered and "consultation_mode" not in offered
    assert "center" not in offered  # not at a center: only HQ compares centers
    assert page.compare_button.isHidden()


def test_dates_the_wrong_way_round_are_one_line(qtbot: QtBot, manager: MainWindow) -> None:
    page = _page(qtbot, manager)
    form = page.form
    form.set_range(today(), today().replace(year=today().year - 1))
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert page.message.isVisible()
    assert "\n" not in page.message.text() and "after it ends" in page.message.text()
    assert page.table is None


def test_a_lawyer_sees_only_their_own_figures(
    qtbot: QtBot, demo_dir: Path, tasks: TaskRunner, ui_settings: UiSettings
) -> None:
    window = _window(qtbot, demo_dir, LAWYER, DEMO_PASSWORD, tasks, ui_settings)
    try:
        labels = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert "Reports" in labels
        page = _page(qtbot, window)
        assert page.form.lawyer is None  # no other lawyer is offered
        offered = [page.form.first.itemData(i) for i in range(page.form.first.count())]
        assert "lawyer" not in offered
        _pick(qtbot, page, "Consultations", "Gender")
        _this_year(qtbot, page)
        table = _run(qtbot, page)
        assert table.filters == {"lawyer": LAWYER}
        assert "Only your own figures." in page.note.text()
        admin = app.login(demo_dir, ADMIN, ADMIN_PASSWORD, sleep=lambda _s: None)
        try:
            query = FigureQuery(Measure.CONSULTATIONS, year(today().year), (Dimension.GENDER,))
            everyone = admin.statistics.figures(query)
            own = admin.statistics.figures(
                FigureQuery(query.measure, query.period, query.by, filters=Filters(lawyer=LAWYER))
            )
        finally:
            admin.close()
        assert table.total == own.total < everyone.total
        assert [(r.codes, r.value) for r in table.rows] == [(r.codes, r.value) for r in own.rows]
    finally:
        window.idle.stop()
        window.close()
        tasks.wait()


def test_a_saved_report_reruns_with_a_relative_period(qtbot: QtBot, manager: MainWindow) -> None:
    page = _page(qtbot, manager)
    form = page.form
    _pick(qtbot, page, "New clients", "Region")
    _choose(qtbot, form.period_kind, "Last complete quarter")
    assert form.period_kind.currentData() == "last_quarter"
    qtbot.mouseClick(page.saved.save_button, Qt.MouseButton.LeftButton)
    dialog = page.saved.name_dialog
    assert dialog is not None
    line = dialog.findChild(QLineEdit)
    assert line is not None
    qtbot.keyClicks(line, "Quarterly regions")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.saved.combo.count() == 1, timeout=10_000)
    assert page.saved.combo.currentText() == "Quarterly regions"
    # the user changes the pickers, then reruns the saved report
    _pick(qtbot, page, "Consultations", "Gender", "Age band")
    qtbot.mouseClick(page.saved.run_button, Qt.MouseButton.LeftButton)
    assert form.measure.currentData() == "new_clients"
    assert form.first.currentData() == "region"
    assert form.second.currentData() is None
    assert form.period_kind.currentData() == "last_quarter"
    qtbot.waitUntil(lambda: not page.running, timeout=30_000)
    assert page.table is not None and page.table.measure is Measure.NEW_CLIENTS
    q = (today().month + 2) // 3
    expected = f"{today().year - (q == 1)}Q{4 if q == 1 else q - 1}"
    assert page.table.period.code == expected
    # it is kept in the store: a new screen lists it
    assert manager.ctx is not None
    [saved] = manager.ctx.services.report_definitions.list()
    assert saved.spec.period == "last_quarter"
    page.saved.delete_chosen(ask=False)
    qtbot.waitUntil(lambda: page.saved.combo.count() == 0, timeout=10_000)
    assert not page.saved.run_button.isEnabled()
    assert manager.ctx.services.report_definitions.list() == []
    page.saved.save("   ")  # refused by the service, told in the screen's one line
    qtbot.waitUntil(page.message.isVisible, timeout=10_000)
    assert page.message.text() == "Give the report a name."


def test_export_asks_for_exact_figures_and_reads_back(
    qtbot: QtBot, manager: MainWindow, tmp_path: Path
) -> None:
    page = _page(qtbot, manager)
    assert not page.export_button.isEnabled()
    _pick(qtbot, page, "Cases closed", "Outcome")
    _this_year(qtbot, page)
    table = _run(qtbot, page)
    target = tmp_path / "closed"
    page.export_to(target)  # no extension: XLSX
    box = page.question
    assert isinstance(box, QMessageBox)
    assert "not encrypted" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    written = tmp_path / "closed.xlsx"
    qtbot.waitUntil(written.exists, timeout=10_000)
    manager.tasks.wait()
    sheet = load_workbook(written, read_only=True).worksheets[0]
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert lines[-1][0] == "Total" and lines[-1][1] == table.total
    assert [line[1] for line in lines[1:-1]] == [r.value for r in table.rows]

    # anonymized figures: no question; CSV with a BOM
    page.form.anonymized.setFocus()
    qtbot.keyClick(page.form.anonymized, Qt.Key.Key_Space)
    anonymized = _run(qtbot, page)
    assert anonymized.anonymized
    assert "left out" in page.note.text()
    # small cells read "<5" in the table, and the chart draws them as nothing
    hidden = [i for i, r in enumerate(anonymized.rows) if anonymized.shown(r) == "<5"]
    assert hidden
    assert [page.model.index(i, 1).data() for i in hidden] == ["<5"] * len(hidden)
    [series] = page.chart.series()
    assert isinstance(series, QAbstractBarSeries)
    drawn = [series.barSets()[0].at(i) for i in range(series.barSets()[0].count())]
    if page.chart.lying:
        drawn.reverse()
    assert [drawn[i] for i in hidden] == [0.0] * len(hidden)
    page.question = None
    page.export_to(tmp_path / "closed.csv")
    assert page.question is None
    qtbot.waitUntil((tmp_path / "closed.csv").exists, timeout=10_000)
    manager.tasks.wait()
    raw = (tmp_path / "closed.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=","))
    assert rows[-1][:2] == ["Total", str(anonymized.total_shown)]
    with manager.ctx.services.ws.read() as s:  # type: ignore[union-attr]
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "statistics_exported")
        ).all()
    assert [(e.details["format"], e.details["anonymized"]) for e in events[-2:]] == [
        ("xlsx", False),
        ("csv", True),
    ]


def test_hq_compares_centers_in_one_click(
    qtbot: QtBot, tmp_path: Path, tasks: TaskRunner, ui_settings: UiSettings
) -> None:
    data_dir = tmp_path / "hq"
    session, _recovery = app.create(
        data_dir,
        node_code="HQ",
        node_name="Baş ofis",
        hq=True,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    session.close()
    window = _window(qtbot, data_dir, ADMIN, ADMIN_PASSWORD, tasks, ui_settings)
    try:
        page = _page(qtbot, window)
        qtbot.waitUntil(page.compare_button.isVisible, timeout=10_000)
        assert page.form.center.isVisible()  # the center filter, at HQ only
        _choose(qtbot, page.form.measure, "Consultations")
        qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.running, timeout=30_000)
        assert page.table is not None
        assert page.table.by == (Dimension.CENTER,)
        assert page.table.measure is Measure.CONSULTATIONS
        assert page.form.first.currentData() == "center"
    finally:
        window.idle.stop()
        window.close()
        tasks.wait()
