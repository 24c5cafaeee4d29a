"""The import wizard on a real store with a real spreadsheet (issue 20): the file read in the
background, the guessed columns, an unknown region read through the value map, the preview's
problems on their cells, a likely duplicate decided, the import with its summary; Stop leaves
the store as it was; the mapping saved and loaded; no button for a lawyer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWizard

from conftest import LAWYER, LAWYER_PASSWORD
from import_support import center_xlsx
from legalaid_desktop import app, i18n
from legalaid_desktop.devtools.center_sheet import SheetSpec, write_center_xlsx
from legalaid_desktop.domain.cases import ClientInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.import_wizard import ImportWizard
from legalaid_desktop.gui.models.import_preview import BLOCKING
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.services.import_report import ImportReport

WAIT = 60_000
EXTRA = [
    [9, "Həsənov", "Tural", "Nazim", "K", "31.12.2999", None, "Gorambay", "Ailə", "Nikah",
     "01.04.2024", None],
    [10, "Babayeva", "Nərmin", "Elşən", "Q", date(1995, 3, 4), "070 555 66 77", "Gorambay",
     "Əmək", "Maaş", "02.04.2024", "leyla"],
]  # fmt: skip


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.clients.register(
        ClientInput(full_name="Кулиева Сабина Арифовна", gender="female", region="AZ-GA",
                    birth_year=1988)
    )  # fmt: skip
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def _wizard(qtbot: Any, gui_ctx: GuiContext) -> ImportWizard:
    page = ClientsPage(gui_ctx)
    qtbot.addWidget(page)
    assert page.import_button.isVisibleTo(page)
    wizard = page.import_button.open_wizard()
    assert isinstance(wizard, ImportWizard)
    qtbot.addWidget(wizard)
    return wizard


def _next(qtbot: Any, wizard: ImportWizard) -> None:
    before = wizard.currentId()
    qtbot.waitUntil(
        lambda: wizard.button(QWizard.WizardButton.NextButton).isEnabled(), timeout=WAIT
    )
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == before + 1, timeout=WAIT)


def test_a_center_list_through_the_wizard(qtbot: Any, gui_ctx: GuiContext, tmp_path: Path) -> None:
    wizard = _wizard(qtbot, gui_ctx)
    wizard.file_page.choose(center_xlsx(tmp_path / "list.xlsx", EXTRA))
    qtbot.waitUntil(lambda: wizard.file_page.isComplete(), timeout=WAIT)
    assert "7 rows" not in wizard.file_page.status.text()
    assert "12 columns" in wizard.file_page.status.text()
    _next(qtbot, wizard)

    columns = wizard.columns_page
    assert (columns.header_row.value(), columns.header_rows.value()) == (2, 2)
    assert columns.combos[7].currentData() == "region"
    assert columns.table.item(1, 1).text() == "Müraciət edən / Soyadı"
    _next(qtbot, wizard)

    values = wizard.values_page
    qtbot.waitUntil(values.isComplete, timeout=WAIT)
    ((field, raw, combo),) = values.combos
    assert (field, raw, combo.currentData()) == ("region", "Gorambay", "AZ-GOR")  # suggested
    _next(qtbot, wizard)

    preview = wizard.preview_page
    qtbot.waitUntil(lambda: preview.model.preview is not None, timeout=WAIT)
    model = preview.model
    rows = [model.data(model.index(r, 0, QModelIndex())) for r in range(model.rowCount())]
    assert rows == ["3", "4", "6", "7", "8", "9", "10"]  # row 5 empty, skipped
    birth = 1 + model.fields.index("birth")
    bad = model.index(rows.index("9"), birth, QModelIndex())
    assert model.data(bad, Qt.ItemDataRole.BackgroundRole).color() == BLOCKING
    assert "The date is in the future." in model.data(bad, Qt.ItemDataRole.ToolTipRole)
    region = model.index(rows.index("10"), 1 + model.fields.index("region"), QModelIndex())
    assert model.data(region) == "Goranboy District"  # read through the value map
    assert not preview.isComplete()  # a row with a problem: import the others, or go back
    assert preview.problems.count() >= 1
    preview.skip_invalid.setChecked(True)
    assert preview.isComplete()
    _next(qtbot, wizard)

    run = wizard.run_page
    qtbot.mouseClick(run.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run.duplicates.isVisible(), timeout=WAIT)
    assert list(run.decisions) == [7]
    assert "Кулиева Сабина Арифовна" in run.duplicates.item(0, 2).text()
    assert gui_ctx.services.clients.count() == 1  # nothing imported yet
    combo = run.decisions[7]
    combo.setCurrentIndex(combo.findData("merge"))
    reports: list[ImportReport] = []
    wizard.imported.connect(reports.append)
    qtbot.mouseClick(run.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(reports), timeout=WAIT)
    assert "  New clients: 4\n" in run.result.text()
    assert "  Rows merged into a client: 1\n" in run.result.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert gui_ctx.services.clients.count() == 5


def test_stop_leaves_the_store_as_it_was_and_the_mapping_is_kept(
    qtbot: Any, gui_ctx: GuiContext, tmp_path: Path
) -> None:
    sheet = write_center_xlsx(tmp_path / "big.xlsx", SheetSpec(rows=300, lawyers=("leyla",)))
    wizard = _wizard(qtbot, gui_ctx)
    wizard.file_page.choose(sheet)
    qtbot.waitUntil(lambda: wizard.file_page.isComplete(), timeout=WAIT)
    _next(qtbot, wizard)
    mapping = tmp_path / "mapping.json"
    wizard.columns_page.combos[10].setCurrentIndex(0)  # "Əlillik" not imported
    wizard.columns_page.save_to(mapping)
    saved = json.loads(mapping.read_text("utf-8"))
    assert "K" not in saved["columns"] and saved["columns"]["I"] == "region"
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    wizard.preview_page.skip_invalid.setChecked(True)
    _next(qtbot, wizard)
    run = wizard.run_page
    qtbot.mouseClick(run.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run.progress.maximum() > 0, timeout=WAIT)
    qtbot.mouseClick(run.stop_button, Qt.MouseButton.LeftButton)
    wizard.reject()  # Escape while it stops: still stopping, not closing
    assert wizard.isVisible()
    qtbot.waitUntil(lambda: not run.running, timeout=WAIT)
    assert run.error.text() == "Stopped: nothing was imported."
    assert gui_ctx.services.clients.count() == 1

    again = _wizard(qtbot, gui_ctx)
    again.file_page.load_mapping(mapping)
    qtbot.waitUntil(lambda: again.loaded_mapping, timeout=WAIT)
    again.file_page.choose(sheet)
    qtbot.waitUntil(lambda: again.file_page.isComplete(), timeout=WAIT)
    _next(qtbot, again)
    assert again.columns_page.combos[10].currentData() is None


def test_no_import_button_for_a_lawyer(qtbot: Any, store_with_lawyer: Path) -> None:
    i18n.set_language("en")
    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    try:
        ctx = GuiContext(services=session, tasks=TaskRunner(), catalog=session.reference())
        page = ClientsPage(ctx)
        qtbot.addWidget(page)
        assert not page.import_button.isVisibleTo(page)
        assert page.import_button.open_wizard() is None
        ctx.tasks.wait()
    finally:
        session.close()


def test_escape_asks_before_the_choices_are_lost(
    qtbot: Any, gui_ctx: GuiContext, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, gui_ctx)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # looked at after closing
    assert not wizard.has_unsaved_work()  # nothing chosen yet: Esc would simply close
    wizard.file_page.choose(center_xlsx(tmp_path / "list.xlsx", EXTRA))
    qtbot.waitUntil(lambda: wizard.file_page.isComplete(), timeout=WAIT)
    _next(qtbot, wizard)
    wizard.columns_page.combos[0].setCurrentIndex(1)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    box = wizard.discard_box
    assert box is not None and box.isVisible()
    assert wizard.isVisible()
    keep = box.escapeButton()
    assert keep is not None
    keep.click()
    qtbot.waitUntil(lambda: wizard.discard_box is None, timeout=WAIT)
    assert wizard.isVisible() and wizard.currentId() == 1
    assert wizard.columns_page.combos[0].currentIndex() == 1  # the choice is still there
    wizard.reject()
    box = wizard.discard_box
    assert box is not None
    discard = next(b for b in box.buttons() if b is not box.escapeButton())
    discard.click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
