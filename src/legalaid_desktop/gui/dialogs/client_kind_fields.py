"""The client dialog's kind of client: a person, or an organization or initiative group.

A mixin of :class:`~legalaid_desktop.gui.dialogs.client_dialog.ClientDialog` (issue 19). A
community organization or initiative group has a name, a region and, if known, its registration,
contact person and number of members; a person's gender and birth year do not apply to it, so
their rows are hidden while one is chosen, and the organization's rows while a person is. The
conflict check compares the name as an organization's (``services.search.conflicts(kind=...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from legalaid_desktop.domain.cases import ClientInfo, ClientKind, is_person
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.form_dialog import plain
from legalaid_desktop.gui.widgets import checks
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.i18n import _, pgettext

PERSON_ROWS = ("gender", "birth_year")
"""A person's rows, hidden for an organization or initiative group."""
GROUP_ROWS = ("registration", "contact_person", "members")
"""An organization's or initiative group's rows, hidden for a person."""
MAX_REGISTRATION = 64


def _number(text: str) -> int | None:
    """The number typed (digits only: the field's validator allows no more), or ``None``."""
    text = text.strip()
    return int(text) if text.isdigit() else None


class ClientKindMixin:
    """The kind combo box and the organization's fields; the dialog provides the attributes
    declared here."""

    ctx: GuiContext
    name: QLineEdit
    add_field: Callable[..., QWidget]
    set_row_visible: Callable[[str, bool], None]
    field_changed: Callable[[str], None]
    forget_decision: Callable[..., None]
    fit_later: Callable[..., None]
    _fields: dict[str, Any]

    def label_of(self, name: str) -> QLabel:
        """The label of field ``name``."""
        return cast(QLabel, self._fields[name].label)

    _check_conflicts: Callable[..., None]

    def _build_kind(self, parent: QWidget) -> None:
        """The "Kind of client" combo box (call where its row goes: above the name; the dialog
        still opens on the name, and Shift+Tab or Alt+K reaches the kind)."""
        self.kind = CodeCombo(self.ctx, "client_kinds", parent=parent)
        self.kind.set_code(ClientKind.PERSON.value)
        self.add_field("kind", lambda: _("&Kind of client"), self.kind)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())

    def _build_group_fields(self, parent: QWidget) -> None:
        """The organization's rows (call where they go: after the person's birth year)."""
        self.registration = QLineEdit(parent)
        self.registration.setMaxLength(MAX_REGISTRATION)
        self.contact_person = QLineEdit(parent)
        self.members = QLineEdit(parent)
        self.members.setValidator(QRegularExpressionValidator(r"\d{0,7}", self.members))
        self.members.setMaximumWidth(120)
        self.add_field("registration", lambda: _("R&egistration"), self.registration)
        self.add_field("contact_person", lambda: _("Co&ntact person"), self.contact_person)
        self.add_field("members", lambda: _("&Members"), self.members)

    def group_widgets(self) -> list[QWidget]:
        """The organization's inputs, in tab order."""
        return [self.registration, self.contact_person, self.members]

    def name_label(self) -> str:
        """The name's label: a person's full name (ФИО in Russian), or an organization's."""
        if not hasattr(self, "kind") or self.is_person():
            return _("&Full name")
        return pgettext("organization", "&Name")

    def is_person(self) -> bool:
        """Whether the client being entered is a person."""
        return is_person(self.kind.code())

    def _kind_changed(self) -> None:
        self._show_kind_rows()
        self.forget_decision()
        self._check_conflicts()  # a person's name and an organization's are matched apart
        self.fit_later()

    def _show_kind_rows(self) -> None:
        person = self.is_person()
        label = self.name_label()
        self.label_of("full_name").setText(f"{label}:")
        self.name.setAccessibleName(plain(label))
        for name in PERSON_ROWS:
            self.set_row_visible(name, person)
        for name in GROUP_ROWS:
            self.set_row_visible(name, not person)
        self._retranslate_kind()

    def _retranslate_kind(self) -> None:
        self.kind.retranslate()
        if self.is_person():
            self.name.setPlaceholderText(_("Surname, first name, patronymic"))
        else:
            self.name.setPlaceholderText(_("The organization's or group's name"))
        self.registration.setPlaceholderText(_("if registered"))
        self.contact_person.setPlaceholderText(_("Who speaks for it"))
        self.members.setPlaceholderText(_("e.g. 25"))

    def _fill_kind(self, client: ClientInfo) -> None:
        blocked = self.kind.blockSignals(True)  # the record as it is: nothing to check yet
        self.kind.set_code(client.kind)
        self.kind.blockSignals(blocked)
        self.registration.setText(client.registration)
        self.contact_person.setText(client.contact_person)
        self.members.setText(str(client.members) if client.members is not None else "")
        for line in self.group_widgets():
            if isinstance(line, QLineEdit):
                line.setCursorPosition(0)
        self._show_kind_rows()

    def _kind_read_only(self) -> None:
        """An anonymized client: nothing changes."""
        self.kind.setEnabled(False)
        for line in (self.registration, self.contact_person, self.members):
            line.setReadOnly(True)

    def validate_group(self) -> dict[str, str | None]:
        """What is wrong in the organization's fields (nothing for a person: they are hidden
        and not saved)."""
        if self.is_person():
            return {}
        contact = self.contact_person.text()
        members = _number(self.members.text())
        return {
            "contact_person": (
                checks.person_name(contact, _("Contact person")) if contact.strip() else None
            ),
            "members": (
                _("The number of members must be at least 1 (leave it empty if not known).")
                if members is not None and members < 1
                else None
            ),
        }

    def group_values(self) -> dict[str, object]:
        """The kind and the organization's fields as :class:`ClientInput` takes them."""
        if self.is_person():
            return {"kind": ClientKind.PERSON.value}
        return {
            "kind": self.kind.code() or ClientKind.ORGANIZATION.value,
            "registration": self.registration.text(),
            "contact_person": self.contact_person.text(),
            "members": _number(self.members.text()),
        }
