"""Add a code to a reference list HQ keeps, or change its labels (issue 19, HQ only).

The code is typed when adding (Latin letters, digits, ``_``, ``.``, ``-``; it is what records
store) and read-only when editing: records keep the code, only its labels change. All three
labels (az, ru, en) are required. Saving a retired code puts it back in use
(:meth:`ReferenceEditor.set_item <legalaid_desktop.services.reference_editor.ReferenceEditor.
set_item>`); the service checks again and gives the list a new version, which the centers
receive with their next bundle from HQ.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.correction_dialogs import add_note
from legalaid_desktop.gui.dialogs.form_dialog import FormDialog, plain
from legalaid_desktop.gui.widgets import checks
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.services.reference_editor import EditableItem

KIND_LABELS: dict[str, str] = {
    "legal_areas": N_("Legal areas"),
    "corruption_sectors": N_("Corruption sectors"),
    "corruption_conduct": N_("Types of corrupt conduct"),
    "outcomes": N_("Case outcomes"),
    "referral_bodies": N_("Referral bodies"),
    "referral_results": N_("Referral results"),
    "grant_codes": N_("Grant codes"),
}
"""The readable names of the lists HQ edits (``reference_editor.EDITABLE_KINDS``)."""

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}"
"""What a code may be (the service's rule)."""
LABEL_MAX = 300

LANGUAGE_FIELDS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("az", lambda: _("A&zerbaijani")),
    ("ru", lambda: _("&Russian")),
    ("en", lambda: _("&English")),
)


def kind_label(kind: str) -> str:
    """The list's name in the current language (its kind when it has none)."""
    label = KIND_LABELS.get(kind)
    return _(label) if label else kind


class ReferenceItemDialog(FormDialog):
    """Add a code to list ``kind`` (``item`` ``None``) or change the labels of ``item``.

    ``codes`` are the codes the list has already (retired ones too): a new code must be
    another one.
    """

    def __init__(
        self,
        ctx: GuiContext,
        kind: str,
        item: EditableItem | None = None,
        codes: Collection[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.kind = kind
        self.item = item
        self.codes = frozenset(codes)
        self.setMinimumWidth(560)
        self.code = QLineEdit(self)
        self.code.setMaxLength(32)  # what a code may be: validate() says it as it is typed
        self.add_field("code", lambda: _("&Code"), self.code)
        self.labels: dict[str, QLineEdit] = {}
        for lang, text in LANGUAGE_FIELDS:
            box = QLineEdit(self)
            box.setMaxLength(LABEL_MAX)
            self.labels[lang] = box
            self.add_field(lang, text, box)
        self.finish_layout()
        self.note = add_note(self)
        if item is not None:
            self.code.setText(item.code)
            self.code.setReadOnly(True)  # records keep the code; only the labels change
            self.code.setStyleSheet("QLineEdit { background: palette(window); }")
            for lang, box in self.labels.items():
                box.setText(item.labels.get(lang, ""))
        self.retranslate()
        (self.labels["az"] if item is not None else self.code).setFocus()

    def validate(self) -> dict[str, str]:
        found: dict[str, str | None] = {}
        if self.item is None:
            code = self.code.text().strip()
            if not code:
                found["code"] = checks.required(code, plain(_("&Code")))
            elif not re.fullmatch(CODE_PATTERN, code):
                found["code"] = _(
                    "'{code}' is not a code: use up to 32 Latin letters, digits, '_', '.' or "
                    "'-', starting with a letter or digit."
                ).format(code=code)
            elif code in self.codes:
                found["code"] = _(
                    "The list has the code {code} already: choose it in the list and edit it."
                ).format(code=code)
        for lang, text in LANGUAGE_FIELDS:
            found[lang] = checks.required(self.labels[lang].text(), plain(text()))
        return {name: message for name, message in found.items() if message}

    def entered_labels(self) -> dict[str, str]:
        return {lang: box.text().strip() for lang, box in self.labels.items()}

    def save_call(self) -> Callable[[], Any]:
        kind, code, labels = self.kind, self.code.text().strip(), self.entered_labels()
        editor = self.ctx.services.reference_editor
        return lambda: editor.set_item(kind, code, labels)

    def window_title(self) -> str:
        if self.item is None:
            return _("Add a code — {list}").format(list=kind_label(self.kind))
        return _("Edit {code} — {list}").format(code=self.item.code, list=kind_label(self.kind))

    def note_text(self) -> str:
        if self.item is None:
            return _("The centers receive the new code with their next bundle from HQ.")
        text = _(
            "Records that have this code show the new labels. The centers receive them with "
            "their next bundle from HQ."
        )
        if not self.item.active:
            text = _("Saving puts this retired code back in use.") + " " + text
        return text

    def retranslate_extra(self) -> None:
        if self.item is not None:
            self.code.setToolTip(_("The code stays: the records that have it keep it."))
        example = "ADB-2026-01" if self.kind == "grant_codes" else "land_rights"
        self.code.setPlaceholderText(_("e.g. {code}").format(code=example))
        self.note.setText(self.note_text())
