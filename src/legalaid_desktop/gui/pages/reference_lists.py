"""The reference lists HQ keeps (issue 19): legal areas, corruption sectors and conduct,
outcomes, referral bodies and results, grant codes.

Shown only at HQ, to its administrators (:attr:`Permission.EDIT_REFERENCE`; the navigation hides
it elsewhere and the service refuses a center). Choose a list; its codes show with their labels
in az, ru and en and whether they are in use or retired. "Add…" adds a code, "Edit…" (or Enter)
changes the labels of the chosen one, "Retire…" retires it after a question: no new record takes
it, the records that have it keep it. Each change gives the list a new version, which the
centers receive with their next bundle from HQ (docs/case-life.md "Reference lists").
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.reference_dialog import ReferenceItemDialog, kind_label
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import QueryOp, WriteOp
from legalaid_desktop.gui.widgets.case_tabs import cell, record_table
from legalaid_desktop.gui.widgets.dialogs import confirm, open_dialog
from legalaid_desktop.gui.widgets.feedback import MUTED, message_label, show_message, text_label
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.services.reference_editor import EDITABLE_KINDS, EditableItem

COLUMNS = (
    N_("Code"),
    N_("Label ({lang})"),
    N_("Label ({lang})"),
    N_("Label ({lang})"),
    N_("Status"),
)
"""The table's columns: the code, its label in az, ru and en (by their codes: "English" as a
header would be the same word as the language chooser's own name), whether it is in use."""
LABEL_LANGUAGES = ("az", "ru", "en")
LANGS = ("az", "ru", "en")


class ReferenceListsPage(Page):
    """One list at a time, with "Add…", "Edit…" and "Retire…".

    :attr:`active_dialog` is the add or edit dialog while it is open.
    """

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.kind = EDITABLE_KINDS[0]
        self.items: tuple[EditableItem, ...] = ()
        self.chosen_code: str | None = None
        self.active_dialog: QDialog | None = None
        self.loaded = False
        self._shown = False
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.intro = text_label(self, MUTED)
        self.list_caption = QLabel(self)
        self.list_choice = QComboBox(self)
        for kind in EDITABLE_KINDS:
            self.list_choice.addItem("", kind)
        self.list_caption.setBuddy(self.list_choice)
        self.list_choice.currentIndexChanged.connect(self._list_chosen)
        self.version = text_label(self)
        self.version.setStyleSheet("font-weight: 600;")
        self.grant_note = text_label(self, MUTED)
        self.message = message_label()
        self.table = record_table(self, len(COLUMNS))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.activated.connect(lambda _i: self.edit())
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(MUTED + " padding: 12px;")
        may_edit = ctx.actor.can(Permission.EDIT_REFERENCE)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(self.edit)
        self.retire_button = QPushButton(self)
        self.retire_button.clicked.connect(self.retire)
        for button in (self.add_button, self.edit_button, self.retire_button):
            button.setVisible(may_edit)
        chooser = QHBoxLayout()
        chooser.addWidget(self.list_caption)
        chooser.addWidget(self.list_choice)
        chooser.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.retire_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(chooser)
        layout.addWidget(self.version)
        layout.addWidget(self.grant_note)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.list_choice)
        self.retranslate()

    # -- loading ----------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Reference lists")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.refresh()

    def choose_list(self, kind: str) -> None:
        """Show list ``kind`` (one of ``EDITABLE_KINDS``)."""
        self.list_choice.setCurrentIndex(max(self.list_choice.findData(kind), 0))

    def _list_chosen(self, _index: int) -> None:
        kind = self.list_choice.currentData()
        if isinstance(kind, str) and kind != self.kind:
            self.kind, self.chosen_code, self.items, self.loaded = kind, None, (), False
            self._fill()
            self.refresh()

    def refresh(self) -> None:
        """Read the chosen list again (in the background)."""
        editor, kind = self.ctx.services.reference_editor, self.kind
        QueryOp(
            self.ctx.tasks,
            lambda: (kind, editor.items(kind)),
            success=self._arrived,
            failure=self._failed,
            action="reference_items",
            parent=self,
        ).latest("items").run()

    def _arrived(self, found: tuple[str, tuple[EditableItem, ...]]) -> None:
        kind, items = found
        if kind != self.kind:
            return
        self.items, self.loaded = items, True
        show_message(self.message, "")
        self._fill()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "reference_lists")
        show_message(self.message, user_message(exc))

    def _reload_catalog(self) -> None:
        """Read the reference data again: the other screens show the new labels."""
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.reference,
            success=self._catalog_arrived,
            failure=lambda exc: log_error(exc, "reference_catalog"),
            action="reference_catalog",
            parent=self,
        ).latest("catalog").run()

    def _catalog_arrived(self, catalog: ReferenceCatalog) -> None:
        self.ctx.catalog = catalog

    # -- showing ----------------------------------------------------------------------------------

    def list_version(self) -> int:
        return max((item.version for item in self.items), default=0)

    def row_texts(self, item: EditableItem) -> list[str]:
        """Code, the three labels, in use or retired: the row as it reads."""
        status = _("In use") if item.active else _("Retired")
        return [item.code, *(item.labels.get(lang, "") for lang in LANGS), status]

    def _fill(self) -> None:
        wanted = self.chosen_code
        self.table.setRowCount(0)
        muted = self.palette().placeholderText()
        for item in self.items:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(self.row_texts(item)):
                shown = cell(text, item.code if column == 0 else None)
                shown.setToolTip(text)
                if not item.active:
                    shown.setForeground(muted)
                    font = QFont(shown.font())
                    font.setItalic(True)
                    shown.setFont(font)
                self.table.setItem(row, column, shown)
        codes = [item.code for item in self.items]
        if codes:
            chosen = wanted if wanted in codes else codes[0]
            self.table.setCurrentCell(codes.index(chosen), 0)
        self.table.setVisible(bool(codes))
        self.empty.setVisible(self.loaded and not codes)
        self._show_version()
        self._update_buttons()

    def _show_version(self) -> None:
        name = kind_label(self.kind)
        if not self.loaded:
            self.version.setText("")
        elif self.items:
            self.version.setText(
                _(
                    "{list}: version {version}. The centers receive it with their next bundle "
                    "from HQ."
                ).format(list=name, version=self.list_version())
            )
        else:
            self.version.setText(_("{list}: no code yet.").format(list=name))
        self.grant_note.setVisible(self.kind == "grant_codes")

    def current(self) -> EditableItem | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _update_buttons(self) -> None:
        item = self.current()
        if item is not None:
            self.chosen_code = item.code
        self.edit_button.setEnabled(item is not None)
        self.retire_button.setEnabled(item is not None and item.active)

    # -- actions ----------------------------------------------------------------------------------

    def _may_edit(self) -> bool:
        return self.ctx.actor.can(Permission.EDIT_REFERENCE)

    def add(self) -> ReferenceItemDialog | None:
        """Open "Add a code" for the list shown."""
        if not self._may_edit() or not self.loaded:
            return None
        codes = [item.code for item in self.items]
        dialog = ReferenceItemDialog(self.ctx, self.kind, None, codes, self)
        self._open(dialog)
        return dialog

    def edit(self) -> ReferenceItemDialog | None:
        """Open "Edit" for the chosen code (Enter, a double click)."""
        item = self.current()
        if not self._may_edit() or item is None:
            return None
        dialog = ReferenceItemDialog(self.ctx, self.kind, item, (), self)
        self._open(dialog)
        return dialog

    def _open(self, dialog: ReferenceItemDialog) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        open_dialog(dialog, self._saved)

    def _closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        self.table.setFocus()

    def _saved(self, item: EditableItem) -> None:
        self.chosen_code = item.code
        self.status_message.emit(
            _("{list}: {code} saved (version {version}).").format(
                list=kind_label(item.kind), code=item.code, version=item.version
            )
        )
        self.refresh()
        self._reload_catalog()

    def retire(self) -> None:
        """Retire the chosen code, after a question."""
        item = self.current()
        if not self._may_edit() or item is None or not item.active:
            return
        label = item.labels.get(self.ctx.language) or item.labels.get("en") or item.code
        question = _(
            "Retire {code} ({label}) from {list}?\n\nNo new record can take it; the records "
            "that have it keep it and still show its label. The centers receive the change "
            "with their next bundle from HQ."
        ).format(code=item.code, label=label, list=kind_label(item.kind))
        if confirm(self, _("Retire code"), question):
            self.retire_confirmed(item)

    def retire_confirmed(self, item: EditableItem) -> None:
        editor, kind, code = self.ctx.services.reference_editor, item.kind, item.code
        WriteOp(
            self.ctx.tasks,
            lambda: editor.retire(kind, code),
            success=self._retired,
            failure=self._failed,
            action="reference_retire",
            parent=self,
        ).latest("retire").run()

    def _retired(self, item: EditableItem) -> None:
        self.chosen_code = item.code
        self.status_message.emit(
            _("{list}: {code} retired (version {version}).").format(
                list=kind_label(item.kind), code=item.code, version=item.version
            )
        )
        self.refresh()
        self._reload_catalog()

    # -- texts ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.heading.setText(_("Reference lists"))
        self.intro.setText(
            _(
                "The lists the centers choose from. A code in use is never deleted: a retired "
                "code is offered no more, and the records that have it keep it."
            )
        )
        self.list_caption.setText(_("&List:"))
        for index in range(self.list_choice.count()):
            self.list_choice.setItemText(index, kind_label(str(self.list_choice.itemData(index))))
        self.list_choice.setAccessibleName(_("Reference list"))
        self.grant_note.setText(
            _(
                "Once this list has a code, a case takes only the grant codes of the list; "
                "until then any grant code typed is accepted."
            )
        )
        self.empty.setText(_("This list has no code yet. Add one with “Add…”."))
        labels = iter(LABEL_LANGUAGES)
        self.table.setHorizontalHeaderLabels(
            [_(c).format(lang=next(labels)) if "{lang}" in c else _(c) for c in COLUMNS]
        )
        self.table.setAccessibleName(_("Codes of the list"))
        self.add_button.setText(_("&Add…"))
        self.add_button.setToolTip(_("Add a code to the list"))
        self.edit_button.setText(_("&Edit…"))
        self.edit_button.setToolTip(_("Change the labels of the chosen code (Enter)"))
        self.retire_button.setText(_("Re&tire…"))
        self.retire_button.setToolTip(
            _("Retire the chosen code: no new record takes it, the records that have it keep it")
        )
        self._fill()
        retranslate = getattr(self.active_dialog, "retranslate", None)
        if callable(retranslate):
            retranslate()
