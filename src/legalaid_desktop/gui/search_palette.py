"""The global search palette (Ctrl+K): results as you type, grouped by kind, keyboard driven.

Typing restarts a 150 ms timer; when it fires, the search runs in the background. Every query
gets a sequence number and a result is shown only if it answers the newest query, so a slow
answer to an older text never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.search import SearchHit
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.i18n import N_, _

DEBOUNCE_MS = 150
LIMIT = 30
KIND_ORDER: tuple[str, ...] = ("client", "case", "consultation", "party")
KIND_HEADINGS = {
    "client": N_("Clients"),
    "case": N_("Cases"),
    "consultation": N_("Consultations"),
    "party": N_("Parties"),
}
KIND_ICONS = {
    "client": QStyle.StandardPixmap.SP_DirHomeIcon,
    "case": QStyle.StandardPixmap.SP_FileIcon,
    "consultation": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "party": QStyle.StandardPixmap.SP_FileDialogContentsView,
}
HIT_ROLE = Qt.ItemDataRole.UserRole + 1


def grouped(hits: Sequence[SearchHit]) -> list[tuple[str, list[SearchHit]]]:
    """``hits`` grouped by kind in a fixed order, each group keeping the best-first order."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    order = [k for k in KIND_ORDER if k in groups] + sorted(set(groups) - set(KIND_ORDER))
    return [(kind, groups[kind]) for kind in order]


class SearchPalette(QDialog):
    """A popup with a search field and the grouped results.

    Signals:
        open_case(str): open this case number.
        open_client(str): open the client with this id.
    """

    open_case = Signal(str)
    open_client = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setObjectName("searchPalette")
        self.setModal(True)
        self._generation = 0
        self._open_when_ready = False
        self.field = QLineEdit()
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)
        self.field.textChanged.connect(self._schedule)
        self.results = QListWidget()
        self.results.setUniformItemSizes(False)
        self.results.itemActivated.connect(self._activate)
        self.status = QLabel()
        set_role(self.status, "muted")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._run)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.field)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self.resize(640, 460)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Search"))
        self.field.setPlaceholderText(_("Search clients, cases, consultations, parties…"))
        self.field.setAccessibleName(_("Search"))
        self.results.setAccessibleName(_("Search results"))
        if self.field.text().strip():
            self._run()
        else:
            self.status.setText(_("Type a name, a case number or words from the notes."))

    def set_context(self, ctx: GuiContext) -> None:
        self.ctx = ctx
        self.clear()

    def clear(self) -> None:
        self._generation += 1
        self.field.clear()
        self.results.clear()

    def popup(self) -> None:
        """Show centered near the top of the parent window, with the field focused."""
        parent = self.parentWidget()
        if parent is not None:
            geo = parent.geometry()
            self.move(geo.x() + (geo.width() - self.width()) // 2, geo.y() + 80)
        self.show()
        self.raise_()
        self.activateWindow()
        self.field.setFocus()
        self.field.selectAll()

    # -- searching ----------------------------------------------------------------------------

    def _schedule(self) -> None:
        self._generation += 1  # answers to older texts are now stale
        self._open_when_ready = False
        self._timer.start()

    def _run(self) -> None:
        text = self.field.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.results.clear()
            self.status.setText(_("Type a name, a case number or words from the notes."))
            return
        self.status.setText(_("Searching…"))
        QueryOp(
            self.ctx.tasks,
            partial(self.ctx.services.search.search, text, limit=LIMIT),
            success=partial(self._show, generation),
            failure=partial(self._failed, generation),
            action="search",
        ).run()

    def _show(self, generation: int, hits: list[SearchHit]) -> None:
        if generation != self._generation:
            return  # an answer to an older text
        self.results.clear()
        heading_font = QFont(self.results.font())
        heading_font.setBold(True)
        first: QListWidgetItem | None = None
        for kind, group in grouped(hits):
            heading = QListWidgetItem(_(KIND_HEADINGS.get(kind, kind)))
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # shown plainly, never selected
            heading.setFont(heading_font)
            self.results.addItem(heading)
            pixmap = KIND_ICONS.get(kind, QStyle.StandardPixmap.SP_FileIcon)
            icon = self.style().standardIcon(pixmap)
            for hit in group:
                text = hit.title if not hit.subtitle else f"{hit.title}\n{hit.subtitle}"
                item = QListWidgetItem(icon, text)
                item.setData(HIT_ROLE, hit)
                item.setToolTip(hit.subtitle)
                self.results.addItem(item)
                first = first or item
        if first is not None:
            self.results.setCurrentItem(first)
        if self._open_when_ready:
            self._open_when_ready = False
            if first is not None:
                self._activate(first)
                return
        self.status.setText(
            _("Nothing found.")
            if not hits
            else _("{n} found. ↑ ↓ to choose, Enter to open, Esc to close.").format(n=len(hits))
        )

    def _failed(self, generation: int, exc: BaseException) -> None:
        log_error(exc, "search")
        if generation == self._generation:
            from legalaid_desktop.gui.errors import user_message

            self.results.clear()
            self.status.setText(user_message(exc))

    # -- keyboard -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():  # Enter right after typing: search now, then open
                    self._timer.stop()
                    self._open_when_ready = True
                    self._run()
                    return True
                item = self.results.currentItem()
                if item is not None:
                    self._activate(item)
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int) -> None:
        count = self.results.count()
        if count == 0:
            return
        row = self.results.currentRow()
        for _i in range(count):
            row = (row + step) % count
            item = self.results.item(row)
            if item is not None and item.flags() & Qt.ItemFlag.ItemIsSelectable:
                self.results.setCurrentRow(row)
                return

    def _activate(self, item: QListWidgetItem) -> None:
        hit = item.data(HIT_ROLE)
        if not isinstance(hit, SearchHit):
            return
        self.hide()
        if hit.kind == "client":
            self.open_client.emit(hit.ref_id)
        elif hit.case_number:
            self.open_case.emit(hit.case_number)

    def hit_items(self) -> list[SearchHit]:
        """The hits shown, in display order (for tests and screenshots)."""
        hits = []
        for row in range(self.results.count()):
            item = self.results.item(row)
            hit = item.data(HIT_ROLE) if item is not None else None
            if isinstance(hit, SearchHit):
                hits.append(hit)
        return hits
