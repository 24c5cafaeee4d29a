"""The user roster (issue 19): who works where in the network, by name, for every node.

A record names its author by user name (``consultations.lawyer``, ``cases.assigned_lawyer``,
``corrections.changed_by`` …), and user names are unique only within one node: two centers may
each have an ``aliyev``. So a person is known across the network by the pair *(node, user
name)*, and the roster keeps, for each pair, the full name, the role and whether the account is
active — never a password, a key slot or anything else from the vault.

An entry's row id is derived from that pair (:func:`roster_id`), so every node that ever holds
the entry gives it the same id: two nodes cannot make two rows for one person, and a record
whose id does not match its pair is refused at import.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from legalaid_desktop.domain.roles import Role

__all__ = ["RosterMember", "person_key", "roster_id"]

_ROSTER_DOMAIN = b"legalaid-user-roster\x00"


def roster_id(node: str, username: str) -> str:
    """The row id of the roster entry of ``username`` at ``node``: the same on every node.

    The id has the form of a version 7 UUID (the form every synchronized row id has and the
    import checks) with a zero time field, and its 74 other bits taken from SHA-256 of the pair:
    a name-based id, like a version 5 UUID, that no randomly made id can equal (those carry the
    time they were made).
    """
    digest = hashlib.sha256(_ROSTER_DOMAIN + f"{node}\x00{username}".encode()).digest()
    bits = int.from_bytes(digest[:10], "big") >> 6  # 74 bits
    rand_a = bits >> 62
    rand_b = bits & ((1 << 62) - 1)
    value = (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return str(uuid.UUID(int=value))


def person_key(username: str, node: str = "") -> str:
    """The key of a person in a name map (``CaseDetail.user_names``): ``username@NODE`` when
    the node is known, the bare user name otherwise (a user of this node, as before the
    roster). ``@`` never occurs in a user name, so the two kinds of keys cannot meet."""
    return f"{username}@{node}" if node else username


@dataclass(frozen=True)
class RosterMember:
    """One person of the roster, as the front ends see it.

    Attributes:
        node: The code of their node (``GNJ``, or HQ's code).
        username: Their user name there.
        full_name: Their full name.
        role: Their role there.
        active: False once the account was revoked.
        here: Whether they are a user of this node (the others are known from bundles).
    """

    node: str
    username: str
    full_name: str
    role: Role
    active: bool
    here: bool
