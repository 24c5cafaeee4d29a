"""The screenshot tool's camera: what to photograph, waiting for the screen to settle, and
numbered PNGs (used by :mod:`legalaid_desktop.gui.screenshots` and its per-topic modules)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from legalaid_desktop.gui.wizard import CreateStore

SIZE = (1280, 800)


@dataclass(frozen=True)
class ShotPlan:
    """What to photograph.

    Attributes:
        data_dir: A store with demo data.
        username: A manager or administrator of that store.
        password: Their password.
        search_text: What to type into the search palette.
        create_store: ``app.create`` with fast key derivation, for the wizard.
    """

    data_dir: Path
    username: str
    password: str
    search_text: str
    create_store: CreateStore


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Process events until ``predicate()`` is true (``False`` after ``timeout`` seconds)."""
    app = QApplication.instance()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if app is not None:
            app.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    return False


def settle(seconds: float = 0.3) -> None:
    """Let layouts, timers and late results finish."""
    wait_until(lambda: False, seconds)


class Camera:
    """Saves numbered PNGs into one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.saved: list[Path] = []

    def shoot(self, name: str, widget: QWidget, *, overlay: QWidget | None = None) -> Path:
        settle()
        pixmap = widget.grab()
        if overlay is not None and overlay.isVisible():
            # a popup is a window of its own: paint it where it sits over the window
            painter = QPainter(pixmap)
            offset = overlay.mapToGlobal(QPoint(0, 0)) - widget.mapToGlobal(QPoint(0, 0))
            painter.drawPixmap(offset, overlay.grab())
            painter.end()
        return self.save(name, pixmap)

    def save(self, name: str, pixmap: QPixmap) -> Path:
        path = self.folder / f"{len(self.saved) + 1:02d}-{name}.png"
        if not pixmap.save(str(path)):
            raise OSError(f"could not write {path}")
        self.saved.append(path)
        return path


def first(predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
    found: list[Any] = []

    def check() -> bool:
        value = predicate()
        if value:
            found.append(value)
        return bool(value)

    wait_until(check, timeout)
    return found[0] if found else None
