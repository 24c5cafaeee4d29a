"""The first-run wizard creates a real store and shows the recovery key once."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import re
from datetime import date
from functools import partial
from pathlib import Path

import pypdf
from gui_fixtures import tasks, ui_settings  # noqa: F401 - fixtures
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from legalaid_desktop import app, i18n
from legalaid_desktop.gui.recovery_sheet import key_lines, paint_recovery_sheet
from legalaid_desktop.gui.secret_clipboard import secret_clipboard
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.gui.wizard import FirstRunWizard
from legalaid_desktop.store.vault import FLOOR, format_recovery_key

PASSWORD = "Gence-admin-2026!"


def _wizard(qtbot: QtBot, data_dir: Path, tasks: TaskRunner) -> FirstRunWizard:
    wizard = FirstRunWizard(
        data_dir, tasks, language="en", create_store=partial(app.create, kdf=FLOOR)
    )
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _next_enabled(wizard: FirstRunWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_wizard_creates_store_and_shows_key_once(
    qtbot: QtBot, data_dir: Path, tasks: TaskRunner
) -> None:
    wizard = _wizard(qtbot, data_dir, tasks)
    wizard.kind.center.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.node

    wizard.node.code.setText("gnj1")
    assert wizard.node.code_message.isVisibleTo(wizard.node)  # validated as you type
    assert not wizard.node.isComplete()
    wizard.node.code.setText("GNJ")
    wizard.node.name.setText("Gəncə hüquqi yardım mərkəzi")
    assert not wizard.node.code_message.isVisibleTo(wizard.node)
    assert _next_enabled(wizard)
    wizard.next()

    page = wizard.admin
    page.username.setText("Elchin")
    assert page.username_message.text()  # capital letters are refused
    page.username.setText("elchin")
    page.full_name.setText("Məmmədov Elçin Vaqif oğlu")
    page.passwords.password.setText("short")
    assert page.passwords.password_message.text()
    assert page.passwords.meter.value() <= 1
    page.passwords.password.setText(PASSWORD)
    page.passwords.repeat.setText(PASSWORD + "x")
    assert page.passwords.repeat_message.text()
    assert not page.isComplete()
    page.passwords.repeat.setText(PASSWORD)
    assert page.passwords.meter.value() >= 3
    assert page.isComplete()
    wizard.next()

    # creation runs in the background, then the key page comes by itself
    assert wizard.currentPage() is wizard.create_page
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.key_page, timeout=20_000)
    key = wizard.recovery_key
    assert wizard.key_page.key.text().replace("\n", "-") == key
    assert len(key.replace("-", "")) >= 50
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    wizard.reject()  # leaving now would lose the key: refused
    assert wizard.isVisible()

    wizard.key_page.copy_button.click()
    assert QGuiApplication.clipboard().text() == key
    copied = QGuiApplication.clipboard().mimeData()  # kept out of clipboard histories
    assert bytes(copied.data("x-kde-passwordManagerHint").data()) == b"secret"
    assert bytes(copied.data("CanIncludeInClipboardHistory").data()) == bytes(4)
    assert secret_clipboard().holding  # and cleared in 30 seconds
    wizard.key_page.stored.setChecked(True)
    assert finish.isEnabled()
    with qtbot.waitSignal(wizard.created, timeout=5000) as created:
        finish.click()
    session = created.args[0]
    try:
        assert session.actor.username == "elchin"
        assert session.actor.node_code == "GNJ"
    finally:
        WriteOp(tasks, session.close).run()
        tasks.wait()
    # the key is gone from the screen and the clipboard, and it really opens the store
    assert wizard.key_page.key.text() == ""
    assert wizard.recovery_key == ""
    assert QGuiApplication.clipboard().text() != key
    recovered = app.recover(data_dir, key)
    recovered.close()


def test_wizard_reports_a_failed_creation(qtbot: QtBot, tmp_path: Path, tasks: TaskRunner) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    wizard = _wizard(qtbot, blocker / "store", tasks)
    wizard.next()
    wizard.node.code.setText("QBA")
    wizard.node.name.setText("Quba")
    wizard.next()
    wizard.admin.username.setText("admin")
    wizard.admin.full_name.setText("Admin")
    wizard.admin.passwords.password.setText(PASSWORD)
    wizard.admin.passwords.repeat.setText(PASSWORD)
    wizard.next()
    page = wizard.create_page
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    assert page.error.text()
    assert wizard.currentPage() is page
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()


def test_recovery_sheet_shows_the_key_node_and_date(qapp: object, tmp_path: Path) -> None:
    """Paint the sheet on a PDF printer and read the text back: the whole key, the center and
    the date are on the page (dark pixels alone would pass with the key left out)."""
    key = format_recovery_key(bytes(range(1, 33)))
    out = tmp_path / "sheet.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    painter = QPainter(printer)
    with i18n.language("en"):
        paint_recovery_sheet(
            painter,
            printer.pageRect(QPrinter.Unit.DevicePixel),
            key=key,
            node_code="GNJ",
            node_name="Gəncə mərkəzi",
            on=date(2026, 3, 5),
        )
    painter.end()
    pages = [page.extract_text() for page in pypdf.PdfReader(out).pages]
    assert len(pages) == 1
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in pages[0].splitlines()]
    text = "\n".join(lines)
    key_on_paper = [line for line in lines if re.fullmatch(r"[A-Z0-9]{1,4}(-[A-Z0-9]{1,4})+", line)]
    assert key_on_paper == key_lines(key).splitlines(), text
    assert "-".join(key_on_paper) == key
    assert "Center: GNJ – Gəncə mərkəzi" in text
    assert "Date: 05.03.2026" in text
    assert "recovery key" in text
