"""The live duplicate / conflict-of-interest warning shown while a name is typed.

:meth:`ConflictBanner.check` is called on every keystroke; after a 300 ms pause it asks
``services.search.conflicts(..., audit=False)`` in the background and shows what it found,
grouped (:func:`~legalaid_desktop.services.conflict_groups.group_hits`): the strong and exact
matches first, each with how strong it is, why and the cases involved; the people who only share
the surname folded into one line that opens on demand. The banner is red only when a strong or
exact match calls for a decision.

Its list has a bounded height and scrolls; every check *replaces* the list (a new content
widget), so re-checks while typing never leave gaps nor make the dialog grow.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.gui.widgets.field_error import ERROR_COLOR
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.services.conflict_groups import ConflictGroups, group_hits

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300
MIN_LETTERS = 3
MAX_LIST_HEIGHT = 200
"""The list of matches never takes more than this many pixels: it scrolls."""


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
        needs_room(): the banner's height changed; the window may have to fit again.
    """

    hits_changed = Signal(int)
    needs_room = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._hits: tuple[ConflictHit, ...] = ()
        self._exclude_party: str | None = None
        self._query: tuple[str, int | None, str | None, str | None, str] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._run)
        self.setObjectName("conflictBanner")
        self._title = QLabel(self)
        self._title.setWordWrap(True)
        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("conflictList")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setMaximumHeight(MAX_LIST_HEIGHT)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._content: QWidget | None = None
        self.surname_toggle: QToolButton | None = None
        self._surname_box: QWidget | None = None
        self._surname_open = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addWidget(self._title)
        layout.addWidget(self._scroll)
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
        kind: str = "person",
        exclude_party_id: str | None = None,
    ) -> None:
        """Check ``name`` after a pause in typing (a newer call replaces an older one);
        ``kind``: a person's name, or an organization's or initiative group's;
        ``exclude_party_id``: a party being renamed, which is not a match of itself."""
        self._exclude_party = exclude_party_id
        letters = sum(ch.isalpha() for ch in name)
        if letters < MIN_LETTERS:
            self._timer.stop()
            running = self._ctx.tasks.latest(self, "conflicts")
            if running is not None:
                running.discard()
            self._query = None
            self.set_hits(())
            return
        self._query = (name, birth_year, phone or None, exclude_client_id, kind)
        self._timer.start()

    def pending(self) -> bool:
        """Whether a check is waiting for the pause or for its answer."""
        return self._timer.isActive() or self._ctx.tasks.latest(self, "conflicts") is not None

    def _run(self) -> None:
        if self._query is None:
            return
        name, birth_year, phone, exclude, kind = self._query
        search = self._ctx.services.search
        QueryOp(
            self._ctx.tasks,
            lambda: search.conflicts(
                name,
                birth_year=birth_year,
                phone=phone,
                exclude_client_id=exclude,
                audit=False,
                kind=kind,
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

    def groups(self) -> ConflictGroups:
        """The hits shown, grouped (the same person first, the surname group folded)."""
        return group_hits(self._hits)

    def needs_decision(self) -> bool:
        """Whether a strong or exact match is shown (saving then needs a conflict decision)."""
        return self.groups().needs_decision

    def set_hits(self, hits: Sequence[ConflictHit]) -> None:
        gone = self._exclude_party
        self._hits = tuple(h for h in hits if not (gone and h.kind == "party" and h.ref_id == gone))
        self._surname_open = False  # a new list opens folded again
        self._render()
        self.hits_changed.emit(len(self._hits))

    def text(self) -> str:
        """The banner's plain text (for tests and screen readers)."""
        return self.accessibleDescription()

    def list_height(self) -> int:
        """The height the list of matches takes now (at most :data:`MAX_LIST_HEIGHT`)."""
        return self._scroll.height() if self._scroll.isVisible() else 0

    def retranslate(self) -> None:
        self._render()

    def _render(self) -> None:
        groups = group_hits(self._hits)
        if groups.empty:
            self._replace_content(None)
            self.hide()
            self.setAccessibleDescription("")
            self.needs_room.emit()
            return
        serious = groups.needs_decision
        border = ERROR_COLOR if serious else "#b07800"
        background = "#fdecea" if serious else "#fff6e0"
        self.setStyleSheet(
            f"QFrame#conflictBanner {{ background: {background}; border: 1px solid {border};"
            " border-radius: 6px; }"
        )
        if serious:
            title = ngettext(
                "Possibly the same person: {n} strong match — record a decision before saving",
                "Possibly the same person: {n} strong matches — record a decision before saving",
                len(groups.same_person),
            ).format(n=len(groups.same_person))
        else:
            title = _("No strong match.")
        self._title.setText(("⚠ " if serious else "") + title)
        heading = ERROR_COLOR if serious else "#7a4f00"
        self._title.setStyleSheet(f"font-weight: 600; color: {heading};")
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        plain = [title]
        for hit in groups.same_person:
            head, details = self._line(hit)
            column.addWidget(self._label(head, "font-weight: 600;", content, hit))
            column.addWidget(self._label(details, "", content, hit))
            plain.append(f"{head} · {details}")
        self.surname_toggle = None
        self._surname_box = None
        if groups.same_surname:
            self._add_surname_group(groups, column, content, plain)
        column.addStretch(1)
        self._replace_content(content)
        self.setAccessibleName(_("Conflict warning"))
        self.setAccessibleDescription("\n".join(plain))
        self.show()
        self._fit_list()

    def _add_surname_group(
        self, groups: ConflictGroups, column: QVBoxLayout, content: QWidget, plain: list[str]
    ) -> None:
        """One line "same surname: N people" that opens the list of them on demand."""
        count = len(groups.same_surname)
        toggle = QToolButton(content)
        toggle.setObjectName("sameSurnameToggle")
        toggle.setCheckable(True)
        toggle.setChecked(self._surname_open)
        toggle.setAutoRaise(True)
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toggle.setArrowType(
            Qt.ArrowType.DownArrow if self._surname_open else Qt.ArrowType.RightArrow
        )
        summary = ngettext("Same surname: {n} person", "Same surname: {n} people", count).format(
            n=count
        )
        toggle.setText(summary)
        toggle.setToolTip(_("Show or hide the people who only share the surname"))
        toggle.toggled.connect(self._toggle_surname)
        column.addWidget(toggle)
        box = QWidget(content)
        lines = QVBoxLayout(box)
        lines.setContentsMargins(16, 0, 0, 0)
        lines.setSpacing(2)
        for hit in groups.same_surname:
            head, details = self._line(hit)
            lines.addWidget(self._label(f"{head} · {details}", "", box, None))
        box.setVisible(self._surname_open)
        column.addWidget(box)
        self.surname_toggle, self._surname_box = toggle, box
        plain.append(summary)
        if self._surname_open:
            plain.extend(f"{h} · {d}" for h, d in map(self._line, groups.same_surname))

    def _toggle_surname(self, on: bool) -> None:
        self._surname_open = on
        self._render()

    def _label(self, text: str, style: str, parent: QWidget, hit: ConflictHit | None) -> QLabel:
        label = QLabel(text, parent)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        adverse = hit is not None and hit.kind == "party" and hit.role == "adverse"
        label.setStyleSheet(style + (f"color: {ERROR_COLOR};" if adverse else ""))
        return label

    def _replace_content(self, content: QWidget | None) -> None:
        """Put ``content`` in the list, dropping the old one whole (nothing accumulates)."""
        old = self._scroll.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self._content = content
        if content is not None:
            self._scroll.setWidget(content)

    def _fit_list(self) -> None:
        self._fit_list_quietly()
        self.needs_room.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._content is not None:
            height = self._scroll.height()
            self._fit_list_quietly()
            if self._scroll.height() != height:
                self.needs_room.emit()

    def _fit_list_quietly(self) -> None:
        """Make the list as tall as its content, up to :data:`MAX_LIST_HEIGHT` (then it scrolls)."""
        content = self._content
        if content is None:
            return
        width = max(self._scroll.viewport().width(), 200)
        layout = content.layout()
        wanted = content.sizeHint().height()
        if layout is not None and layout.hasHeightForWidth():
            wanted = max(wanted, layout.totalHeightForWidth(width))
        self._scroll.setFixedHeight(min(wanted + 2, MAX_LIST_HEIGHT))

    def _line(self, hit: ConflictHit) -> tuple[str, str]:
        return hit_texts(self._ctx, hit)


def hit_texts(ctx: GuiContext, hit: ConflictHit) -> tuple[str, str]:
    """One hit as two texts: who it is, then how strong the match is and why."""
    if hit.kind == "party":
        role = ctx.label("party_roles", hit.role) if hit.role else ""
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
