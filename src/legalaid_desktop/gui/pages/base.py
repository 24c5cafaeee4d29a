"""The base of every main-window screen."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import Change


class Page(QWidget):
    """A screen of the main window.

    Signals:
        open_case(str): the user wants to see the case with this number.
        open_client(str): the user wants to see the client with this id.
        status_message(str): a short message for the status bar.

    A screen lists in :attr:`shows` the kinds of records it shows; whenever a write
    (:class:`~legalaid_desktop.gui.tasks.WriteOp`) changed one of them, wherever it was made,
    the screen reloads (:meth:`refresh`).
    """

    shows: ClassVar[frozenset[Change]] = frozenset()

    open_case = Signal(str)
    open_client = Signal(str)
    status_message = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        if self.shows:
            ctx.tasks.changed.connect(self._records_changed)

    def _records_changed(self, kinds: frozenset[Change]) -> None:
        if kinds & self.shows:
            self.refresh()

    def title(self) -> str:
        """The screen's name in the navigation (translated)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload what the screen shows (in the background)."""

    def retranslate(self) -> None:
        """Re-read every visible string after a language switch."""
