"""Follow-ups as tasks in the calendar and on the dashboard, and the calendar's sorting and
filter; real encrypted store, real widgets, driven with the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.calendar import CLIENT_COLUMN, DATE_COLUMN, CalendarPage
from legalaid_desktop.gui.pages.dashboard import DashboardPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
TODAY = today()
OPENED = TODAY - timedelta(days=40)


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def _case(s: app.AppSession, name: str) -> str:
    client = s.clients.register(
        ClientInput(full_name=name, gender="female", region="AZ-GA"),
        ConsentInput(given_on=OPENED),
    )
    return s.cases.open(CaseInput(client.id, "social", "Müavinət", opened_on=OPENED)).number


def _consult(s: app.AppSession, number: str, days_ago: int, follow_days_ago: int | None) -> str:
    follow = None if follow_days_ago is None else TODAY - timedelta(days=follow_days_ago)
    return s.records.add_consultation(
        number,
        ConsultationInput(
            notes="Görüş",
            next_steps=f"Zəng {days_ago}",
            held_on=TODAY - timedelta(days=days_ago),
            follow_up_on=follow,
        ),
    ).id


@pytest.fixture
def agenda(gui_ctx: GuiContext) -> dict[str, str]:
    """Three clients' overdue follow-ups; one of them superseded by a later consultation."""
    s = gui_ctx.services
    zeynalova = _case(s, "Zeynalova Ülviyyə")
    eliyeva = _case(s, "Əliyeva Çiçək")
    babayeva = _case(s, "Babayeva Şəbnəm")
    refs = {
        "zeynalova": _consult(s, zeynalova, 30, 10),
        "eliyeva": _consult(s, eliyeva, 30, 5),
        "babayeva": _consult(s, babayeva, 30, 20),
    }
    refs["closed"] = _consult(s, babayeva, 25, 22)  # met by the consultation 15 days ago
    _consult(s, babayeva, 15, None)
    # the third one (due 20 days ago) is met by it too: only two stay to do
    return refs


def _overdue_calendar(qtbot: Any, ctx: GuiContext) -> CalendarPage:
    page = CalendarPage(ctx)
    qtbot.addWidget(page)
    page.mine.setChecked(False)
    page.scope.setCurrentIndex(page.scope.findData("overdue"))
    page.show()
    return page


def _clients(page: CalendarPage) -> list[str]:
    return [page.table.item(r, CLIENT_COLUMN).text() for r in range(page.table.rowCount())]


def test_the_calendar_names_clients_hides_closed_follow_ups_and_ticks_one_done_with_space(
    qtbot: Any, gui_ctx: GuiContext, agenda: dict[str, str]
) -> None:
    page = _overdue_calendar(qtbot, gui_ctx)
    qtbot.waitUntil(lambda: len(page.items) == 2, timeout=WAIT)
    assert _clients(page) == ["Zeynalova Ülviyyə", "Əliyeva Çiçək"]  # by date
    assert page.table.horizontalHeaderItem(CLIENT_COLUMN).text() == "Client"
    # the lawyer ticks Zeynalova's follow-up done with the keyboard
    page.table.setFocus()
    page.table.setCurrentCell(0, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: [i.client for i in page.items] == ["Əliyeva Çiçək"], timeout=WAIT)
    with gui_ctx.services.ws.read() as s:
        from legalaid_desktop.store.models import Consultation

        row = s.get(Consultation, agenda["zeynalova"])
        assert row is not None and row.follow_up_done_by == "admin"


def test_done_items_show_ticked_and_a_closed_follow_up_cannot_be_unticked(
    qtbot: Any, gui_ctx: GuiContext, agenda: dict[str, str]
) -> None:
    page = CalendarPage(gui_ctx)
    qtbot.addWidget(page)
    page.mine.setChecked(False)
    page.scope.setCurrentIndex(page.scope.findData("week"))
    page.show()
    page.show_done.setChecked(True)
    page.select_day(TODAY - timedelta(days=22))
    qtbot.waitUntil(lambda: any(i.ref_id == agenda["closed"] for i in page.items), timeout=WAIT)
    row = next(r for r, i in enumerate(page.shown) if i.ref_id == agenda["closed"])
    tick = page.table.item(row, 0)
    assert tick.checkState() == Qt.CheckState.Checked
    assert not tick.flags() & Qt.ItemFlag.ItemIsUserCheckable
    closed_on = (TODAY - timedelta(days=15)).strftime("%d.%m.%Y")
    assert tick.toolTip() == f"Closed by the consultation of {closed_on}"


def test_the_calendar_sorts_by_a_header_click_in_azerbaijani_order_and_filters_by_folded_text(
    qtbot: Any, gui_ctx: GuiContext, agenda: dict[str, str]
) -> None:
    s = gui_ctx.services
    _consult(s, _case(s, "Çələbiyeva Leyla"), 30, 3)
    _consult(s, _case(s, "Cəfərova İradə"), 30, 4)
    page = _overdue_calendar(qtbot, gui_ctx)
    qtbot.waitUntil(lambda: len(page.items) == 4, timeout=WAIT)
    header = page.table.horizontalHeader()
    header.sectionClicked.emit(CLIENT_COLUMN)
    # A B C Ç D E Ə ... Z: Cəfərova before Çələbiyeva, Əliyeva after every E, Zeynalova last
    assert _clients(page) == [
        "Cəfərova İradə",
        "Çələbiyeva Leyla",
        "Əliyeva Çiçək",
        "Zeynalova Ülviyyə",
    ]
    assert header.sortIndicatorSection() == CLIENT_COLUMN
    header.sectionClicked.emit(CLIENT_COLUMN)
    assert _clients(page)[0] == "Zeynalova Ülviyyə"
    header.sectionClicked.emit(DATE_COLUMN)  # dates as dates: oldest first
    assert [i.due_on for i in page.shown] == sorted(i.due_on for i in page.items)

    # typed without Azerbaijani letters, the filter still finds Əliyeva and Çələbiyeva
    page.filter.setFocus()
    qtbot.keyClicks(page.filter, "eliyev")
    page.filter.flush()
    assert _clients(page) == ["Əliyeva Çiçək"]
    page.filter.clear()
    qtbot.keyClicks(page.filter, "CELEBI")
    page.filter.flush()
    assert _clients(page) == ["Çələbiyeva Leyla"]
    qtbot.keyClicks(page.filter, " nobody")
    page.filter.flush()
    assert _clients(page) == [] and page.empty_label.text() == "Nothing matches the filter."
    qtbot.keyClick(page.filter, Qt.Key.Key_Escape)  # Escape clears the filter
    assert page.filter.text() == "" and len(_clients(page)) == 4


def test_the_dashboard_marks_a_follow_up_done_from_the_keyboard(
    qtbot: Any, gui_ctx: GuiContext, agenda: dict[str, str]
) -> None:
    page = DashboardPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
    assert page.overdue_label.text() == "Overdue (2)"
    first = page.overdue.item(0).text()
    assert "Zeynalova Ülviyyə" in first and "Follow-up" in first
    assert not page.done_button.isEnabled()
    page.overdue.setFocus()
    qtbot.keyClick(page.overdue, Qt.Key.Key_Home)
    assert page.done_button.isEnabled()
    qtbot.keyClick(page, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.overdue_label.text() == "Overdue (1)", timeout=WAIT)
    assert "Əliyeva Çiçək" in page.overdue.item(0).text()
    assert len(gui_ctx.services.agenda.dashboard().overdue) == 1
