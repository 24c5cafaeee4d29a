"""Small validators shared by services; each raises :class:`ValidationError` for people."""

from __future__ import annotations

import re

from legalaid_desktop.domain import passwords
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.i18n import _

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
NODE_CODE_RE = re.compile(r"^[A-Z]{2,5}$")
MIN_PASSWORD_LENGTH = 10


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
