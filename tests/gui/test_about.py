"""Help › About says the version and the schema revision, as ``legalaid --version`` does."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import tomllib
from pathlib import Path

from alembic.script import ScriptDirectory
from gui_fixtures import (  # noqa: F401 - fixtures
    main_window,
    opened_admin,
    tasks,
    ui_settings,
)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from legalaid_desktop.cli.version_option import version_text
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.store.migrate import alembic_config

ROOT = Path(__file__).resolve().parents[2]


def test_about_shows_the_version_and_the_schema_revision(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    with (ROOT / "pyproject.toml").open("rb") as f:
        expected_version = tomllib.load(f)["project"]["version"]
    heads = sorted(ScriptDirectory.from_config(alembic_config()).get_heads())
    seen: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.windowTitle(), box.text()))
            box.accept()

    QTimer.singleShot(0, read_and_close)
    main_window.about()  # QMessageBox.about runs its own event loop until closed
    assert len(seen) == 1
    title, text = seen[0]
    assert title == "About LegalAid Desktop"
    assert text.splitlines() == [
        f"LegalAid Desktop {expected_version}",
        "Case management for legal-aid centers.",
        "",
        f"Schema revision: {'+'.join(heads)}",
    ]
    # the same two facts as the command line's --version
    for line in version_text().splitlines():
        assert line in text.splitlines()


def test_the_help_menu_opens_about(qtbot: QtBot, main_window: MainWindow) -> None:
    assert main_window.about_action in main_window.help_menu.actions()
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()

    QTimer.singleShot(0, read_and_close)
    main_window.about_action.trigger()
    assert len(seen) == 1 and "Schema revision: " in seen[0]
