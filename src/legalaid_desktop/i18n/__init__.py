"""Translations for the core and both front ends.

Every user-visible string is wrapped in :func:`_` (or :func:`N_` where it must be translated
later, e.g. in a module-level table) and :func:`ngettext` for plurals. Catalogs live in
``resources/locale/<lang>/LC_MESSAGES/legalaid.mo``. The active language is process-wide and
can be switched at run time with :func:`set_language`; nothing is loaded at import time.
"""

from __future__ import annotations

import gettext as _gettext
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DOMAIN = "legalaid"
LANGUAGES: tuple[str, ...] = ("az", "ru", "en")
DEFAULT_LANGUAGE = "az"

_lock = threading.Lock()
_current: _gettext.NullTranslations | None = None
_current_lang = "en"
_cache: dict[str, _gettext.NullTranslations] = {}


def _load(lang: str) -> _gettext.NullTranslations:
    from legalaid_desktop.paths import resource_path

    with _lock:
        if lang not in _cache:
            localedir = resource_path("locale")
            _cache[lang] = _gettext.translation(
                DOMAIN, localedir=str(localedir), languages=[lang], fallback=True
            )
        return _cache[lang]


def set_language(lang: str) -> None:
    """Make ``lang`` (``az``, ``ru`` or ``en``) the language of every later ``_()`` call."""
    global _current, _current_lang
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language: {lang!r}")
    _current = _load(lang)
    _current_lang = lang


def current_language() -> str:
    """The language set by :func:`set_language` (``en`` until one is set)."""
    return _current_lang


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Temporarily switch language (used for PDFs rendered in a language other than the UI's)."""
    previous = _current_lang
    set_language(lang)
    try:
        yield
    finally:
        set_language(previous)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    if _current is None:
        return message
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the number ``n``."""
    if _current is None:
        return singular if n == 1 else plural
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in a disambiguating ``context``."""
    if _current is None:
        return message
    return _current.pgettext(context, message)
