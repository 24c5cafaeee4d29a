"""Merging duplicate clients in the GUI (issue 19): a manager opens "Merge with another client…"
on a client's record, finds the other record by typing, sees both side by side, keeps one and
confirms (it cannot be undone); the merge runs in the background, the kept client is shown, its
cases and consents are the two records', the other opens as the kept one, and the audit log has
the merge. From the conflict check, two clients found alike open the same dialog. A lawyer has
no such action. Real encrypted store, real widgets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app, i18n
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs import merge_dialog
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.dialogs.conflict_check import ConflictCheckDialog
from legalaid_desktop.gui.dialogs.merge_dialog import MergeClientsDialog
from legalaid_desktop.gui.pages.audit_log import ACTION_LABELS
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.store.models import AuditEvent, Client
from sync_support import add_case

WAIT = 15_000
OTHER_NAME = "Aliyev Rashad Ismayil oglu"


@pytest.fixture
def contexts(qapp: object) -> Iterator[list[GuiContext]]:
    i18n.set_language("en")
    made: list[GuiContext] = []
    errors: list[BaseException] = []
    yield made
    for ctx in made:
        ctx.tasks.wait()
    assert errors == []


def _ctx(session: app.AppSession, contexts: list[GuiContext]) -> GuiContext:
    ctx = GuiContext(
        services=session, tasks=TaskRunner(), catalog=session.reference(), language="en"
    )
    contexts.append(ctx)
    return ctx


@pytest.fixture
def twice(admin_session: app.AppSession) -> dict[str, str]:
    """The same man registered twice, each record with a case, a consent and a consultation;
    the second record has a document too."""
    keep, keep_case = add_case(admin_session)
    other, other_case = add_case(admin_session, name=OTHER_NAME, phone="+994 55 111 22 33")
    admin_session.records.add_attachment(other_case, "ərizə.pdf", b"%PDF-1.4 scan")
    return {"keep": keep, "keep_case": keep_case, "other": other, "other_case": other_case}


def _page(qtbot: Any, ctx: GuiContext) -> ClientsPage:
    page = ClientsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def _record(qtbot: Any, page: ClientsPage, client_id: str) -> ClientDialog:
    """The client's record as the page opens it (a new dialog, in place of one open before)."""
    before = page.active_dialog
    page.show_client(client_id)
    qtbot.waitUntil(
        lambda: (
            page.active_dialog is not None
            and page.active_dialog is not before
            and page.active_dialog.isVisible()
        ),
        timeout=WAIT,
    )
    assert page.active_dialog is not None
    return page.active_dialog


def _column(dialog: MergeClientsDialog, column: int) -> list[str]:
    table = dialog.table
    return [table.item(r, column).text() for r in range(table.rowCount())]  # type: ignore[union-attr]


def test_a_manager_merges_a_duplicate_from_the_clients_record(
    qtbot: Any,
    admin_session: app.AppSession,
    twice: dict[str, str],
    contexts: list[GuiContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = _ctx(admin_session, contexts)
    page = _page(qtbot, ctx)
    record = _record(qtbot, page, twice["keep"])
    assert record._client is not None and record._client.id == twice["keep"]
    keep_number = record._client.number
    button = record.merge_button
    assert button.isVisibleTo(record) and button.text() == "Merge with another c&lient…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = button.dialog
    assert isinstance(dialog, MergeClientsDialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=WAIT)
    assert _column(dialog, 0)[:2] == [keep_number, "Əliyev Rəşad İsmayıl oğlu"]
    assert not dialog.merge_button.isEnabled()  # the other is not chosen yet

    # the same record twice: refused before anything is asked
    dialog.picker.set_client(twice["keep"], "Əliyev Rəşad İsmayıl oğlu")
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT)
    assert "themselves" in dialog.error.text() and not dialog.merge_button.isEnabled()

    # found by typing, in another spelling
    dialog.picker.edit.clear()
    qtbot.keyClicks(dialog.picker.edit, "Aliyev Rashad")
    qtbot.waitUntil(lambda: dialog.picker.results.count() > 0, timeout=WAIT)
    results = dialog.picker.results
    item = next(
        results.item(i)
        for i in range(results.count())
        if (results.item(i).data(Qt.ItemDataRole.UserRole + 1) or ("",))[0] == twice["other"]
    )
    dialog.picker._choose_item(item)
    qtbot.waitUntil(
        lambda: dialog.preview is not None and dialog.preview.other is not None, timeout=WAIT
    )
    other_number = dialog.preview.other.number
    # side by side: number, name, birth year, phone, region, cases, consents, documents
    assert _column(dialog, 0) == [
        keep_number, "Əliyev Rəşad İsmayıl oğlu", "1980", "+994 50 123 45 67", "Ganja", "1",
        "1", "0",
    ]  # fmt: skip
    assert _column(dialog, 1) == [
        other_number, OTHER_NAME, "1980", "+994 55 111 22 33", "Ganja", "1", "1", "1",
    ]  # fmt: skip
    assert dialog.error.text() == "" and dialog.merge_button.isEnabled()
    assert "cannot be undone" in dialog.note.text()
    assert dialog.keep_first.isChecked() and dialog.keep_first.text() == f"Keep {keep_number}"

    asked: list[str] = []
    monkeypatch.setattr(
        merge_dialog, "confirm", lambda _parent, _title, text: asked.append(text) or True
    )
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "This cannot be undone." in asked[0]
    assert asked[0].startswith(f"Merge {other_number} ({OTHER_NAME}) into {keep_number}")
    # the kept client is shown, with both records' cases
    qtbot.waitUntil(
        lambda: (
            page.active_dialog is not None
            and page.active_dialog is not record
            and page.active_dialog._client is not None
            and page.active_dialog._client.id == twice["keep"]
        ),
        timeout=WAIT,
    )
    shown = page.active_dialog
    assert shown is not None and shown._client is not None
    assert set(shown._client.case_numbers) == {twice["keep_case"], twice["other_case"]}
    assert len(shown._client.consents) == 2

    moved = admin_session.cases.get(twice["other_case"])
    assert moved.client.id == twice["keep"]
    with admin_session.ws.read() as s:
        gone = s.get(Client, twice["other"])
        assert gone is not None and gone.merged_into == twice["keep"]
        assert gone.deleted_hlc is not None
        actions = list(s.scalars(select(AuditEvent.action)))
    assert "clients_merged" in actions
    # the audit log reads it, and the corrections of parties and deadlines, as words
    assert ACTION_LABELS["clients_merged"] == "Duplicate clients merged"
    assert {"party_corrected", "deadline_corrected"} <= set(ACTION_LABELS)

    # the merged-away client opens as the kept one, saying so
    again = _record(qtbot, page, twice["other"])
    assert again._client is not None and again._client.id == twice["keep"]
    qtbot.waitUntil(lambda: again.merge_button.note.isVisibleTo(again), timeout=WAIT)
    assert again.merge_button.note.text() == (
        f"Client {other_number} was merged into this one: their records are here."
    )


def test_two_clients_found_alike_are_merged_from_the_conflict_check(
    qtbot: Any,
    admin_session: app.AppSession,
    twice: dict[str, str],
    contexts: list[GuiContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = _ctx(admin_session, contexts)
    check = ConflictCheckDialog(ctx)
    qtbot.addWidget(check)
    check.show()
    merged: list[str] = []
    check.client_merged.connect(merged.append)
    assert not check.merge_button.isVisibleTo(check)
    check.name.setText("Əliyev Rəşad İsmayıl oğlu")
    check.run_check()
    qtbot.waitUntil(lambda: bool(check.hits()), timeout=WAIT)
    assert check.merge_button.isVisibleTo(check)
    dialog = check.merge_clients()
    assert dialog is not None
    qtbot.waitUntil(
        lambda: dialog.preview is not None and dialog.preview.other is not None, timeout=WAIT
    )
    ids = {dialog.preview.keep.id, dialog.preview.other.id}
    assert ids == {twice["keep"], twice["other"]}
    dialog.keep_second.setChecked(True)  # keep the other one this time
    kept_id = dialog.preview.other.id
    monkeypatch.setattr(merge_dialog, "confirm", lambda *_a: True)
    dialog.merge()
    qtbot.waitUntil(lambda: merged == [kept_id], timeout=WAIT)
    assert not check.merge_button.isVisibleTo(check)  # the list is out of date: checked again
    assert admin_session.merges.resolve(dialog.preview.keep.id)[0] == kept_id


def test_a_lawyer_has_no_merge_action(
    qtbot: Any,
    admin_session: app.AppSession,
    data_dir: Path,
    twice: dict[str, str],
    contexts: list[GuiContext],
) -> None:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    leyla = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    try:
        ctx = _ctx(leyla, contexts)
        page = _page(qtbot, ctx)
        record = _record(qtbot, page, twice["keep"])
        assert not record.merge_button.isVisibleTo(record)
        assert record.merge_button.open_merge() is None
        check = ConflictCheckDialog(ctx)
        qtbot.addWidget(check)
        check.name.setText("Əliyev Rəşad İsmayıl oğlu")
        check.run_check()
        qtbot.waitUntil(lambda: bool(check.hits()), timeout=WAIT)
        assert not check.merge_button.isVisibleTo(check)
        assert check.merge_clients() is None
    finally:
        leyla.close()
