"""What a user roster record must be to apply (issue 19), from any sender.

Who may send an entry is the ownership rule every owned table follows
(:mod:`~legalaid_desktop.sync.import_checks`: a center only its own node's entries, HQ any).
This module adds what an entry itself must be, whoever sent it, since its full name is shown on
every record its person wrote, at every node:

- its id is the one derived from its node and user name (:func:`roster_id`): an entry cannot
  be given another person's row, nor its person changed afterwards;
- the user name is one this program makes (small Latin letters, digits, ``.``, ``-``, ``_``);
- the full name is non-empty printable text: no control or formatting character (a
  bidirectional override or a newline could make a record seem written by someone else);
- the role is one of the program's roles.

A record that breaks one is refused alone (a security alert), from HQ too, like a renamed case
number: it is set aside and the rest of the bundle applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from legalaid_desktop.domain.roles import Role
from legalaid_desktop.domain.roster import roster_id
from legalaid_desktop.domain.validation import USERNAME_RE
from legalaid_desktop.i18n import _
from legalaid_desktop.sync.records import Record

__all__ = ["ROSTER", "roster_refusal"]

ROSTER = "user_roster"
"""The user roster's table (names and roles, never secrets): a center sends its own people's
entries, HQ the whole network's (:mod:`legalaid_desktop.services.roster`)."""
_ROLES = frozenset(role.value for role in Role)


def roster_refusal(record: Record, local: Mapping[str, Any] | None) -> str | None:
    """Why the roster record ``record`` may not apply (``local``: its row here), or None."""
    node: str | None = None
    username: str | None = None
    if record.has("username"):
        node, username = record.value("node_code"), record.value("username")
    elif local is not None:
        node, username = local["node_code"], local["username"]
    if node is not None and username is not None:
        if roster_id(node, username) != record.id:
            return _("the roster entry's id does not match its node and user name")
        if not USERNAME_RE.fullmatch(username):
            return _("the roster entry's user name is not valid")
    if record.has("full_name"):
        full_name = record.value("full_name")
        if not full_name.strip() or not full_name.isprintable():
            return _("the roster entry's full name is not printable text")
    if record.has("role") and record.value("role") not in _ROLES:
        return _("the roster entry's role is not known")
    return None
