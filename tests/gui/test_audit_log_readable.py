"""The audit log screen names people and records as people know them (issue 17, defect 7).

A real store, the real AuditLogView (offscreen): after a user is added, a client registered, a
case opened, a document added and the client changed, no cell shows a UUID, a ``key=value`` pair
or a user name where the full name is known; the labels follow the interface language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.audit_log import AuditLogView
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ADMIN_NAME = "Məmmədov Elçin Vaqif oğlu"


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    i18n.set_language("en")
    assert errors == []


def _cells(view: AuditLogView) -> list[list[str]]:
    table = view.table
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _row(cells: list[list[str]], action: str) -> list[str]:
    return next(row for row in cells if row[3] == action)


def test_the_log_shows_names_numbers_and_labels(qtbot: Any, gui_ctx: GuiContext) -> None:
    session = gui_ctx.services
    session.users.add("nigar", "Quliyeva Nigar Fuad qızı", "lawyer", "Lankaran-tea-2026")
    client = session.clients.register(
        ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    case = session.cases.open(CaseInput(client.id, "family", "Aliment", lawyer="nigar"))
    session.records.add_attachment(case.number, "ərizə.pdf", b"%PDF-1.4\n%%EOF\n")
    session.clients.update(
        client.id,
        ClientInput(
            full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA", phone="+994 50"
        ),
    )
    view = AuditLogView(gui_ctx)
    qtbot.addWidget(view)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: view.table.rowCount() >= 6, timeout=WAIT)
    cells = _cells(view)
    text = "\n".join("\t".join(row) for row in cells)
    assert not UUID.search(text), UUID.search(text)
    assert "=" not in text  # no role=lawyer, username=nigar
    assert "sha256" not in text.lower()
    added = _row(cells, "User added")
    assert added[2] == ADMIN_NAME  # who: the full name, not "admin"
    assert added[4] == "User Quliyeva Nigar Fuad qızı"
    assert "Role: Lawyer" in added[5] and "User: Quliyeva Nigar Fuad qızı" in added[5]
    assert _row(cells, "Client registered")[4] == f"Client {client.number}"
    opened = _row(cells, "Case opened")
    assert opened[4] == f"Case {case.number}" and opened[5] == ""  # the number is not repeated
    assert _row(cells, "Document added")[5].startswith("Document: ərizə.pdf")
    assert _row(cells, "Client changed")[5] == "What changed: Phone and address"
    # The user filter offers full names too.
    names = [view.actor.itemText(i) for i in range(view.actor.count())]
    assert ADMIN_NAME in names and "Quliyeva Nigar Fuad qızı" in names

    for lang, role, lawyer in (("az", "Rol", "Hüquqşünas"), ("ru", "Роль", "Юрист")):
        i18n.set_language(lang)
        view.retranslate()
        row = next(r for r in _cells(view) if r[4].endswith("Quliyeva Nigar Fuad qızı"))
        assert f"{role}: {lawyer}" in row[5]
        assert row[2] == ADMIN_NAME
