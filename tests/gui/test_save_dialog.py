"""The "save as" dialog of the exports and reports: a name typed without a suffix gets the
suffix of the file type chosen, and the path reaches the caller."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from legalaid_desktop.gui.widgets.save_dialog import save_file_dialog

KINDS = [("Excel workbooks (*.xlsx)", "xlsx"), ("CSV files (*.csv)", "csv")]


@pytest.mark.parametrize(("kind", "suffix"), [(0, "xlsx"), (1, "csv")])
def test_the_chosen_type_gives_its_suffix(
    qtbot: QtBot, tmp_path: Path, kind: int, suffix: str
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    got: list[Path] = []
    dialog = save_file_dialog(parent, "Export", "clients-2026.xlsx", KINDS, got.append)
    assert dialog.isVisible() and dialog.windowTitle() == "Export"
    assert dialog.selectedNameFilter() == KINDS[0][0]
    dialog.selectNameFilter(KINDS[kind][0])
    dialog.filterSelected.emit(KINDS[kind][0])  # what choosing it in the list sends
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()), timeout=5_000)
    name.selectAll()
    qtbot.keyClicks(name, str(tmp_path / "hesabat"))
    QApplication.processEvents()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Save
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    assert got == [tmp_path / f"hesabat.{suffix}"]
