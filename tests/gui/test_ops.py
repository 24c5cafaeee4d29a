"""Background work in the GUI: query and write operations, the change notification, no SQL on
the GUI thread."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from gui_fixtures import (  # noqa: F401 - fixtures
    main_window,
    opened_admin,
    sample_data,
    tasks,
    ui_settings,
)
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from sqlalchemy.engine import Engine

from legalaid_desktop.domain.cases import ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import Change, Progress, QueryOp, TaskRunner, WriteOp
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.read_only import WriteInReadOnlyWork

WAIT = 10_000


def _overlap(tasks: TaskRunner, make: Any) -> bool:
    """Whether a second operation started while the first was still running."""
    first_in, second_in = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        first_in.set()
        seen.append(second_in.wait(1.0))  # True only if the second ran meanwhile

    make(tasks, first).run()
    assert first_in.wait(WAIT / 1000)
    make(tasks, second_in.set).run()
    assert tasks.wait(WAIT)
    return seen == [True]


def test_two_writes_never_overlap(qtbot: QtBot, tasks: TaskRunner) -> None:
    assert not _overlap(tasks, lambda runner, fn: WriteOp(runner, fn))


def test_queries_run_beside_each_other_and_beside_a_write(qtbot: QtBot, tasks: TaskRunner) -> None:
    assert _overlap(tasks, lambda runner, fn: QueryOp(runner, fn))
    # a query is never queued behind the single writer: it cannot reach it
    gate = threading.Event()
    answered: list[str] = []
    WriteOp(tasks, lambda: gate.wait(WAIT / 1000)).run()
    QueryOp(tasks, lambda: "read", success=answered.append).run()
    qtbot.waitUntil(lambda: answered == ["read"], timeout=WAIT)
    assert tasks.busy()  # the write still holds the writer
    gate.set()
    assert tasks.wait(WAIT)
    with pytest.raises(TypeError):
        QueryOp(tasks, lambda: None, changes={Change.CLIENTS}).run()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        QueryOp(tasks, lambda: None, write=True).run()  # type: ignore[call-arg]


def test_a_failure_reaches_the_error_handler(qtbot: QtBot, tasks: TaskRunner) -> None:
    handled: list[BaseException] = []
    own: list[BaseException] = []
    changed: list[object] = []
    tasks.error_handler = handled.append
    tasks.changed.connect(changed.append)

    def boom() -> None:
        raise KeyError("x")

    WriteOp(tasks, boom, changes={Change.CLIENTS}, action="boom").run()
    QueryOp(tasks, boom, failure=own.append).run()
    qtbot.waitUntil(lambda: len(handled) == 1 and len(own) == 1, timeout=WAIT)
    assert isinstance(handled[0], KeyError) and handled[0].__action__ == "boom"  # type: ignore[attr-defined]
    assert isinstance(own[0], KeyError)
    assert changed == []  # a failed write changed nothing


def test_cancel_stops_the_work_and_discard_drops_the_result(
    qtbot: QtBot, tasks: TaskRunner
) -> None:
    release = threading.Event()
    outcome: list[str] = []

    def work(progress: Progress) -> str:
        for i in range(1000):
            progress.report(i, 1000)
            if progress.cancelled:
                return "stopped"
            release.wait(0.01)
        return "done"

    op = WriteOp(tasks, work, success=outcome.append).with_progress()
    reported: list[int] = []
    op.progressed.connect(lambda done, _total: reported.append(done))
    op.run()
    qtbot.waitUntil(lambda: bool(reported), timeout=WAIT)
    assert op.pending
    with qtbot.waitSignal(op.finished, timeout=WAIT):
        op.cancel()
    assert outcome == ["stopped"]
    assert not op.pending

    owner = QObject()
    gate = threading.Event()
    dropped = QueryOp(tasks, gate.wait, success=outcome.append, parent=owner).latest("x")
    dropped.run()
    assert tasks.latest(owner, "x") is dropped
    dropped.discard()
    assert tasks.latest(owner, "x") is None and not dropped.pending
    gate.set()
    assert tasks.wait(WAIT)
    qtbot.wait(50)
    assert outcome == ["stopped"]


def test_a_write_announces_what_it_changed(qtbot: QtBot, tasks: TaskRunner) -> None:
    changed: list[frozenset[Change]] = []
    order: list[str] = []
    tasks.changed.connect(lambda kinds: (changed.append(kinds), order.append("changed")))
    WriteOp(tasks, lambda: 1, changes={Change.CASES}, success=lambda _r: order.append("ok")).run()
    WriteOp(tasks, lambda: 2).run()  # changes nothing anyone shows: no announcement
    assert tasks.wait(WAIT)
    qtbot.waitUntil(lambda: len(order) == 2, timeout=WAIT)
    qtbot.wait(50)
    assert changed == [frozenset({Change.CASES})]
    assert order == ["ok", "changed"]  # the caller first, then the screens


def test_a_page_refreshes_after_a_write_made_elsewhere(
    qtbot: QtBot, main_window: MainWindow, sample_data: dict[str, str]
) -> None:
    window = main_window
    window.go("clients")
    page = window.pages["clients"]
    assert isinstance(page, ClientsPage)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=WAIT)
    ctx = window.ctx
    assert ctx is not None
    clients = ctx.services.clients

    def register() -> object:
        return clients.register(
            ClientInput(full_name="Quliyeva Aynur Vaqif qızı", gender="female", region="AZ-BA"),
            ConsentInput(given_on=today()),
        )

    # written elsewhere (not through the page, which is never asked to reload)
    WriteOp(ctx.tasks, register, changes={Change.CLIENTS}).run()
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=WAIT)


def test_a_write_slipped_into_a_query_fails_and_writes_nothing(
    qtbot: QtBot, main_window: MainWindow, sample_data: dict[str, str]
) -> None:
    ctx = main_window.ctx
    assert ctx is not None
    clients = ctx.services.clients

    def register() -> object:
        return clients.register(
            ClientInput(full_name="Quliyeva Aynur Vaqif qızı", gender="female", region="AZ-BA"),
            ConsentInput(given_on=today()),
        )

    failures: list[BaseException] = []
    QueryOp(ctx.tasks, register, failure=failures.append).run()
    assert ctx.tasks.wait(WAIT)
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=WAIT)
    assert isinstance(failures[0], WriteInReadOnlyWork)
    listed: list[int] = []
    QueryOp(ctx.tasks, lambda: clients.list().total, success=listed.append).run()
    qtbot.waitUntil(lambda: listed == [1], timeout=WAIT)
    # The same call as a write goes through.
    WriteOp(ctx.tasks, register, changes={Change.CLIENTS}).run()
    assert ctx.tasks.wait(WAIT)
    QueryOp(ctx.tasks, lambda: clients.list().total, success=listed.append).run()
    qtbot.waitUntil(lambda: listed == [1, 2], timeout=WAIT)


def test_the_case_shown_reloads_after_a_write_made_elsewhere(
    qtbot: QtBot, main_window: MainWindow, sample_data: dict[str, str]
) -> None:
    window = main_window
    number = sample_data["case_number"]
    window.open_case(number)
    view = window.pages["case_view"]
    assert isinstance(view, CaseView)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=WAIT)
    assert view.detail is not None and len(view.detail.consultations) == 1
    ctx = window.ctx
    assert ctx is not None
    records, clients = ctx.services.records, ctx.services.clients

    # a consultation recorded from another screen (the calendar, say)
    WriteOp(
        ctx.tasks,
        lambda: records.add_consultation(number, ConsultationInput(notes="İkinci görüş")),
        changes={Change.AGENDA, Change.CASES},
    ).run()
    qtbot.waitUntil(
        lambda: view.detail is not None and len(view.detail.consultations) == 2, timeout=WAIT
    )

    # the client renamed in the client dialog: the case shows the new name
    def rename() -> object:
        return clients.update(
            sample_data["client_id"],
            ClientInput(full_name="Həsənov Elçin", gender="male", region="AZ-GA", birth_year=1980),
        )

    WriteOp(ctx.tasks, rename, changes={Change.CLIENTS}).run()
    qtbot.waitUntil(lambda: view.client_button.text() == "Həsənov Elçin", timeout=WAIT)


@pytest.fixture
def gui_thread_sql() -> Iterator[list[str]]:
    """The SQL statements run on the GUI thread while the test runs."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if threading.current_thread() is threading.main_thread():
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_no_sql_on_the_gui_thread(
    qtbot: QtBot,
    main_window: MainWindow,
    sample_data: dict[str, str],
    gui_thread_sql: list[str],
) -> None:
    window = main_window
    for key in ("dashboard", "clients", "cases", "calendar", "sync", "admin", "settings"):
        window.go(key)
        window.tasks.wait(WAIT)
        qtbot.wait(20)
    window.open_case(sample_data["case_number"])
    window.open_client(sample_data["client_id"])
    window.tasks.wait(WAIT)
    qtbot.wait(50)
    window.tasks.wait(WAIT)
    assert gui_thread_sql == []
