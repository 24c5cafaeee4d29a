"""Merge two records of the same client (issue 19, docs/case-life.md "Duplicate clients").

A manager or administrator (:attr:`Permission.EDIT_ANY_CASE`, as ``legalaid client merge``)
opens it from a client's record ("Merge with another client…", :class:`MergeButton`) or from the
conflict check when two clients look alike. The two records stand side by side — name, birth
year, phone, region, and how many cases, consents and documents each holds — read in the
background (viewing them is audited); the user finds the other by typing, chooses which record
to keep, and confirms: the other becomes a pointer to the kept one, which cannot be undone. The
merge runs on the writer thread (:class:`~legalaid_desktop.gui.tasks.WriteOp`); the service
checks everything again and a refusal is shown above the buttons.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import ClientInfo
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import user_message
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.client_picker import ClientPicker
from legalaid_desktop.gui.widgets.dialogs import confirm, open_dialog
from legalaid_desktop.gui.widgets.field_error import FieldError
from legalaid_desktop.i18n import _
from legalaid_desktop.services.client_merge import MergePreview, MergeResult, MergeSide

__all__ = ["MergeButton", "MergeClientsDialog"]

_ROWS = ("number", "name", "birth_year", "phone", "region", "cases", "consents", "documents")


class MergeClientsDialog(QDialog):
    """The two clients side by side, which one to keep, and the merge.

    Args:
        first_id: The client the dialog opens on (the record it was opened from).
        second_id: The other, when known (two clients found alike); else found by typing.

    Attributes:
        preview: What the service last said about the two (``None`` until it arrived).
        merge_result: The merge's result once done.

    Signals:
        merged(object): the :class:`MergeResult` (the dialog then closes).
    """

    merged = Signal(object)

    def __init__(
        self, ctx: GuiContext, first_id: str, second_id: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mergeClientsDialog")
        self.ctx = ctx
        self.first_id, self.second_id = first_id, second_id
        self.preview: MergePreview | None = None
        self.merge_result: MergeResult | None = None
        self.setMinimumWidth(760)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.find_label = QLabel(self)
        self.picker = ClientPicker(ctx, self)
        self.find_label.setBuddy(self.picker)
        self.picker.client_chosen.connect(self._chosen)
        self.table = QTableWidget(len(_ROWS), 2, self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.keep_first, self.keep_second = QRadioButton(self), QRadioButton(self)
        self.keep_first.setChecked(True)
        self.keep_group = QButtonGroup(self)
        for button in (self.keep_first, self.keep_second):
            self.keep_group.addButton(button)
            button.toggled.connect(lambda _on: self._show_note())
        self.note = QLabel(self)  # what the merge does, and that it cannot be undone
        self.note.setWordWrap(True)
        set_role(self.note, "warning")
        self.error = FieldError(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.merge_button = QPushButton(self)
        self.buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.clicked.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self.retranslate()
        self._load()
        self.picker.setFocus()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.find_label)
        layout.addWidget(self.picker)
        layout.addWidget(self.table)
        keep = QHBoxLayout()
        keep.addWidget(self.keep_first, 1)
        keep.addWidget(self.keep_second, 1)
        layout.addLayout(keep)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    # -- the two clients ------------------------------------------------------------------------

    def _chosen(self, client_id: str, _name: str) -> None:
        if client_id == self.second_id:
            return  # already shown (the record the dialog opened with, named in the field)
        self.second_id = client_id
        self._load()

    def _load(self) -> None:
        """Read both records in the background (audited as viewed: a write)."""
        first, second, merges = self.first_id, self.second_id, self.ctx.services.merges
        self.merge_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            lambda: merges.preview(first, second),
            success=self._arrived,
            failure=self._failed,
            parent=self,
        ).latest("preview").run()

    def _arrived(self, preview: MergePreview) -> None:
        self.preview = preview
        self.error.show_message(preview.refusal or None)
        other = preview.other
        if other is not None and self.picker.client_id() != other.id:
            self.picker.set_client(other.id, other.name)  # found alike: say whom
        self._show()

    def _failed(self, exc: BaseException) -> None:
        self.error.show_message(user_message(exc))
        self._update_button()

    def _show(self) -> None:
        preview = self.preview
        sides = (preview.keep, preview.other) if preview is not None else (None, None)
        for column, side in enumerate(sides):
            for row, value in enumerate(self._values(side)):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, column, item)
        self.table.setHorizontalHeaderLabels([self._title(s) for s in sides])
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows + frame)
        self._show_note()

    def _values(self, side: MergeSide | None) -> list[str]:
        if side is None:
            return [""] * len(_ROWS)
        return [
            side.number,
            side.name,
            str(side.birth_year) if side.birth_year else "—",
            side.phone or "—",
            self.ctx.label("regions", side.region) or "—",
            str(side.cases),
            str(side.consents),
            str(side.documents),
        ]

    @staticmethod
    def _title(side: MergeSide | None) -> str:
        return side.number if side is not None else _("The other client")

    def kept_and_other(self) -> tuple[MergeSide, MergeSide] | None:
        """The record kept and the one merged into it, as chosen (``None``: not both known)."""
        preview = self.preview
        if preview is None or preview.other is None:
            return None
        if self.keep_first.isChecked():
            return preview.keep, preview.other
        return preview.other, preview.keep

    def _show_note(self) -> None:
        pair = self.kept_and_other()
        preview = self.preview
        first = preview.keep if preview is not None else None
        second = preview.other if preview is not None else None
        for button, side in ((self.keep_first, first), (self.keep_second, second)):
            button.setText(
                _("Keep {number}").format(number=side.number) if side else _("Keep this record")
            )
            button.setEnabled(side is not None)
        if pair is None:
            self.note.setText("")
        else:
            kept, other = pair
            self.note.setText(
                _(
                    "{other}'s cases, consents and documents move to {kept}; {other} becomes a "
                    "pointer to {kept} and its number is not used again. This cannot be undone."
                ).format(other=other.number, kept=kept.number)
            )
        self.note.setVisible(bool(self.note.text()))
        self._update_button()

    def _update_button(self) -> None:
        preview = self.preview
        ok = preview is not None and preview.other is not None and not preview.refusal
        self.merge_button.setEnabled(ok)

    # -- merging --------------------------------------------------------------------------------

    def merge(self) -> None:
        """Ask, then merge on the writer thread."""
        pair = self.kept_and_other()
        if pair is None or not self.merge_button.isEnabled():
            return
        kept, other = pair
        question = _(
            "Merge {other} ({other_name}) into {kept} ({kept_name})? Its cases, consents and "
            "documents move to {kept}. This cannot be undone."
        ).format(other=other.number, other_name=other.name, kept=kept.number, kept_name=kept.name)
        if not confirm(self, _("Merge clients"), question):
            return
        merges = self.ctx.services.merges
        self.merge_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            lambda: merges.merge(kept.id, other.id),
            changes={Change.CLIENTS, Change.CASES},
            success=self._merged,
            failure=self._failed,
            parent=self,
        ).latest("merge").run()

    def _merged(self, result: MergeResult) -> None:
        self.merge_result = result
        self.merged.emit(result)
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Merge clients"))
        self.intro.setText(
            _(
                "Two records of the same person: find the other record, compare them, and "
                "choose the one to keep."
            )
        )
        self.find_label.setText(_("&Other record:"))
        self.table.setVerticalHeaderLabels(
            [
                _("Number"),
                _("Name"),
                _("Birth year"),
                _("Phone"),
                _("Region"),
                _("Cases"),
                _("Consents"),
                _("Documents"),
            ]
        )
        self.table.setAccessibleName(_("The two records side by side"))
        self.merge_button.setText(_("&Merge…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.picker.retranslate()
        self._show()


class MergeButton(QPushButton):
    """ "Merge with another client…" on a client's record, for whoever may merge
    (:attr:`allowed`); :attr:`dialog` is the merge dialog while it is open.

    Signals:
        merged(str): the id of the client kept.
    """

    merged = Signal(str)

    def __init__(self, ctx: GuiContext, client: ClientInfo | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client = client
        self.dialog: MergeClientsDialog | None = None
        self.merged_from = ""
        self.note = QLabel(parent)  # "GNJ-C-00043 was merged into this one" (the dialog places it)
        self.note.setWordWrap(True)
        set_role(self.note, "warning")
        self.note.hide()
        self.clicked.connect(lambda: self.open_merge())
        self.retranslate()

    def set_merged_from(self, number: str) -> None:
        """Say that the record shown was opened as the client ``number``, merged into it."""
        self.merged_from = number
        self.retranslate()

    @property
    def allowed(self) -> bool:
        """A client of this center, not anonymized, and a manager or administrator."""
        c, actor = self.client, self.ctx.actor
        return (
            c is not None
            and actor.can(Permission.EDIT_ANY_CASE)
            and not c.anonymized
            and c.node_code == actor.node_code
        )

    def open_merge(self, second_id: str = "") -> MergeClientsDialog | None:
        if not self.allowed or self.client is None:
            return None
        dialog = MergeClientsDialog(self.ctx, self.client.id, second_id or "", self.window())
        self.dialog = dialog
        dialog.merged.connect(lambda result: self.merged.emit(result.kept))
        dialog.finished.connect(lambda _r: self._closed(dialog))
        open_dialog(dialog)
        return dialog

    def _closed(self, dialog: MergeClientsDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def retranslate(self) -> None:
        self.setText(_("Merge with another c&lient…"))
        self.setToolTip(
            _("The same person registered twice: move this record's cases to one record")
        )
        self.note.setText(
            _("Client {number} was merged into this one: their records are here.").format(
                number=self.merged_from
            )
            if self.merged_from
            else ""
        )
        self.note.setVisible(bool(self.merged_from))
        if self.dialog is not None:
            self.dialog.retranslate()
