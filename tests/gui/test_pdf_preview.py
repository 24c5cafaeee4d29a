"""The PDF preview, printing and saving, and the batch of summaries: real store, real PDFs."""

from __future__ import annotations

import io
import tempfile
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageRanges
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInfo,
    ClientInput,
    ConsentInput,
    ConsultationInput,
)
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.batch_dialog import BatchSummariesDialog
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.dialogs.pdf_preview import PdfPreviewDialog
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.pages.cases import CasesPage
from legalaid_desktop.gui.printing import PrintFailed, print_pdf
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import AuditEvent

WAIT = 20_000
NAME = "Qasımova Gülnarə Şahin qızı"
PHONE = "+994 55 987 65 43"


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def _client(ctx: GuiContext) -> ClientInfo:
    return ctx.services.clients.register(
        ClientInput(full_name=NAME, gender="female", region="AZ-GA", birth_year=1984, phone=PHONE),
        ConsentInput(given_on=today()),
    )


def _long_case(ctx: GuiContext, client: ClientInfo, area: str = "family") -> str:
    """A case with enough consultations for a summary of several pages."""
    case = ctx.services.cases.open(
        CaseInput(
            client_id=client.id,
            legal_area=area,
            summary="Aliment və yaşayış yeri tələbi",
            opened_on=today() - timedelta(days=30),
        )
    )
    for i in range(14):
        ctx.services.records.add_consultation(
            case.number,
            ConsultationInput(
                notes=f"Görüş {i}: sənədlər yoxlanıldı, ərizə layihəsi müzakirə olundu. " * 6,
                minutes=30,
                held_on=today() - timedelta(days=20 - i),
            ),
        )
    return case.number


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _events(ctx: GuiContext, action: str) -> list[AuditEvent]:
    with ctx.services.ws.read() as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.expunge_all()
        return list(rows)


def _summary_preview(qtbot: Any, ctx: GuiContext, number: str) -> PdfPreviewDialog:
    view = CaseView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.show_case(number)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=WAIT)
    with qtbot.waitSignal(view.print_summary_requested):
        view.request_print()
    dialog = view.preview
    assert isinstance(dialog, PdfPreviewDialog)
    qtbot.waitUntil(lambda: dialog.document is not None, timeout=WAIT)
    return dialog


def test_preview_of_a_case_summary_pages_and_zoom(qtbot: Any, gui_ctx: GuiContext) -> None:
    number = _long_case(gui_ctx, _client(gui_ctx))
    dialog = _summary_preview(qtbot, gui_ctx, number)
    assert dialog.document is not None
    pages = len(PdfReader(io.BytesIO(dialog.document.data)).pages)
    assert pages >= 2
    assert dialog.page_count() == pages
    assert dialog.count_label.text() == f"/ {pages}"
    assert dialog.page_spin.maximum() == pages and dialog.page_spin.value() == 1
    assert not dialog.previous_button.isEnabled() and dialog.next_button.isEnabled()
    assert dialog.windowTitle() == f"Case summary {number}"

    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(dialog.view, Qt.Key.Key_PageDown)  # the dialog's shortcut, not the scroll
    assert dialog.current_page() == 1 and dialog.page_spin.value() == 2
    assert dialog.previous_button.isEnabled()
    assert dialog.page_spin.accessibleName() == f"Page 2 of {pages}"
    dialog.page_spin.setValue(pages)
    assert dialog.current_page() == pages - 1
    assert not dialog.next_button.isEnabled()
    dialog.next_page()  # stays on the last page
    assert dialog.current_page() == pages - 1
    qtbot.keyClick(dialog.view, Qt.Key.Key_PageUp)
    assert dialog.current_page() == pages - 2

    fitted = dialog.zoom_factor()
    qtbot.keyClick(dialog.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(fitted * 1.25)
    dialog.zoom_out()
    dialog.zoom_out()
    assert dialog.view.zoomFactor() < fitted
    dialog.fit_width()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth

    # the client's contacts are in by default; the option leaves them out
    assert PHONE in _text(dialog.document.data)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.contact.setChecked(False)
    text = _text(dialog.document.data)
    assert NAME in text and PHONE not in text
    previews = _events(gui_ctx, "pdf_case_preview")
    assert [e.details["contact"] for e in previews] == [True, False]
    assert {e.details["number"] for e in previews} == {number}


def test_save_as_writes_the_pdf_atomically_and_is_audited(
    qtbot: Any, gui_ctx: GuiContext, tmp_path: Path
) -> None:
    number = _long_case(gui_ctx, _client(gui_ctx))
    dialog = _summary_preview(qtbot, gui_ctx, number)
    assert dialog.default_file_name().endswith(f"{number}.pdf")
    folder = tmp_path / "saved"
    folder.mkdir()
    target = folder / f"{number}.pdf"
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as saved:
        dialog.save_to(target)
    assert saved.args == [str(target)]
    assert dialog.document is not None
    assert target.read_bytes() == dialog.document.data
    assert NAME in _text(target.read_bytes())
    assert [p.name for p in folder.iterdir()] == [target.name]  # no temporary file left
    assert str(target) in dialog.status.text()
    (event,) = _events(gui_ctx, "pdf_case_save")
    assert event.details["number"] == number and event.actor == "admin"
    assert "data" not in event.details
    assert PdfPreviewDialog.last_folder == str(folder)

    # a folder that does not exist: a readable message, nothing written, no save recorded
    dialog.save_to(tmp_path / "missing" / "x.pdf")
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT)
    assert "could not be saved" in dialog.error.text()
    assert not (tmp_path / "missing").exists()
    assert len(_events(gui_ctx, "pdf_case_save")) == 1


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_printing_paints_every_page_and_is_audited(
    qtbot: Any, gui_ctx: GuiContext, tmp_path: Path
) -> None:
    number = _long_case(gui_ctx, _client(gui_ctx))
    dialog = _summary_preview(qtbot, gui_ctx, number)
    pages = dialog.page_count()
    out = tmp_path / "printed.pdf"
    with qtbot.waitSignal(dialog.printed, timeout=WAIT) as printed:
        dialog.print_to(_pdf_printer(out))
    assert printed.args == [pages]
    reader = PdfReader(out)
    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox  # A4 portrait, as the summary
    assert float(box.width) == pytest.approx(595.3, abs=1.5)
    assert float(box.height) == pytest.approx(841.9, abs=1.5)
    assert not dialog.printing and dialog.print_button.isEnabled()
    assert "sent to the printer" in dialog.status.text()
    (event,) = _events(gui_ctx, "pdf_case_print")
    assert event.details["number"] == number and event.details["printed_pages"] == pages

    # the page range chosen in the print dialog is honoured
    ranged = _pdf_printer(tmp_path / "page2.pdf")
    ranged.setPrintRange(QPrinter.PrintRange.PageRange)
    chosen = QPageRanges()
    chosen.addPage(2)
    ranged.setPageRanges(chosen)
    with qtbot.waitSignal(dialog.printed, timeout=WAIT) as printed:
        dialog.print_to(ranged)
    assert printed.args == [1]
    assert len(PdfReader(tmp_path / "page2.pdf").pages) == 1
    assert [e.details["printed_pages"] for e in _events(gui_ctx, "pdf_case_print")] == [pages, 1]


def test_a_failed_print_leaves_no_file_and_says_why(
    qtbot: Any, gui_ctx: GuiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _long_case(gui_ctx, _client(gui_ctx))
    dialog = _summary_preview(qtbot, gui_ctx, number)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    unwritable = tmp_path / "no-such-folder" / "out.pdf"
    with qtbot.waitSignal(dialog.print_failed, timeout=WAIT) as failed:
        dialog.print_to(_pdf_printer(unwritable))
    assert "printer could not be opened" in failed.args[0]
    assert dialog.error.isVisible() and dialog.error.text() == failed.args[0]
    assert list(temp.iterdir()) == []
    assert not unwritable.parent.exists()
    assert _events(gui_ctx, "pdf_case_print") == []  # nothing went to a printer
    assert not dialog.printing and dialog.print_button.isEnabled()

    # the print routine itself, on a worker-free call
    assert dialog.document is not None
    with pytest.raises(PrintFailed) as raised:
        print_pdf(dialog.document.data, _pdf_printer(unwritable))
    assert raised.value.pages_printed == 0
    assert list(temp.iterdir()) == []

    # after the failure the same window prints fine
    with qtbot.waitSignal(dialog.printed, timeout=WAIT):
        dialog.print_to(_pdf_printer(tmp_path / "ok.pdf"))
    assert not dialog.error.isVisible()
    assert list(temp.iterdir()) == []


def test_consent_form_from_the_client_record(qtbot: Any, gui_ctx: GuiContext) -> None:
    client = _client(gui_ctx)
    info = gui_ctx.services.clients.get(client.id)
    record = ClientDialog(gui_ctx, info)
    qtbot.addWidget(record)
    record.show()
    assert record.consent_form_button.isVisibleTo(record)
    assert record.consent_form_button.text() == "Print c&onsent form…"
    dialog = record.print_consent_form()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.document is not None, timeout=WAIT)
    assert dialog.document is not None
    assert NAME in _text(dialog.document.data)
    assert not dialog.contact.isVisibleTo(dialog)  # no contact option on a consent form
    assert client.number and dialog.default_file_name().endswith(f"consent-{client.number}.pdf")
    (event,) = _events(gui_ctx, "pdf_consent_preview")
    assert event.entity_id == client.id

    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    assert "Согласие" in _text(dialog.document.data) or "согласие" in _text(dialog.document.data)


def test_a_summary_of_a_missing_case_is_refused_readably(qtbot: Any, gui_ctx: GuiContext) -> None:
    dialog = PdfPreviewDialog(
        gui_ctx,
        lambda: "x",
        lambda lang, contact: gui_ctx.services.reports.case_summary_document(
            "GNJ-1999-0001", lang=lang, include_contact=contact
        ),
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.load_failed, timeout=WAIT) as failed:
        dialog.show()
    assert "There is no case GNJ-1999-0001" in failed.args[0]
    assert dialog.placeholder.text() == failed.args[0]
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()


def _closed_cases(ctx: GuiContext) -> tuple[list[str], str]:
    client = _client(ctx)
    closed = [_long_case(ctx, client, "family"), _long_case(ctx, client, "property")]
    for number in closed:
        ctx.services.cases.close(number, "advice_given")
    still_open = _long_case(ctx, client, "family")
    return closed, still_open


def test_batch_of_closed_cases_opens_in_the_preview(qtbot: Any, gui_ctx: GuiContext) -> None:
    closed, still_open = _closed_cases(gui_ctx)
    page = CasesPage(gui_ctx)
    qtbot.addWidget(page)
    assert page.batch_button.isVisibleTo(page)
    assert page.batch_button.text() == "&Batch summaries…"
    dialog = BatchSummariesDialog(gui_ctx, page)
    qtbot.addWidget(dialog)
    dialog.start.set_value(today() - timedelta(days=1))
    dialog.end.set_value(today())
    with qtbot.waitSignal(dialog.ready, timeout=WAIT) as ready:
        dialog.make()
    document = ready.args[0]
    text = _text(document.data)
    assert all(number in text for number in closed)
    assert still_open not in text
    preview = dialog.preview
    assert isinstance(preview, PdfPreviewDialog)
    assert preview.page_count() == len(PdfReader(io.BytesIO(document.data)).pages)
    assert preview.windowTitle() == "Summaries of 2 closed cases"
    assert not preview.language.isVisibleTo(preview)
    (event,) = _events(gui_ctx, "pdf_batch_preview")
    assert event.details["cases"] == 2
    preview.close()

    # narrowed to a legal area
    dialog = BatchSummariesDialog(gui_ctx, page)
    qtbot.addWidget(dialog)
    dialog.start.set_value(today() - timedelta(days=1))
    dialog.end.set_value(today())
    dialog.area.set_code("property")
    with qtbot.waitSignal(dialog.ready, timeout=WAIT) as ready:
        dialog.make()
    text = _text(ready.args[0].data)
    assert closed[1] in text and closed[0] not in text
    assert dialog.preview is not None
    dialog.preview.close()


def test_batch_with_no_case_or_cancelled_says_so(qtbot: Any, gui_ctx: GuiContext) -> None:
    _closed_cases(gui_ctx)
    dialog = BatchSummariesDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start.set_value(today() - timedelta(days=60))
    dialog.end.set_value(today() - timedelta(days=30))
    with qtbot.waitSignal(dialog.failed, timeout=WAIT) as failed:
        dialog.make()
    assert failed.args == ["No case was closed in that period."]
    assert dialog.make_button.isEnabled()

    # cancelled before it starts: the writer is held busy until Cancel was pressed
    dialog.start.set_value(today() - timedelta(days=1))
    dialog.end.set_value(today())
    release = threading.Event()
    WriteOp(gui_ctx.tasks, lambda: release.wait(WAIT / 1000)).run()
    dialog.make()
    assert dialog.running and not dialog.make_button.isEnabled()
    dialog.reject()  # Stop
    assert dialog.isVisible()  # the first press stops the work, it does not close the window
    with qtbot.waitSignal(dialog.failed, timeout=WAIT) as failed:
        release.set()
    assert failed.args == ["Cancelled: no PDF was made."]
    assert dialog.preview is None
    assert _events(gui_ctx, "pdf_batch_preview") == []
