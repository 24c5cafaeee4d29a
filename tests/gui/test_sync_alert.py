"""The Sync screen shows an audit anchor alert: in the import message and in the history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legalaid_desktop import app
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.sync import SyncPage
from legalaid_desktop.gui.tasks import TaskRunner
from sync_support import add_case, enroll, make_node, rewrite_audit_log, sync

WAIT = 20_000


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    enroll(hq, gnj, tmp_path)
    yield hq, gnj
    hq.close()
    gnj.close()


def test_an_anchor_alert_shows_on_the_import_and_in_the_history(
    qtbot: Any, qapp: object, pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    add_case(gnj)
    with gnj.ws.write() as s:
        gnj.ws.audit(s, "pdf_case_save", "case", "GNJ-2026-0001", {})
    sync(hq).import_bundle(sync(gnj).export(tmp_path / "1.bundle").path)
    sync(gnj).import_bundle(sync(hq).export(tmp_path / "2.bundle", to="GNJ").path)
    rewrite_audit_log(gnj, drop="pdf_case_save")
    path = sync(gnj).export(tmp_path / "3.bundle").path

    errors: list[BaseException] = []
    ctx = GuiContext(services=hq, tasks=TaskRunner(), catalog=hq.reference())
    ctx.tasks.error_handler = errors.append
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.overview is not None, timeout=WAIT)
    page.open_bundle(path)
    view = page.import_view
    qtbot.waitUntil(lambda: view.report is not None, timeout=WAIT)
    assert view.report is not None and view.report.verdict == "verified"
    view.result = None
    view.apply_button.click()
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT)
    assert "Security alert" in view.message.text()
    history = page.history_view
    qtbot.waitUntil(lambda: len(history.rows) == 3, timeout=WAIT)
    row = next(i for i, r in enumerate(history.rows) if r.direction == "in" and r.seq == 2)
    status = history.table.item(row, 6)
    assert status.text() == "Imported, with a security alert"
    assert "rewritten" in status.toolTip()
    ctx.tasks.wait()
    assert errors == []
