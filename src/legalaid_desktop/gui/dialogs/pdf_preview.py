"""The PDF preview: case summaries, consent forms and batches, shown from memory, then printed
or saved.

The PDF is rendered by the reports service in the background and lives only in memory here (a
``QBuffer`` behind a ``QPdfDocument``): nothing is written to disk unless the user saves it
(through :meth:`ReportService.save_document`, atomically, audited). Printing paints each page
straight onto the ``QPrinter`` (:func:`legalaid_desktop.gui.printing.print_pdf`) on a worker
thread; every print is recorded (:meth:`ReportService.record_printed`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPointF,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import user_message
from legalaid_desktop.gui.print_notice import before_printing
from legalaid_desktop.gui.print_spool import job_title
from legalaid_desktop.gui.printing import PrintFailed, print_pdf
from legalaid_desktop.gui.tasks import QueryOp, WriteOp
from legalaid_desktop.gui.ui_settings import LANGUAGE_NAMES, UiSettings
from legalaid_desktop.gui.widgets.field_error import FieldError
from legalaid_desktop.gui.widgets.save_dialog import save_file_dialog
from legalaid_desktop.i18n import LANGUAGES, _, ngettext
from legalaid_desktop.services.reports import ReportDocument

# What the preview asks for: the PDF in a language, with or without the client's contacts.
Produce = Callable[[str, bool], ReportDocument]

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 5.0


# -- the preview --------------------------------------------------------------------------------


class PdfPreviewDialog(QDialog):
    """Shows a PDF from memory with page navigation, zoom, Print… and Save as….

    Args:
        ctx: The screen's context.
        title: The window title (called again after a language switch).
        produce: Renders the PDF in a language, with or without the client's phone and address
            (runs in the background); ``None`` when ``document`` is given ready-made.
        document: An already rendered PDF (a batch).
        contact_option: Offer "include the client's phone and address" (case summaries).

    Signals:
        loaded(int): a PDF with this many pages is shown.
        load_failed(str): the PDF could not be made (the message shown).
        printed(int): this many pages went to the printer (and the print was recorded).
        print_failed(str): printing failed (the message shown).
        saved(str): the PDF was saved to this path (and the save was recorded).
    """

    loaded = Signal(int)
    load_failed = Signal(str)
    printed = Signal(int)
    print_failed = Signal(str)
    saved = Signal(str)

    last_folder: str = ""  # where the last PDF was saved, for the next "Save as…" (this run only)

    def __init__(
        self,
        ctx: GuiContext,
        title: Callable[[], str],
        produce: Produce | None = None,
        *,
        document: ReportDocument | None = None,
        contact_option: bool = False,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings  # the UI settings (the print notice); default ones if None
        self.notice: QMessageBox | None = None
        self.print_dialog: QPrintDialog | None = None
        self._title = title
        self._produce = produce
        self.document: ReportDocument | None = None
        self.printing = False
        self.printer: QPrinter | None = None
        self._buffer: QBuffer | None = None
        self.pdf = QPdfDocument(self)
        self.resize(980, 820)
        self._build(contact_option and produce is not None, produce is not None)
        self._shortcuts()
        self.retranslate()
        self._update_actions()
        if document is not None:
            self.set_document(document)
        else:
            self.reload()

    # -- building -------------------------------------------------------------------------------

    def _build(self, contact_option: bool, language_option: bool) -> None:
        def tool(slot: Callable[[], None]) -> QToolButton:
            button = QToolButton(self)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.clicked.connect(slot)
            return button

        self.previous_button = tool(self.previous_page)
        self.next_button = tool(self.next_page)
        self.page_label = QLabel(self)
        self.page_spin = QSpinBox(self)
        self.page_spin.setRange(1, 1)
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.valueChanged.connect(lambda value: self.go_to(value - 1))
        self.page_label.setBuddy(self.page_spin)
        self.count_label = QLabel(self)
        self.zoom_out_button = tool(self.zoom_out)
        self.fit_button = tool(self.fit_width)
        self.zoom_in_button = tool(self.zoom_in)
        self.language_label = QLabel(self)
        self.language = QComboBox(self)
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(self.ctx.language)))
        self.language.currentIndexChanged.connect(lambda _i: self.reload())
        self.language_label.setBuddy(self.language)
        self.contact = QCheckBox(self)
        self.contact.setChecked(True)
        self.contact.toggled.connect(lambda _on: self.reload())
        self.save_button = QPushButton(self)
        self.print_button = QPushButton(self)
        self.print_button.setDefault(True)
        self.close_button = QPushButton(self)
        self.save_button.clicked.connect(self.save_as)
        self.print_button.clicked.connect(self.print_document)
        self.close_button.clicked.connect(self.reject)
        allowed = self.ctx.actor.can(Permission.PRINT)
        self.save_button.setVisible(allowed)
        self.print_button.setVisible(allowed)
        self.language_label.setVisible(language_option)
        self.language.setVisible(language_option)
        self.contact.setVisible(contact_option)

        bar = QHBoxLayout()
        for widget in (self.previous_button, self.next_button, self.page_label, self.page_spin):
            bar.addWidget(widget)
        bar.addWidget(self.count_label)
        bar.addSpacing(16)
        for widget in (self.zoom_out_button, self.fit_button, self.zoom_in_button):
            bar.addWidget(widget)
        bar.addSpacing(16)
        bar.addWidget(self.language_label)
        bar.addWidget(self.language)
        bar.addSpacing(8)
        bar.addWidget(self.contact)
        bar.addStretch(1)

        self.view = QPdfView(self)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setStyleSheet("background: #8a8f98;")
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #5f6368; font-size: 14px;")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.view)

        self.error = FieldError(self)
        self.busy = QProgressBar(self)
        self.busy.setMaximumWidth(220)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #5f6368;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.busy)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

    def _shortcuts(self) -> None:
        keys: list[tuple[QKeySequence, Callable[[], None]]] = [
            (QKeySequence(QKeySequence.StandardKey.Print), self.print_document),
            (QKeySequence(QKeySequence.StandardKey.Save), self.save_as),
            (QKeySequence(Qt.Key.Key_PageUp), self.previous_page),
            (QKeySequence(Qt.Key.Key_PageDown), self.next_page),
            (QKeySequence(QKeySequence.StandardKey.ZoomIn), self.zoom_in),
            (QKeySequence("Ctrl+="), self.zoom_in),
            (QKeySequence(QKeySequence.StandardKey.ZoomOut), self.zoom_out),
            (QKeySequence("Ctrl+0"), self.fit_width),
        ]
        for key, slot in keys:
            QShortcut(key, self, slot)

    # -- loading --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Render the PDF again (in the background) with the chosen language and options."""
        if self._produce is None:
            return
        produce, lang, contact = self._produce, self.language_code(), self.contact.isChecked()
        self.document = None
        self.error.show_message(None)
        self.status.clear()
        self.placeholder.setText(_("Preparing the PDF…"))
        self.stack.setCurrentWidget(self.placeholder)
        self._set_busy(True)
        self._update_actions()
        WriteOp(  # a write: making a document is recorded in the audit log
            self.ctx.tasks,
            lambda: produce(lang, contact),
            success=self.set_document,
            failure=self._load_failed,
            parent=self,
        ).latest("render").run()

    def language_code(self) -> str:
        return str(self.language.currentData() or self.ctx.language)

    def set_document(self, document: ReportDocument) -> None:
        """Show ``document`` (kept in memory only)."""
        buffer = QBuffer(self)
        buffer.setData(QByteArray(document.data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(buffer)
        old, self._buffer = self._buffer, buffer  # the document reads from the buffer it has
        if old is not None:
            old.close()
            old.deleteLater()
        self._set_busy(False)
        if self.pdf.status() != QPdfDocument.Status.Ready or self.pdf.pageCount() < 1:
            self._load_failed(PrintFailed(_("The PDF could not be read.")))
            return
        self.document = document
        count = self.pdf.pageCount()
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1, count)
        self.page_spin.setValue(1)
        self.page_spin.blockSignals(False)
        self.stack.setCurrentWidget(self.view)
        self.go_to(0)
        self._page_changed(0)
        self._update_actions()
        self.loaded.emit(count)

    def _load_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = user_message(exc)
        self.placeholder.setText(message)
        self.stack.setCurrentWidget(self.placeholder)
        self.document = None
        self._update_actions()
        self.load_failed.emit(message)

    # -- pages and zoom -------------------------------------------------------------------------

    def page_count(self) -> int:
        return self.pdf.pageCount() if self.document is not None else 0

    def current_page(self) -> int:
        """The page shown (0-based)."""
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        """Show page ``page`` (0-based; clamped to the document)."""
        count = self.page_count()
        if count == 0:
            return
        page = max(0, min(page, count - 1))
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())
        self._page_changed(page)

    def previous_page(self) -> None:
        self.go_to(self.current_page() - 1)

    def next_page(self) -> None:
        self.go_to(self.current_page() + 1)

    def _page_changed(self, page: int) -> None:
        count = self.page_count()
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self.count_label.setText(f"/ {count}" if count else "")
        self.page_spin.setAccessibleName(
            _("Page {page} of {count}").format(page=page + 1, count=count)
        )
        self.previous_button.setEnabled(count > 0 and page > 0)
        self.next_button.setEnabled(count > 0 and page < count - 1)

    def zoom_factor(self) -> float:
        """The zoom in effect (computed from the width when the page fits the width)."""
        if self.view.zoomMode() != QPdfView.ZoomMode.FitToWidth or self.page_count() == 0:
            return self.view.zoomFactor()
        width = self.pdf.pagePointSize(self.current_page()).width() * self.logicalDpiX() / 72
        return max(ZOOM_MIN, (self.view.viewport().width() - 12) / width) if width > 0 else 1.0

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(ZOOM_MIN, min(ZOOM_MAX, factor)))

    def zoom_in(self) -> None:
        self._zoom(self.zoom_factor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom(self.zoom_factor() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    # -- saving ---------------------------------------------------------------------------------

    def default_file_name(self) -> str:
        name = self.document.name if self.document is not None else "document"
        folder = PdfPreviewDialog.last_folder or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return str(Path(folder) / f"{name}.pdf") if folder else f"{name}.pdf"

    def save_as(self) -> None:
        """Ask where to save the PDF (Ctrl+S), then save it there."""
        if not self.save_button.isEnabled() or not self.save_button.isVisible():
            return
        save_file_dialog(
            self,
            _("Save PDF"),
            self.default_file_name(),
            [(_("PDF files (*.pdf)"), "pdf")],
            self.save_to,
        )

    def save_to(self, path: Path) -> None:
        """Save the PDF shown to ``path`` (atomically, recorded in the audit log)."""
        document = self.document
        if document is None:
            return
        reports = self.ctx.services.reports
        self.error.show_message(None)
        self._set_busy(True)
        self.save_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            lambda: reports.save_document(document, path),
            success=lambda _r: self._saved(path),
            failure=self._save_failed,
            parent=self,
        ).latest("save").run()

    def _saved(self, path: Path) -> None:
        PdfPreviewDialog.last_folder = str(path.parent)
        self._set_busy(False)
        self._update_actions()
        self.status.setText(_("Saved to {path}.").format(path=path))
        self.saved.emit(str(path))

    def _save_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._update_actions()
        self.error.show_message(user_message(exc))

    # -- printing -------------------------------------------------------------------------------

    def print_document(self) -> None:
        """Choose a printer and pages in the system print dialog (Ctrl+P), then print.

        The first time a user prints, a notice says first that the print service may keep a
        copy (gui/print_notice.py).
        """
        if not self.print_button.isEnabled() or not self.print_button.isVisible():
            return
        if self.settings is None:
            self.settings = UiSettings()
        self.notice = before_printing(
            self, self.settings, self.ctx.actor.username, self._open_print_dialog
        )

    def _open_print_dialog(self) -> None:
        self.notice = None
        if self.printer is None:
            self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer = self.printer
        printer.setDocName(job_title(self.document.name if self.document else ""))
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setMinMax(1, max(1, self.page_count()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.print_to(printer))
        self.print_dialog = dialog
        QDialog.open(dialog)  # window-modal, no nested event loop

    def print_to(self, printer: QPrinter) -> None:
        """Print the PDF shown on ``printer`` in the background; the print is recorded."""
        document = self.document
        if document is None or self.printing:
            return
        self.printing = True
        self.error.show_message(None)
        self.status.setText(_("Printing…"))
        self._set_busy(True)
        self._update_actions()
        QueryOp(  # no store work: the printer is fed on a worker thread
            self.ctx.tasks,
            lambda progress: print_pdf(document.data, printer, progress),
            success=lambda pages: self._record_print(document, pages, None),
            failure=lambda exc: self._record_print(document, getattr(exc, "pages_printed", 0), exc),
            action="print",
        ).with_progress(self._print_progress).run()

    def _print_progress(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)

    def _record_print(
        self, document: ReportDocument, pages: int, failure: BaseException | None
    ) -> None:
        """Record the print (also a failed one that put pages out), then report to the user."""
        reports = self.ctx.services.reports

        def finish(_result: object = None) -> None:
            self.printing = False
            self._set_busy(False)
            self._update_actions()
            if failure is None:
                message = ngettext(
                    "{n} page sent to the printer.", "{n} pages sent to the printer.", pages
                ).format(n=pages)
                self.status.setText(message)
                self.printed.emit(pages)
            else:
                self.status.clear()
                message = user_message(failure)
                self.error.show_message(message)
                self.print_failed.emit(message)

        def audit_failed(exc: BaseException) -> None:
            nonlocal failure
            failure = failure or exc
            finish()

        if pages <= 0:
            finish()
            return
        WriteOp(
            self.ctx.tasks,
            lambda: reports.record_printed(document, pages),
            success=finish,
            failure=audit_failed,
            parent=self,
        ).latest("record-print").run()

    # -- state ----------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        if busy:
            self.busy.setRange(0, 0)
        self.busy.setVisible(busy)

    def _update_actions(self) -> None:
        ready = self.document is not None
        idle = ready and not self.printing and self.ctx.tasks.latest(self, "save") is None
        self.print_button.setEnabled(idle)
        self.save_button.setEnabled(idle)
        for widget in (self.zoom_in_button, self.zoom_out_button, self.fit_button, self.page_spin):
            widget.setEnabled(ready)
        self.language.setEnabled(not self.printing)
        self.contact.setEnabled(not self.printing)
        if not ready:
            self.previous_button.setEnabled(False)
            self.next_button.setEnabled(False)

    def reject(self) -> None:
        if self.printing:  # the print must finish (and be recorded) before the window goes
            self.status.setText(
                _("Printing… Please wait until the pages have gone to the printer.")
            )
            return
        super().reject()

    def retranslate(self) -> None:
        self.setWindowTitle(self._title())
        self.previous_button.setText(_("◀ &Previous"))
        self.previous_button.setToolTip(_("Previous page (Page Up)"))
        self.next_button.setText(_("&Next ▶"))
        self.next_button.setToolTip(_("Next page (Page Down)"))
        self.page_label.setText(_("P&age:"))
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip(_("Zoom out (Ctrl+-)"))
        self.zoom_out_button.setAccessibleName(_("Zoom out"))
        self.fit_button.setText(_("&Fit width"))
        self.fit_button.setToolTip(_("Fit the page to the window width (Ctrl+0)"))
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip(_("Zoom in (Ctrl++)"))
        self.zoom_in_button.setAccessibleName(_("Zoom in"))
        self.language_label.setText(_("PDF &language:"))
        self.language.setAccessibleName(_("Language of the PDF"))
        self.contact.setText(_("Include the client's p&hone and address"))
        self.save_button.setText(_("&Save as…"))
        self.save_button.setToolTip(_("Save the PDF to a file (Ctrl+S)"))
        self.print_button.setText(_("P&rint…"))
        self.print_button.setToolTip(_("Print (Ctrl+P)"))
        self.close_button.setText(_("Close"))
        self.view.setAccessibleName(_("PDF preview"))
        self._page_changed(self.current_page() if self.page_count() else 0)


def open_preview(
    ctx: GuiContext,
    parent: QWidget,
    title: Callable[[], str],
    produce: Produce | None = None,
    *,
    document: ReportDocument | None = None,
    contact_option: bool = False,
) -> PdfPreviewDialog:
    """Open a preview window (non-blocking, deleted when closed)."""
    dialog = PdfPreviewDialog(
        ctx, title, produce, document=document, contact_option=contact_option, parent=parent
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
