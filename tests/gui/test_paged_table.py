"""The lazy paged table model: 200 rows at a time, in the background, stale pages dropped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import ClientInput, Page
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.models.columns import client_columns
from legalaid_desktop.gui.models.paged_table import Column, PagedTableModel
from legalaid_desktop.gui.tasks import TaskRunner

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
            ClientInput(full_name=f"Qasımov Elvin {i:03d}", gender="male", region="AZ-GA")
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


def test_background_calls_deliver_only_the_newest_answer(qtbot: Any, qapp: object) -> None:
    from legalaid_desktop.gui.widgets.background import BackgroundCalls

    tasks = TaskRunner()
    calls = BackgroundCalls(tasks)
    release = threading.Event()
    got: list[str] = []

    def slow() -> str:
        release.wait(5)
        return "old"

    calls.run("search", slow, got.append)
    calls.run("search", lambda: "new", got.append)
    qtbot.waitUntil(lambda: got == ["new"], timeout=WAIT)
    release.set()
    tasks.wait()
    qtbot.wait(50)
    assert got == ["new"]
    assert not calls.busy("search")
