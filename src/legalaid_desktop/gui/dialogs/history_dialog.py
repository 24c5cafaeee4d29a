"""The history of corrections of a case or a client (issue 19): who changed what, when, from what.

Each row is one corrected field: when (Baku time), who (their full name), what (the record and
field by their labels; in a client's history, the case number in front of a case's records),
and the values before and after as the user reads them (a reference code by its label, a date
in the user's format). A long value (a consultation's notes) shows on one line in the table,
elided, with the whole text in its tooltip and in the two boxes under the table for the chosen
row.

Reading the history is an audit event (it holds earlier values), so it loads as a
:class:`~legalaid_desktop.gui.tasks.WriteOp`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.corrections import HistoryEntry
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import WriteOp
from legalaid_desktop.gui.widgets.case_tabs import cell, record_table
from legalaid_desktop.gui.widgets.dialogs import open_dialog
from legalaid_desktop.gui.widgets.feedback import MUTED, text_label
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_datetime

CASE, CLIENT = "case", "client"
SIZE = (1100, 640)
"""The dialog's size when there is room (it never grows past the screen)."""
TOOLTIP_WIDTH = 80
TOOLTIP_MAX = 2000
"""A tooltip shows at most this many characters (the boxes under the table show the rest)."""


def when_text(stamp: str) -> str:
    """An ISO UTC time stamp (``…Z``) in Baku time, ``dd.MM.yyyy HH:mm``."""
    try:
        return format_datetime(datetime.fromisoformat(stamp))
    except ValueError:
        return stamp


def one_line(text: str) -> str:
    """``text`` on one line (a table cell): line breaks become spaces."""
    return " ".join(text.split())


def tooltip(text: str) -> str:
    """A long text wrapped to readable lines for a tooltip ('' when the cell shows it whole)."""
    if len(text) <= 40 and "\n" not in text:
        return ""
    shown = text if len(text) <= TOOLTIP_MAX else text[:TOOLTIP_MAX] + "…"
    return "\n".join(
        textwrap.fill(paragraph, TOOLTIP_WIDTH) if paragraph else ""
        for paragraph in shown.splitlines()
    )


class HistoryDialog(QDialog):
    """The corrections of the case ``ref`` (its number) or of the client ``ref`` (their id).

    Args:
        ctx: The screen's context (services, catalog and language).
        kind: :data:`CASE` or :data:`CLIENT`.
        ref: The case number, or the client's id.
        subject: How the title names the record (the case number; the client's number and name).

    ``entries`` is what was loaded (``None`` until it arrives).
    """

    def __init__(
        self, ctx: GuiContext, kind: str, ref: str, subject: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.ref = ref
        self.subject = subject
        self.entries: tuple[HistoryEntry, ...] | None = None
        self._error = ""
        self.setModal(True)
        self.intro = text_label(self, MUTED)
        self.state = QLabel(self)  # loading, nothing to show, or why it could not be read
        self.state.setWordWrap(True)
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state.setStyleSheet(MUTED + " font-size: 14px; padding: 24px;")
        self.table = self._build_table()
        self.details = QWidget(self)
        self.old_caption, self.old_text = QLabel(self.details), self._text_box()
        self.new_caption, self.new_text = QLabel(self.details), self._text_box()
        grid = QGridLayout(self.details)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.old_caption, 0, 0)
        grid.addWidget(self.new_caption, 0, 1)
        grid.addWidget(self.old_text, 1, 0)
        grid.addWidget(self.new_text, 1, 1)
        self.old_caption.setBuddy(self.old_text)
        self.new_caption.setBuddy(self.new_text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.state, 1)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.buttons)
        self.table.currentCellChanged.connect(lambda *_a: self._show_details())
        self._fit_screen()
        self.retranslate()
        self.load()

    # -- building -------------------------------------------------------------------------------

    def _build_table(self) -> QTableWidget:
        table = record_table(self, 5)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (3, 4):  # the values share what the other columns leave
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        return table

    def _text_box(self) -> QPlainTextEdit:
        box = QPlainTextEdit(self.details)
        box.setReadOnly(True)
        box.setTabChangesFocus(True)
        box.setFixedHeight(110)
        return box

    def _fit_screen(self) -> None:
        width, height = SIZE
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 80)
        self.resize(width, height)

    # -- loading --------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the history in the background (an audited read: on the writer thread)."""
        history, ref = self.ctx.services.history, self.ref
        call: Callable[[], tuple[HistoryEntry, ...]]
        if self.kind == CASE:
            call = lambda: history.case_history(ref)  # noqa: E731 - one call to run later
        else:
            call = lambda: history.client_history(ref)  # noqa: E731
        self.entries, self._error = None, ""
        self._render()
        WriteOp(
            self.ctx.tasks,
            call,
            success=self._arrived,
            failure=self._failed,
            action=f"{self.kind}_history",
            parent=self,
        ).latest("load").run()

    def _arrived(self, entries: tuple[HistoryEntry, ...]) -> None:
        self.entries = tuple(entries)
        self._render()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, f"{self.kind}_history")
        self._error = user_message(exc)
        self._render()

    # -- showing --------------------------------------------------------------------------------

    def label(self, list_kind: str, code: str) -> str:
        return self.ctx.label(list_kind, code)

    def what(self, entry: HistoryEntry) -> str:
        """The record and field; in a client's history, a case's records after its number."""
        if self.kind == CLIENT and entry.case_number:
            return f"{entry.case_number} · {entry.what}"
        return entry.what

    def row_texts(self, entry: HistoryEntry) -> list[str]:
        """When, who, what, before, after: the row as the user reads it (values whole)."""
        return [
            when_text(entry.changed_at),
            entry.changed_by_name,
            self.what(entry),
            entry.shown_old(self.label),
            entry.shown_new(self.label),
        ]

    def _render(self) -> None:
        entries = self.entries
        if entries is None or not entries:
            if self._error:
                self.state.setText(self._error)
            elif entries is None:
                self.state.setText(_("Loading…"))
            else:
                self.state.setText(_("No corrections have been made."))
            self.state.show()
            self.table.hide()
            self.details.hide()
            return
        chosen = self.table.currentRow()
        self.table.setRowCount(0)
        for entry in entries:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(self.row_texts(entry)):
                item = cell(one_line(text))
                item.setToolTip(tooltip(text))
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
                self.table.setItem(row, column, item)
        self.table.setCurrentCell(chosen if 0 <= chosen < len(entries) else 0, 0)
        self.state.hide()
        self.table.show()
        self.details.show()
        self._show_details()

    def _show_details(self) -> None:
        row = self.table.currentRow()
        if self.entries is None or not 0 <= row < len(self.entries):
            self.old_text.clear()
            self.new_text.clear()
            return
        texts = self.row_texts(self.entries[row])
        self.old_text.setPlainText(texts[3])
        self.new_text.setPlainText(texts[4])
        self.old_text.setAccessibleDescription(texts[2])
        self.new_text.setAccessibleDescription(texts[2])

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        if self.kind == CASE:
            self.setWindowTitle(_("History of case {number}").format(number=self.subject))
            self.intro.setText(
                _(
                    "Every correction of the case, its consultations and its other records: "
                    "who made it, when, and the value before and after."
                )
            )
        else:
            self.setWindowTitle(_("History of client {name}").format(name=self.subject))
            self.intro.setText(
                _(
                    "Every correction of the client's record and of their cases: who made it, "
                    "when, and the value before and after."
                )
            )
        # "Before" and "After", not "From" and "To": those name the nodes of a sync elsewhere
        headers = [_("When"), _("Who"), _("What"), _("Before"), _("After")]
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setAccessibleName(_("Corrections"))
        self.old_caption.setText(_("&Before:"))
        self.new_caption.setText(_("A&fter:"))
        self.old_text.setAccessibleName(_("Before"))
        self.new_text.setAccessibleName(_("After"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self._render()


class HistoryButton(QPushButton):
    """A "History…" button that opens the :class:`HistoryDialog` of a case or a client.

    Call :meth:`set_record` with what it shows; :attr:`dialog` is the dialog while it is open.
    ``text`` gives the button's text where "&History…"'s mnemonic is taken.
    """

    def __init__(
        self, ctx: GuiContext, parent: QWidget, text: Callable[[], str] | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._text = text or (lambda: _("&History…"))
        self.kind, self.ref, self.subject = CASE, "", ""
        self.dialog: HistoryDialog | None = None
        self.clicked.connect(self.open_history)
        self.setVisible(self.allowed)
        self.retranslate()

    @property
    def allowed(self) -> bool:
        """Whether there is a record to show and the user may read its history."""
        return bool(self.ref) and self.ctx.actor.can(Permission.VIEW_CASES)

    def set_record(self, kind: str, ref: str, subject: str) -> None:
        self.kind, self.ref, self.subject = kind, ref, subject
        self.setVisible(self.allowed)

    def open_history(self) -> HistoryDialog | None:
        if not self.allowed:
            return None
        dialog = HistoryDialog(self.ctx, self.kind, self.ref, self.subject, self.window())
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        open_dialog(dialog)
        return dialog

    def _closed(self, dialog: HistoryDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def retranslate(self) -> None:
        self.setText(self._text())
        self.setToolTip(_("The corrections made to this record: who, when, before and after"))
        if self.dialog is not None:
            self.dialog.retranslate()
