"""The lazy paged table model: 200 rows at a time, in the background, stale pages dropped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import ClientInput, Page
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.models.columns import client_columns
from legalaid_desktop.gui.models.paged_table import Column, PagedTableModel
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n import set_language

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


def test_loads_200_rows_at_a_time_on_fetch_more(qtbot: Any, gui_ctx: GuiContext) -> None:
    clients = gui_ctx.services.clients
    for i in range(450):
        clients.register(
            ClientInput(full_name=f"Qasımov Elvin {i:03d}", gender="male", region="AZ-GA"),
            decision=ConflictDecisionInput("no_conflict"),  # one name, 450 times
        )
    calls: list[tuple[int, int]] = []

    def fetch(offset: int, limit: int) -> Page[Any]:
        calls.append((offset, limit))
        return clients.list(offset=offset, limit=limit)

    model = PagedTableModel(gui_ctx.tasks, client_columns(gui_ctx))
    model.reset_query(fetch)
    assert model.rowCount() == 0  # nothing is read on the GUI thread
    qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=WAIT)
    assert model.total == 450
    assert model.canFetchMore(QModelIndex())

    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # the page is on its way: not asked for twice
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=WAIT)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 450, timeout=WAIT)
    assert not model.canFetchMore(QModelIndex())
    assert calls == [(0, 200), (200, 200), (400, 200)]
    assert model.data(model.index(0, 0)) == "Qasımov Elvin 000"
    assert model.data(model.index(0, 3)) == gui_ctx.label("regions", "AZ-GA")


def test_a_page_of_an_older_query_is_discarded(qtbot: Any, qapp: object) -> None:
    tasks = TaskRunner()
    release = threading.Event()

    def slow(offset: int, limit: int) -> Page[str]:
        release.wait(5)
        return Page(("old",) * 3, 3, offset)

    def fast(offset: int, limit: int) -> Page[str]:
        return Page(("new",), 1, offset)

    model = PagedTableModel(tasks, [Column(lambda: "value", str)])
    model.reset_query(slow)
    model.reset_query(fast)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT)
    release.set()
    tasks.wait()
    qtbot.wait(50)
    assert model.rows() == ["new"]
    assert model.total == 1


def test_reload_refreshes_loaded_rows_in_place(qtbot: Any, qapp: object) -> None:
    tasks = TaskRunner()
    data = ["a", "b", "c"]

    def fetch(offset: int, limit: int) -> Page[str]:
        rows = data[offset : offset + limit]
        return Page(tuple(rows), len(data), offset)

    model = PagedTableModel(tasks, [Column(lambda: "value", str)])
    model.reset_query(fetch)
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT)
    data[:] = ["a", "B"]
    model.reload()
    qtbot.waitUntil(lambda: model.rows() == ["a", "B"], timeout=WAIT)
    assert model.total == 2
    tasks.wait()


def test_a_failed_page_is_reported_not_raised(qtbot: Any, qapp: object) -> None:
    tasks = TaskRunner()
    errors: list[BaseException] = []
    tasks.error_handler = errors.append

    def broken(offset: int, limit: int) -> Page[str]:
        raise RuntimeError("disk gone")

    model = PagedTableModel(tasks, [Column(lambda: "value", str)])
    with qtbot.waitSignal(model.failed, timeout=WAIT):
        model.reset_query(broken)
    assert [str(e) for e in errors] == ["disk gone"]
    assert not model.loading
    tasks.wait()


def test_ops_of_a_kind_deliver_only_the_newest_answer(qtbot: Any, qapp: object) -> None:
    from PySide6.QtCore import QObject

    from legalaid_desktop.gui.tasks import QueryOp

    tasks = TaskRunner()
    owner = QObject()
    release = threading.Event()
    got: list[str] = []

    def slow() -> str:
        release.wait(5)
        return "old"

    QueryOp(tasks, slow, success=got.append, parent=owner).latest("search").run()
    QueryOp(tasks, lambda: "new", success=got.append, parent=owner).latest("search").run()
    qtbot.waitUntil(lambda: got == ["new"], timeout=WAIT)
    release.set()
    tasks.wait()
    qtbot.wait(50)
    assert got == ["new"]
    assert tasks.latest(owner, "search") is None


def _counted_list(n: int) -> tuple[list[int], Any]:
    """A list of ``n`` numbers, paged as the services page with ``count=False``."""
    data = list(range(n))

    def fetch(offset: int, limit: int) -> Page[int]:
        rows = data[offset : offset + limit + 1]
        more = len(rows) > limit
        return Page(tuple(rows[:limit]), offset + min(len(rows), limit) + more, offset)

    return data, fetch


def test_rows_come_first_and_the_count_follows(qtbot: Any, qapp: object) -> None:
    tasks = TaskRunner()
    data, fetch = _counted_list(450)
    release = threading.Event()
    counts: list[int] = []

    def count() -> int:
        release.wait(5)
        counts.append(len(data))
        return len(data)

    model = PagedTableModel(tasks, [Column(lambda: "value", str)])
    model.reset_query(fetch, count)
    qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=WAIT)
    # the first page is shown while the count is still on its way: "at least 201"
    assert not model.total_exact
    assert model.total == 201
    assert model.canFetchMore(QModelIndex())
    exact, at_least = (lambda n: "{n} rows"), (lambda n: "at least {n} rows")
    assert model.count_text(exact, at_least) == "at least 200 rows"
    with qtbot.waitSignal(model.total_changed, timeout=WAIT):
        release.set()
    assert model.total_exact
    assert model.total == 450
    assert model.count_text(exact, at_least) == "450 rows"
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=WAIT)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 450, timeout=WAIT)
    assert not model.canFetchMore(QModelIndex())
    assert model.rows() == data
    assert model.total == 450 and model.total_exact
    assert counts == [450]  # counted once
    tasks.wait()


def test_the_count_line_groups_digits_in_the_current_language(qtbot: Any, qapp: object) -> None:
    tasks = TaskRunner()
    _data, fetch = _counted_list(151_866)
    model = PagedTableModel(tasks, [Column(lambda: "value", str)])
    assert model.count_text(lambda n: "{n}", lambda n: "≥ {n}") == ""  # nothing asked yet
    model.reset_query(fetch, lambda: 151_866)
    qtbot.waitUntil(lambda: model.total_exact, timeout=WAIT)
    try:
        for lang, text in (("en", "151,866"), ("ru", "151\u00a0866"), ("az", "151.866")):
            set_language(lang)
            assert model.count_text(lambda n: "{n}", lambda n: "≥ {n}") == text
    finally:
        set_language("en")
    tasks.wait()


def test_a_short_list_needs_no_count_and_scrolling_ends_without_one(
    qtbot: Any, qapp: object
) -> None:
    tasks = TaskRunner()
    _data, fetch = _counted_list(120)
    called: list[bool] = []

    def count() -> int:
        called.append(True)
        return 120

    model = PagedTableModel(tasks, [Column(lambda: "value", str)])
    model.reset_query(fetch, count)
    qtbot.waitUntil(lambda: model.rowCount() == 120, timeout=WAIT)
    assert model.total_exact and model.total == 120
    assert not model.canFetchMore(QModelIndex())
    tasks.wait()
    assert called == []  # the short first page told the whole figure


def test_a_count_of_an_older_query_is_discarded(qtbot: Any, qapp: object) -> None:
    tasks = TaskRunner()
    release = threading.Event()
    _old, old_fetch = _counted_list(300)
    _new, new_fetch = _counted_list(250)

    def old_count() -> int:
        release.wait(5)
        return 300

    model = PagedTableModel(tasks, [Column(lambda: "value", str)])
    model.reset_query(old_fetch, old_count)
    qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=WAIT)
    model.reset_query(new_fetch, lambda: 250)
    qtbot.waitUntil(lambda: model.total_exact and model.total == 250, timeout=WAIT)
    release.set()
    tasks.wait()
    qtbot.wait(50)
    assert model.total == 250


def test_the_case_list_pages_through_the_service_and_counts_later(
    qtbot: Any, gui_ctx: GuiContext
) -> None:
    """With the real service: pages of ``count=False`` plus ``count()`` give every case once."""
    from legalaid_desktop.domain.cases import CaseInput
    from legalaid_desktop.gui.models.columns import case_columns

    services = gui_ctx.services
    client = services.clients.register(
        ClientInput(full_name="Əliyeva Gülnarə", gender="female", region="AZ-GA")
    )
    for i in range(230):
        services.cases.open(CaseInput(client_id=client.id, legal_area="family", summary=f"İş {i}"))
    cases = services.cases

    def fetch(offset: int, limit: int) -> Page[Any]:
        return cases.list(offset=offset, limit=limit, count=False)

    model = PagedTableModel(gui_ctx.tasks, case_columns(gui_ctx, str))
    model.reset_query(fetch, cases.count)
    qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=WAIT)
    qtbot.waitUntil(lambda: model.total_exact, timeout=WAIT)
    assert model.total == 230
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 230, timeout=WAIT)
    numbers = [row.number for row in model.rows()]
    assert numbers == [row.number for row in cases.list(limit=500).rows]
    assert len(set(numbers)) == 230
