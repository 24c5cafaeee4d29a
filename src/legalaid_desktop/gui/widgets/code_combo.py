"""A combo box of reference codes (regions, legal areas, ...) labelled in the UI language."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QComboBox, QWidget

from legalaid_desktop.gui.context import GuiContext


class CodeCombo(QComboBox):
    """Choices of one reference list; the stored value is the code, the text its label.

    Args:
        ctx: The screen's context (catalog and language).
        kind: The reference list, e.g. ``"regions"``.
        empty_text: When given, a first entry without a code (``"All regions"`` in a filter,
            ``"Choose…"`` in a form); returns the translated text.
        only: Restrict to these codes (in the list's order).
    """

    def __init__(
        self,
        ctx: GuiContext,
        kind: str,
        *,
        empty_text: Callable[[], str] | None = None,
        only: Iterable[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._kind = kind
        self._empty_text = empty_text
        self._only = frozenset(only) if only is not None else None
        self.setMaxVisibleItems(20)
        self.retranslate()

    def code(self) -> str | None:
        """The chosen code (``None`` for the empty entry)."""
        value = self.currentData()
        return value if isinstance(value, str) else None

    def set_code(self, code: str | None) -> None:
        """Choose ``code`` (the empty entry for ``None`` or an unknown code)."""
        index = self.findData(code) if code is not None else -1
        if index < 0 and code is not None and code:
            # An old record's code that the list no longer offers: keep it visible.
            self.addItem(self._ctx.label(self._kind, code), code)
            index = self.count() - 1
        if index < 0:
            index = 0 if self._empty_text is not None else -1
        self.setCurrentIndex(index)

    def retranslate(self) -> None:
        """Refill the labels in the current language, keeping the chosen code."""
        chosen = self.code()
        blocked = self.blockSignals(True)
        self.clear()
        if self._empty_text is not None:
            self.addItem(self._empty_text(), None)
        items = self._ctx.catalog[self._kind].choices(self._ctx.language)
        for code, label in items:
            if self._only is None or code in self._only:
                self.addItem(label, code)
        self.set_code(chosen)
        self.blockSignals(blocked)
