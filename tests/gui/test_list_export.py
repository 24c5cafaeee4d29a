""" "Export…" of the client list, the case list and the audit log: exactly what the list shows
(filters, typed text, order), through the real file dialog and the "not encrypted"
confirmation, written in the background, read back with openpyxl; Cancel leaves no file; the
button is not there for a lawyer. Real encrypted store, real widgets."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton
from sqlalchemy import select

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.audit_log import AuditLogView
from legalaid_desktop.gui.pages.calendar import CASE_COLUMN, CalendarPage
from legalaid_desktop.gui.pages.cases import CasesPage
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.gui.widgets.list_export import ExportButton
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import AuditEvent

WAIT = 15_000
PEOPLE = (
    ("Zeynalova Ülviyyə", 1990, "AZ-GA"),
    ("Əliyev Rəşad", None, "AZ-BA"),
    ("Çələbiyev Vüqar", 1985, "AZ-GA"),
    ("Cəfərova İradə", 2001, "AZ-GA"),
    ("Eyvazov Namiq", 1979, "AZ-BA"),
)


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    s = admin_session
    start = today() - timedelta(days=60)
    for i, (name, year, region) in enumerate(PEOPLE):
        client = s.clients.register(
            ClientInput(full_name=name, gender="female", birth_year=year, region=region),
            ConsentInput(given_on=start),
        )
        s.cases.open(
            CaseInput(
                client.id,
                "social" if i % 2 else "family",
                f"Müraciət {i}",
                opened_on=start + timedelta(days=i * 7),
            )
        )
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def _shown(page: Any, column: int) -> list[str]:
    model = page.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def export_through_dialogs(qtbot: Any, button: ExportButton, target: Path) -> None:
    """Click "Export…", type the file's path, confirm the warning, wait for the file."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.file_dialog is not None, timeout=WAIT)
    files = button.file_dialog
    assert files is not None
    name = files.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    assert name.text().endswith(".xlsx")  # the suggestion
    qtbot.waitUntil(lambda: files.isAncestorOf(QApplication.focusWidget()), timeout=WAIT)
    name.selectAll()
    qtbot.keyClicks(name, str(target))
    QApplication.processEvents()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Save
    qtbot.waitUntil(lambda: button.confirmation is not None, timeout=WAIT)
    box = button.confirmation
    assert box is not None
    assert "not be encrypted" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    go = next(b for b in box.findChildren(QPushButton) if b.text() == "&Export")
    qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.task is None and target.exists(), timeout=WAIT)


def _rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_clients_export_what_the_list_shows(
    qtbot: Any, gui_ctx: GuiContext, tmp_path: Path
) -> None:
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: len(_shown(page, 0)) == 5, timeout=WAIT)
    page.region.setCurrentIndex(page.region.findData("AZ-GA"))
    page.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # birth year, newest first
    qtbot.waitUntil(
        lambda: _shown(page, 0) == ["Cəfərova İradə", "Zeynalova Ülviyyə", "Çələbiyev Vüqar"],
        timeout=WAIT,
    )
    messages: list[str] = []
    page.status_message.connect(messages.append)
    target = tmp_path / "ganja.xlsx"
    export_through_dialogs(qtbot, page.export_button, target)
    rows = _rows(target, "Clients")
    assert [r[1] for r in rows[1:]] == _shown(page, 0)
    assert [r[3] for r in rows[1:]] == [2001, 1990, 1985]
    assert [r[0] for r in rows[1:]] == _shown(page, 5)  # the client numbers
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT)
    assert messages[-1] == f"Saved 3 rows to {target}."
    with gui_ctx.services.ws.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "records_exported")).one()
        assert event.details["filters"] == {
            "region": "AZ-GA",
            "order": "birth_year",
            "descending": "yes",
        }


def test_cases_export_as_csv_with_the_typed_filter(
    qtbot: Any, gui_ctx: GuiContext, tmp_path: Path
) -> None:
    page = CasesPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: len(_shown(page, 0)) == 5, timeout=WAIT)
    page.area.setCurrentIndex(page.area.findData("family"))
    qtbot.waitUntil(lambda: len(_shown(page, 0)) == 3, timeout=WAIT)
    target = tmp_path / "family.csv"
    export_through_dialogs(qtbot, page.export_button, target)
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == _shown(page, 0)  # newest first, as on screen
    assert {r[3] for r in rows[1:]} == {"Family law"}


def test_cancel_leaves_no_file(qtbot: Any, gui_ctx: GuiContext, tmp_path: Path) -> None:
    page = CasesPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: len(_shown(page, 0)) == 5, timeout=WAIT)
    messages: list[str] = []
    page.status_message.connect(messages.append)
    # the single writer is busy, so the export waits behind it and Cancel comes first
    release = threading.Event()
    WriteOp(gui_ctx.tasks, lambda: release.wait(WAIT / 1000)).run()
    target = tmp_path / "all.xlsx"
    page.export_button.start(target)
    qtbot.waitUntil(
        lambda: page.export_button.progress is not None and page.export_button.progress.isVisible(),
        timeout=WAIT,
    )
    progress = page.export_button.progress
    assert progress is not None
    cancel = progress.findChild(QPushButton)
    assert cancel is not None
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: page.export_button.task is None, timeout=WAIT)
    assert messages == ["The export was cancelled; no file was written."]
    assert list(tmp_path.iterdir()) == [tmp_path / "store"]
    assert page.export_button.isEnabled()


def test_audit_log_export(qtbot: Any, gui_ctx: GuiContext, tmp_path: Path) -> None:
    view = AuditLogView(gui_ctx)
    qtbot.addWidget(view)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: view.action.count() > 1 and view.table.rowCount() > 0, timeout=WAIT)
    view.action.setCurrentIndex(view.action.findData("case_opened"))
    qtbot.waitUntil(lambda: view.table.rowCount() == 5, timeout=WAIT)
    shown = [
        [view.table.item(r, c).text() for c in range(view.table.columnCount())]
        for r in range(view.table.rowCount())
    ]
    target = tmp_path / "audit.xlsx"
    export_through_dialogs(qtbot, view.export_button, target)
    rows = _rows(target, "Audit log")
    assert rows[0] == ("No.", "Time", "User", "Action", "Record", "Details")
    assert [[str(c) if c is not None else "" for c in r] for r in rows[1:]] == shown
    assert view.export_status.text() == f"Saved 5 rows to {target}."
    # the export itself is in the log, in words
    view.action.setCurrentIndex(0)
    view.start()
    qtbot.waitUntil(
        lambda: any(
            view.table.item(r, 3) and view.table.item(r, 3).text() == "Records exported to a file"
            for r in range(view.table.rowCount())
        ),
        timeout=WAIT,
    )
    row = next(
        r for r in range(view.table.rowCount())
        if view.table.item(r, 3).text() == "Records exported to a file"
    )  # fmt: skip
    details = view.table.item(row, 5).text()
    assert f"File: {target}" in details and "Rows: 5" in details
    assert "action: case_opened" in details and "{" not in details


def test_calendar_export(qtbot: Any, gui_ctx: GuiContext, tmp_path: Path) -> None:
    records, cases = gui_ctx.services.records, gui_ctx.services.cases.list().rows
    for i, case in enumerate(cases[:3]):
        records.add_deadline(case.number, today(), f"Məhkəmə iclası {i}")
    page = CalendarPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: len(page.shown) == 3, timeout=WAIT)
    page.sort_by(CASE_COLUMN)
    page.sort_by(CASE_COLUMN)  # by case number, descending
    shown = [i.case_number for i in page.shown]
    assert shown == sorted(shown, reverse=True)
    target = tmp_path / "calendar.xlsx"
    export_through_dialogs(qtbot, page.export_button, target)
    rows = _rows(target, "Calendar")
    assert rows[0] == ("Done", "Date", "Kind", "Case", "Client", "Lawyer", "Description")
    assert [r[3] for r in rows[1:]] == shown
    assert {r[0] for r in rows[1:]} == {"No"} and {r[2] for r in rows[1:]} == {"Deadline"}
    assert {r[1].date() for r in rows[1:]} == {today()}  # date cells


def test_not_there_for_a_lawyer(qtbot: Any, gui_ctx: GuiContext, data_dir: Path) -> None:
    gui_ctx.services.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    try:
        ctx = GuiContext(services=lawyer, tasks=gui_ctx.tasks, catalog=gui_ctx.catalog)
        for page in (ClientsPage(ctx), CasesPage(ctx), CalendarPage(ctx)):
            qtbot.addWidget(page)
            page.show()
            assert page.export_button.isHidden()
            assert page.export_button.ask() is None
        ctx.tasks.wait()
    finally:
        lawyer.close()
