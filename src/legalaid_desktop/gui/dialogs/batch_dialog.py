"""Batch of case summaries: every case closed in a period, in one PDF, then the preview.

The batch is rendered in memory in the background with a progress bar and Cancel; the result
opens in :class:`~legalaid_desktop.gui.dialogs.pdf_preview.PdfPreviewDialog`, from where it is
printed or saved (both audited). A cancelled batch leaves nothing behind.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.errors import ReportCancelled
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.form_dialog import new_form
from legalaid_desktop.gui.dialogs.pdf_preview import PdfPreviewDialog, open_preview
from legalaid_desktop.gui.errors import user_message
from legalaid_desktop.gui.tasks import Progress, WriteOp
from legalaid_desktop.gui.ui_settings import LANGUAGE_NAMES
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.dates import DateEdit
from legalaid_desktop.gui.widgets.field_error import FieldError
from legalaid_desktop.gui.widgets.guarded_dialog import GuardedDialog
from legalaid_desktop.gui.widgets.lawyer_combo import LawyerCombo
from legalaid_desktop.i18n import LANGUAGES, _, ngettext
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.reports import ReportDocument


def _month_start(day: date) -> date:
    return day.replace(day=1)


class BatchSummariesDialog(GuardedDialog):
    """Choose a period (and optionally a lawyer or legal area), then make the batch PDF.

    Signals:
        ready(object): the batch :class:`ReportDocument` was made (the preview opens).
        failed(str): the batch could not be made, or was cancelled (the message shown).
    """

    ready = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: WriteOp | None = None
        self.preview: PdfPreviewDialog | None = None
        self.setMinimumWidth(560)
        last_month_end = _month_start(today()) - timedelta(days=1)
        self.start = DateEdit(_month_start(last_month_end), self)
        self.end = DateEdit(last_month_end, self)
        self.start.set_latest(today())
        self.end.set_latest(today())
        self.lawyer = LawyerCombo(
            ctx, assignable=False, empty_text=lambda: _("All lawyers"), parent=self
        )
        self.area = CodeCombo(ctx, "legal_areas", empty_text=lambda: _("All areas"), parent=self)
        self.language = QComboBox(self)
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(ctx.language)))
        self.contact = QCheckBox(self)
        self.contact.setChecked(False)
        self.labels = {name: QLabel(self) for name in ("start", "end", "lawyer", "area", "lang")}
        form = new_form()
        for name, widget in (
            ("start", self.start),
            ("end", self.end),
            ("lawyer", self.lawyer),
            ("area", self.area),
            ("lang", self.language),
        ):
            self.labels[name].setBuddy(widget)
            form.addRow(self.labels[name], widget)
        form.addRow("", self.contact)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.progress_label = QLabel(self)
        self.progress_label.setStyleSheet("color: #5f6368;")
        self.error = FieldError(self)
        self.buttons = QDialogButtonBox(self)
        self.make_button = QPushButton(self)
        self.make_button.setDefault(True)
        self.cancel_button = QPushButton(self)
        self.buttons.addButton(self.make_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.make_button.clicked.connect(self.make)
        self.cancel_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self, self.reject)
        self.retranslate()

    # -- making the batch -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task is not None

    def make(self) -> None:
        """Render the batch in the background (with progress; Cancel stops it)."""
        if self.running:
            return
        start, end = self.start.value(), self.end.value()
        if end < start:
            self.error.show_message(_("The end of the period is before its start."))
            return
        reports = self.ctx.services.reports
        lang = str(self.language.currentData() or self.ctx.language)
        contact = self.contact.isChecked()
        lawyer, area = self.lawyer.username(), self.area.code()

        def work(progress: Progress) -> ReportDocument:
            return reports.closed_summaries_document(
                start,
                end,
                lang=lang,
                include_contact=contact,
                lawyer=lawyer,
                legal_area=area,
                progress=progress.report,
                cancelled=lambda: progress.cancelled,
            )

        self.error.show_message(None)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_label.setText(_("Preparing the summaries…"))
        self._set_running(True)
        self.task = (
            WriteOp(  # a write: the preview is recorded in the audit log
                self.ctx.tasks,
                work,
                success=self._done,
                failure=self._failed,
                action="batch-pdf",
            )
            .with_progress(self._progress)
            .run()
        )

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress_label.setText(
                _("Case {done} of {total}…").format(done=min(done + 1, total), total=total)
            )

    def _finished(self) -> None:
        self.task = None
        self.progress.hide()
        self.progress_label.clear()
        self._set_running(False)

    def _done(self, document: ReportDocument) -> None:
        self._finished()
        self.ready.emit(document)
        parent = self.parentWidget() or self
        cases = int(document.details.get("cases", 0))
        self.preview = open_preview(
            self.ctx,
            parent,
            lambda: ngettext(
                "Summaries of {n} closed case", "Summaries of {n} closed cases", cases
            ).format(n=cases),
            document=document,
        )
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        if isinstance(exc, ReportCancelled):
            message = _("Cancelled: no PDF was made.")
        else:
            message = user_message(exc)
        self.error.show_message(message)
        self.failed.emit(message)

    def _set_running(self, running: bool) -> None:
        self.make_button.setEnabled(not running)
        for widget in (self.start, self.end, self.lawyer, self.area, self.language, self.contact):
            widget.setEnabled(not running)
        self.cancel_button.setText(_("&Stop") if running else _("Close"))

    def reject(self) -> None:
        """Cancel stops a running batch first; a second press closes the window."""
        if self.task is not None:
            self.task.cancel()
            self.progress_label.setText(_("Stopping…"))
            return
        super().reject()

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Batch of case summaries"))
        self.intro.setText(
            _(
                "One PDF with the summary of every case closed in the period, each case on new "
                "pages. You can print it or save it from the preview."
            )
        )
        self.labels["start"].setText(_("Closed &from:"))
        self.labels["end"].setText(_("&to:"))
        self.labels["lawyer"].setText(_("La&wyer:"))
        self.labels["area"].setText(_("Legal &area:"))
        self.labels["lang"].setText(_("PDF &language:"))
        self.lawyer.retranslate()
        self.area.retranslate()
        self.lawyer.setAccessibleName(_("Filter by lawyer"))
        self.area.setAccessibleName(_("Filter by legal area"))
        self.language.setAccessibleName(_("Language of the PDF"))
        self.contact.setText(_("Include the clients' p&hone and address"))
        self.make_button.setText(_("&Make PDF"))
        self._set_running(self.running)
        self.progress.setAccessibleName(_("Progress"))


def open_batch_dialog(ctx: GuiContext, parent: QWidget) -> BatchSummariesDialog:
    """Open the batch dialog (window-modal, deleted when closed)."""
    dialog = BatchSummariesDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
