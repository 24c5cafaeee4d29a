"""The donor report dialog on a real store: from the File menu, a period typed with the keyboard,
the PDF's preview (anonymized figures, vector charts) and the XLSX; a lawyer has no such menu
item, and the service refuses them past it."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)
from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from gui_fixtures import main_window, opened_admin, tasks, ui_settings  # noqa: F401 - fixtures
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import PermissionDenied
from legalaid_desktop.gui.dialogs.donor_dialog import DonorReportDialog
from legalaid_desktop.gui.dialogs.pdf_preview import PdfPreviewDialog
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.session_loader import loaded
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.periods import parse_period

WAIT = 30_000
NAME = "Quliyeva Səbinə Arif qızı"


def _served(session: app.AppSession, n: int) -> None:
    day = today()
    for _i in range(n):
        info = session.clients.register(
            ClientInput(full_name=NAME, gender="female", region="AZ-BA", birth_year=1990),
            ConsentInput(given_on=day, purposes=("store_process", "anonymized_stats")),
            ConflictDecisionInput("no_conflict"),
        )
        case = session.cases.open(CaseInput(info.id, "labour", "maaş", opened_on=day))
        session.records.add_consultation(case.number, ConsultationInput("məsləhət", held_on=day))


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def test_the_donor_report_from_the_file_menu(
    qtbot: QtBot, main_window: MainWindow, tmp_path: Path
) -> None:
    assert main_window.ctx is not None
    _served(main_window.ctx.services, 6)
    assert main_window.donor_action.isVisible()
    assert main_window.donor_action in main_window.file_menu.actions()
    dialog = main_window.open_donor_report()
    assert isinstance(dialog, DonorReportDialog)
    qtbot.waitUntil(lambda: dialog.scope is not None, timeout=WAIT)
    assert not dialog.center.isVisibleTo(dialog)  # at a center: its own figures
    assert "Gəncə mərkəzi" in dialog.center_name.text()

    # this month, typed into the period's list as a user would
    month = today().strftime("%Y-%m")
    dialog.period.setFocus()
    qtbot.keyClicks(dialog.period, month)
    assert dialog.period.currentData() == month
    dialog.language.setFocus()
    target = dialog.language.findData("ru")
    while dialog.language.currentIndex() != target:  # up or down the list to Русский
        key = Qt.Key.Key_Up if dialog.language.currentIndex() > target else Qt.Key.Key_Down
        qtbot.keyClick(dialog.language, key)
    assert dialog.chosen_language() == "ru"

    with qtbot.waitSignal(dialog.previewed, timeout=WAIT) as shown:
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    document = shown.args[0]
    preview = dialog.preview
    assert isinstance(preview, PdfPreviewDialog)
    assert preview.language_code() == "ru" and document.lang == "ru"
    assert preview.page_count() == len(PdfReader(io.BytesIO(document.data)).pages) >= 3
    assert preview.print_button.isVisible() and preview.save_button.isEnabled()
    text = _text(document.data)
    assert "Обслужено клиентов 6 0 0" in text  # this month, the month before, left out
    assert NAME not in text and "1990" not in text
    assert all(not page.images for page in PdfReader(io.BytesIO(document.data)).pages)

    # saved from the preview, as a case summary is
    pdf = tmp_path / "donor.pdf"
    with qtbot.waitSignal(preview.saved, timeout=WAIT):
        preview.save_to(pdf)
    assert pdf.read_bytes() == document.data
    preview.close()

    # the same tables as an XLSX
    xlsx = tmp_path / "donor.xlsx"
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        dialog.save_xlsx_to(xlsx)
    book = openpyxl.load_workbook(xlsx)
    headline = list(book.worksheets[0].iter_rows(values_only=True))
    assert headline[1][:2] == ("Обслужено клиентов", 6)
    assert "Сохранено" in dialog.status.text() or str(xlsx) in dialog.status.text()
    # the choices made their report: Esc closes without asking to discard them
    assert not dialog.has_unsaved_input()
    qtbot.keyClick(dialog.period, Qt.Key.Key_Escape)
    assert dialog.discard_box is None
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)


def test_other_dates_the_wrong_way_round_are_refused(qtbot: QtBot, main_window: MainWindow) -> None:
    dialog = main_window.open_donor_report()
    assert dialog is not None
    dialog.period.setCurrentIndex(dialog.period.count() - 1)  # "Other dates…"
    assert dialog.start.isVisibleTo(dialog) and dialog.end.isVisibleTo(dialog)
    dialog.start.set_value(today())
    dialog.end.set_value(parse_period(str(today().year - 1)).start)
    assert dialog.make_preview() is None
    assert dialog.error.text()
    dialog.reject()


def test_a_lawyer_has_no_donor_report(
    qtbot: QtBot,
    admin_session: app.AppSession,
    data_dir: Path,
    tasks: TaskRunner,
    ui_settings: UiSettings,
) -> None:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    window = MainWindow(loaded(lawyer), data_dir, tasks, ui_settings)
    qtbot.addWidget(window)
    window.show()
    try:
        assert not window.donor_action.isVisible()
        assert window.open_donor_report() is None
        with pytest.raises(PermissionDenied):  # past the hidden item: the service refuses
            lawyer.donor.document(parse_period(today().strftime("%Y-%m")), lang="en")
    finally:
        window.idle.stop()
        tasks.wait()
        lawyer.close()


def test_at_hq_the_center_is_chosen(qtbot: QtBot, tmp_path: Path) -> None:
    from legalaid_desktop import i18n
    from legalaid_desktop.gui.context import GuiContext
    from sync_support import enroll, make_node

    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    enroll(hq, gnj, tmp_path)
    i18n.set_language("en")
    ctx = GuiContext(services=hq, tasks=TaskRunner(), catalog=hq.reference())
    try:
        dialog = DonorReportDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.scope is not None, timeout=WAIT)
        assert dialog.center.isVisibleTo(dialog) and dialog.center.count() == 2
        assert dialog.center.currentText() == "The whole network"
        assert dialog.chosen_center() is None
        dialog.center.setFocus()
        qtbot.keyClick(dialog.center, Qt.Key.Key_Down)
        assert dialog.chosen_center() == "GNJ"
        dialog.reject()
    finally:
        ctx.tasks.wait()
        hq.close()
        gnj.close()
