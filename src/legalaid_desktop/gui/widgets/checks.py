"""Checks run while a form is typed; the services check again (and decide) when it is saved.

Each returns the message to show next to the field, or ``None`` when the value is fine. The
messages are the services' own, so the user sees the same words before and after saving.
"""

from __future__ import annotations

import re

from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today

PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{5,25}$")
MIN_BIRTH_YEAR = 1900


def required(value: str, label: str) -> str | None:
    """``value`` must not be empty (after trimming)."""
    if not value.strip():
        return _("{label} must not be empty.").format(label=label)
    return None


def person_name(value: str, label: str) -> str | None:
    """Not empty, at most 200 characters, with at least one letter."""
    text = " ".join(value.split())
    if not text:
        return _("{label} must not be empty.").format(label=label)
    if len(text) > 200:
        return _("{label} is too long (at most {n} characters).").format(label=label, n=200)
    if not any(ch.isalpha() for ch in text):
        return _("{label} must contain letters.").format(label=label)
    return None


def parse_year(value: str) -> int | None:
    """The year typed, or ``None`` when the field is empty or not a number."""
    text = value.strip()
    return int(text) if text.isdigit() else None


def birth_year(value: str) -> str | None:
    """Empty (unknown) or a four-digit year between 1900 and this year."""
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        return _("Type the year with digits, for example 1985.")
    year = int(text)
    if year > today().year:
        return _("The birth year {year} is in the future.").format(year=year)
    if year < MIN_BIRTH_YEAR:
        return _("The birth year {year} is not plausible.").format(year=year)
    return None


def phone(value: str) -> str | None:
    """Empty or digits, spaces, brackets and dashes, with an optional leading +."""
    text = value.strip()
    if text and not PHONE_RE.fullmatch(text):
        return _("'{phone}' is not a phone number.").format(phone=text)
    return None


def chosen(code: str | None, message: str) -> str | None:
    """``message`` when nothing was chosen in a combo box."""
    return message if not code else None
