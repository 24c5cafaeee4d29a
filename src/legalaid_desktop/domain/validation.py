"""Validators of what people type, shared by the services and the GUI's as-you-type checks.

Each returns the value as it will be stored (trimmed, cleaned) or raises
:class:`ValidationError` with a message for people and the name of the field: user names,
center codes, passwords, person names, free text, phone numbers, birth years, dates that cannot
lie in the future, and codes that must be in the reference catalog.
"""

from __future__ import annotations

import re
from datetime import date

from legalaid_desktop.domain import passwords
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.text.cleaning import clean

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
NODE_CODE_RE = re.compile(r"^[A-Z]{2,5}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{5,25}$")
MIN_PASSWORD_LENGTH = 10
MIN_BIRTH_YEAR = 1900


def username(value: str) -> str:
    value = value.strip()
    if not USERNAME_RE.fullmatch(value):
        raise ValidationError(
            _(
                "A user name is 2–32 characters: small Latin letters, digits, dot, dash or "
                "underscore, starting with a letter."
            ),
            field="username",
        )
    return value


def node_code(value: str) -> str:
    value = value.strip().upper()
    if not NODE_CODE_RE.fullmatch(value):
        raise ValidationError(
            _("A center code is 2–5 Latin capital letters, for example GNJ."), field="node_code"
        )
    return value


def required_text(value: str, field: str, label: str, max_length: int = 200) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValidationError(_("{label} must not be empty.").format(label=label), field=field)
    if len(value) > max_length:
        raise ValidationError(
            _("{label} is too long (at most {n} characters).").format(label=label, n=max_length),
            field=field,
        )
    return value


def new_password(value: str, username: str) -> str:
    """Check the new password of ``username``: long enough, not all one kind of character, not
    one of the most common passwords (:mod:`~legalaid_desktop.domain.passwords`), and not
    containing the user name or an obvious variant of it. Every refusal says why."""
    if len(value) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password must be at least {n} characters long.").format(n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if value.strip() == "" or len(set(value)) < 4:
        raise ValidationError(_("The password is too simple."), field="password")
    if passwords.contains_name(value, username):
        raise ValidationError(_("The password must not contain the user name."), field="password")
    if passwords.is_common(value):
        raise ValidationError(
            _(
                "This password is one of the most common passwords, the first ones an attacker "
                "tries. Choose another."
            ),
            field="password",
        )
    return value


def password_strength(value: str) -> int:
    """A 0–4 score for feedback while a password is typed (length and variety of characters)."""
    if not value:
        return 0
    classes = sum(
        bool(re.search(p, value)) for p in (r"[a-zəığöşüç]", r"[A-ZƏIĞÖŞÜÇİ]", r"\d", r"[^\w]")
    )
    score = 0
    if len(value) >= MIN_PASSWORD_LENGTH:
        score += 1
    if len(value) >= 14:
        score += 1
    if classes >= 2:
        score += 1
    if classes >= 3 and len(set(value)) >= 8:
        score += 1
    return score


def person_name(value: str, field: str, label: str) -> str:
    """A cleaned person name (:func:`~legalaid_desktop.text.cleaning.clean`): not empty, at
    most 200 characters, with at least one letter."""
    name = clean(value)
    if not name:
        raise ValidationError(_("{label} must not be empty.").format(label=label), field=field)
    if len(name) > 200:
        raise ValidationError(
            _("{label} is too long (at most {n} characters).").format(label=label, n=200),
            field=field,
        )
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(_("{label} must contain letters.").format(label=label), field=field)
    return name


def text(value: str, field: str, label: str, *, required: bool, max_length: int) -> str:
    """Cleaned free text that keeps its line breaks, at most ``max_length`` characters."""
    cleaned = clean(value, multiline=True)
    if required and not cleaned:
        raise ValidationError(_("{label} must not be empty.").format(label=label), field=field)
    if len(cleaned) > max_length:
        raise ValidationError(
            _("{label} is too long (at most {n} characters).").format(label=label, n=max_length),
            field=field,
        )
    return cleaned


def birth_year(value: int | None) -> int | None:
    """A birth year from :data:`MIN_BIRTH_YEAR` to this year (in Baku), or ``None``."""
    if value is None:
        return None
    current = today().year
    if value > current:
        raise ValidationError(
            _("The birth year {year} is in the future.").format(year=value), field="birth_year"
        )
    if value < MIN_BIRTH_YEAR:
        raise ValidationError(
            _("The birth year {year} is not plausible.").format(year=value), field="birth_year"
        )
    return value


MAX_MEMBERS = 1_000_000


def members(value: int | None) -> int | None:
    """How many members an organization or initiative group has: from 1, or ``None`` (not
    known)."""
    if value is None:
        return None
    if value < 1:
        raise ValidationError(
            _("The number of members must be at least 1 (leave it empty if not known)."),
            field="members",
        )
    if value > MAX_MEMBERS:
        raise ValidationError(
            _("The number of members {n} is not plausible.").format(n=value), field="members"
        )
    return value


def line(value: str, field: str, label: str, *, max_length: int) -> str:
    """Cleaned text on one line (inner whitespace made single spaces), possibly empty, at most
    ``max_length`` characters."""
    cleaned = " ".join(clean(value).split())
    if len(cleaned) > max_length:
        raise ValidationError(
            _("{label} is too long (at most {n} characters).").format(label=label, n=max_length),
            field=field,
        )
    return cleaned


def phone(value: str) -> str:
    """A trimmed phone number (digits, spaces, brackets, dashes, a leading ``+``) or ``""``."""
    value = value.strip()
    if value and not PHONE_RE.fullmatch(value):
        raise ValidationError(
            _("'{phone}' is not a phone number.").format(phone=value), field="phone"
        )
    return value


def code(catalog: ReferenceCatalog, kind: str, value: str, field: str, label: str) -> str:
    """``value`` if it is a code of ``kind`` in the reference catalog."""
    catalog.require(kind, value, label, field=field)
    return value


def not_in_future(value: date, field: str, label: str) -> date:
    """``value`` if it is not later than today in Baku."""
    if value > today():
        raise ValidationError(
            _("{label} cannot be in the future.").format(label=label), field=field
        )
    return value


def grant_code(catalog: ReferenceCatalog, value: str, field: str = "grant_code") -> str:
    """A case's grant or project code: ``""`` for none; once HQ keeps the ``grant_codes`` list,
    one of its codes (before that, any text up to 64 characters, as entered so far)."""
    value = value.strip()
    if not value:
        return ""
    if "grant_codes" in catalog:
        return code(catalog, "grant_codes", value, field, _("grant code"))
    if len(value) > 64:
        raise ValidationError(_("A grant code has at most 64 characters."), field=field)
    return value
