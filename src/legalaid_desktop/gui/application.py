"""The QApplication: identity, high-DPI policy, the Fusion style, light/dark theme and font.

Everything here is idempotent, so a preference change simply calls :func:`apply_appearance`
again. The style sheet is generated from the theme and the base font size (Qt style sheets know
no relative sizes), and widgets opt into its rules with a ``role`` property (see
:func:`set_role`).

Qt's own strings (standard buttons, message boxes, the file and print dialogs, text context
menus) follow the interface language: :func:`install_qt_translations` loads the ``qtbase``
translation PySide6 ships (Russian, English) or ours from ``resources/locale/qt/`` (Azerbaijani,
for which Qt has none), and it runs on every :func:`legalaid_desktop.i18n.set_language` (the
login screen, Settings) through a language listener registered when this module is imported.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QGuiApplication,
    QIcon,
    QPalette,
)
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from legalaid_desktop import i18n
from legalaid_desktop.gui.ui_settings import APPLICATION, ORGANIZATION
from legalaid_desktop.gui.widgets.locale import qlocale
from legalaid_desktop.paths import resource_path

log = logging.getLogger(__name__)

#: Letters that must render: the non-ASCII Azerbaijani letters and a few Russian ones.
REQUIRED_GLYPHS = "ƏəİıĞğŞşÇçÖöÜüЖжЯяЁё"

#: Families tried, in order, when the platform's default font lacks one of those letters.
FONT_CANDIDATES: tuple[str, ...] = (
    "Segoe UI",
    "DejaVu Sans",
    "Noto Sans",
    "Liberation Sans",
    "Arial",
    "Helvetica Neue",
)
MONOSPACE_CANDIDATES: tuple[str, ...] = (
    "DejaVu Sans Mono",
    "Noto Sans Mono",
    "Liberation Mono",
    "Consolas",
    "Menlo",
)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The application object, created once (an existing one is returned as is)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName("legalaid-desktop")
    app.setWindowIcon(QIcon(str(app_icon_path())))
    install_qt_translations(i18n.current_language())
    return app


def app_icon_path() -> Path:
    """The program's icon, an SVG (drawn by Qt's SVG icon engine; the installers' PNG and ICO
    sizes are rendered from it, see packaging/icons.py)."""
    return resource_path("icons", "legalaid-desktop.svg")


# -- Qt's own strings -------------------------------------------------------------------------

#: Catalogs of ours, per language, loaded after Qt's ``qtbase_<lang>.qm`` (so they win):
#: Azerbaijani in full, Russian only for the strings Qt's catalog lacks.
OWN_QT_CATALOGS: dict[str, tuple[str, ...]] = {"az": ("qtbase_az",), "ru": ("qtbase_extra_ru",)}

_installed: list[QTranslator] = []
_installed_language: list[str] = []


def qt_translations_dir() -> Path:
    """Where PySide6 keeps Qt's ``.qm`` files."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def own_qt_translations_dir() -> Path:
    """Our Qt-side ``.qm`` files (``resources/locale/qt``)."""
    return resource_path("locale", "qt")


def _load_translator(folder: Path, name: str) -> QTranslator | None:
    path = folder / f"{name}.qm"
    if not path.is_file():
        return None
    translator = QTranslator(QCoreApplication.instance())
    if not translator.load(str(path)):
        log.warning("could not load the Qt translation %s", path)
        translator.deleteLater()
        return None
    return translator


def install_qt_translations(language: str) -> list[str]:
    """Make Qt's own dialogs and buttons speak ``language`` (``az``, ``ru``, ``en``).

    Removes the translators installed for the previous language and installs Qt's
    ``qtbase_<language>.qm`` (if PySide6 ships one) and then ours. Also makes the language's
    :class:`QLocale` the default one (month and day names of date pop-ups created later).
    Installing a translator sends ``LanguageChange`` to every widget, so Qt's dialogs that are
    open retranslate themselves. Without an application object this does nothing.

    Returns:
        The names of the catalogs now installed, in the order of installation.
    """
    app = QCoreApplication.instance()
    if app is None:
        return []
    for old in _installed:
        QCoreApplication.removeTranslator(old)
        old.deleteLater()
    _installed.clear()
    _installed_language[:] = [language]
    QLocale.setDefault(qlocale(language))
    names: list[str] = []
    candidates = [(qt_translations_dir(), f"qtbase_{language}")]
    candidates += [(own_qt_translations_dir(), n) for n in OWN_QT_CATALOGS.get(language, ())]
    for folder, name in candidates:
        translator = _load_translator(folder, name)
        if translator is not None and QCoreApplication.installTranslator(translator):
            _installed.append(translator)
            names.append(name)
    return names


def installed_qt_language() -> str | None:
    """The language of the Qt translators installed last (``None`` before the first time)."""
    return _installed_language[0] if _installed_language else None


def _follow_language(language: str) -> None:
    """The :mod:`i18n` listener: reinstall the translators on the GUI thread."""
    app = QCoreApplication.instance()
    if app is None:
        return
    if app.thread().isCurrentThread():
        install_qt_translations(language)
    else:
        QTimer.singleShot(0, app, lambda: install_qt_translations(language))


i18n.add_language_listener(_follow_language)


def _covers(family: str) -> bool:
    from PySide6.QtGui import QFontMetrics

    font = QFont(family)
    if QFontInfo(font).family().lower() != family.lower():
        return False
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(ch)) for ch in REQUIRED_GLYPHS)


def ui_font_family() -> str:
    """A family that has every Azerbaijani and Russian letter (the default one if it does)."""
    default = QApplication.font().family()
    families = set(QFontDatabase.families())
    for family in (default, *FONT_CANDIDATES):
        if family in families and _covers(family):
            return family
    return default


def monospace_font(point_size: float) -> QFont:
    """A fixed-pitch font (for the recovery key), preferring one with Azerbaijani letters."""
    families = set(QFontDatabase.families())
    for family in MONOSPACE_CANDIDATES:
        if family in families:
            font = QFont(family)
            break
    else:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(point_size)
    return font


def is_dark(theme: str) -> bool:
    """Whether ``theme`` (``light``, ``dark`` or ``system``) means dark colors here."""
    if theme == "dark":
        return True
    if theme == "light":
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base = QColor(0x2B, 0x2D, 0x31), QColor(0x1F, 0x21, 0x24)
    text = QColor(0xE8, 0xEA, 0xED)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(0x26, 0x28, 0x2C),
        QPalette.ColorRole.ToolTipBase: QColor(0x3C, 0x40, 0x43),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(0x9A, 0xA0, 0xA6),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(0x35, 0x37, 0x3B),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(0xFF, 0x6B, 0x6B),
        QPalette.ColorRole.Link: QColor(0x8A, 0xB4, 0xF8),
        QPalette.ColorRole.Highlight: QColor(0x3B, 0x6E, 0xC4),
        QPalette.ColorRole.HighlightedText: QColor(0xFF, 0xFF, 0xFF),
        QPalette.ColorRole.Mid: QColor(0x44, 0x47, 0x4C),
        QPalette.ColorRole.Dark: QColor(0x18, 0x19, 0x1B),
        QPalette.ColorRole.Light: QColor(0x4A, 0x4D, 0x52),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    disabled = QColor(0x80, 0x86, 0x8B)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def stylesheet(dark: bool, base_size: int) -> str:
    """The small style sheet: headings, messages, navigation, cards."""
    error = "#ff8a80" if dark else "#b3261e"
    ok = "#81c995" if dark else "#1e7e34"
    warn = "#fdd663" if dark else "#8a5a00"
    muted = "#9aa0a6" if dark else "#5f6368"
    card = "#26282c" if dark else "#f6f7f9"
    border = "#44474c" if dark else "#d6d9de"
    return f"""
QLabel[role="title"] {{ font-size: {round(base_size * 1.9)}pt; font-weight: 600; }}
QLabel[role="heading"] {{ font-size: {round(base_size * 1.35)}pt; font-weight: 600; }}
QLabel[role="subheading"] {{ font-weight: 600; }}
QLabel[role="muted"] {{ color: {muted}; }}
QLabel[role="error"] {{ color: {error}; }}
QLabel[role="ok"] {{ color: {ok}; }}
QLabel[role="warning"] {{ color: {warn}; }}
QLabel[role="figure"] {{ font-size: {round(base_size * 2.2)}pt; font-weight: 600; }}
QFrame[role="card"] {{ background: {card}; border: 1px solid {border}; border-radius: 6px; }}
QFrame[role="card"] QLabel {{ background: transparent; border: none; }}
QListWidget#navigation {{ border: none; border-right: 1px solid {border}; }}
QListWidget#navigation::item {{ padding: 8px 6px; }}
QListWidget[role="overdue"] {{ color: {error}; }}
QDialog#searchPalette {{ border: 1px solid {border}; border-radius: 6px; }}
"""


def apply_appearance(app: QApplication, *, theme: str, font_size: int) -> None:
    """Fusion style, the palette of ``theme``, a font with Azerbaijani letters, the style sheet."""
    if app.style().name().lower() != "fusion":
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
    dark = is_dark(theme)
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())
    font = QFont(ui_font_family())
    font.setPointSize(font_size)
    app.setFont(font)
    app.setStyleSheet(stylesheet(dark, font_size))
    app.setProperty("legalaid_dark", dark)


def error_color() -> QColor:
    """The red of error messages and overdue items in the current theme."""
    app = QApplication.instance()
    dark = bool(app.property("legalaid_dark")) if app is not None else False
    return QColor("#ff8a80" if dark else "#b3261e")


def set_role(widget: QWidget, role: str) -> None:
    """Give ``widget`` a style role (``title``, ``heading``, ``error``, ``ok``, ``card``...)."""
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
