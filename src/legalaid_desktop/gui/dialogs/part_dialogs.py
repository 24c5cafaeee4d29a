"""Correct a party or a deadline of a case (issue 19): the "Add" dialogs, filled in, saving
through ``CorrectionService`` so that the earlier values are kept in the case's history.

A party's new name is checked for conflicts as a new party's is (the live warning leaves the
party itself out; a strong match asks for a conflict decision on saving).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from legalaid_desktop.domain.cases import DeadlineInfo, PartyInfo
from legalaid_desktop.domain.corrections import DeadlineEdit, PartyEdit
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import DeadlineDialog, PartyDialog
from legalaid_desktop.gui.dialogs.correction_dialogs import add_note
from legalaid_desktop.i18n import _

__all__ = ["EditDeadlineDialog", "EditPartyDialog"]


def _history_note() -> str:
    return _("The earlier values are kept in the case's history.")


class EditPartyDialog(PartyDialog):
    """Correct ``party`` of case ``number``: its name, role and notes. ``saved`` carries the
    fields that changed (none: nothing had)."""

    def __init__(
        self, ctx: GuiContext, number: str, party: PartyInfo, parent: QWidget | None = None
    ) -> None:
        self.party = party
        super().__init__(ctx, number, parent)
        self.name.textEdited.disconnect()  # check without the party itself
        self.name.textEdited.connect(self._check)
        self.name.textEdited.connect(self.forget_decision)
        self.name.setText(party.name)
        self.name.setCursorPosition(0)
        self.role.set_code(party.role)
        self.notes.setText(party.notes)
        self.note = add_note(self)
        self.touch_all()
        self.retranslate()
        self.name.setFocus()

    def _check(self, text: str) -> None:
        self.banner.check(text, exclude_party_id=self.party.id)

    def save_call(self) -> Callable[[], Any]:
        party_id, corrections = self.party.id, self.ctx.services.corrections
        edit = PartyEdit(self.name.text(), self.role.code() or "", self.notes.text())
        decision = self.conflict_decision
        return lambda: corrections.edit_party(party_id, edit, decision)

    def window_title(self) -> str:
        return _("Edit party — {number}").format(number=self.number)

    def retranslate_extra(self) -> None:
        super().retranslate_extra()
        if hasattr(self, "note"):
            self.note.setText(_history_note())


class EditDeadlineDialog(DeadlineDialog):
    """Correct ``deadline`` of case ``number``: its date and description (whether it is done
    is ticked in the list). ``saved`` carries the fields that changed."""

    def __init__(
        self, ctx: GuiContext, number: str, deadline: DeadlineInfo, parent: QWidget | None = None
    ) -> None:
        self.deadline = deadline
        super().__init__(ctx, number, parent)
        self.due_on.set_value(deadline.due_on)
        self.description.setText(deadline.description)
        self.description.setCursorPosition(0)
        self.note = add_note(self)
        self.touch_all()
        self.retranslate()
        self.description.setFocus()

    def save_call(self) -> Callable[[], Any]:
        deadline_id, corrections = self.deadline.id, self.ctx.services.corrections
        edit = DeadlineEdit(self.due_on.value(), self.description.text())
        return lambda: corrections.edit_deadline(deadline_id, edit)

    def window_title(self) -> str:
        return _("Edit deadline — {number}").format(number=self.number)

    def retranslate_extra(self) -> None:
        super().retranslate_extra()
        if hasattr(self, "note"):
            self.note.setText(_history_note())
