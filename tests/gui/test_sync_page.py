"""The Sync screen and the dashboard's sync warning, over two real encrypted stores (HQ + GNJ)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from gui_fixtures import main_window, opened_admin, tasks, ui_settings  # noqa: F401

from legalaid_desktop import app
from legalaid_desktop.domain.cases import ClientInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.navigation import visible_specs
from legalaid_desktop.gui.pages.dashboard import DashboardPage
from legalaid_desktop.gui.pages.sync import SyncPage
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.i18n import language
from sync_support import add_case, enroll, make_node, snapshot

WAIT = 20_000
NAME = "Əliyev Rəşad İsmayıl oğlu"


@pytest.fixture
def contexts(qapp: object) -> Iterator[Callable[[app.AppSession], GuiContext]]:
    """Make a GUI context per session; every background error fails the test."""
    made: list[GuiContext] = []
    errors: list[BaseException] = []

    def make(session: app.AppSession) -> GuiContext:
        ctx = GuiContext(services=session, tasks=TaskRunner(), catalog=session.reference())
        ctx.tasks.error_handler = errors.append
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.tasks.wait()
    assert errors == []


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    enroll(hq, gnj, tmp_path)
    yield hq, gnj
    hq.close()
    gnj.close()


def sync_page(qtbot: Any, ctx: GuiContext) -> SyncPage:
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.overview is not None, timeout=WAIT)
    return page


def export(qtbot: Any, page: SyncPage, folder: Path) -> Path:
    view = page.export_view
    view.result = None
    folder.mkdir(exist_ok=True)
    assert view.export_to(folder) is not None
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT)
    assert view.result is not None
    return view.result.path


def inspect(qtbot: Any, page: SyncPage, path: Path) -> None:
    page.open_bundle(path)
    # The report of *this* file: the one of a file checked before stays until it arrives.
    qtbot.waitUntil(
        lambda: page.import_view.report is not None and page.import_view.report.path == path,
        timeout=WAIT,
    )
    assert page.tabs.currentWidget() is page.import_view
    assert not page.import_view.panel.isHidden()


def apply(qtbot: Any, page: SyncPage) -> Any:
    view = page.import_view
    assert view.apply_button.isEnabled()
    view.result = None
    view.apply_button.click()
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT)
    return view.result


def set_phone(session: app.AppSession, client_id: str, phone: str) -> None:
    session.clients.update(
        client_id,
        ClientInput(full_name=NAME, gender="male", birth_year=1980, region="AZ-GA", phone=phone),
    )


def phone(session: app.AppSession, client_id: str) -> str:
    return str(session.clients.get(client_id).phone)


def test_bundles_both_ways_and_a_conflict_settled_on_both_pages(
    qtbot: Any,
    pair: tuple[app.AppSession, app.AppSession],
    contexts: Callable[[app.AppSession], GuiContext],
    tmp_path: Path,
) -> None:
    hq, gnj = pair
    client_id, number = add_case(gnj, name=NAME)
    center = sync_page(qtbot, contexts(gnj))
    head = sync_page(qtbot, contexts(hq))
    assert center.stack.currentWidget() is center.tabs
    assert center.tabs.indexOf(center.nodes_view) < 0 and head.tabs.indexOf(head.nodes_view) >= 0
    # The center exports to the "USB stick"; the result names the file and the counts.
    up = export(qtbot, center, tmp_path / "usb")
    assert up.parent == tmp_path / "usb" and up.name.startswith("GNJ-to-BAK-")
    assert up.is_file() and "Bundle no. 1 for BAK" in center.export_view.message.text()
    # HQ inspects it: verified sender (code and name), sequence, counts; then applies it.
    inspect(qtbot, head, up)
    fields = {k: v.text() for k, v in head.import_view.fields.items()}
    assert "GNJ — Gəncə mərkəzi" in fields["sender"] and "verified" in fields["sender"]
    assert fields["seq"] == "1"
    for part in ("Clients: 1", "Cases: 1", "Consultations: 1"):
        assert part in fields["records"]
    assert head.import_view.report is not None and head.import_view.report.verdict == "verified"
    result = apply(qtbot, head)
    assert result.inserted >= 3 and result.peer == "GNJ"
    assert hq.cases.get(number).client.full_name == NAME
    qtbot.waitUntil(lambda: len(head.history_view.rows) == 1, timeout=WAIT)
    assert head.history_view.table.item(0, 1).text() == "GNJ"
    assert "Received" in head.history_view.table.item(0, 0).text()
    # The same file again: the panel warns, Apply stays off.
    inspect(qtbot, head, up)
    assert head.import_view.report.verdict == "already_imported"
    assert not head.import_view.apply_button.isEnabled()
    head.import_view.cancel_button.click()
    assert head.import_view.panel.isHidden()
    # HQ answers; the center imports the acknowledgement.
    assert head.export_view.recipient.currentData() == "GNJ"
    down = export(qtbot, head, tmp_path / "usb")
    inspect(qtbot, center, down)
    assert "BAK — Bakı qərargahı" in center.import_view.fields["sender"].text()
    assert apply(qtbot, center).acks == 1

    # Both change the client's phone while apart: a conflict on both sides.
    set_phone(gnj, client_id, "+994 50 111 11 11")
    set_phone(hq, client_id, "+994 12 222 22 22")
    inspect(qtbot, head, export(qtbot, center, tmp_path / "usb2"))
    assert apply(qtbot, head).conflicts == 1
    inspect(qtbot, center, export(qtbot, head, tmp_path / "usb2"))
    assert apply(qtbot, center).conflicts == 1
    for page in (center, head):
        view = page.conflicts_view
        qtbot.waitUntil(lambda view=view: len(view.conflicts) == 1, timeout=WAIT)
        shown = " ".join(view.table.item(0, c).text() for c in range(4))
        assert "+994 50 111 11 11" in shown and "+994 12 222 22 22" in shown
        assert NAME in view.table.item(0, 0).text()
        assert page.tabs.tabText(page.tabs.indexOf(view)) == "Conflicts (1)"
        assert view.keep_button.isEnabled() and view.take_button.isEnabled()
    # The center keeps its own value; HQ takes the center's.
    center.conflicts_view.keep_button.click()
    qtbot.waitUntil(lambda: center.conflicts_view.conflicts == [], timeout=WAIT)
    assert phone(gnj, client_id) == "+994 50 111 11 11"
    assert "Take the value of GNJ" in head.conflicts_view.take_button.text()
    head.conflicts_view.take_button.click()
    qtbot.waitUntil(lambda: head.conflicts_view.conflicts == [], timeout=WAIT)
    assert phone(hq, client_id) == "+994 50 111 11 11"
    assert head.conflicts_view.empty.isVisibleTo(head.conflicts_view)
    assert head.tabs.tabText(head.tabs.indexOf(head.conflicts_view)) == "Conflicts"


def test_a_damaged_bundle_is_refused_and_nothing_changes(
    qtbot: Any,
    pair: tuple[app.AppSession, app.AppSession],
    contexts: Callable[[app.AppSession], GuiContext],
    tmp_path: Path,
) -> None:
    hq, gnj = pair
    add_case(gnj)
    good = gnj.sync.export(tmp_path / "good.bundle").path
    damaged = tmp_path / "damaged.bundle"
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    before = snapshot(hq)
    head = sync_page(qtbot, contexts(hq))
    inspect(qtbot, head, damaged)
    view = head.import_view
    assert view.report is not None and view.report.verdict == "damaged"
    assert view.verdict.text() and view.verdict.property("role") == "error"
    assert not view.apply_button.isEnabled()
    # A bundle that was fine when checked but is damaged when applied: a readable error.
    copy = tmp_path / "copy.bundle"
    copy.write_bytes(good.read_bytes())
    inspect(qtbot, head, copy)
    assert view.report is not None and view.report.verdict == "verified"
    copy.write_bytes(bytes(data))
    view.apply_button.click()
    qtbot.waitUntil(lambda: "Nothing was imported" in view.message.text(), timeout=WAIT)
    assert view.result is None and view.message.property("role") == "error"
    assert snapshot(hq) == before
    qtbot.waitUntil(lambda: not view.progress.busy, timeout=WAIT)  # the import has ended
    # Not a bundle at all.
    junk = tmp_path / "notes.txt"
    junk.write_text("salam")
    inspect(qtbot, head, junk)
    assert view.report is not None and view.report.verdict == "not_a_bundle"
    assert not view.apply_button.isEnabled()
    assert snapshot(hq) == before


def test_enrollment_through_the_pages(
    qtbot: Any, contexts: Callable[[app.AppSession], GuiContext], tmp_path: Path
) -> None:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    try:
        center = sync_page(qtbot, contexts(gnj))
        head = sync_page(qtbot, contexts(hq))
        assert center.stack.currentWidget() is center.enroll_view
        assert head.tabs.currentWidget() is head.nodes_view  # no center yet
        enroll_view, nodes = center.enroll_view, head.nodes_view
        request = tmp_path / "GNJ-request.json"
        enroll_view.write_request(request)
        qtbot.waitUntil(lambda: enroll_view.own_fingerprint.isVisibleTo(center), timeout=WAIT)
        center_fingerprint = enroll_view.own_fingerprint.text()
        nodes.open_request(request)
        qtbot.waitUntil(lambda: nodes.request is not None, timeout=WAIT)
        assert nodes.fingerprint.text() == center_fingerprint
        assert "GNJ" in nodes.center_label.text()
        assert not nodes.write_button.isEnabled()  # not before the fingerprint is confirmed
        nodes.confirm.setChecked(True)
        response = tmp_path / "GNJ-response.json"
        nodes.accept_request(response)
        qtbot.waitUntil(lambda: nodes.hq_fingerprint.isVisibleTo(head), timeout=WAIT)
        assert response.is_file() and nodes.recovery.isVisibleTo(head)
        qtbot.waitUntil(lambda: any(n.code == "GNJ" for n in nodes.nodes), timeout=WAIT)
        enroll_view.open_response(response)
        qtbot.waitUntil(lambda: enroll_view.response is not None, timeout=WAIT)
        assert enroll_view.hq_fingerprint.text() == nodes.hq_fingerprint.text()
        assert not enroll_view.complete_button.isEnabled()
        enroll_view.confirm.setChecked(True)
        enroll_view.complete_button.click()
        qtbot.waitUntil(lambda: center.stack.currentWidget() is center.tabs, timeout=WAIT)
        assert center.export_view.recipient.currentData() == "BAK"
    finally:
        hq.close()
        gnj.close()


# --- dashboard ----------------------------------------------------------------------------------


def dashboard(qtbot: Any, ctx: GuiContext) -> DashboardPage:
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def test_dashboard_warns_when_no_bundle_went_out_for_14_days(
    qtbot: Any,
    pair: tuple[app.AppSession, app.AppSession],
    contexts: Callable[[app.AppSession], GuiContext],
    tmp_path: Path,
) -> None:
    _hq, gnj = pair
    page = dashboard(qtbot, contexts(gnj))
    qtbot.waitUntil(lambda: page.sync_known, timeout=WAIT)
    assert page.sync_warning.isVisible() and "ever" in page.sync_warning.text.text()
    gnj.sync.export(tmp_path / "1.bundle")  # a real export, now
    page.refresh()
    qtbot.waitUntil(lambda: page.sync_days == 0, timeout=WAIT)
    assert not page.sync_warning.isVisible() and page.sync_card.value.text() == "0"
    gnj.sync.now = lambda: datetime.now(UTC) + timedelta(days=20, hours=1)
    page.refresh()
    qtbot.waitUntil(lambda: page.sync_days == 20, timeout=WAIT)
    assert page.sync_warning.isVisible()
    assert "20 days" in page.sync_warning.text.text()
    with qtbot.waitSignal(page.open_page) as signal:
        page.sync_warning.button.click()
    assert signal.args == ["sync"]
    # 13 days is not late yet.
    gnj.sync.now = lambda: datetime.now(UTC) + timedelta(days=13, hours=1)
    page.refresh()
    qtbot.waitUntil(lambda: page.sync_days == 13, timeout=WAIT)
    assert not page.sync_warning.isVisible()


def test_a_lawyer_sees_no_sync_warning_and_no_sync_screen(
    qtbot: Any,
    pair: tuple[app.AppSession, app.AppSession],
    contexts: Callable[[app.AppSession], GuiContext],
    tmp_path: Path,
) -> None:
    _hq, gnj = pair
    gnj.users.add("leyla", "Hüseynova Leyla Əli qızı", "lawyer", "Xazar-sea-2026")
    lawyer = app.login(tmp_path / "gnj", "leyla", "Xazar-sea-2026")
    try:
        ctx = contexts(lawyer)
        assert "sync" not in [s.key for s in visible_specs(ctx)]
        page = dashboard(qtbot, ctx)
        qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
        ctx.tasks.wait()
        assert not page.sync_known and not page.sync_warning.isVisible()
        assert not page.sync_card.isVisible()
    finally:
        lawyer.close()
    admin = contexts(gnj)
    assert "sync" in [s.key for s in visible_specs(admin)]


def test_main_window_opens_sync_from_the_dashboard_warning(
    qtbot: Any,
    main_window: MainWindow,  # noqa: F811
) -> None:
    spec_keys = [s.key for s in main_window.specs]
    assert spec_keys.index("sync") == spec_keys.index("calendar") + 1
    assert main_window.go_actions["sync"].shortcut().toString() == "Ctrl+5"
    board = main_window.pages["dashboard"]
    assert isinstance(board, DashboardPage)
    qtbot.waitUntil(lambda: board.sync_warning.isVisible(), timeout=WAIT)
    board.sync_warning.button.click()
    assert main_window.current_key() == "sync"
    page = main_window.pages["sync"]
    assert isinstance(page, SyncPage)
    qtbot.waitUntil(lambda: page.overview is not None, timeout=WAIT)
    assert page.stack.currentWidget() is page.enroll_view  # GNJ is not enrolled
    main_window.set_badge("sync", 2)
    row = next(
        i for i in range(main_window.nav.count()) if main_window.nav.item(i).text() == "Sync (2)"
    )
    assert row >= 0
    main_window.set_badge("sync", 0)
    assert main_window.nav.item(row).text() == "Sync"


def test_an_export_can_be_cancelled_and_leaves_nothing_behind(
    qtbot: Any,
    pair: tuple[app.AppSession, app.AppSession],
    contexts: Callable[[app.AppSession], GuiContext],
    tmp_path: Path,
) -> None:
    _hq, gnj = pair
    add_case(gnj)
    ctx = contexts(gnj)
    page = sync_page(qtbot, ctx)
    # Hold the (single) writer thread so the export is still queued when Cancel is pressed.
    gate = threading.Event()
    WriteOp(ctx.tasks, lambda: gate.wait(10), action="hold").run()
    usb = tmp_path / "usb"
    usb.mkdir()
    view = page.export_view
    assert view.export_to(usb) is not None
    assert view.progress.isVisibleTo(page) and not view.export_button.isEnabled()
    view.progress.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not view.progress.busy, timeout=WAIT)
    assert view.result is None and "Nothing was written" in view.message.text()
    assert list(usb.iterdir()) == []
    assert gnj.sync.history() == [] and gnj.sync.days_since_last_export() is None
    assert view.export_button.isEnabled()


def test_records_refused_by_ownership_show_a_security_alert(
    qtbot: Any,
    pair: tuple[app.AppSession, app.AppSession],
    contexts: Callable[[app.AppSession], GuiContext],
    tmp_path: Path,
) -> None:
    """GNJ renames a case HQ knows (a rogue store): the import applies the rest and says so."""
    from sqlalchemy import select

    from legalaid_desktop.store.models import Case

    hq, gnj = pair
    _client, number = add_case(gnj)
    hq.sync.import_bundle(gnj.sync.export(tmp_path / "first.bundle").path)
    with gnj.ws.write() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        case.number = "QBA-2026-0001"
        gnj.ws.touch(s, case, ("core",))
    add_case(gnj, name="Həsənova Aygün Tofiq qızı", phone="")
    path = gnj.sync.export(tmp_path / "second.bundle").path
    head = sync_page(qtbot, contexts(hq))
    inspect(qtbot, head, path)
    result = apply(qtbot, head)
    assert result.refused == 1 and result.inserted >= 3
    view = head.import_view
    assert "Security alert" in view.message.text()
    assert view.message.property("role") == "error"
    assert hq.cases.get(number).number == number


def test_a_file_opened_during_an_import_is_not_ignored_silently(
    qtbot: Any,
    pair: tuple[app.AppSession, app.AppSession],
    contexts: Callable[[app.AppSession], GuiContext],
    tmp_path: Path,
) -> None:
    hq, gnj = pair
    add_case(gnj)
    good = gnj.sync.export(tmp_path / "good.bundle").path
    head = sync_page(qtbot, contexts(hq))
    inspect(qtbot, head, good)
    view = head.import_view
    hold = threading.Event()
    head.ctx.tasks._writer.start(lambda: hold.wait(WAIT / 1000))  # the writer is busy
    try:
        view.apply_button.click()
        assert view.progress.busy
        with language("en"):
            head.open_bundle(tmp_path / "other.bundle")
        assert view.message.text() == (
            "Wait until the import has finished, then open the file again."
        )
    finally:
        hold.set()
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT)
