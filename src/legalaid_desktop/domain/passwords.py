"""Checks of a new password against the most common passwords and the user's name.

The list of common passwords (``resources/passwords/common-passwords.txt``, about 30,000
entries) is read the first time a password is checked, never at import time, and kept as a
``frozenset`` (one read of ~240 kB; a lookup is a hash). The module finds the file itself because
``domain/`` may not import :mod:`legalaid_desktop.paths`; :func:`list_path` follows the same
layout (a wheel's ``legalaid_desktop/_resources``, else the checkout's ``resources/``), and a test
checks that the two agree.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

LIST_PARTS = ("passwords", "common-passwords.txt")
MIN_NAME_LENGTH = 3
"""A user name (or a part of one) shorter than this is not looked for inside passwords."""

_LEET = {"0": "o", "3": "e", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t"}
# "1" stands for "i" as often as for "l": both readings are tried.
_LEET_TABLES: tuple[dict[int, str], ...] = (
    str.maketrans({}),
    str.maketrans({**_LEET, "1": "i"}),
    str.maketrans({**_LEET, "1": "l"}),
)
_SEPARATORS = re.compile(r"[\s._\-]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")

_lock = threading.Lock()
_common: frozenset[str] | None = None


def list_path() -> Path:
    """Where the shipped list is: inside the package in a wheel, else in the checkout."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "_resources"
    base = inside if inside.is_dir() else package.parent.parent / "resources"
    return base.joinpath(*LIST_PARTS)


def common_passwords() -> frozenset[str]:
    """The shipped list, read once (thread-safe) on first use."""
    global _common
    if _common is None:
        with _lock:
            if _common is None:
                text = list_path().read_text("utf-8")
                _common = frozenset(
                    line.strip()
                    for line in text.splitlines()
                    if line.strip() and not line.startswith("#")
                )
    return _common


def is_common(password: str) -> bool:
    """Whether ``password`` is on the list, ignoring case, or is a listed password of at least
    four letters with only digits and signs added before or after it (``Sunshine2026!``)."""
    lowered = password.strip().lower()
    words = common_passwords()
    if lowered in words:
        return True
    core = _EDGES.sub("", lowered)
    return len(core) >= 4 and core != lowered and core in words


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text.lower())


def name_variants(username: str) -> set[str]:
    """The forms of ``username`` looked for in a password: the name as it is, without its
    separators (``leyla.h`` → ``leylah``), reversed, and each part between separators, each at
    least :data:`MIN_NAME_LENGTH` characters long."""
    name = username.strip().lower()
    forms = {name, _compact(name), name[::-1], _compact(name)[::-1]}
    forms.update(part for part in _SEPARATORS.split(name))
    return {f for f in forms if len(f) >= MIN_NAME_LENGTH}


def contains_name(password: str, username: str) -> bool:
    """Whether ``password`` contains ``username`` or an obvious variant of it: ignoring case,
    separators (``.``, ``-``, ``_``, spaces) and common digit-for-letter swaps (``1eyla``,
    ``L3yla``, ``4dmin``)."""
    lowered = password.lower()
    forms = {
        text.translate(table) for text in (lowered, _compact(lowered)) for table in _LEET_TABLES
    }
    return any(variant in form for variant in name_variants(username) for form in forms)
