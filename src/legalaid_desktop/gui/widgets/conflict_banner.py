"""The live duplicate / conflict-of-interest warning shown while a name is typed.

:meth:`ConflictBanner.check` is called on every keystroke; after a 300 ms pause it asks
``services.search.conflicts(..., audit=False)`` in the background and lists what it found: the
existing client or case party, how strong the match is and why, and the cases involved. A hit on
an adverse party is shown in red: the center may already act against this person.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.gui.widgets.field_error import ERROR_COLOR
from legalaid_desktop.i18n import _, ngettext

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300
MIN_LETTERS = 3
MAX_SHOWN = 5


def _level_text(level: str) -> str:
    return {
        "exact": _("exact match"),
        "strong": _("strong match"),
        "possible": _("possible match"),
    }.get(level, level)


class ConflictBanner(QFrame):
    """A warning panel listing possible duplicates and conflicts of interest.

    Signals:
        hits_changed(int): the number of hits shown (0 when the banner is hidden).
        needs_room(): the wrapped text became taller; the window may have to grow.
    """

    hits_changed = Signal(int)
    needs_room = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._hits: tuple[ConflictHit, ...] = ()
        self._query: tuple[str, int | None, str | None, str | None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._run)
        self.setObjectName("conflictBanner")
        self._title = QLabel(self)
        self._title.setWordWrap(True)
        self._lines: list[QLabel] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addWidget(self._title)
        self._column = layout
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    # -- checking -------------------------------------------------------------------------------

    def check(
        self,
        name: str,
        *,
        birth_year: int | None = None,
        phone: str | None = None,
        exclude_client_id: str | None = None,
    ) -> None:
        """Check ``name`` after a pause in typing (a newer call replaces an older one)."""
        letters = sum(ch.isalpha() for ch in name)
        if letters < MIN_LETTERS:
            self._timer.stop()
            running = self._ctx.tasks.latest(self, "conflicts")
            if running is not None:
                running.discard()
            self._query = None
            self.set_hits(())
            return
        self._query = (name, birth_year, phone or None, exclude_client_id)
        self._timer.start()

    def pending(self) -> bool:
        """Whether a check is waiting for the pause or for its answer."""
        return self._timer.isActive() or self._ctx.tasks.latest(self, "conflicts") is not None

    def _run(self) -> None:
        if self._query is None:
            return
        name, birth_year, phone, exclude = self._query
        search = self._ctx.services.search
        QueryOp(
            self._ctx.tasks,
            lambda: search.conflicts(
                name,
                birth_year=birth_year,
                phone=phone,
                exclude_client_id=exclude,
                audit=False,
            ),
            success=self.set_hits,
            failure=self._failed,
            parent=self,
        ).latest("conflicts").run()

    def _failed(self, exc: BaseException) -> None:
        # A warning that cannot be computed must not interrupt typing with a dialog.
        log.warning("live conflict check failed: %s", type(exc).__name__)
        self.set_hits(())

    # -- showing --------------------------------------------------------------------------------

    def hits(self) -> tuple[ConflictHit, ...]:
        return self._hits

    def set_hits(self, hits: Sequence[ConflictHit]) -> None:
        self._hits = tuple(hits)
        self._render()
        self.hits_changed.emit(len(self._hits))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_lines()

    def _fit_lines(self) -> None:
        """Reserve the wrapped height of every line at the width it really got.

        Nested form and box layouts do not always pass height-for-width down, and a warning
        cut after its first line would hide the very reason it is shown.
        """
        grew = False
        for label in (self._title, *self._lines):
            height = label.heightForWidth(label.width())
            if height > 0 and height != label.minimumHeight():
                grew = grew or height > label.minimumHeight()
                label.setMinimumHeight(height)
        if grew:
            self.needs_room.emit()

    def text(self) -> str:
        """The banner's plain text (for tests and screen readers)."""
        return self.accessibleDescription()

    def retranslate(self) -> None:
        self._render()

    def _render(self) -> None:
        hits = self._hits
        if not hits:
            self.hide()
            self.setAccessibleDescription("")
            return
        adverse = any(h.kind == "party" and h.role == "adverse" for h in hits)
        border = ERROR_COLOR if adverse else "#b07800"
        background = "#fdecea" if adverse else "#fff6e0"
        self.setStyleSheet(
            f"QFrame#conflictBanner {{ background: {background}; border: 1px solid {border};"
            " border-radius: 6px; }"
        )
        title = ngettext(
            "Possible duplicate or conflict of interest: {n} match",
            "Possible duplicate or conflict of interest: {n} matches",
            len(hits),
        ).format(n=len(hits))
        self._title.setText(f"⚠ {title}")
        heading = ERROR_COLOR if adverse else "#7a4f00"
        self._title.setStyleSheet(f"font-weight: 600; color: {heading};")
        for label in self._lines:
            label.hide()
            self._column.removeWidget(label)
            label.deleteLater()
        self._lines = []
        texts: list[tuple[str, str]] = [self._line(hit) for hit in hits[:MAX_SHOWN]]
        if len(hits) > MAX_SHOWN:
            more = len(hits) - MAX_SHOWN
            texts.append((ngettext("… and {n} more", "… and {n} more", more).format(n=more), ""))
        for hit, (head, details) in zip((*hits[:MAX_SHOWN], None), texts, strict=False):
            adverse_hit = hit is not None and hit.kind == "party" and hit.role == "adverse"
            color = f"color: {ERROR_COLOR};" if adverse_hit else ""
            for text, style in ((head, "font-weight: 600;"), (details, "")):
                if not text:
                    continue
                label = QLabel(text, self)
                label.setWordWrap(True)
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setStyleSheet(style + color)
                self._column.addWidget(label)
                self._lines.append(label)
        plain = "\n".join([title, *(f"{h} · {d}" if d else h for h, d in texts)])
        self.setAccessibleName(_("Conflict warning"))
        self.setAccessibleDescription(plain)
        self.show()

    def _line(self, hit: ConflictHit) -> tuple[str, str]:
        """One hit as two texts: who it is, then how strong the match is and why."""
        if hit.kind == "party":
            role = self._ctx.label("party_roles", hit.role) if hit.role else ""
            who = _("party ({role})").format(role=role) if role else _("party")
        else:
            who = _("client")
            if hit.birth_year:
                who = _("client, born {year}").format(year=hit.birth_year)
        details = [f"{_level_text(hit.level)} ({hit.score})"]
        if hit.reasons:
            details.append("; ".join(hit.reasons))
        if hit.case_numbers:
            details.append(_("cases: {numbers}").format(numbers=", ".join(hit.case_numbers)))
        return f"{hit.name} — {who}", " · ".join(details)
