# ruff: noqa: F811 - the ui_settings fixture is imported by name from gui_fixtures
"""Printing through the real code path, to a PDF file, and looking at what came out.

``print_pdf`` paints each page of a case summary onto a ``QPrinter``; here the printer writes a
PDF file (offscreen), which is rendered again with QtPdf and its pixels counted: a printed page
is white paper with dark text on it, in Azerbaijani and in Russian.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from gui_fixtures import ui_settings  # noqa: F401 (fixture: settings in a temporary folder)
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.pdf_preview import PdfPreviewDialog
from legalaid_desktop.gui.print_notice import tell_once
from legalaid_desktop.gui.printing import print_pdf
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n.dates import today

NAME = "Qasımova Gülnarə Şahin qızı"


@pytest.fixture
def case_number(admin_session: app.AppSession) -> Iterator[str]:
    i18n.set_language("en")
    client = admin_session.clients.register(
        ClientInput(full_name=NAME, gender="female", region="AZ-GA", birth_year=1984),
        ConsentInput(given_on=today()),
    )
    case = admin_session.cases.open(
        CaseInput(
            client_id=client.id,
            legal_area="family",
            summary="Aliment və yaşayış yeri tələbi",
            opened_on=today() - timedelta(days=10),
        )
    )
    admin_session.records.add_consultation(
        case.number,
        ConsultationInput(notes="Sənədlər yoxlanıldı, ərizə layihəsi müzakirə olundu.", minutes=30),
    )
    yield case.number


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _page_pixels(path: Path, page: int) -> tuple[float, float]:
    """The shares of white and of dark pixels on a page of the PDF at ``path``, as printed on
    white paper (whatever the PDF leaves transparent counts as paper)."""
    document = QPdfDocument()
    document.load(str(path))
    assert document.status() == QPdfDocument.Status.Ready
    rendered = document.render(page, QSize(600, 848))
    document.close()
    paper = QImage(rendered.size(), QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, rendered)
    painter.end()
    gray = paper.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(gray.constBits())
    stride, width, height = gray.bytesPerLine(), gray.width(), gray.height()
    white = dark = 0
    for y in range(height):
        row = data[y * stride : y * stride + width]
        white += sum(1 for v in row if v > 235)
        dark += sum(1 for v in row if v < 110)
    total = width * height
    return white / total, dark / total


@pytest.mark.parametrize("lang", ["az", "ru"])
def test_printed_pages_are_dark_text_on_white_paper(
    qapp: object, admin_session: app.AppSession, case_number: str, tmp_path: Path, lang: str
) -> None:
    document = admin_session.reports.case_summary_document(case_number, lang=lang)
    out = tmp_path / f"printed-{lang}.pdf"
    pages = print_pdf(document.data, _pdf_printer(out))
    assert pages >= 1
    for page in range(pages):
        white, dark = _page_pixels(out, page)
        assert white > 0.80, f"page {page + 1} in {lang}: only {white:.1%} of it is white"
        assert dark > 0.002, f"page {page + 1} in {lang}: no text ({dark:.2%} dark)"


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    yield ctx
    ctx.tasks.wait()


def test_the_first_print_tells_the_user_that_a_copy_may_be_kept(
    qtbot: QtBot, gui_ctx: GuiContext, case_number: str, ui_settings: UiSettings
) -> None:
    document = gui_ctx.services.reports.case_summary_document(case_number, lang="en")
    dialog = PdfPreviewDialog(gui_ctx, lambda: "x", document=document, settings=ui_settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not ui_settings.print_notice_seen("admin")

    dialog.print_document()
    notice = dialog.notice
    assert isinstance(notice, QMessageBox) and notice.isVisible()
    assert "may keep a copy" in notice.text()
    assert "delete its copy" in notice.informativeText()
    assert dialog.print_dialog is None  # the print dialog comes after the notice
    notice.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.print_dialog is not None, timeout=5_000)
    assert ui_settings.print_notice_seen("admin")
    assert not ui_settings.print_notice_seen("leyla")  # each user is told once
    assert dialog.printer is not None
    assert dialog.printer.docName() == f"LegalAid Desktop: {case_number}"  # purged by its title
    dialog.print_dialog.reject()

    # the second time: straight to the print dialog, remembered across windows
    again = PdfPreviewDialog(gui_ctx, lambda: "x", document=document, settings=UiSettings())
    qtbot.addWidget(again)
    again.show()
    again.print_document()
    assert again.notice is None
    assert again.print_dialog is not None and again.print_dialog.isVisible()
    again.print_dialog.reject()


def test_the_wizard_tells_once_before_the_recovery_sheet(
    qtbot: QtBot, ui_settings: UiSettings
) -> None:
    shown: list[str] = []

    def close_notice() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            box.accept()

    QTimer.singleShot(0, close_notice)
    tell_once(None, ui_settings, None)  # blocks (exec) until the notice is closed
    assert shown == ["The printer's computer may keep a copy of what you print."]
    assert ui_settings.print_notice_seen(None)  # the machine's first run, before any user
    assert not ui_settings.print_notice_seen("admin")

    QTimer.singleShot(0, close_notice)  # would close a second notice: there is none
    tell_once(None, ui_settings, None)
    QApplication.processEvents()  # the 0 ms timer fires: it finds no notice
    assert len(shown) == 1
