"""The retention screen, the anonymized client's display and the access report button (issue 16),
driven like a manager would, on a real store."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from gui_fixtures import tasks, ui_settings  # noqa: F401 - fixtures
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTableWidget
from pytestqt.qtbot import QtBot

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.domain.errors import NotFound
from legalaid_desktop.domain.retention import add_years
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.dialogs.retention_dialogs import EraseDialog, ReasonDialog
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.pages.retention import ID_ROLE, RetentionPage
from legalaid_desktop.gui.session_loader import loaded
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n.dates import today

MANAGER, MANAGER_PASSWORD = "rauf", "Goygol-lake-2026"
CLOSED_LONG_AGO = add_years(today(), -6)
ANAR, AYGUN, ELNUR, VUQAR = (
    "Məmmədov Anar Tofiq oğlu",
    "Qasımova Aygün Rəhim qızı",
    "Rzayev Elnur Şahin oğlu",
    "Kərimov Vüqar Əli oğlu",
)
REASON = "Retention period over"
WAIT = 20_000


def login(data_dir: Path, user: str, password: str) -> app.AppSession:
    return app.login(data_dir, user, password, sleep=lambda _s: None)


def register(s: app.AppSession, name: str) -> str:
    data = ClientInput(full_name=name, gender="male", birth_year=1981, region="AZ-GA")
    return s.clients.register(data, ConsentInput(given_on=date(2015, 1, 5))).id


def closed_case(s: app.AppSession, client_id: str) -> str:
    case = s.cases.open(CaseInput(client_id, "social", "Müraciət", opened_on=date(2015, 2, 1)))
    s.cases.close(case.number, "advice_given", CLOSED_LONG_AGO)
    return case.number


@pytest.fixture
def people(admin_session: app.AppSession) -> dict[str, str]:
    """Three clients due (two closed long ago, one who withdrew consent with a case open) and
    one who is not (a case still open)."""
    admin_session.users.add(MANAGER, "Quliyev Rauf Nadir oğlu", "manager", MANAGER_PASSWORD)
    admin_session.users.add(LAWYER, "Hüseynli Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    ids = {name: register(admin_session, name) for name in (ANAR, AYGUN, ELNUR, VUQAR)}
    closed_case(admin_session, ids[ANAR])
    closed_case(admin_session, ids[ELNUR])
    admin_session.cases.open(CaseInput(ids[AYGUN], "social", "Müavinət"))
    consent = admin_session.clients.get(ids[AYGUN]).consents[0]
    admin_session.clients.withdraw_consent(ids[AYGUN], consent.id, today())
    admin_session.cases.open(CaseInput(ids[VUQAR], "social", "Davam edir"))
    return ids


def open_window(
    qtbot: QtBot, session: app.AppSession, data_dir: Path, tasks: TaskRunner, settings: UiSettings
) -> MainWindow:
    window = MainWindow(loaded(session), data_dir, tasks, settings)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def manager_window(
    qtbot: QtBot,
    people: dict[str, str],
    data_dir: Path,
    tasks: TaskRunner,
    ui_settings: UiSettings,
) -> Iterator[MainWindow]:
    window = open_window(
        qtbot, login(data_dir, MANAGER, MANAGER_PASSWORD), data_dir, tasks, ui_settings
    )
    yield window
    window.idle.stop()
    tasks.wait()


def retention_page(qtbot: QtBot, window: MainWindow, rows: int) -> RetentionPage:
    window.go("retention")
    page = window.page("retention")
    assert isinstance(page, RetentionPage)
    qtbot.waitUntil(lambda: page.table.rowCount() == rows and len(page.due) == rows, timeout=WAIT)
    return page


def row_of(table: QTableWidget, name: str) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)


def tick_with_space(qtbot: QtBot, page: RetentionPage, name: str) -> None:
    """Highlight the client's row and press Space, as a user ticks a box from the keyboard."""
    page.table.setFocus()
    page.table.setCurrentCell(row_of(page.table, name), 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Space)


def anonymize_ticked(qtbot: QtBot, page: RetentionPage, reason: str) -> QMessageBox:
    """Press "Anonymize selected…", type the reason and Enter; the confirmation is returned."""
    qtbot.mouseClick(page.anonymize_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, ReasonDialog)
    assert not dialog.ok.isEnabled()  # a reason is required
    qtbot.keyClicks(dialog.reason, reason)
    assert dialog.ok.isEnabled()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    box = page.question
    assert isinstance(box, QMessageBox)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    return box


def test_the_screen_is_for_managers_not_lawyers(
    qtbot: QtBot,
    people: dict[str, str],
    data_dir: Path,
    tasks: TaskRunner,
    ui_settings: UiSettings,
) -> None:
    lawyer = open_window(
        qtbot, login(data_dir, LAWYER, LAWYER_PASSWORD), data_dir, tasks, ui_settings
    )
    assert "retention" not in {s.key for s in lawyer.specs}
    assert lawyer.page("retention") is None
    lawyer.idle.stop()
    manager = open_window(
        qtbot, login(data_dir, MANAGER, MANAGER_PASSWORD), data_dir, tasks, ui_settings
    )
    labels = [manager.nav.item(i).text() for i in range(manager.nav.count())]
    assert "Retention" in labels
    page = retention_page(qtbot, manager, 3)
    # a manager sees the period but cannot change it (administrators can)
    assert "5 years after their last case closed" in page.rule_label.text()
    assert not page.years_button.isVisibleTo(page)
    manager.idle.stop()
    tasks.wait()


def test_due_clients_are_listed_with_why(qtbot: QtBot, manager_window: MainWindow) -> None:
    page = retention_page(qtbot, manager_window, 3)
    table = page.table
    assert {table.item(r, 0).text() for r in range(3)} == {ANAR, AYGUN, ELNUR}
    why = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(3)}
    assert (
        why[ANAR]
        == why[ELNUR]
        == (f"Last case closed on {CLOSED_LONG_AGO.strftime('%d.%m.%Y')}; 5 years have passed.")
    )
    assert why[AYGUN].startswith("Consent to store and process the data was withdrawn on")
    assert table.item(row_of(table, AYGUN), 3).text() == "1"  # the open case
    assert not page.anonymize_button.isEnabled()  # nothing ticked yet


def test_anonymize_two_with_progress_and_see_them_anonymized(
    qtbot: QtBot, manager_window: MainWindow, people: dict[str, str]
) -> None:
    page = retention_page(qtbot, manager_window, 3)

    # A reason holding the person's name is refused by the service, and its message shown.
    tick_with_space(qtbot, page, ANAR)
    assert page.checked_ids() == [people[ANAR]]
    box = anonymize_ticked(qtbot, page, "Anar asked for it")
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.batch_op is None and page.outcome.isVisible(), timeout=WAIT)
    assert "0 clients anonymized." in page.outcome.text()
    assert f"{ANAR}: The reason must not contain the person's name" in page.outcome.text()

    tick_with_space(qtbot, page, AYGUN)
    assert set(page.checked_ids()) == {people[ANAR], people[AYGUN]}
    box = anonymize_ticked(qtbot, page, REASON)
    assert "Anonymize 2 clients now?" in box.text()
    seen: list[tuple[int, int]] = []
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    op = page.batch_op
    assert op is not None
    op.progressed.connect(lambda done, total: seen.append((done, total)))
    assert page.progress.isVisible() and page.cancel_button.isVisible()
    assert not page.anonymize_button.isEnabled() and not page.erase_button.isEnabled()
    qtbot.waitUntil(lambda: page.batch_op is None, timeout=WAIT)
    assert page.outcome.text() == "2 clients anonymized."
    assert (2, 2) in seen and page.progress.value() == 2 and not page.progress.isVisible()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=WAIT)  # the list reloaded
    assert page.table.item(0, 0).text() == ELNUR

    # The client list shows them as "Anonymized client", never the stored marker.
    manager_window.go("clients")
    clients = manager_window.page("clients")
    assert isinstance(clients, ClientsPage)
    model = clients.model
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=WAIT)
    names = [model.data(model.index(r, 0)) for r in range(4)]
    assert names.count("Anonymized client") == 2 and "—" not in names
    assert ANAR not in names and AYGUN not in names

    # Its dialog opens read-only.
    clients.show_client(people[ANAR])
    qtbot.waitUntil(lambda: clients.active_dialog is not None, timeout=WAIT)
    dialog = clients.active_dialog
    assert dialog is not None
    assert re.fullmatch(r"Client GNJ-C-\d{5}: Anonymized client", dialog.windowTitle())
    assert dialog.name.text() == "Anonymized client" and dialog.name.isReadOnly()
    assert not dialog.region.isEnabled() and not dialog.save_button.isVisible()
    assert not dialog.consent_box.isVisible()
    dialog.reject()


def test_cancel_stops_between_clients(
    qtbot: QtBot, manager_window: MainWindow, people: dict[str, str], tasks: TaskRunner
) -> None:
    page = retention_page(qtbot, manager_window, 3)
    for name in (ANAR, AYGUN, ELNUR):
        tick_with_space(qtbot, page, name)
    order = page.checked_ids()  # the order of the run
    box = anonymize_ticked(qtbot, page, REASON)
    # Hold the single writer, so that the run is waiting when we hook into it.
    gate = threading.Event()
    WriteOp(tasks, lambda: gate.wait(WAIT / 1000)).run()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    op = page.batch_op
    assert op is not None
    first_done, go_on = threading.Event(), threading.Event()

    def after_each(done: int, _total: int) -> None:  # on the writer thread, before the next one
        if done == 1:
            first_done.set()
            go_on.wait(WAIT / 1000)

    op.progressed.connect(after_each, Qt.ConnectionType.DirectConnection)
    gate.set()
    qtbot.waitUntil(first_done.is_set, timeout=WAIT)
    qtbot.waitUntil(lambda: page.progress.value() == 1, timeout=WAIT)
    assert page.progress.text() == "Anonymized 1 of 3"
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert not page.cancel_button.isEnabled()
    go_on.set()
    qtbot.waitUntil(lambda: page.batch_op is None, timeout=WAIT)
    assert page.outcome.text().startswith("1 client anonymized.\nStopped at your request")
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=WAIT)
    left = [page.table.item(r, 0).data(ID_ROLE) for r in range(2)]
    assert set(left) == set(order[1:])  # the first was anonymized, the others left as they are


def test_erase_needs_the_typed_word(
    qtbot: QtBot, manager_window: MainWindow, people: dict[str, str], admin_session: app.AppSession
) -> None:
    page = retention_page(qtbot, manager_window, 3)
    page.table.setFocus()
    page.table.setCurrentCell(row_of(page.table, ELNUR), 1)
    qtbot.mouseClick(page.erase_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, EraseDialog)
    assert ELNUR in dialog.explanation.text() and "ERASE" in dialog.word_label.text()
    qtbot.keyClicks(dialog.reason, "Elnur asked for it")
    qtbot.keyClicks(dialog.word, "DELETE")
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog.word, Qt.Key.Key_Return)  # Enter does nothing without the word
    assert dialog.isVisible()
    dialog.word.clear()
    qtbot.keyClicks(dialog.word, "ERASE")
    assert dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog.word, Qt.Key.Key_Return)
    # the reason names him: the service refuses, the dialog shows why and stays open
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=WAIT)
    assert "must not contain the person's name" in dialog.message.text()
    assert admin_session.clients.get(people[ELNUR]).full_name == ELNUR
    dialog.reason.clear()
    qtbot.keyClicks(dialog.reason, "At own request")
    qtbot.keyClick(dialog.word, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)
    assert page.outcome.text() == "The client's records were erased."
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=WAIT)
    with pytest.raises(NotFound):
        admin_session.clients.get(people[ELNUR])


def test_the_export_button_writes_the_access_report(
    qtbot: QtBot, manager_window: MainWindow, people: dict[str, str], tmp_path: Path
) -> None:
    manager_window.go("clients")
    clients = manager_window.page("clients")
    assert isinstance(clients, ClientsPage)
    clients.show_client(people[VUQAR])
    qtbot.waitUntil(lambda: clients.active_dialog is not None, timeout=WAIT)
    dialog = clients.active_dialog
    assert isinstance(dialog, ClientDialog)
    button = dialog.export_button
    assert button.isVisible() and button.text() == "E&xport everything held…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    files = button.file_dialog
    assert files is not None
    target = tmp_path / "report.pdf"
    files.selectFile(str(target))
    files.accept()
    qtbot.waitUntil(lambda: button.status.isVisible(), timeout=WAIT)
    assert str(target) in button.status.text()
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert VUQAR in text and "Davam edir" in text
    dialog.reject()


def test_a_lawyer_has_no_export_button(
    qtbot: QtBot,
    people: dict[str, str],
    data_dir: Path,
    tasks: TaskRunner,
    ui_settings: UiSettings,
) -> None:
    window = open_window(
        qtbot, login(data_dir, LAWYER, LAWYER_PASSWORD), data_dir, tasks, ui_settings
    )
    window.go("clients")
    clients = window.page("clients")
    assert isinstance(clients, ClientsPage)
    clients.show_client(people[VUQAR])
    qtbot.waitUntil(lambda: clients.active_dialog is not None, timeout=WAIT)
    dialog = clients.active_dialog
    assert dialog is not None
    assert not dialog.export_button.isVisible() and dialog.export_button.ask() is None
    dialog.reject()
    window.idle.stop()
    tasks.wait()


def test_the_screen_in_azerbaijani_at_1600_by_1000(
    qtbot: QtBot, manager_window: MainWindow, tmp_path: Path
) -> None:
    manager_window.set_language("az")
    manager_window.resize(1600, 1000)
    page = retention_page(qtbot, manager_window, 3)
    shot = tmp_path / "retention-az.png"
    assert manager_window.grab().save(str(shot))
    assert shot.stat().st_size > 10_000
    for button in (page.anonymize_button, page.erase_button, page.select_all):
        assert button.width() >= button.sizeHint().width()  # no button cuts its text


def test_an_administrator_sets_the_period_and_the_list_follows(
    qtbot: QtBot,
    people: dict[str, str],
    data_dir: Path,
    tasks: TaskRunner,
    ui_settings: UiSettings,
    admin_session: app.AppSession,
) -> None:
    window = open_window(qtbot, admin_session, data_dir, tasks, ui_settings)
    try:
        page = retention_page(qtbot, window, 3)
        assert page.years.isVisibleTo(page) and page.years.value() == 5
        page.years.setFocus()
        page.years.selectAll()
        qtbot.keyClicks(page.years, "7")
        qtbot.mouseClick(page.years_button, Qt.MouseButton.LeftButton)
        # the two whose case closed six years ago are not due any more under seven years
        qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=WAIT)
        assert page.table.item(0, 0).text() == AYGUN
        assert "7 years after their last case closed" in page.rule_label.text()
        assert admin_session.retention.rule().years == 7
    finally:
        window.idle.stop()
        tasks.wait()


def test_the_search_shows_an_anonymized_clients_case_without_the_marker(
    people: dict[str, str], admin_session: app.AppSession
) -> None:
    number = admin_session.clients.get(people[ANAR]).case_numbers[0]
    admin_session.retention.anonymize(people[ANAR], REASON)
    (hit,) = [h for h in admin_session.search.search(number) if h.kind == "case"]
    assert hit.subtitle.endswith("Anonymized client") and "—" not in hit.subtitle
