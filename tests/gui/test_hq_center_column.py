"""At HQ the client and case lists show each row's center and filter by center; at a center
neither shows. A real network: HQ and two centers enrolled, their bundles imported at HQ."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from legalaid_desktop import app, i18n
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.models.columns import CASE_CENTER_COLUMN, CLIENT_CENTER_COLUMN
from legalaid_desktop.gui.pages.cases import CasesPage
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import Progress, TaskRunner
from sync_support import PASSWORD, add_case, enroll, make_node, sync

WAIT = 15_000


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("network")
    hq = make_node(root, "BAK", hq=True, name="Bakı qərargahı")
    centers = [make_node(root, "GNJ", name="Gəncə mərkəzi"), make_node(root, "LNK")]
    for center in centers:
        enroll(hq, center, root)
    add_case(centers[0], "Əliyev Rəşad İsmayıl oğlu")
    add_case(centers[0], "Babayeva Aynur Vüqar qızı", phone="+994 50 222 33 44")
    add_case(centers[1], "Zeynalov Kamran Elçin oğlu", phone="+994 55 999 88 77")
    for center in centers:
        up = sync(center).export(root / f"{center.ws.node_code}.bundle")
        sync(hq).import_bundle(up.path)
        center.close()
    hq.close()
    return root


@pytest.fixture
def hq_ctx(qapp: object, network: Path) -> Iterator[GuiContext]:
    i18n.set_language("en")
    session = app.login(network / "bak", "admin", PASSWORD)
    ctx = GuiContext(services=session, tasks=TaskRunner(), catalog=session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    session.close()
    assert errors == []


def _column(page: Any, column: int) -> list[str]:
    model = page.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_hq_lists_show_and_filter_by_center(qtbot: Any, hq_ctx: GuiContext, tmp_path: Path) -> None:
    clients = ClientsPage(hq_ctx)
    qtbot.addWidget(clients)
    clients.show()
    qtbot.waitUntil(lambda: clients.center.isVisible(), timeout=WAIT)
    assert not clients.table.isColumnHidden(CLIENT_CENTER_COLUMN)
    qtbot.waitUntil(lambda: clients.model.rowCount() == 3, timeout=WAIT)
    assert sorted(_column(clients, CLIENT_CENTER_COLUMN)) == ["GNJ", "GNJ", "LNK"]
    combo = clients.center.combo
    assert [combo.itemData(i) for i in range(combo.count())] == [None, "GNJ", "LNK"]
    combo.setFocus()
    qtbot.keyClick(combo, "L")  # the keyboard picks "LNK — …"
    qtbot.waitUntil(lambda: _column(clients, 0) == ["Zeynalov Kamran Elçin oğlu"], timeout=WAIT)

    cases = CasesPage(hq_ctx)
    qtbot.addWidget(cases)
    cases.show()
    qtbot.waitUntil(lambda: cases.center.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: cases.model.rowCount() == 3, timeout=WAIT)
    cases.center.combo.setCurrentIndex(cases.center.combo.findData("GNJ"))
    qtbot.waitUntil(lambda: _column(cases, CASE_CENTER_COLUMN) == ["GNJ", "GNJ"], timeout=WAIT)
    # the export of the list keeps its center
    target = tmp_path / "gnj.xlsx"
    result = cases._export_job()(target, "xlsx")(Progress(lambda _d, _t: None))
    assert result.rows == 2
    rows = list(openpyxl.load_workbook(target)["Cases"].iter_rows(values_only=True))
    assert {r[6] for r in rows[1:]} == {"GNJ"}


def test_a_center_shows_no_center_column(qtbot: Any, network: Path) -> None:
    i18n.set_language("en")
    session = app.login(network / "gnj", "admin", PASSWORD)
    ctx = GuiContext(services=session, tasks=TaskRunner(), catalog=session.reference())
    try:
        page = ClientsPage(ctx)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=WAIT)
        ctx.tasks.wait()
        qtbot.wait(50)
        assert page.center.isHidden()
        assert page.table.isColumnHidden(CLIENT_CENTER_COLUMN)
        assert page.center.is_hq is False
    finally:
        ctx.tasks.wait()
        session.close()
