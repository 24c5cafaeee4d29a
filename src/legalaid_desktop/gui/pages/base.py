"""The base of every main-window screen."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from legalaid_desktop.gui.context import GuiContext


class Page(QWidget):
    """A screen of the main window.

    Signals:
        open_case(str): the user wants to see the case with this number.
        open_client(str): the user wants to see the client with this id.
        status_message(str): a short message for the status bar.
    """

    open_case = Signal(str)
    open_client = Signal(str)
    status_message = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def title(self) -> str:
        """The screen's name in the navigation (translated)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload what the screen shows (in the background)."""

    def retranslate(self) -> None:
        """Re-read every visible string after a language switch."""
