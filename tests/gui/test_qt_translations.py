"""Qt's own strings follow the interface language: buttons, message boxes, the file dialog.

PySide6 ships ``qtbase_ru.qm`` and ``qtbase_en.qm``; Azerbaijani comes from our
``resources/locale/qt/qtbase_az.ts`` (compiled to the ``.qm`` beside it, which must be up to
date). The language switches at run time from the login screen and from Settings.
"""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_fixtures import (  # noqa: F401 - fixtures
    main_window,
    opened_admin,
    tasks,
    ui_settings,
)
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from legalaid_desktop import i18n
from legalaid_desktop.gui.application import (
    installed_qt_language,
    own_qt_translations_dir,
    qt_translations_dir,
)
from legalaid_desktop.gui.main import Launcher
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.ui_settings import UiSettings

TS_FILES = sorted(own_qt_translations_dir().glob("*.ts"))


def _messages(ts: Path) -> list[tuple[str, str, str]]:
    root = ET.parse(ts).getroot()
    found = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found.append((name, message.findtext("source") or "", message.findtext("translation")))
    return found  # type: ignore[return-value]


def test_qt_ships_russian_and_english_but_no_azerbaijani() -> None:
    shipped = qt_translations_dir()
    assert (shipped / "qtbase_ru.qm").is_file()
    assert (shipped / "qtbase_en.qm").is_file()
    # the reason for our own catalog; if Qt ever ships one, prefer it
    assert not (shipped / "qtbase_az.qm").exists()
    assert [p.name for p in TS_FILES] == ["qtbase_az.ts", "qtbase_extra_ru.ts"]


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_compiled_qm_is_up_to_date_with_ts(qapp: object, ts: Path) -> None:
    """Every message of the .ts is in the committed .qm with the same translation (else run
    ``scripts/build_qt_translations.py``)."""
    translator = QTranslator()
    assert translator.load(str(ts.with_suffix(".qm")))
    messages = _messages(ts)
    assert len(messages) > 5
    for context, source, translation in messages:
        assert translation, (context, source)
        assert translator.translate(context, source) == translation, (context, source)


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_placeholders_and_accelerators_match(ts: Path) -> None:
    for context, source, translation in _messages(ts):
        assert sorted(re.findall(r"%\d", source)) == sorted(re.findall(r"%\d", translation))
        accelerators = len(re.findall(r"&(?!&|nbsp;|quot;|amp;)", source.replace("&&", "")))
        got = len(re.findall(r"&(?!&|nbsp;|quot;|amp;)", translation.replace("&&", "")))
        assert accelerators == got, (context, source, translation)
        assert source.count("\n") == translation.count("\n"), (context, source)


def _button_texts() -> dict[str, str]:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Save
        | QDialogButtonBox.StandardButton.Close
    )
    texts = {
        "cancel": box.button(QDialogButtonBox.StandardButton.Cancel).text(),
        "save": box.button(QDialogButtonBox.StandardButton.Save).text(),
        "close": box.button(QDialogButtonBox.StandardButton.Close).text(),
    }
    box.deleteLater()
    return texts


def _file_name_label(dialog: QFileDialog) -> str:
    label = dialog.findChild(QLabel, "fileNameLabel")
    assert label is not None
    return label.text()


def _look_in_label(dialog: QFileDialog) -> str:
    label = dialog.findChild(QLabel, "lookInLabel")
    assert label is not None
    return label.text()


@pytest.fixture
def file_dialog(qtbot: QtBot) -> Iterator[QFileDialog]:
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    yield dialog


def test_settings_switch_translates_qt_dialogs_at_runtime(
    qtbot: QtBot, main_window: MainWindow, file_dialog: QFileDialog
) -> None:
    page = main_window.page("settings")
    combo = page.language  # type: ignore[attr-defined]
    assert _button_texts()["cancel"] == "Cancel"
    qtbot.waitUntil(lambda: _file_name_label(file_dialog) == "File &name:")

    combo.setCurrentIndex(combo.findData("ru"))
    assert installed_qt_language() == "ru"
    assert _button_texts() == {"cancel": "Отмена", "save": "Сохранить", "close": "Закрыть"}
    # a Qt dialog that is already open follows (the LanguageChange event), like our own labels
    qtbot.waitUntil(lambda: _file_name_label(file_dialog) == "&Имя файла:")
    # Qt 6.11 says "&Look in:", which Qt's own Russian catalog lacks: ours fills the gap
    assert _look_in_label(file_dialog) == "&Перейти к:"
    assert main_window.nav.item(0).text() == i18n._("Dashboard") != "Dashboard"

    combo.setCurrentIndex(combo.findData("az"))
    assert installed_qt_language() == "az"
    assert _button_texts() == {"cancel": "İmtina", "save": "Yadda saxla", "close": "Bağla"}
    qtbot.waitUntil(lambda: _file_name_label(file_dialog) == "Faylın &adı:")
    assert _look_in_label(file_dialog) == "&Harada:"
    assert main_window.nav.item(0).text() == "Ümumi baxış"

    combo.setCurrentIndex(combo.findData("en"))
    assert _button_texts()["cancel"] == "Cancel"
    qtbot.waitUntil(lambda: _file_name_label(file_dialog) == "File &name:")


def test_message_box_details_button_in_azerbaijani(qtbot: QtBot, main_window: MainWindow) -> None:
    main_window.set_language("az")
    box = QMessageBox(QMessageBox.Icon.Warning, "x", "y", QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    box.setDetailedText("details")
    texts = {button.text() for button in box.findChildren(QPushButton)}
    assert "Təfərrüatları göstər..." in texts
    # the file dialog's column header and its "Folder" kind come from Qt's models
    assert QCoreApplication.translate("QFileSystemModel", "Date Modified") == "Dəyişmə tarixi"
    main_window.set_language("ru")
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "Папка"


def test_login_screen_switch_translates_qt_strings(
    qtbot: QtBot, store_with_lawyer: Path, ui_settings: UiSettings
) -> None:
    launcher = Launcher(store_with_lawyer, ui_settings)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.login is not None, timeout=5000)
    login = launcher.login
    assert login is not None
    try:
        login.language.setCurrentIndex(login.language.findData("az"))
        assert _button_texts()["cancel"] == "İmtina"
        assert login.password_label.text() == "&Parol:"
        login.language.setCurrentIndex(login.language.findData("ru"))
        assert _button_texts()["cancel"] == "Отмена"
    finally:
        login.close()
        login.deleteLater()
        launcher.tasks.wait()


# Azerbaijani alphabetical order: a b c ç d e ə f g ğ h x ı i j k q l m n o ö p r s ş t u ü v y z
AZ_ORDERED = [
    "Abbasov Cavid",
    "Cəfərov Elçin",
    "Çingizov Anar",
    "Eldarov Rauf",
    "Əliyev Nicat",
    "Hüseynov Vüqar",
    "Xəlilov Orxan",
    "Işıqlı Aygün",
    "İsmayılov Tural",
    "Kərimov Samir",
    "Qasımov Elnur",
    "Orucov Fərid",
    "Ömərov Kamal",
    "Səfərov Murad",
    "Şahbazov Emin",
    "Uğurlu Leyla",
    "Ülviyyəli Nərmin",
]


def test_clients_list_is_in_azerbaijani_alphabetical_order(
    qtbot: QtBot, main_window: MainWindow, admin_session: object
) -> None:
    from legalaid_desktop.domain.cases import ClientInput, ConsentInput
    from legalaid_desktop.i18n.dates import today

    session: Any = admin_session
    for name in reversed(AZ_ORDERED):
        session.clients.register(
            ClientInput(full_name=name, gender="female", region="AZ-BA"),
            ConsentInput(given_on=today()),
        )
    assert sorted(AZ_ORDERED) != AZ_ORDERED  # code-point order would be wrong
    main_window.set_language("az")
    main_window.go("clients")
    page: Any = main_window.page("clients")
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == len(AZ_ORDERED), timeout=10_000)
    shown = [page.model.row(i).full_name for i in range(page.model.rowCount())]
    assert shown == AZ_ORDERED
