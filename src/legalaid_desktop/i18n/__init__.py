"""Translations for the core and both front ends.

Every user-visible string is wrapped in :func:`_` (or :func:`N_` where it must be translated
later, e.g. in a module-level table) and :func:`ngettext` for plurals. Catalogs live in
``resources/locale/<lang>/LC_MESSAGES/legalaid.mo``. The active language is process-wide and
can be switched at run time with :func:`set_language`; nothing is loaded at import time.
Front ends that keep translations of their own (the GUI's Qt translators) register a listener
with :func:`add_language_listener`; it is called after every :func:`set_language`.
Locale-aware numbers and dates are in :mod:`legalaid_desktop.i18n.formatting`, Baku time
(today, now) in :mod:`legalaid_desktop.i18n.dates`. The package imports nothing of the project
but :mod:`legalaid_desktop.paths` (to find the catalogs).
"""

from __future__ import annotations

import gettext as _gettext
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DOMAIN = "legalaid"
LANGUAGES: tuple[str, ...] = ("az", "ru", "en")
DEFAULT_LANGUAGE = "az"

_lock = threading.Lock()
_current: _gettext.NullTranslations | None = None
_current_lang = "en"
_cache: dict[str, _gettext.NullTranslations] = {}
# A temporary language for one thread (a PDF rendered in Russian in the background must not
# switch the language of the window the user is looking at).
_local = threading.local()
_listeners: list[Callable[[str], None]] = []
log = logging.getLogger(__name__)


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
    for listener in list(_listeners):
        try:
            listener(lang)
        except Exception:  # a listener's failure must not stop the language switch
            log.exception("language listener %r failed", listener)


def add_language_listener(listener: Callable[[str], None]) -> None:
    """Call ``listener(lang)`` after every :func:`set_language` (once, however often added)."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_language_listener(listener: Callable[[str], None]) -> None:
    """Stop calling ``listener`` (nothing happens if it was not registered)."""
    if listener in _listeners:
        _listeners.remove(listener)


def current_language() -> str:
    """This thread's language: a :func:`language` block's, else the one of :func:`set_language`
    (``en`` until one is set)."""
    return _active()[0]


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Use ``lang`` in this thread only, for the duration of the block.

    For output in a language other than the interface's (a PDF in Russian while the window is in
    Azerbaijani); other threads keep the process-wide language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language: {lang!r}")
    previous = getattr(_local, "stack", [])
    _local.stack = [*previous, (lang, _load(lang))]
    try:
        yield
    finally:
        _local.stack = previous


def _active() -> tuple[str, _gettext.NullTranslations | None]:
    stack = getattr(_local, "stack", None)
    if stack:
        lang, translations = stack[-1]
        return lang, translations
    return _current_lang, _current


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    translations = _active()[1]
    if translations is None:
        return message
    return translations.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the number ``n``."""
    translations = _active()[1]
    if translations is None:
        return singular if n == 1 else plural
    return translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in a disambiguating ``context``."""
    translations = _active()[1]
    if translations is None:
        return message
    return translations.pgettext(context, message)
