"""The window names clients by number and documents by kind (issue 17, defect 7).

Real store, real widgets (offscreen): the client list has the number, the client's window says
it in its title, and a case's documents tab shows the kind of a document in words and who added
it by full name: no MIME type, no hash, no user name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
ADMIN_NAME = "Məmmədov Elçin Vaqif oğlu"


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def test_the_client_list_and_window_show_the_number(qtbot: Any, gui_ctx: GuiContext) -> None:
    clients = gui_ctx.services.clients
    info = clients.register(
        ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    columns = page.model.columnCount()
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(columns)]
    number_column = headers.index("Number")
    assert page.model.data(page.model.index(0, number_column)) == "GNJ-C-00001"
    dialog = ClientDialog(gui_ctx, clients.get(info.id))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Client GNJ-C-00001: Əliyev Rəşad İsmayıl oğlu"
    assert dialog.history_box is not None
    assert dialog.history_box.title().startswith("GNJ-C-00001")  # seen inside the window too
    # "Export everything held" offers a file named by the number, not by the person or an id.
    files = dialog.export_button.ask()
    assert files is not None
    assert files.selectedFiles()[0].endswith("personal-data-GNJ-C-00001.pdf")
    files.reject()


def test_documents_show_kind_and_who_added_them(qtbot: Any, gui_ctx: GuiContext) -> None:
    session = gui_ctx.services
    client = session.clients.register(
        ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    case = session.cases.open(CaseInput(client.id, "family", "Aliment"))
    session.records.add_attachment(case.number, "ərizə.pdf", b"%PDF-1.4\n%%EOF\n")
    view = CaseView(gui_ctx)
    qtbot.addWidget(view)
    view.show()
    view.show_case(case.number)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=WAIT)
    table = view.documents_tab.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["File", "Kind", "Size", "Added", "Added by"]
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells[0] == "ərizə.pdf" and cells[1] == "PDF document" and cells[4] == ADMIN_NAME
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", cells[3])
    shown = " ".join(cells)
    assert "application/" not in shown and view.detail.attachments[0].sha256 not in shown
    assert f"Lawyer: {ADMIN_NAME}" in view.facts.text()  # never the user name "admin"
