"""What a screen shows, as text, and whether it is in the language chosen.

:func:`visible_texts` reads the texts a user sees on a widget and its visible children (the
title, labels, buttons, group titles, placeholders, tab titles, table headers, list items,
combo box entries and the menu bar's menus). :func:`untranslated` picks those still shown as an
English message that the catalog translates into another language: after a language switch there
must be none.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenuBar,
    QTabWidget,
    QWidget,
)

from legalaid_desktop import i18n


def visible_texts(root: QWidget) -> list[str]:
    """The texts ``root`` shows (children hidden from it left out), in widget order."""
    texts = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QMenuBar):
            texts += [action.text() for action in widget.actions()]
        if isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            texts += [
                str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                for c in range(model.columnCount())
            ]
    return [t for t in texts if t and t.strip()]


def _forms(text: str) -> list[str]:
    """The msgids a shown text may come from, the closest first: itself, without its mnemonic
    ``&``, without its colon."""
    plain = text.replace("&", "")
    return list(dict.fromkeys([text, plain, plain.rstrip(":").rstrip()]))


def translation(text: str, lang: str) -> str | None:
    """``text``'s translation into ``lang`` if ``text`` is a message the catalog translates."""
    with i18n.language(lang):
        for form in _forms(text):
            translated = i18n._(form)
            if translated != form:
                return translated
    return None


def untranslated(texts: list[str], lang: str) -> list[str]:
    """The ``texts`` that are messages with a translation into ``lang``, shown untranslated."""
    return [t for t in texts if translation(t, lang) is not None]


def normal(text: str) -> str:
    """``text`` without its mnemonic ``&`` and its trailing colon, for comparing labels."""
    return text.replace("&", "").rstrip(":").strip()
