"""Who wrote a record, by name: the one resolver of (node, user name) → what people read.

Records name people by user name, and a user name is unique only within its node
(:mod:`legalaid_desktop.domain.roster`). So every place that shows who wrote or holds a record
asks :class:`People` with the node the name belongs to:

- a user of this node: their full name (from ``users``), as before the roster;
- a user of another node: their full name from the roster with the node's code,
  "Məmmədova Leyla (GNJ)"; one the roster does not know yet: "leyla (GNJ)".

Which node a name belongs to is the node that wrote the field (:func:`author_node`): the node a
consultation, a correction or a conflict decision was made at (its origin), the node that last
stamped the group of a field people change (``cases.assigned_lawyer``: a case transferred to
QBA keeps GNJ's lawyer until QBA assigns one of its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.domain.roster import person_key
from legalaid_desktop.i18n import _
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import Meta, RosterEntry, User

__all__ = ["People", "author_node", "node_code", "stamp_node"]

_BATCH = 400


def node_code(session: Session) -> str:
    """This store's node code (for code that has a session but no workspace)."""
    return session.scalar(select(Meta.value).where(Meta.key == "node_code")) or ""


def stamp_node(stamp: str | None, fallback: str) -> str:
    """The node that made the clock stamp ``stamp``, or ``fallback`` when it has none."""
    if stamp:
        try:
            return HLC.decode(stamp).node
        except ValueError:
            pass
    return fallback


def author_node(clocks: Mapping[str, str] | None, group: str, fallback: str) -> str:
    """The node that last wrote the field group ``group`` of a row (the node of its stamp),
    or ``fallback`` (the row's origin) when the group has no readable stamp."""
    return stamp_node((clocks or {}).get(group), fallback)


class People:
    """The names of the people some records name, read once (:meth:`load`)."""

    def __init__(
        self, me: str, local: Mapping[str, str], roster: Mapping[tuple[str, str], str]
    ) -> None:
        self.me = me
        self._local = dict(local)
        self._roster = dict(roster)

    @classmethod
    def load(cls, session: Session, me: str, wanted: Iterable[tuple[str, str]]) -> People:
        """The names of ``wanted``: pairs ``(node, user name)`` (``""`` for this node).

        Args:
            session: Any transaction.
            me: This node's code.
            wanted: The people to name.
        """
        pairs = {(node or me, username) for node, username in wanted if username}
        mine = sorted({username for node, username in pairs if node == me})
        local: dict[str, str] = {}
        for batch in batches(mine):
            local.update(
                (username, full_name)
                for username, full_name in session.execute(
                    select(User.username, User.full_name).where(
                        User.username.in_(batch), User.node_code == me
                    )
                )
            )
        listed = sorted(pairs)
        roster: dict[tuple[str, str], str] = {}
        for pairs_batch in batches(listed):
            roster.update(
                ((node, username), full_name)
                for node, username, full_name in session.execute(
                    select(
                        RosterEntry.node_code, RosterEntry.username, RosterEntry.full_name
                    ).where(tuple_(RosterEntry.node_code, RosterEntry.username).in_(pairs_batch))
                )
            )
        return cls(me, local, roster)

    @classmethod
    def everyone(cls, session: Session, me: str) -> People:
        """The names of every user of this node and every roster entry (a few hundred people
        at most): for a list streamed to a file, whose people are not known beforehand."""
        local = {
            username: full_name
            for username, full_name in session.execute(
                select(User.username, User.full_name).where(User.node_code == me)
            )
        }
        roster = {
            (node, username): full_name
            for node, username, full_name in session.execute(
                select(RosterEntry.node_code, RosterEntry.username, RosterEntry.full_name)
            )
        }
        return cls(me, local, roster)

    def name(self, username: str, node: str = "") -> str:
        """What people read for ``username`` of ``node`` (``""``: this node)."""
        if not username:
            return ""
        node = node or self.me
        if node == self.me:
            return self._local.get(username) or self._roster.get((node, username)) or username
        full = self._roster.get((node, username)) or username
        return _("{name} ({node})").format(name=full, node=node)

    def names(self, wanted: Iterable[tuple[str, str]]) -> dict[str, str]:
        """A name map of ``wanted`` keyed by :func:`~legalaid_desktop.domain.roster.person_key`
        (``leyla@GNJ``), and by the bare user name for this node's users (as before the
        roster): what ``CaseDetail.user_names`` carries to the front ends."""
        found: dict[str, str] = {}
        for node, username in wanted:
            if not username:
                continue
            node = node or self.me
            shown = self.name(username, node)
            found[person_key(username, node)] = shown
            if node == self.me:
                found[username] = shown
        return found
