"""The consent on screen (issue 16): the new-client form ticks nothing the client did not tick
and refuses to save without "store and process"; a withdrawn or expired consent shows on the
client and on the dashboard. Real encrypted store, real widgets (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.pages.dashboard import DashboardPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date

WAIT = 15_000
REFUSAL = "Without consent to store and process the data, the client cannot be recorded."


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def _fill(dialog: ClientDialog) -> None:
    dialog.name.setText("Quliyeva Aynur Vaqif qızı")
    dialog.gender.set_code("female")
    dialog.region.set_code("AZ-GA")
    dialog.field_changed("full_name")


def test_new_client_form_starts_unticked_and_refuses_without_store_process(
    qtbot: Any, gui_ctx: GuiContext
) -> None:
    dialog = ClientDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert set(dialog.purposes) == {"store_process", "share_hq", "anonymized_stats"}
    assert not any(check.isChecked() for check in dialog.purposes.values())

    _fill(dialog)
    dialog.purposes["share_hq"].setChecked(True)  # ticked by the client, but not the first
    assert not dialog.save_button.isEnabled()
    assert dialog.field_error("purposes") == REFUSAL
    dialog.submit()  # Enter in the form: still refused, nothing written
    assert not dialog.saving() and dialog.isVisible()
    assert dialog.field_error("purposes") == REFUSAL
    assert gui_ctx.services.clients.count() == 0

    dialog.purposes["store_process"].setChecked(True)
    assert dialog.field_error("purposes") == ""
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    info = blocker.args[0]
    assert info.consents[0].purposes == ("store_process", "share_hq")  # only what was ticked
    assert gui_ctx.services.clients.count() == 1


def test_the_client_shows_a_withdrawal_and_an_expiry(qtbot: Any, gui_ctx: GuiContext) -> None:
    clients = gui_ctx.services.clients
    day = today()
    data = ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA")
    lapsed = clients.register(
        data, ConsentInput(day - timedelta(days=400), ("store_process",), day - timedelta(days=2))
    )
    withdrawn = clients.register(
        data, ConsentInput(day, ("store_process", "share_hq")), ConflictDecisionInput("no_conflict")
    )
    clients.withdraw_purpose(withdrawn.id, "store_process")

    shown = ClientDialog(gui_ctx, clients.get(lapsed.id))
    qtbot.addWidget(shown)
    shown.show()
    purpose = gui_ctx.label("consent_purposes", "store_process")
    expected = (
        f"The consent expired on {format_date(day - timedelta(days=2))} ({purpose}): "
        "record a new consent."
    )
    assert shown.consent_state.isVisible()
    assert shown.consent_state.text() == expected

    stopped = ClientDialog(gui_ctx, clients.get(withdrawn.id))
    qtbot.addWidget(stopped)
    stopped.show()
    assert "withdrawn on" in stopped.consent_state.text()
    assert "can be read but not changed" in stopped.consent_state.text()

    fine = ClientDialog(
        gui_ctx, clients.register(data, ConsentInput(day), ConflictDecisionInput("no_conflict"))
    )
    qtbot.addWidget(fine)
    fine.show()
    assert not fine.consent_state.isVisible()

    page = DashboardPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
    assert page.figure("expired_consents") == "1"
