"""Case transfer between centers in the GUI (issue 19): a center's manager asks HQ from the case
view and sees the request waiting (and withdraws it); a lawyer has no such action; HQ transfers
from its list of requests on the Sync screen (the request's center and reason filled in); the
sending center's view is then read-only with a clear notice, and the receiving center's asks
for a lawyer of its own. Three real encrypted stores (HQ BAK, centers GNJ and QBA), real
bundles, real widgets."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseStatus
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import AssignLawyerDialog
from legalaid_desktop.gui.dialogs.transfer_dialogs import RequestTransferDialog, TransferDialog
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.pages.sync import SyncPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.widgets import case_transfer
from sync_support import PASSWORD, add_case, enroll, make_node, sync

WAIT = 20_000
REASON = "Müştəri Qubaya köçüb"
DECISION = "Müştərinin yeni ünvanı Qubadadır"


@dataclass
class World:
    folder: Path
    hq: app.AppSession
    gnj: app.AppSession
    qba: app.AppSession


_counter = iter(range(1, 1_000_000))


def up(world: World, center: app.AppSession) -> None:
    path = world.folder / f"{center.actor.node_code}-up-{next(_counter)}.bundle"
    sync(world.hq).import_bundle(sync(center).export(path).path)


def down(world: World, center: app.AppSession) -> None:
    code = center.actor.node_code
    path = world.folder / f"{code}-down-{next(_counter)}.bundle"
    sync(center).import_bundle(sync(world.hq).export(path, to=code).path)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    qba = make_node(tmp_path, "QBA", name="Quba mərkəzi")
    try:
        enroll(hq, gnj, tmp_path)
        enroll(hq, qba, tmp_path)
        made = World(tmp_path, hq, gnj, qba)
        down(made, gnj)  # GNJ learns of QBA from HQ's roster (the centers it can name)
        yield made
    finally:
        for node in (hq, gnj, qba):
            node.close()


@pytest.fixture
def contexts(qapp: object) -> Iterator[Callable[..., GuiContext]]:
    """A GUI context per session (``at_hq`` as the login reads it); every background error
    fails the test."""
    made: list[GuiContext] = []
    errors: list[BaseException] = []

    def make(session: app.AppSession, *, at_hq: bool = False) -> GuiContext:
        ctx = GuiContext(
            services=session,
            tasks=TaskRunner(),
            catalog=session.reference(),
            language="en",
            at_hq=at_hq,
        )
        ctx.tasks.error_handler = errors.append
        made.append(ctx)
        return ctx

    i18n.set_language("en")
    yield make
    for ctx in made:
        ctx.tasks.wait()
    assert errors == []


def login(world: World, code: str, username: str, role: str, full_name: str) -> app.AppSession:
    """Add ``username`` with ``role`` at center ``code`` and log them in there."""
    center = world.gnj if code == "GNJ" else world.qba
    center.users.add(username, full_name, role, PASSWORD)
    return app.login(world.folder / code.lower(), username, PASSWORD)


def _view(qtbot: Any, ctx: GuiContext, number: str) -> CaseView:
    view = CaseView(ctx)
    qtbot.addWidget(view)
    view.resize(1100, 750)
    view.show()
    view.show_case(number)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.number == number, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(view.transfer.centers), timeout=WAIT)  # HQ or not, and centers
    return view


def _shown(view: CaseView, widget: QAbstractButton) -> bool:
    return widget.isVisibleTo(view)


def _clashes(view: CaseView) -> dict[str, list[str]]:
    """Mnemonic letters used twice among what the view shows (buttons and tab titles)."""
    texts = [b.text() for b in view.findChildren(QAbstractButton) if b.isVisibleTo(view)] + [
        view.tabs.tabText(i) for i in range(view.tabs.count())
    ]
    letters: dict[str, list[str]] = {}
    for text in texts:
        found = re.search(r"&([^&\s])", text.replace("&&", ""))
        if found:
            letters.setdefault(found.group(1).lower(), []).append(text)
    return {k: v for k, v in letters.items() if len(v) > 1}


def _no_clash_on_any_tab(view: CaseView) -> None:
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        assert _clashes(view) == {}, view.tabs.tabText(index)
    view.tabs.setCurrentIndex(0)


def test_a_center_manager_asks_hq_and_the_case_shows_the_request(
    qtbot: Any, world: World, contexts: Callable[..., GuiContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    _client, number = add_case(world.gnj)
    rauf = login(world, "GNJ", "rauf", "manager", "Həsənov Rauf Elşən oğlu")
    try:
        ctx = contexts(rauf)
        view = _view(qtbot, ctx, number)
        messages: list[str] = []
        view.status_message.connect(messages.append)
        transfer = view.transfer
        assert _shown(view, transfer.request_button)
        assert not _shown(view, transfer.transfer_button)  # HQ's
        assert not transfer.banner.isVisibleTo(view)
        _no_clash_on_any_tab(view)

        dialog = transfer.ask_hq()
        assert isinstance(dialog, RequestTransferDialog) and transfer.active_dialog is dialog
        qtbot.waitExposed(dialog)
        # the network's centers but this one
        assert [dialog.target.itemData(i) for i in range(dialog.target.count())] == [None, "QBA"]
        assert dialog.target.itemText(1) == "QBA — Quba mərkəzi"
        assert dialog.windowTitle() == f"Ask HQ to transfer case {number}"
        assert not dialog.revalidate()  # a center and a reason are needed
        dialog.set_center("QBA")
        dialog.touch_all()
        assert dialog.field_error("reason") == "Reason must not be empty."
        dialog.reason.setPlainText(REASON)
        assert dialog.revalidate()
        dialog.submit()
        qtbot.waitUntil(lambda: transfer.active_dialog is None, timeout=WAIT)
        # the view reloads the case (the write changed the cases) and shows the request
        qtbot.waitUntil(
            lambda: view.detail is not None and view.detail.transfer_to == "QBA", timeout=WAIT
        )
        assert transfer.banner.isVisibleTo(view)
        assert transfer.banner_text.text() == f"Transfer to QBA requested: {REASON}"
        assert _shown(view, transfer.withdraw_button)
        assert messages[-1] == f"Case {number}: HQ is asked to transfer it to QBA."
        requests = rauf.sync.transfer_requests()
        assert [(r.number, r.to_node, r.reason) for r in requests] == [(number, "QBA", REASON)]
        _no_clash_on_any_tab(view)

        # asking again opens filled in with the request
        again = transfer.ask_hq()
        assert isinstance(again, RequestTransferDialog)
        assert (again.center(), again.reason.toPlainText()) == ("QBA", REASON)
        again.reject()

        # withdrawn (after the question): the banner goes
        asked: list[str] = []
        monkeypatch.setattr(
            case_transfer, "confirm", lambda _parent, _title, text: asked.append(text) or True
        )
        qtbot.mouseClick(transfer.withdraw_button, Qt.MouseButton.LeftButton)
        assert asked == [f"Withdraw the request to transfer case {number} to QBA?"]
        qtbot.waitUntil(
            lambda: view.detail is not None and view.detail.transfer_to is None, timeout=WAIT
        )
        assert not transfer.banner.isVisibleTo(view)
        assert rauf.sync.transfer_requests() == ()
        assert messages[-1] == f"Case {number}: the transfer request was withdrawn."
    finally:
        rauf.close()


def test_a_lawyer_has_no_transfer_action_and_cannot_withdraw(
    qtbot: Any, world: World, contexts: Callable[..., GuiContext]
) -> None:
    _client, number = add_case(world.gnj)
    leyla = login(world, "GNJ", "leyla", "lawyer", "Hüseynova Leyla Əli qızı")
    try:
        world.gnj.cases.assign(number, "leyla")
        sync(world.gnj).request_transfer(number, "QBA", REASON)  # the manager asked
        view = _view(qtbot, contexts(leyla), number)
        transfer = view.transfer
        assert not _shown(view, transfer.request_button)
        assert not _shown(view, transfer.transfer_button)
        assert transfer.ask_hq() is None
        # she sees that the case may move, but the request is not hers to withdraw
        assert transfer.banner_text.text() == f"Transfer to QBA requested: {REASON}"
        assert not _shown(view, transfer.withdraw_button)
        assert _shown(view, view.consult_button)  # her case: she goes on working it
    finally:
        leyla.close()


def test_hq_transfers_from_its_list_of_requests(
    qtbot: Any, world: World, contexts: Callable[..., GuiContext]
) -> None:
    _client, number = add_case(world.gnj)
    sync(world.gnj).request_transfer(number, "QBA", REASON)
    up(world, world.gnj)
    ctx = contexts(world.hq, at_hq=True)
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    view = page.transfers_view
    qtbot.waitUntil(lambda: page.tabs.indexOf(view) >= 0 and view.loaded, timeout=WAIT)
    assert page.tabs.tabText(page.tabs.indexOf(view)) == "Transfer requests (1)"
    table = view.table
    rows = [[table.item(0, c).text() for c in range(table.columnCount())]]
    assert rows == [[number, "GNJ — Gəncə mərkəzi", "QBA — Quba mərkəzi", REASON, "admin"]]
    assert view.details.text() == f"{number}, the reason given: {REASON}"  # whole, under it

    # Enter opens the case
    opened: list[str] = []
    page.open_case.connect(opened.append)
    page.tabs.setCurrentWidget(view)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [number]

    # "Transfer…": the request's center and reason filled in; HQ words its own reason
    messages: list[str] = []
    page.status_message.connect(messages.append)
    dialog = view.transfer()
    assert isinstance(dialog, TransferDialog) and view.active_dialog is dialog
    qtbot.waitExposed(dialog)
    assert [dialog.target.itemData(i) for i in range(dialog.target.count())] == [None, "QBA"]
    assert (dialog.center(), dialog.reason.toPlainText()) == ("QBA", REASON)
    assert dialog.windowTitle() == f"Transfer case {number}"
    dialog.reason.setPlainText(DECISION)
    dialog.submit()
    qtbot.waitUntil(lambda: view.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: view.requests == () and view.empty.isVisibleTo(view), timeout=WAIT)
    assert page.tabs.tabText(page.tabs.indexOf(view)) == "Transfer requests"
    assert view.empty.text() == "No center has asked for a transfer."
    assert messages == [f"Case {number} transferred to QBA; it goes there with the next bundle."]
    moved = world.hq.cases.get(number)
    assert (moved.owner_node, moved.status, moved.transfer_to) == ("QBA", "transferred", None)


def test_hq_case_view_shows_the_request_and_transfers(
    qtbot: Any, world: World, contexts: Callable[..., GuiContext]
) -> None:
    _client, number = add_case(world.gnj)
    sync(world.gnj).request_transfer(number, "QBA", REASON)
    up(world, world.gnj)
    view = _view(qtbot, contexts(world.hq, at_hq=True), number)
    transfer = view.transfer
    assert transfer.at_hq
    assert transfer.banner_text.text() == f"GNJ asks HQ to transfer this case to QBA: {REASON}"
    assert not _shown(view, transfer.withdraw_button)  # the center's to withdraw
    assert _shown(view, transfer.transfer_button)
    assert not _shown(view, transfer.request_button)
    assert (
        view.notice.text() == "This case belongs to the GNJ center; it can only be changed there."
    )
    _no_clash_on_any_tab(view)
    dialog = transfer.transfer()
    assert isinstance(dialog, TransferDialog)
    assert (dialog.center(), dialog.reason.toPlainText()) == ("QBA", REASON)
    dialog.submit()
    qtbot.waitUntil(lambda: transfer.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.owner_node == "QBA", timeout=WAIT
    )
    assert view.detail is not None and view.detail.status == CaseStatus.TRANSFERRED
    assert not transfer.banner.isVisibleTo(view)


def test_after_the_transfer_the_sender_reads_only_and_the_receiver_assigns(
    qtbot: Any, world: World, contexts: Callable[..., GuiContext]
) -> None:
    _client, number = add_case(world.gnj)
    sync(world.gnj).request_transfer(number, "QBA", REASON)
    up(world, world.gnj)
    sync(world.hq).transfer_case(number, "QBA", DECISION)
    down(world, world.gnj)
    down(world, world.qba)

    # the sending center: read-only, and it says why
    view = _view(qtbot, contexts(world.gnj), number)
    assert view.detail is not None and view.detail.owner_node == "QBA"
    transfer = view.transfer
    assert transfer.banner.isVisibleTo(view)
    assert (
        transfer.banner_text.text() == "Transferred to QBA — this center can no longer change it."
    )
    assert not view.notice.isVisibleTo(view)  # said once, in the banner
    for button in (
        view.consult_button,
        view.corrections.edit_button,
        view.assign_button,
        view.pending_button,
        view.close_button,
        view.reopen_button,
        transfer.request_button,
        transfer.transfer_button,
        transfer.withdraw_button,
        view.parties_tab.add,
        view.deadlines_tab.add,
        view.documents_tab.add,
        view.referrals_tab.refer_button,
    ):
        assert not button.isVisibleTo(view), button.text()
    assert not view.campaign_link.combo.isEnabled()
    assert view.corrections.edit_case() is None and transfer.ask_hq() is None

    # the receiving center: to assign, the assignment goes first and opens the case
    world.qba.users.add("aygun", "Məmmədova Aygün Rauf qızı", "lawyer", PASSWORD)
    there = _view(qtbot, contexts(world.qba), number)
    assert there.detail is not None and there.detail.status == CaseStatus.TRANSFERRED
    arrived = there.transfer
    assert arrived.banner_text.text() == "Arrived by transfer: assign a lawyer of this center."
    assert there.assign_button.isVisibleTo(there)
    assert there.action_row.indexOf(there.assign_button) == 0
    assert "font-weight: 600" in there.assign_button.styleSheet()
    assert not arrived.request_button.isVisibleTo(there)  # not open yet
    _no_clash_on_any_tab(there)
    there.assign_lawyer()
    dialog = there.active_dialog
    assert isinstance(dialog, AssignLawyerDialog)
    qtbot.waitUntil(lambda: dialog.lawyer.findData("aygun") >= 0, timeout=WAIT)
    dialog.lawyer.set_username("aygun")
    dialog.submit()
    qtbot.waitUntil(
        lambda: there.detail is not None and there.detail.status == CaseStatus.OPEN, timeout=WAIT
    )
    assert not arrived.banner.isVisibleTo(there)
    assert there.action_row.indexOf(there.consult_button) == 0
    assert arrived.request_button.isVisibleTo(there)  # open again: QBA's admin may ask
