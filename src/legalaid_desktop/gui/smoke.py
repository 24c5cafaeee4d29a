"""``legalaid-desktop --smoke-test``: start, show the first window, check Qt's parts, quit.

A hidden switch for the check of the frozen build (``make package-check``, packaging/check.py;
documented in docs/testing.md), usable on any installation: it is what a person would do by hand
after installing (start the program, see the login window, close it), plus the checks of what a
frozen build can lose without the login window showing it:

* the first window: the login window of a data folder with a store, whose user names are read
  on a worker thread (the core — SQLCipher, SQLAlchemy, the key file — works in this build), or
  the first-run wizard of an empty folder;
* our translations (the login window in Azerbaijani differs from English) and Qt's own
  (``qtbase_ru`` from Qt, ``qtbase_az`` of ours);
* Qt's plugins, each loaded for real (:class:`QPluginLoader` resolves its libraries): the
  platforms (``xcb``, ``wayland`` and ``offscreen`` on Linux, ``windows`` on Windows), print
  support (CUPS), the SVG image format and icon engine, the PDF image format; then used: the
  program's SVG icon drawn, a PDF opened with QtPdf (``LEGALAID_SMOKE_PDF``, else one written
  here with :class:`QPdfWriter`) and one page rendered, a printer object set up;
* where the version, resources and migrations are read from.

It prints one JSON document on standard output (and into the file ``LEGALAID_SMOKE_REPORT``
if set: the windowed program on Windows has no standard output), and the event loop ends with 0
when every check passed, 1 otherwise (or after ``TIMEOUT_MS`` without a first window). Nothing is
written to the data folder.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QPluginLoader, QSize, QTimer
from PySide6.QtGui import QIcon, QImage, QImageReader, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QApplication

from legalaid_desktop import i18n
from legalaid_desktop.gui.application import app_icon_path, install_qt_translations
from legalaid_desktop.i18n import _
from legalaid_desktop.paths import bundle_dir, migrations_dir, resources_dir
from legalaid_desktop.version import version_info

TIMEOUT_MS = 60_000
POLL_MS = 50

#: The plugins every installation needs, by platform: (folder, file name without prefix/suffix).
PLUGINS: dict[str, tuple[tuple[str, str], ...]] = {
    "linux": (
        ("platforms", "qxcb"),
        ("platforms", "qwayland"),
        ("platforms", "qoffscreen"),
        ("printsupport", "cupsprintersupport"),
        ("imageformats", "qsvg"),
        ("imageformats", "qpdf"),
        ("iconengines", "qsvgicon"),
    ),
    "win32": (
        ("platforms", "qwindows"),
        ("platforms", "qoffscreen"),
        ("imageformats", "qsvg"),
        ("imageformats", "qpdf"),
        ("iconengines", "qsvgicon"),
    ),
}


def _plugin_file(folder: str, stem: str) -> Path | None:
    """The plugin's file in one of Qt's plugin folders (``QT_PLUGIN_PATH`` first)."""
    if sys.platform == "win32":
        names = [f"{stem}.dll"]
    elif sys.platform == "darwin":
        names = [f"lib{stem}.dylib"]
    else:
        names = [f"lib{stem}.so"]
    for base in QCoreApplication.libraryPaths():
        for name in names:
            path = Path(base) / folder / name
            if path.is_file():
                return path
    return None


def check_plugins() -> dict[str, str]:
    """Load every plugin of :data:`PLUGINS` for this platform: ``{"folder/stem": "ok" | why}``."""
    results: dict[str, str] = {}
    for folder, stem in PLUGINS.get(sys.platform, ()):
        path = _plugin_file(folder, stem)
        if path is None:
            results[f"{folder}/{stem}"] = "missing"
            continue
        loader = QPluginLoader(str(path))
        results[f"{folder}/{stem}"] = "ok" if loader.load() else loader.errorString()
    return results


def _opaque_pixels(image: QImage) -> int:
    step = max(1, image.width() // 16)
    return sum(
        1
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
        if image.pixelColor(x, y).alpha() > 0
    )


def check_svg_icon() -> str:
    """The program's SVG icon, drawn by the SVG icon engine."""
    if b"svg" not in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]:
        return "no svg image format"
    icon = QIcon(str(app_icon_path()))
    image = icon.pixmap(QSize(64, 64)).toImage()
    if image.isNull() or _opaque_pixels(image) == 0:
        return "the icon drew nothing"
    return "ok"


def _written_pdf(folder: Path) -> Path:
    """A one-page PDF written by Qt (when no PDF of the program is given)."""
    path = folder / "smoke.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    painter = QPainter(writer)
    painter.drawText(100, 200, "Gəncə mərkəzi — Ağdaş, Şəki, İsmayıllı")
    painter.end()
    return path


def check_pdf() -> str:
    """Open a PDF with QtPdf and render its first page."""
    from PySide6.QtPdf import QPdfDocument

    with tempfile.TemporaryDirectory(prefix="legalaid-smoke-") as scratch:
        given = os.environ.get("LEGALAID_SMOKE_PDF")
        path = Path(given) if given else _written_pdf(Path(scratch))
        document = QPdfDocument()
        document.load(str(path))
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            return f"QtPdf could not open {path.name}: {document.error()}"
        image = document.render(0, QSize(200, 280))
        pages = document.pageCount()
        document.close()
        if image.isNull():
            return "QtPdf rendered nothing"
        return f"ok ({pages} pages)"


def check_printing() -> str:
    """A printer object with print support loaded (no printer is needed)."""
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if not printer.isValid():
        return "QPrinter is not valid"
    return f"ok ({len(QPrinterInfo.availablePrinterNames())} printers)"


def check_translations(window: Any) -> dict[str, Any]:
    """Ours (the login window's texts in az) and Qt's (``qtbase`` catalogs)."""
    before = i18n.current_language()
    try:
        i18n.set_language("en")
        english = _("&Log in")
        i18n.set_language("az")
        azerbaijani = _("&Log in")
        if window is not None and hasattr(window, "retranslate"):
            window.retranslate()
        qt = {lang: install_qt_translations(lang) for lang in ("ru", "az")}
    finally:
        i18n.set_language(before)
        install_qt_translations(before)
    return {
        "ours": "ok" if azerbaijani != english else "the Azerbaijani catalog is not loaded",
        "qt": qt,
        "qt_ok": "qtbase_ru" in qt["ru"] and "qtbase_az" in qt["az"],
    }


class SmokeTest(QObject):
    """Waits for the launcher's first window, runs the checks, prints, and quits (a child of
    the application, which keeps it alive)."""

    def __init__(self, qapp: QApplication, launcher: Any, out: Callable[[str], Any]) -> None:
        super().__init__(qapp)
        self.qapp = qapp
        self.launcher = launcher
        self.out = out
        self.waited_ms = 0
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)

    def start(self) -> None:
        self.timer.start()

    def _first_window(self) -> tuple[str, Any] | None:
        login = self.launcher.login
        if login is not None and login.isVisible() and login.username.count() > 0:
            return "login", login
        wizard = self.launcher.wizard
        if wizard is not None and wizard.isVisible():
            return "wizard", wizard
        return None

    def _poll(self) -> None:
        self.waited_ms += POLL_MS
        found = self._first_window()
        if found is None:
            if self.waited_ms >= TIMEOUT_MS:
                self.timer.stop()
                self._finish({"window": None, "error": "no first window in time"}, ok=False)
            return
        self.timer.stop()
        kind, window = found
        report = self.checks(kind, window)
        self._finish(report, ok=report["passed"])

    def checks(self, kind: str, window: Any) -> dict[str, Any]:
        """Every check; ``passed`` says whether all of them did."""
        title = window.windowTitle()
        plugins = check_plugins()
        translations = check_translations(window)
        if hasattr(window, "retranslate"):
            window.retranslate()  # back in the language it started in
        report: dict[str, Any] = {
            "window": kind,
            "title": title,
            "users": [window.username.itemText(i) for i in range(window.username.count())]
            if kind == "login"
            else [],
            "version": version_info().version,
            "schema_revision": version_info().schema_revision,
            "frozen": bundle_dir() is not None,
            "resources": str(resources_dir()),
            "migrations": str(migrations_dir()),
            "plugins": plugins,
            "svg_icon": check_svg_icon(),
            "pdf": check_pdf(),
            "printing": check_printing(),
            "translations": translations,
            "platform": QApplication.platformName(),
        }
        report["passed"] = (
            all(v == "ok" for v in plugins.values())
            and report["svg_icon"] == "ok"
            and report["pdf"].startswith("ok")
            and report["printing"].startswith("ok")
            and translations["ours"] == "ok"
            and translations["qt_ok"]
        )
        return report

    def _finish(self, report: dict[str, Any], *, ok: bool) -> None:
        self.out(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        for window in (self.launcher.login, self.launcher.wizard):
            if window is not None:
                window.close()
        self.qapp.exit(0 if ok else 1)


def _writer() -> Callable[[str], Any]:
    """Standard output, and the file ``LEGALAID_SMOKE_REPORT`` if set (a windowed program on
    Windows has no standard output)."""
    target = os.environ.get("LEGALAID_SMOKE_REPORT")

    def write(text: str) -> None:
        if sys.stdout is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
        if target:
            Path(target).write_text(text, "utf-8")

    return write


def install(qapp: QApplication, launcher: Any) -> SmokeTest:
    """Start the smoke test on the running application (see the module docstring)."""
    smoke = SmokeTest(qapp, launcher, _writer())
    smoke.start()
    return smoke
