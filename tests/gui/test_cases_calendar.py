"""The case list (filters, "my cases", Enter opens) and the calendar of deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.calendar import CalendarPage
from legalaid_desktop.gui.pages.cases import CasesPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.widgets.dates import to_qdate
from legalaid_desktop.i18n.dates import today

WAIT = 15_000


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")  # the messages below are compared in English
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


@pytest.fixture
def cases(gui_ctx: GuiContext) -> list[str]:
    """Three cases: family (admin), labour (admin, closed), corruption (lawyer leyla)."""
    services = gui_ctx.services
    services.users.add("leyla", "Hüseynova Leyla Əli qızı", "lawyer", "Xazar-sea-2026")
    client = services.clients.register(
        ClientInput(full_name="Quliyeva Aynur Vaqif qızı", gender="female", region="AZ-BA"),
        ConsentInput(given_on=today()),
    )
    numbers = []
    for area, lawyer in (("family", None), ("labour", None), ("corruption", "leyla")):
        detail = services.cases.open(
            CaseInput(client_id=client.id, legal_area=area, summary="Xülasə", lawyer=lawyer)
        )
        numbers.append(detail.number)
    services.cases.close(numbers[1], "advice_given")
    services.records.add_deadline(numbers[0], today() - timedelta(days=3), "Gecikmiş şikayət")
    services.records.add_deadline(numbers[0], today(), "Bu gün")
    services.records.add_consultation(
        numbers[2], ConsultationInput(notes="Zəng", follow_up_on=today() + timedelta(days=1))
    )
    return numbers


def test_case_list_filters_and_opens(qtbot: Any, gui_ctx: GuiContext, cases: list[str]) -> None:
    page = CasesPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=WAIT)
    assert page.count_label.text() == "3 cases"

    page.status.set_code("closed")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=WAIT)
    assert page.model.row(0).number == cases[1]
    assert page.model.data(page.model.index(0, 3)) == gui_ctx.label("case_statuses", "closed")

    page.status.set_code(None)
    page.mine.setChecked(True)
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=WAIT)
    assert not page.lawyer.isEnabled()
    page.mine.setChecked(False)
    qtbot.waitUntil(lambda: page.lawyer.findData("leyla") > 0, timeout=WAIT)
    page.lawyer.set_username("leyla")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=WAIT)
    row = page.model.row(0)
    assert row.number == cases[2]
    assert page.model.data(page.model.index(0, 4)) == "Hüseynova Leyla Əli qızı"

    page.table.setCurrentIndex(page.model.index(0, 0))
    with qtbot.waitSignal(page.open_case) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [cases[2]]


def _show_month(qtbot: Any, page: CalendarPage, day: date) -> list[date]:
    """Show the month of ``day`` and wait for its marks; return them.

    A month far ahead with no deadline is shown first, so that the marks waited for are the
    ones loaded for this month, not those left from the month shown before.
    """
    ahead = today() + timedelta(days=120)
    page.calendar.setCurrentPage(ahead.year, ahead.month)
    qtbot.waitUntil(lambda: page.marked_days() == [], timeout=WAIT)
    page.calendar.setCurrentPage(day.year, day.month)
    first = date(day.year, day.month, 1)
    deadlines = (today() - timedelta(days=3), today(), today() + timedelta(days=1))
    expected = sorted(
        d for d in deadlines if first - timedelta(days=7) <= d < first + timedelta(days=42)
    )
    qtbot.waitUntil(lambda: page.marked_days() == expected, timeout=WAIT)
    return expected


def _mark_colour(page: CalendarPage, day: date) -> str:
    return page.calendar.dateTextFormat(to_qdate(day)).foreground().color().name()


def test_calendar_marks_days_lists_and_ticks(
    qtbot: Any, gui_ctx: GuiContext, cases: list[str]
) -> None:
    page = CalendarPage(gui_ctx)
    qtbot.addWidget(page)
    page.mine.setChecked(False)
    page.show()
    qtbot.waitUntil(lambda: len(page.items) == 1, timeout=WAIT)
    assert page.items[0].description == "Bu gün"
    # The month's markers load in their own background call.
    qtbot.waitUntil(lambda: today() in page.marked_days(), timeout=WAIT)
    # The overdue deadline is marked, in red, whichever month it falls in: the month shown
    # is chosen here rather than left to the day the test runs.
    overdue = today() - timedelta(days=3)
    assert overdue in _show_month(qtbot, page, overdue)
    assert _mark_colour(page, overdue) == "#b3261e"
    # Shown with today's month too (the days before the 1st are on the grid), in every case.
    assert overdue in _show_month(qtbot, page, today())
    assert _mark_colour(page, overdue) == "#b3261e"
    assert _mark_colour(page, today()) != "#b3261e"

    page.scope.setCurrentIndex(page.scope.findData("week"))
    qtbot.waitUntil(lambda: page.heading.text().count(".") == 4, timeout=WAIT)
    page.scope.setCurrentIndex(page.scope.findData("overdue"))
    qtbot.waitUntil(
        lambda: [i.description for i in page.items] == ["Gecikmiş şikayət"], timeout=WAIT
    )
    assert page.table.item(0, 4).foreground().color().name() == "#b3261e"
    page.table.item(0, 0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: page.items == [], timeout=WAIT)
    assert page.empty_label.isVisibleTo(page)

    page.scope.setCurrentIndex(page.scope.findData("day"))
    page.select_day(today() + timedelta(days=1))
    qtbot.waitUntil(lambda: [i.kind for i in page.items] == ["follow_up"], timeout=WAIT)
    page.table.setCurrentCell(0, 3)
    with qtbot.waitSignal(page.open_case) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [cases[2]]


def test_calendar_opens_on_baku_day_not_machine_day(
    qtbot: Any, gui_ctx: GuiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From 20:00 UTC the centers' day (Baku, UTC+4) is already the machine's tomorrow.

    The calendar must open on the day the rest of the application calls today; the clock is
    moved well away from the machine's so that the test holds at any hour.
    """
    from legalaid_desktop.gui.pages import calendar as calendar_page

    machine_day = QDate.currentDate()  # what Qt would show by itself
    baku_day = date(machine_day.year(), machine_day.month(), machine_day.day()) + timedelta(40)
    monkeypatch.setattr(calendar_page, "today", lambda: baku_day)
    page = CalendarPage(gui_ctx)
    qtbot.addWidget(page)
    assert page.calendar.selectedDate() == to_qdate(baku_day)
    assert (page.calendar.yearShown(), page.calendar.monthShown()) == (
        baku_day.year,
        baku_day.month,
    )
