"""The reference-list editor at HQ (issue 19): HQ's administrator adds grant codes, edits one
(its code read-only), retires one after a question (the last one in use stays); the list's
version shows; the labels reach the other screens. A center, and an HQ analyst, do not see the
screen. Real encrypted stores, real widgets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_fixtures import main_window, opened_admin, tasks, ui_settings  # noqa: F401 - fixtures
from PySide6.QtCore import Qt

from legalaid_desktop import app, i18n
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.reference_dialog import ReferenceItemDialog
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.navigation import visible_specs
from legalaid_desktop.gui.pages import reference_lists
from legalaid_desktop.gui.pages.reference_lists import ReferenceListsPage
from legalaid_desktop.gui.session_loader import loaded
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.ui_settings import UiSettings
from sync_support import PASSWORD, make_node

WAIT = 20_000
KEY = "reference_lists"


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[app.AppSession]:
    session = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    yield session
    session.close()


@pytest.fixture
def contexts(qapp: object) -> Iterator[Callable[..., GuiContext]]:
    made: list[GuiContext] = []
    errors: list[BaseException] = []

    def make(session: app.AppSession, *, at_hq: bool) -> GuiContext:
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


def _page(qtbot: Any, ctx: GuiContext, kind: str) -> ReferenceListsPage:
    page = ReferenceListsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.choose_list(kind)
    qtbot.waitUntil(lambda: page.kind == kind and page.loaded, timeout=WAIT)
    return page


def _rows(page: ReferenceListsPage) -> list[list[str]]:
    table = page.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _add(qtbot: Any, page: ReferenceListsPage, code: str, labels: tuple[str, str, str]) -> None:
    dialog = page.add()
    assert isinstance(dialog, ReferenceItemDialog) and page.active_dialog is dialog
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.code
    qtbot.keyClicks(dialog.code, code)
    for box, text in zip(dialog.labels.values(), labels, strict=True):
        box.setText(text)
    assert dialog.revalidate()
    dialog.submit()
    qtbot.waitUntil(lambda: page.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: code in [r[0] for r in _rows(page)], timeout=WAIT)


def test_hq_adds_grant_codes_edits_and_retires_one(
    qtbot: Any,
    hq: app.AppSession,
    contexts: Callable[..., GuiContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = contexts(hq, at_hq=True)
    page = _page(qtbot, ctx, "grant_codes")
    names = [page.list_choice.itemText(i) for i in range(page.list_choice.count())]
    assert names == [
        "Legal areas",
        "Corruption sectors",
        "Types of corrupt conduct",
        "Case outcomes",
        "Referral bodies",
        "Referral results",
        "Grant codes",
    ]
    # nothing yet: the empty list says so, and what its first code changes
    assert page.empty.isVisibleTo(page) and not page.table.isVisibleTo(page)
    assert page.version.text() == "Grant codes: no code yet."
    assert page.grant_note.isVisibleTo(page)
    assert not page.edit_button.isEnabled() and not page.retire_button.isEnabled()
    messages: list[str] = []
    page.status_message.connect(messages.append)

    _add(qtbot, page, "ADB-2026-01", ("ADB qrantı 2026", "Грант АБР 2026", "ADB grant 2026"))
    assert _rows(page) == [
        ["ADB-2026-01", "ADB qrantı 2026", "Грант АБР 2026", "ADB grant 2026", "In use"]
    ]
    assert page.version.text() == (
        "Grant codes: version 1. The centers receive it with their next bundle from HQ."
    )
    assert messages[-1] == "Grant codes: ADB-2026-01 saved (version 1)."
    # the other screens read the labels from the reloaded reference data
    qtbot.waitUntil(lambda: "grant_codes" in ctx.catalog, timeout=WAIT)
    assert ctx.label("grant_codes", "ADB-2026-01") == "ADB grant 2026"

    # a code the list has already is refused at its field, before saving
    again = page.add()
    assert isinstance(again, ReferenceItemDialog)
    again.code.setText("ADB-2026-01")
    again.touch_all()
    assert again.field_error("code") == (
        "The list has the code ADB-2026-01 already: choose it in the list and edit it."
    )
    again.code.setText("ADB 2026")
    again.touch_all()
    assert again.field_error("code").startswith("'ADB 2026' is not a code")
    again.reject()

    _add(qtbot, page, "EU-LA-3", ("AB hüquqi yardım", "Правовая помощь ЕС", "EU legal aid"))
    assert [r[0] for r in _rows(page)] == ["ADB-2026-01", "EU-LA-3"]

    # edit: the code stays, the labels change (Enter on the chosen row)
    page.table.setCurrentCell(1, 0)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    edit = page.active_dialog
    assert isinstance(edit, ReferenceItemDialog) and edit.item is not None
    qtbot.waitExposed(edit)
    assert edit.code.isReadOnly() and edit.code.text() == "EU-LA-3"
    assert edit.focusWidget() is edit.labels["az"]
    assert edit.windowTitle() == "Edit EU-LA-3 — Grant codes"
    edit.labels["en"].setText("EU legal aid 2026")
    edit.submit()
    qtbot.waitUntil(lambda: page.active_dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: _rows(page)[1][3] == "EU legal aid 2026", timeout=WAIT)
    assert page.list_version() == 3

    # retire, after the question: the row stays, retired; no new case can take it
    asked: list[str] = []
    monkeypatch.setattr(
        reference_lists, "confirm", lambda _parent, _title, text: asked.append(text) or True
    )
    page.table.setCurrentCell(0, 0)
    qtbot.mouseClick(page.retire_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("Retire ADB-2026-01 (ADB grant 2026) from Grant codes?")
    assert "the records that have it keep it" in asked[0]
    qtbot.waitUntil(lambda: _rows(page)[0][4] == "Retired", timeout=WAIT)
    assert not page.retire_button.isEnabled()  # the chosen row is the retired one
    assert messages[-1] == "Grant codes: ADB-2026-01 retired (version 4)."
    items = {i.code: i.active for i in hq.reference_editor.items("grant_codes")}
    assert items == {"ADB-2026-01": False, "EU-LA-3": True}

    # the last code in use stays: the service's refusal is shown on the page
    page.table.setCurrentCell(1, 0)
    qtbot.mouseClick(page.retire_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.isVisibleTo(page), timeout=WAIT)
    assert page.message.text() == "A list keeps at least one code in use."
    assert _rows(page)[1][4] == "In use"


def test_the_editor_shows_only_at_hq_to_its_administrators(
    qtbot: Any, hq: app.AppSession, admin_session: app.AppSession, tmp_path: Path
) -> None:
    def keys(session: app.AppSession, at_hq: bool) -> list[str]:
        ctx = GuiContext(
            services=session, tasks=TaskRunner(), catalog=session.reference(), at_hq=at_hq
        )
        return [s.key for s in visible_specs(ctx)]

    assert KEY in keys(hq, True)
    assert KEY not in keys(admin_session, False)  # a center's administrator
    hq.users.add("nigar", "Quliyeva Nigar Əli qızı", "hq_analyst", PASSWORD)
    analyst = app.login(tmp_path / "bak", "nigar", PASSWORD)
    try:
        assert KEY not in keys(analyst, True)
    finally:
        analyst.close()


def test_the_main_window_lists_the_editor_at_hq_only(
    qtbot: Any,
    hq: app.AppSession,
    main_window: MainWindow,  # noqa: F811 - a center's window
    tasks: TaskRunner,  # noqa: F811
    ui_settings: UiSettings,  # noqa: F811
    tmp_path: Path,
) -> None:
    def labels(window: MainWindow) -> list[str]:
        return [window.nav.item(i).text() for i in range(window.nav.count())]

    assert "Reference lists" not in labels(main_window)
    assert main_window.page(KEY) is None
    opened = loaded(hq)
    assert opened.at_hq
    window = MainWindow(opened, tmp_path / "bak", tasks, ui_settings)
    qtbot.addWidget(window)
    window.show()
    try:
        assert "Reference lists" in labels(window)
        window.go(KEY)
        page = window.page(KEY)
        assert isinstance(page, ReferenceListsPage)
        qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
        assert page.kind == "legal_areas" and page.table.rowCount() > 0
    finally:
        window.idle.stop()
        tasks.wait()
