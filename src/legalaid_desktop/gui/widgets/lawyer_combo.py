"""A combo box of the users who can hold cases, loaded in the background."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from legalaid_desktop.domain.roles import Role
from legalaid_desktop.domain.roster import RosterMember, person_key
from legalaid_desktop.domain.users import UserInfo
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.text.collation import sort_key

CASE_ROLES = (Role.LAWYER, Role.MANAGER, Role.ADMIN)


class LawyerCombo(QComboBox):
    """Lawyers by full name; the value is the user name.

    Args:
        ctx: The screen's context.
        assignable: Only active users of this center who may hold cases (for assigning);
            otherwise every user who may hold cases (for filtering lists).
        empty_text: A first entry without a user ("All lawyers"), when given.
        network: Also the people of other nodes the roster knows (the case list's filter: at
            HQ every center's lawyers); their value is ``username@NODE``, their entry
            "full name (NODE)". This node's users keep the bare user name.

    Signals:
        loaded(): the users arrived (``names()`` is filled).
    """

    loaded = Signal()

    def __init__(
        self,
        ctx: GuiContext,
        *,
        assignable: bool,
        empty_text: Callable[[], str] | None = None,
        network: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._assignable = assignable
        self._network = network and not assignable
        self._others: list[RosterMember] = []
        self._empty_text = empty_text
        self._users: list[UserInfo] = []
        self._wanted: str | None = ctx.actor.username if assignable else None
        self.activated.connect(self._remember)
        self.currentIndexChanged.connect(lambda _i: self._show_whole())
        self._fill()
        self.reload()

    def reload(self) -> None:
        """Read the users again (in the background)."""
        users = self._ctx.services.users
        QueryOp(self._ctx.tasks, users.list, success=self._arrived, parent=self).latest(
            "users"
        ).run()
        if self._network:
            roster = self._ctx.services.roster
            QueryOp(self._ctx.tasks, roster.list, success=self._roster_arrived, parent=self).latest(
                "roster"
            ).run()

    def username(self) -> str | None:
        value = self.currentData()
        return value if isinstance(value, str) else None

    def set_username(self, username: str | None) -> None:
        """Choose ``username`` (also when the list has not arrived yet)."""
        self._wanted = username
        index = self.findData(username) if username else -1
        if index < 0 and self._empty_text is not None:
            index = 0
        if index >= 0:
            self.setCurrentIndex(index)

    def names(self) -> dict[str, str]:
        """Full name by user name, of every user read."""
        return {u.username: u.full_name for u in self._users}

    def retranslate(self) -> None:
        self._fill()

    def _arrived(self, users: list[UserInfo]) -> None:
        self._users = list(users)
        self._fill()
        self.loaded.emit()

    def _roster_arrived(self, members: list[RosterMember]) -> None:
        self._others = [m for m in members if not m.here and m.role in CASE_ROLES]
        self._fill()
        self.loaded.emit()

    def _eligible(self, user: UserInfo) -> bool:
        if user.role not in CASE_ROLES:
            return False
        if not self._assignable:
            return True
        return user.active and user.node_code == self._ctx.actor.node_code

    def _remember(self, _index: int) -> None:
        self._wanted = self.username()

    def _fill(self) -> None:
        wanted = self._wanted
        blocked = self.blockSignals(True)
        self.clear()
        if self._empty_text is not None:
            self.addItem(self._empty_text(), None)
        entries = [
            (user.full_name, f"{user.full_name} ({user.username})", user.username)
            for user in self._users
            if self._eligible(user)
        ]
        entries += [
            (m.full_name, f"{m.full_name} ({m.node})", person_key(m.username, m.node))
            for m in self._others
        ]
        for _name, text, value in sorted(entries, key=lambda e: (sort_key(e[0]), e[1])):
            self.addItem(text, value)
        self.blockSignals(blocked)
        self.set_username(wanted)
        self._show_whole()

    def _show_whole(self) -> None:
        """A full name with a center's code is often longer than the box is wide and is cut
        there: the tooltip holds the chosen one whole, and the list opens as wide as its
        longest entry (the screen allowing)."""
        self.setToolTip(self.currentText())
        view = self.view()
        metrics = view.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(self.itemText(i)) for i in range(self.count())), default=0
        )
        # the entries' padding and the scroll bar a long list shows
        margin = 4 * metrics.averageCharWidth() + view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(widest + margin)
