"""The consultation timeline of a case: one card per consultation, newest first."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from legalaid_desktop.domain.cases import ConsultationInfo
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.i18n.formatting import format_date

_CARD_STYLE = (
    "QFrame#consultationCard { background: palette(base); border: 1px solid #d0d4da;"
    " border-left: 4px solid #3b6ea5; border-radius: 4px; }"
)


def _section(title: str, text: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(f"{title}: {text}" if title else text)
    return label


class ConsultationCard(QFrame):
    """Date, mode, duration and lawyer; notes, advice, next steps and follow-up."""

    def __init__(
        self, ctx: GuiContext, item: ConsultationInfo, lawyer_name: Callable[[str], str]
    ) -> None:
        super().__init__()
        self.setObjectName("consultationCard")
        self.setStyleSheet(_CARD_STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        minutes = ngettext("{n} minute", "{n} minutes", item.minutes).format(n=item.minutes)
        heading = " · ".join(
            (
                format_date(item.held_on),
                ctx.label("consultation_modes", item.mode),
                minutes,
                lawyer_name(item.lawyer),
            )
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(4)
        head = _section("", heading)
        head.setStyleSheet("font-weight: 600;")
        layout.addWidget(head)
        layout.addWidget(_section("", item.notes))
        texts = [heading, item.notes]
        for title, text in (
            (_("Advice given"), item.advice),
            (_("Next steps"), item.next_steps),
            (_("Follow-up"), format_date(item.follow_up_on)),
        ):
            if text:
                label = _section(title, text)
                label.setStyleSheet("color: #3c4043;")
                layout.addWidget(label)
                texts.append(f"{title}: {text}")
        self.setAccessibleName(_("Consultation of {date}").format(date=format_date(item.held_on)))
        self.setAccessibleDescription("\n".join(texts))


class ConsultationTimeline(QScrollArea):
    """A scrolling column of consultation cards, newest first."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._items: tuple[ConsultationInfo, ...] = ()
        self._lawyer_name: Callable[[str], str] = lambda username: username
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._render()

    def set_consultations(
        self, items: Sequence[ConsultationInfo], lawyer_name: Callable[[str], str]
    ) -> None:
        """Show ``items`` (any order; shown newest first)."""
        self._items = tuple(sorted(items, key=lambda c: (c.held_on, c.id), reverse=True))
        self._lawyer_name = lawyer_name
        self._render()

    def count(self) -> int:
        """How many consultations are shown."""
        return len(self._items)

    def cards(self) -> list[ConsultationCard]:
        widget = self.widget()
        return widget.findChildren(ConsultationCard) if widget else []

    def retranslate(self) -> None:
        self._render()

    def _render(self) -> None:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 4, 12, 4)
        column.setSpacing(8)
        if not self._items:
            empty = QLabel(_("No consultations yet. Press Ctrl+N to log the first one."))
            empty.setStyleSheet("color: #5f6368; padding: 16px;")
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(empty)
        for item in self._items:
            column.addWidget(ConsultationCard(self._ctx, item, self._lawyer_name))
        column.addStretch(1)
        self.setWidget(content)
        self.setAccessibleName(_("Consultations"))
