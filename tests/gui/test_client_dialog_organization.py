"""The client dialog registers an organization or initiative group (issue 19): the person's rows
give way to the organization's, the live conflict check matches the name as an organization's,
and what is saved is what the service records. Real store, real widgets (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
NAME = "Gənclər Birliyi"


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")  # the messages below are compared in English
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (QTest.keyClicks only knows ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def _shown(dialog: ClientDialog, name: str) -> bool:
    return dialog.field_widget(name).isVisibleTo(dialog)


def _choose_kind(dialog: ClientDialog, code: str) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData(code))


def test_registering_an_organization(qtbot: Any, gui_ctx: GuiContext) -> None:
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = ClientDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    # a person, as before: the organization's rows are hidden
    assert dialog.kind.code() == "person"
    assert _shown(dialog, "gender") and _shown(dialog, "birth_year")
    assert not any(_shown(dialog, n) for n in ("registration", "contact_person", "members"))
    _choose_kind(dialog, "organization")
    assert not _shown(dialog, "gender") and not _shown(dialog, "birth_year")
    assert all(_shown(dialog, n) for n in ("registration", "contact_person", "members"))
    assert dialog.name.placeholderText() == "The organization's or group's name"
    assert dialog.label_of("full_name").text() == "&Name:"  # not a person's full name

    type_text(dialog.name, NAME)
    dialog.region.set_code("AZ-GA")
    dialog.purposes["store_process"].setChecked(True)
    type_text(dialog.members, "0")
    dialog.field_changed("members")
    assert "at least 1" in dialog.field_error("members")
    assert not dialog.save_button.isEnabled()
    dialog.members.clear()
    type_text(dialog.members, "40")
    type_text(dialog.registration, "1402345671")
    type_text(dialog.contact_person, "Məmmədova Aytən Rauf qızı")
    dialog.field_changed("members")
    # no gender chosen and none asked for
    assert dialog.save_button.isEnabled(), dialog.hint.text()
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    info = blocker.args[0]
    assert (info.kind, info.full_name, info.registration, info.members) == (
        "organization",
        NAME,
        "1402345671",
        40,
    )
    assert (info.contact_person, info.gender, info.birth_year) == (
        "Məmmədova Aytən Rauf qızı",
        "",
        None,
    )
    # the list says what it is where a person's gender would be
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    assert page.model.data(page.model.index(0, 1)) == "İctimai təşkilat"  # labels in az

    # the record opens as it was saved
    shown = ClientDialog(gui_ctx, gui_ctx.services.clients.get(info.id))
    qtbot.addWidget(shown)
    shown.show()
    assert shown.kind.code() == "organization" and shown.members.text() == "40"
    assert not _shown(shown, "gender") and _shown(shown, "contact_person")
    assert shown.banner.hits() == ()  # opening a record checks nothing


def test_the_live_check_matches_an_organizations_name(qtbot: Any, gui_ctx: GuiContext) -> None:
    existing = gui_ctx.services.clients.register(
        ClientInput(full_name=NAME, gender="", region="AZ-GA", kind="organization"),
        ConsentInput(given_on=today()),
    )
    dialog = ClientDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    _choose_kind(dialog, "initiative")
    type_text(dialog.name, "Gencler birliyi")
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=WAIT)
    (hit,) = dialog.banner.hits()
    assert (hit.ref_id, hit.level) == (existing.id, "exact")
    assert dialog.banner.needs_decision()
    # back to a person: the rows come back (and the name is checked again)
    _choose_kind(dialog, "person")
    assert _shown(dialog, "gender") and dialog.label_of("full_name").text() == "&Full name:"
    qtbot.waitUntil(lambda: not dialog.banner.pending(), timeout=WAIT)
    assert dialog.client_input().kind == "person"
