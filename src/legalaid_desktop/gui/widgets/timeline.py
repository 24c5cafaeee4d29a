"""The consultation timeline of a case: one card per consultation, newest first.

A consultation the user may correct has an "Edit…" button on its card (double-clicking the
card does the same); the timeline only asks for the correction (:attr:`edit_requested`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

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
    """Date, mode, duration and lawyer; notes, advice, next steps and follow-up.

    With ``on_edit`` (the user may correct this consultation) the card has an "Edit…" button,
    and a double click on it does the same.
    """

    def __init__(
        self,
        ctx: GuiContext,
        item: ConsultationInfo,
        lawyer_name: Callable[[str, str], str],
        on_edit: Callable[[ConsultationInfo], None] | None = None,
    ) -> None:
        super().__init__()
        self.item = item
        self._on_edit = on_edit
        self.setObjectName("consultationCard")
        self.setStyleSheet(_CARD_STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        minutes = ngettext("{n} minute", "{n} minutes", item.minutes).format(n=item.minutes)
        heading = " · ".join(
            (
                format_date(item.held_on),
                ctx.label("consultation_modes", item.mode),
                minutes,
                lawyer_name(item.lawyer, item.lawyer_node),
            )
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(4)
        head = _section("", heading)
        head.setStyleSheet("font-weight: 600;")
        top = QHBoxLayout()
        top.addWidget(head, 1)
        self.edit_button: QPushButton | None = None
        if on_edit is not None:
            self.edit_button = QPushButton(_("Edit…"), self)  # no mnemonic: one on every card
            self.edit_button.setToolTip(_("Correct this consultation"))
            self.edit_button.setAccessibleDescription(
                _("Consultation of {date}").format(date=format_date(item.held_on))
            )
            self.edit_button.clicked.connect(self.request_edit)
            top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
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

    def request_edit(self) -> None:
        if self._on_edit is not None:
            self._on_edit(self.item)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._on_edit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.request_edit()
            return
        super().mouseDoubleClickEvent(event)


class ConsultationTimeline(QScrollArea):
    """A scrolling column of consultation cards, newest first.

    Signals:
        edit_requested(object): "Edit…" of this :class:`ConsultationInfo` was chosen.
    """

    edit_requested = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._items: tuple[ConsultationInfo, ...] = ()
        self._lawyer_name: Callable[[str, str], str] = lambda username, _node: username
        self._may_edit: Callable[[ConsultationInfo], bool] = lambda _item: False
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._render()

    def set_consultations(
        self,
        items: Sequence[ConsultationInfo],
        lawyer_name: Callable[[str, str], str],
        may_edit: Callable[[ConsultationInfo], bool] | None = None,
    ) -> None:
        """Show ``items`` (any order; shown newest first); those ``may_edit`` accepts can be
        corrected from their card."""
        self._items = tuple(sorted(items, key=lambda c: (c.held_on, c.id), reverse=True))
        self._lawyer_name = lawyer_name
        self._may_edit = may_edit or (lambda _item: False)
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
            on_edit = self.edit_requested.emit if self._may_edit(item) else None
            column.addWidget(ConsultationCard(self._ctx, item, self._lawyer_name, on_edit))
        column.addStretch(1)
        self.setWidget(content)
        self.setAccessibleName(_("Consultations"))
