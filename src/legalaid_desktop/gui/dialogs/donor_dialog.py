"""The donor report dialog: a period, a center (at HQ) and a language, then the PDF's preview
(printed or saved from there, as the case summaries are) or the same tables as an XLSX.

Every figure is counted in the background (:class:`~legalaid_desktop.gui.tasks.WriteOp`: making
the report is audited); the PDF lives in memory in the preview until the user saves it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.form_dialog import new_form
from legalaid_desktop.gui.dialogs.pdf_preview import PdfPreviewDialog
from legalaid_desktop.gui.errors import user_message
from legalaid_desktop.gui.tasks import QueryOp, WriteOp
from legalaid_desktop.gui.ui_settings import LANGUAGE_NAMES
from legalaid_desktop.gui.widgets.dates import DateEdit
from legalaid_desktop.gui.widgets.field_error import FieldError
from legalaid_desktop.gui.widgets.guarded_dialog import GuardedDialog
from legalaid_desktop.gui.widgets.save_dialog import save_file_dialog
from legalaid_desktop.i18n import LANGUAGES, _, ngettext
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.donor_report import DonorScope
from legalaid_desktop.services.reports import ReportDocument
from legalaid_desktop.statistics.periods import Period, date_range, month, quarter, year

CUSTOM = "custom"


def recent_periods(day: date) -> list[Period]:
    """The periods offered, most useful first: the last complete quarter and the ones before,
    the current and last years, the last months."""
    q = (day.month - 1) // 3 + 1
    quarters: list[Period] = []
    y, qq = day.year, q
    for _i in range(8):
        y, qq = (y - 1, 4) if qq == 1 else (y, qq - 1)
        quarters.append(quarter(y, qq))
    years = [year(day.year), year(day.year - 1), year(day.year - 2)]
    months: list[Period] = []
    y, m = day.year, day.month
    for _i in range(12):
        months.append(month(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return [*quarters, *years, *months]


class DonorReportDialog(GuardedDialog):
    """Choose the period, center and language; preview the PDF or save the XLSX.

    Signals:
        previewed(object): the preview opened with this :class:`ReportDocument`.
        saved(str): the XLSX was written to this path.
        failed(str): the report could not be made (the message shown).
    """

    previewed = Signal(object)
    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: WriteOp | None = None
        self.preview: PdfPreviewDialog | None = None
        self.scope: DonorScope | None = None
        self.setMinimumWidth(560)
        self.period = QComboBox(self)
        for p in recent_periods(today()):
            self.period.addItem(p.code, p.code)
        self.period.addItem("", CUSTOM)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        first = recent_periods(today())[0]
        self.start = DateEdit(first.start, self)
        self.end = DateEdit(first.end, self)
        self.center = QComboBox(self)
        self.center_name = QLabel(self)
        self.language = QComboBox(self)
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(ctx.language)))
        self.labels = {n: QLabel(self) for n in ("period", "start", "end", "center", "lang")}
        form = new_form()
        for name, widget in (
            ("period", self.period),
            ("start", self.start),
            ("end", self.end),
            ("center", self.center),
            ("lang", self.language),
        ):
            if name == "lang":  # at a center: its name where HQ chooses one
                form.addRow("", self.center_name)
            self.labels[name].setBuddy(widget)
            form.addRow(self.labels[name], widget)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #5f6368;")
        self.error = FieldError(self)
        self.buttons = QDialogButtonBox(self)
        self.preview_button = QPushButton(self)
        self.preview_button.setDefault(True)
        self.xlsx_button = QPushButton(self)
        self.close_button = QPushButton(self)
        self.buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.xlsx_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.preview_button.clicked.connect(self.make_preview)
        self.xlsx_button.clicked.connect(self.save_xlsx)
        self.close_button.clicked.connect(self.leave)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._show_center(None)
        self._period_changed()
        self.retranslate()
        self._load_scope()

    # -- the choices ----------------------------------------------------------------------------

    def _load_scope(self) -> None:
        donor = self.ctx.services.donor
        QueryOp(
            self.ctx.tasks,
            donor.scope,
            success=self._show_center,
            failure=lambda exc: self.error.show_message(user_message(exc)),
            action="donor-scope",
        ).run()

    def _show_center(self, scope: DonorScope | None) -> None:
        """At HQ a choice of the network or a center; at a center, its name."""
        self.scope = scope
        hq = scope is not None and scope.hq
        self.center.clear()
        if hq and scope is not None:
            self.center.addItem(_("The whole network"), "")
            for c in scope.centers:
                self.center.addItem(f"{c.name} ({c.code})" if c.name else c.code, c.code)
        self.center.setVisible(hq)
        self.labels["center"].setVisible(hq)
        own = scope.own if scope is not None else None
        self.center_name.setText(
            _("Center: {name}").format(name=own.name or own.code) if own and not hq else ""
        )
        self.center_name.setVisible(bool(own) and not hq)

    def _period_changed(self) -> None:
        custom = self.period.currentData() == CUSTOM
        for name, widget in (("start", self.start), ("end", self.end)):
            widget.setVisible(custom)
            self.labels[name].setVisible(custom)

    def chosen_period(self) -> Period | None:
        """The period chosen (None, with the message shown, when the dates are the wrong way
        round)."""
        code = self.period.currentData()
        if code != CUSTOM:
            return next(p for p in recent_periods(today()) if p.code == code)
        start, end = self.start.value(), self.end.value()
        if end < start:
            self.error.show_message(_("The end of the period is before its start."))
            return None
        return date_range(start, end)

    def chosen_center(self) -> str | None:
        """The center chosen at HQ (None: the network); None at a center (its own)."""
        if self.scope is None or not self.scope.hq:
            return None
        return str(self.center.currentData() or "") or None

    def chosen_language(self) -> str:
        return str(self.language.currentData() or self.ctx.language)

    # -- the preview ----------------------------------------------------------------------------

    def make_preview(self) -> PdfPreviewDialog | None:
        """Open the preview (rendered in the background; its language can be switched there)."""
        self.error.show_message(None)
        period = self.chosen_period()
        if period is None:
            return None
        donor, center = self.ctx.services.donor, self.chosen_center()

        def produce(lang: str, _contact: bool) -> ReportDocument:
            return donor.document(period, center=center, lang=lang)

        parent = self.parentWidget() or self
        ctx = replace(self.ctx, language=self.chosen_language())  # the preview starts in it
        dialog = PdfPreviewDialog(
            ctx, lambda: _("Donor report {period}").format(period=period.code), produce,
            parent=parent,
        )  # fmt: skip
        dialog.loaded.connect(lambda _n: self._previewed(dialog))
        dialog.load_failed.connect(self.failed.emit)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self.preview = dialog
        return dialog

    # -- the XLSX -------------------------------------------------------------------------------

    def save_xlsx(self) -> None:
        """Ask where to save the XLSX, then write it there in the background."""
        if self.task is not None:
            return
        period = self.chosen_period()
        if period is None:
            return
        folder = PdfPreviewDialog.last_folder or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        name = f"donor-report-{period.code.replace('..', '_')}.xlsx"
        save_file_dialog(
            self,
            _("Save XLSX"),
            str(Path(folder) / name),
            [(_("Excel workbooks (*.xlsx)"), "xlsx")],
            self.save_xlsx_to,
        )

    def save_xlsx_to(self, path: Path) -> None:
        """Write the report's tables to ``path`` (whole or not at all; audited)."""
        period = self.chosen_period()
        if period is None or self.task is not None:
            return
        donor, center, lang = self.ctx.services.donor, self.chosen_center(), self.chosen_language()
        self.error.show_message(None)
        self.status.setText(_("Counting the figures…"))
        self._set_running(True)
        self.task = WriteOp(
            self.ctx.tasks,
            lambda: donor.write_xlsx(period, path, center=center, lang=lang),
            success=lambda n: self._saved(path, n),
            failure=self._failed,
            action="donor-xlsx",
        ).run()

    def _previewed(self, dialog: PdfPreviewDialog) -> None:
        self.mark_clean()  # the choices made a report: closing now loses nothing
        self.previewed.emit(dialog.document)

    def _saved(self, path: Path, tables: int) -> None:
        self.mark_clean()
        self.task = None
        self._set_running(False)
        PdfPreviewDialog.last_folder = str(path.parent)
        self.status.setText(
            ngettext("Saved {n} table to {path}.", "Saved {n} tables to {path}.", tables).format(
                n=tables, path=path
            )
        )
        self.saved.emit(str(path))

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self._set_running(False)
        self.status.clear()
        message = user_message(exc)
        self.error.show_message(message)
        self.failed.emit(message)

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        for widget in (self.preview_button, self.xlsx_button, self.period, self.center):
            widget.setEnabled(not running)

    def reject(self) -> None:
        if self.task is not None:  # the file is being written: it finishes first
            return
        super().reject()

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Donor report"))
        self.intro.setText(
            _(
                "Anonymized figures for donors: only clients who consented to anonymized "
                'statistics are counted, and counts of 1 to 4 are shown as "<5". Preview the '
                "PDF to print or save it, or save the same tables as an XLSX."
            )
        )
        self.labels["period"].setText(_("&Period:"))
        self.labels["start"].setText(_("&From:"))
        self.labels["end"].setText(_("&To:"))
        self.labels["center"].setText(_("&Center:"))
        self.labels["lang"].setText(_("&Language:"))
        self.period.setItemText(self.period.count() - 1, _("Other dates…"))
        if self.scope is not None and self.scope.hq and self.center.count():
            self.center.setItemText(0, _("The whole network"))
        self.language.setAccessibleName(_("Language of the report"))
        self.preview_button.setText(_("P&review PDF…"))
        self.xlsx_button.setText(_("Save as &XLSX…"))
        self.close_button.setText(_("Close"))
        self.progress.setAccessibleName(_("Progress"))


def open_donor_dialog(ctx: GuiContext, parent: QWidget) -> DonorReportDialog:
    """Open the donor report dialog (window-modal, deleted when closed)."""
    dialog = DonorReportDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
