"""The client and case lists: a header click sorts the whole list (the service's order), typed
text filters it; real encrypted store, real widgets, keyboard where a user would use it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.cases import OPENED_COLUMN, CasesPage
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
PEOPLE = (
    ("Zeynalova Ülviyyə", 1990),
    ("Əliyev Rəşad", None),
    ("Çələbiyev Vüqar", 1985),
    ("Cəfərova İradə", 2001),
    ("Eyvazov Namiq", 1979),
)
AZ_ORDER = [
    "Cəfərova İradə",
    "Çələbiyev Vüqar",
    "Eyvazov Namiq",
    "Əliyev Rəşad",
    "Zeynalova Ülviyyə",
]


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    s = admin_session
    start = today() - timedelta(days=60)
    for i, (name, year) in enumerate(PEOPLE):
        client = s.clients.register(
            ClientInput(full_name=name, gender="female", birth_year=year, region="AZ-GA"),
            ConsentInput(given_on=start),
        )
        s.cases.open(
            CaseInput(client.id, "social", f"Müraciət {i}", opened_on=start + timedelta(days=i * 7))
        )
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def click_header(qtbot: Any, page: Any, column: int) -> None:
    """A real mouse click on a column's header."""
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def _shown(page: Any, column: int) -> list[str]:
    model = page.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_clients_sort_by_a_header_click_and_filter_by_typed_text(
    qtbot: Any, gui_ctx: GuiContext
) -> None:
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: _shown(page, 0) == AZ_ORDER, timeout=WAIT)
    header = page.table.horizontalHeader()
    assert header.isSortIndicatorShown() and header.sortIndicatorSection() == 0
    click_header(qtbot, page, 0)  # the same column again: reversed
    qtbot.waitUntil(lambda: _shown(page, 0) == AZ_ORDER[::-1], timeout=WAIT)
    click_header(qtbot, page, 2)  # birth year: as numbers, blanks last
    qtbot.waitUntil(lambda: _shown(page, 2) == ["1979", "1985", "1990", "2001", ""], timeout=WAIT)

    # Ctrl+F goes to the filter; typed without Azerbaijani letters it still finds Əliyev
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.filter.hasFocus, timeout=WAIT)
    qtbot.keyClicks(page.filter, "eliyev")
    qtbot.waitUntil(lambda: _shown(page, 0) == ["Əliyev Rəşad"], timeout=WAIT)
    qtbot.waitUntil(lambda: page.count_label.text() == "1 client", timeout=WAIT)
    qtbot.keyClick(page.filter, Qt.Key.Key_Down)  # to the list, Enter opens the client
    assert page.table.hasFocus()
    page.filter.setFocus()
    qtbot.keyClicks(page.filter, " nobody")
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=WAIT)
    assert page.empty_label.text() == "No client matches these filters."
    qtbot.keyClick(page.filter, Qt.Key.Key_Escape)  # clears the filter
    qtbot.waitUntil(lambda: len(_shown(page, 0)) == len(PEOPLE), timeout=WAIT)


def test_cases_start_newest_first_and_sort_by_client_or_opening_date(
    qtbot: Any, gui_ctx: GuiContext
) -> None:
    page = CasesPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == len(PEOPLE), timeout=WAIT)
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == OPENED_COLUMN
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    newest = [page.model.row(r).opened_on for r in range(page.model.rowCount())]
    assert newest == sorted(newest, reverse=True)
    click_header(qtbot, page, 1)  # client, in Azerbaijani order
    qtbot.waitUntil(lambda: _shown(page, 1) == AZ_ORDER, timeout=WAIT)
    click_header(qtbot, page, OPENED_COLUMN)
    qtbot.waitUntil(
        lambda: (
            [page.model.row(r).opened_on for r in range(page.model.rowCount())] == sorted(newest)
        ),
        timeout=WAIT,
    )
    page.filter.setFocus()
    qtbot.keyClicks(page.filter, "celebi")
    qtbot.waitUntil(lambda: _shown(page, 1) == ["Çələbiyev Vüqar"], timeout=WAIT)
    assert page.count_label.text() == "1 case" or page.model.total == 1
