"""Correcting a party and a deadline from the case view (issue 19): "Modify party…" and
"Modify deadline…" open the dialogs filled in, saving keeps the earlier values in the case's
history; a lawyer sees the actions only on the cases assigned to them; the party's own name is
not a conflict of itself. Real encrypted store, real widgets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app, i18n
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.part_dialogs import EditDeadlineDialog, EditPartyDialog
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today
from sync_support import add_case

WAIT = 15_000
PARTY = "Məmmədov Elçin Vaqif oğlu"


def _ctx(session: app.AppSession) -> GuiContext:
    return GuiContext(
        services=session, tasks=TaskRunner(), catalog=session.reference(), language="en"
    )


@pytest.fixture
def contexts(qapp: object) -> Iterator[list[GuiContext]]:
    """The contexts a test makes (:func:`_ctx`): their work is waited for, and no background
    error may have reached their error handler."""
    i18n.set_language("en")
    made: list[GuiContext] = []
    errors: list[BaseException] = []
    yield made
    for ctx in made:
        ctx.tasks.wait()
    assert errors == []


def _view(qtbot: Any, ctx: GuiContext, number: str) -> CaseView:
    view = CaseView(ctx)
    qtbot.addWidget(view)
    view.resize(1100, 750)
    view.show()
    view.show_case(number)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.number == number, timeout=WAIT)
    return view


def _clashes(view: CaseView) -> dict[str, list[str]]:
    texts = [b.text() for b in view.findChildren(QAbstractButton) if b.isVisibleTo(view)] + [
        view.tabs.tabText(i) for i in range(view.tabs.count())
    ]
    letters: dict[str, list[str]] = {}
    for text in texts:
        found = re.search(r"&([^&\s])", text.replace("&&", ""))
        if found:
            letters.setdefault(found.group(1).lower(), []).append(text)
    return {k: v for k, v in letters.items() if len(v) > 1}


@pytest.fixture
def world(admin_session: app.AppSession) -> dict[str, str]:
    _client, number = add_case(admin_session)
    party = admin_session.records.add_party(number, PARTY, "adverse", "qonşu")
    deadline = admin_session.records.add_deadline(
        number, today() + timedelta(days=10), "Şikayət vermək"
    )
    return {"number": number, "party": party.id, "deadline": deadline.id}


def test_a_party_and_a_deadline_are_corrected_from_the_case_view(
    qtbot: Any, admin_session: app.AppSession, world: dict[str, str], contexts: list[GuiContext]
) -> None:
    ctx = _ctx(admin_session)
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    contexts.append(ctx)
    number = world["number"]
    view = _view(qtbot, ctx, number)
    messages: list[str] = []
    view.status_message.connect(messages.append)

    # the parties tab: "Modify party…" beside "Add party…", on the selected party
    view.tabs.setCurrentWidget(view.parties_tab)
    tab = view.parties_tab
    assert tab.edit.isVisibleTo(view) and tab.edit.text() == "&Modify party…"
    assert _clashes(view) == {}
    tab.table.setCurrentCell(0, 0)
    qtbot.mouseClick(tab.edit, Qt.MouseButton.LeftButton)
    dialog = tab.active_dialog
    assert isinstance(dialog, EditPartyDialog)
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == f"Edit party — {number}"
    assert (dialog.name.text(), dialog.role.code(), dialog.notes.text()) == (
        PARTY,
        "adverse",
        "qonşu",
    )
    # a typo fixed: the warning does not show the party as a match of itself
    dialog.name.setText("Məmmədov Elçin Vaqif oglu")
    dialog._check(dialog.name.text())
    qtbot.waitUntil(lambda: not dialog.banner.pending(), timeout=WAIT)
    assert all(h.ref_id != world["party"] for h in dialog.banner.hits())
    dialog.name.setText("Məmmədov Elşən Vaqif oğlu")
    dialog.role.set_code("witness")
    dialog.submit()
    qtbot.waitUntil(lambda: tab.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.parties[0].role == "witness",
        timeout=WAIT,
    )
    assert tab.table.item(0, 0).text() == "Məmmədov Elşən Vaqif oğlu"
    assert tab.table.item(0, 1).text() == "Witness"
    assert messages[-1] == f"Case {number} corrected; the earlier values are in its history."

    # the deadlines tab: "Modify deadline…"; a double click opens it too
    view.tabs.setCurrentWidget(view.deadlines_tab)
    dtab = view.deadlines_tab
    assert dtab.edit.isVisibleTo(view) and _clashes(view) == {}
    dtab.table.setCurrentCell(0, 2)
    ddialog = dtab.edit_deadline()
    assert isinstance(ddialog, EditDeadlineDialog)
    qtbot.waitExposed(ddialog)
    assert ddialog.description.text() == "Şikayət vermək"
    later = today() + timedelta(days=21)
    ddialog.due_on.set_value(later)
    ddialog.description.setText("Apellyasiya şikayəti")
    ddialog.submit()
    qtbot.waitUntil(lambda: dtab.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(
        lambda: (
            view.detail is not None
            and view.detail.deadlines[0].description == "Apellyasiya şikayəti"
        ),
        timeout=WAIT,
    )
    assert dtab.table.item(0, 1).text() == later.strftime("%d.%m.%Y")

    # the history shows who changed what, from what to what, readably
    history = view.corrections.history_button.open_history()
    assert history is not None
    qtbot.waitUntil(lambda: history.entries is not None, timeout=WAIT)
    rows = [
        [history.table.item(r, c).text() for c in range(history.table.columnCount())]
        for r in range(history.table.rowCount())
    ]
    text = "\n".join(" | ".join(r) for r in rows)
    assert "Party Məmmədov Elşən Vaqif oğlu: Role" in text
    assert "Adverse party" in text or "adverse" in text.lower()
    assert "Witness" in text
    assert f"Deadline of {later.strftime('%d.%m.%Y')}: Due date" in text
    assert "Şikayət vermək" in text and "Apellyasiya şikayəti" in text
    assert "Məmmədov Elçin Vaqif oğlu" in text  # the name before
    history.close()
    assert errors == []


def test_a_lawyer_sees_the_actions_only_on_the_cases_assigned_to_them(
    qtbot: Any,
    admin_session: app.AppSession,
    data_dir: Path,
    world: dict[str, str],
    contexts: list[GuiContext],
) -> None:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    leyla = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    try:
        ctx = _ctx(leyla)
        contexts.append(ctx)
        view = _view(qtbot, ctx, world["number"])  # the administrator's case
        view.tabs.setCurrentWidget(view.parties_tab)
        assert not view.parties_tab.edit.isVisibleTo(view)
        assert view.parties_tab.edit_party() is None
        view.tabs.setCurrentWidget(view.deadlines_tab)
        assert not view.deadlines_tab.edit.isVisibleTo(view)
        assert view.deadlines_tab.edit_deadline() is None
        # hers once assigned to her
        admin_session.cases.assign(world["number"], LAWYER)
        view.show_case(world["number"])
        qtbot.waitUntil(
            lambda: view.detail is not None and view.detail.assigned_lawyer == LAWYER,
            timeout=WAIT,
        )
        assert view.deadlines_tab.edit.isVisibleTo(view)
        view.tabs.setCurrentWidget(view.parties_tab)
        assert view.parties_tab.edit.isVisibleTo(view)
    finally:
        leyla.close()
