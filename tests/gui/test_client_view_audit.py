"""Opening a client's record in the window is an audit event, so the access report is true.

A real encrypted store and the real client list (offscreen): the record is loaded by a WriteOp
(the "viewed" entry is a write), and the view then appears in the person's access report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.access_report import AccessReportService
from legalaid_desktop.store.models import AuditEvent

WAIT = 15_000


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def _views(session: app.AppSession, client_id: str) -> list[str]:
    with session.ws.read() as db:
        return list(
            db.scalars(
                select(AuditEvent.actor).where(
                    AuditEvent.action == "client_viewed", AuditEvent.entity_id == client_id
                )
            )
        )


def test_opening_a_client_records_who_viewed_it(qtbot: Any, gui_ctx: GuiContext) -> None:
    session = gui_ctx.services
    client = session.clients.register(
        ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    assert _views(session, client.id) == []  # the list alone is not a view of the record
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.active_dialog is not None, timeout=WAIT)
    assert page.active_dialog.name.text() == "Əliyev Rəşad İsmayıl oğlu"
    assert _views(session, client.id) == [session.actor.username]

    report = AccessReportService(session.ws).report(client.id)
    assert ("admin", "client_viewed") in {(e.actor, e.action) for e in report.events}
