"""After a client is saved the lawyer goes straight on (a case, the consent form, a consent),
and a client's record opens a new case: driven with the keyboard on a real encrypted store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import ClientInfo, ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import OpenCaseDialog
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.dialogs.next_steps import NextStepsDialog
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
NAME = "Məmmədova Səbinə Rauf qızı"


def _ctx(session: app.AppSession) -> GuiContext:
    ctx = GuiContext(services=session, tasks=TaskRunner(), catalog=session.reference())
    return ctx


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = _ctx(admin_session)
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


@pytest.fixture
def page(qtbot: Any, gui_ctx: GuiContext) -> ClientsPage:
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=WAIT)
    return page


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (QTest.keyClicks only knows ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def _register(qtbot: Any, page: ClientsPage) -> NextStepsDialog:
    """Register a walk-in client from the keyboard; returns the "Saved. Next:" dialog."""
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.active_dialog
    assert isinstance(dialog, ClientDialog) and dialog.is_registration()
    dialog.name.setFocus()
    type_text(dialog.name, NAME)
    dialog.gender.set_code("female")
    dialog.region.set_code("AZ-GA")
    dialog.purposes["store_process"].setFocus()
    qtbot.keyClick(dialog.purposes["store_process"], Qt.Key.Key_Space)
    assert dialog.save_button.isEnabled(), dialog.hint.text()
    dialog.save_button.setFocus()
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.next_steps is not None, timeout=WAIT)
    assert page.active_dialog is None  # the registration closed
    steps = page.next_steps
    assert steps is not None and steps.isVisible()
    return steps


def test_saved_then_enter_opens_a_case_for_the_client_and_shows_it(
    qtbot: Any, page: ClientsPage, gui_ctx: GuiContext
) -> None:
    steps = _register(qtbot, page)
    assert steps.heading.text() == f"{NAME} is saved."
    assert steps.case_button.isDefault() and steps.case_button.hasFocus()
    qtbot.keyClick(steps.case_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.case_dialog is not None, timeout=WAIT)
    dialog = page.case_dialog
    assert isinstance(dialog, OpenCaseDialog)
    assert dialog.client.client_id() is not None  # the client is chosen already
    qtbot.waitUntil(dialog.area.hasFocus, timeout=WAIT)  # the first empty field
    dialog.area.set_code("social")
    dialog.summary.setFocus()
    type_text(dialog.summary, "MİS müavinəti dayandırılıb.")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)  # the lawyer is filled in
    with qtbot.waitSignal(page.open_case, timeout=WAIT) as opened:
        dialog.save_button.setFocus()
        qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
    number = opened.args[0]
    detail = gui_ctx.services.cases.get(number)
    assert detail.client.full_name == NAME and detail.legal_area == "social"


def test_saved_then_p_opens_the_consent_form_of_the_client(qtbot: Any, page: ClientsPage) -> None:
    steps = _register(qtbot, page)
    qtbot.keyClick(steps, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=WAIT)
    assert page.preview is not None and NAME in page.preview.windowTitle()
    page.preview.close()


def test_saved_then_s_opens_the_record_at_a_new_consent(qtbot: Any, page: ClientsPage) -> None:
    steps = _register(qtbot, page)
    qtbot.keyClick(steps, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.active_dialog is not None, timeout=WAIT)
    record = page.active_dialog
    assert record is not None and not record.is_registration()
    qtbot.waitUntil(lambda: record.focusWidget() is record.consent_box, timeout=WAIT)
    assert not record.consent_box.isChecked()
    qtbot.keyClick(record.consent_box, Qt.Key.Key_Space)  # start a new consent
    assert record.consent_box.isChecked() and record.consent_date.isEnabled()


def test_escape_leaves_the_next_steps_and_does_nothing_more(qtbot: Any, page: ClientsPage) -> None:
    steps = _register(qtbot, page)
    qtbot.keyClick(steps, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.next_steps is None, timeout=WAIT)
    assert page.case_dialog is None and page.active_dialog is None


def _existing(ctx: GuiContext) -> ClientInfo:
    return ctx.services.clients.register(
        ClientInput(full_name=NAME, gender="female", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )


def test_the_record_of_a_client_opens_a_new_case_with_ctrl_n(
    qtbot: Any, page: ClientsPage, gui_ctx: GuiContext
) -> None:
    info = _existing(gui_ctx)
    page.show_client(info.id)
    qtbot.waitUntil(lambda: page.active_dialog is not None, timeout=WAIT)
    record = page.active_dialog
    assert record is not None and record.new_case_button.isVisibleTo(record)
    assert record.new_case_button.text() == "&New case…"
    record.name.setFocus()
    qtbot.keyClick(record.name, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.case_dialog is not None, timeout=WAIT)
    dialog = page.case_dialog
    assert dialog is not None and dialog.client.client_id() == info.id
    dialog.area.set_code("family")
    dialog.summary.setFocus()
    type_text(dialog.summary, "Aliment.")
    # an outreach day entered later: the case keeps the day it began (never a future day)
    dialog.opened_on.set_value(today() + timedelta(days=1))
    assert dialog.opened_on.value() == today()
    outreach = today() - timedelta(days=10)
    dialog.opened_on.set_value(outreach)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)  # the lawyer is filled in
    with qtbot.waitSignal(page.open_case, timeout=WAIT) as opened:
        dialog.save_button.setFocus()
        qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.active_dialog is None, timeout=WAIT)  # the record closed
    detail = gui_ctx.services.cases.get(opened.args[0])
    assert detail.client.id == info.id and detail.opened_on == outreach


def test_a_role_that_cannot_open_cases_is_offered_no_case(
    qtbot: Any, admin_session: app.AppSession, data_dir: Any, gui_ctx: GuiContext
) -> None:
    info = _existing(gui_ctx)
    admin_session.users.add("aysel", "Məmmədova Aysel", "hq_analyst", "Quba-apple-2026")
    analyst = app.login(data_dir, "aysel", "Quba-apple-2026")
    ctx = _ctx(analyst)
    try:
        record = ClientDialog(ctx, analyst.clients.get(info.id))
        qtbot.addWidget(record)
        record.show()
        assert not record.new_case_button.isVisibleTo(record)
        with qtbot.assertNotEmitted(record.new_case):
            qtbot.keyClick(record.name, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        steps = NextStepsDialog(ctx, info)
        qtbot.addWidget(steps)
        assert not steps.case_button.isVisibleTo(steps)
        assert not steps.consent_button.isVisibleTo(steps)
    finally:
        ctx.tasks.wait()
        analyst.close()
