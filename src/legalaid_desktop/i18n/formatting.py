"""Numbers, dates and sizes as each interface language writes them (Babel/CLDR).

* Dates are ``dd.MM.yyyy`` in every language (DESIGN.md §8; the custom of Azerbaijan and
  Russia, and what the lawyers' paper forms use), times ``HH:mm`` on a 24-hour clock, Baku time.
* Numbers follow CLDR for the language: a decimal comma in Azerbaijani (``1.234,5``) and
  Russian (``1 234,5``, a no-break space between groups), a decimal point in English
  (``1,234.5``).
* Plural forms come from the catalogs through :func:`legalaid_desktop.i18n.ngettext` (two forms
  in Azerbaijani and English, three in Russian).
* Names are sorted in Azerbaijani alphabetical order by
  :func:`legalaid_desktop.text.collation.sort_key` (in the store: the ``name_sort`` column).

Each function uses the language of the calling thread (:func:`current_language`) unless one is
passed, so a PDF rendered in Russian in the background formats in Russian.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from babel.numbers import format_decimal as _babel_decimal

from legalaid_desktop.i18n import _, current_language
from legalaid_desktop.i18n.dates import BAKU

#: The CLDR locale of each interface language.
BABEL_LOCALES: dict[str, str] = {"az": "az_Latn_AZ", "ru": "ru_RU", "en": "en_GB"}

DATE_FORMAT = "%d.%m.%Y"
DATETIME_FORMAT = "%d.%m.%Y %H:%M"
DATETIME_SECONDS_FORMAT = "%d.%m.%Y %H:%M:%S"


def babel_locale(language: str | None = None) -> str:
    """The CLDR locale of ``language`` (default: the current one)."""
    return BABEL_LOCALES.get(language or current_language(), BABEL_LOCALES["en"])


def format_date(value: date | None) -> str:
    """``dd.MM.yyyy`` (the same in every language); an empty string for ``None``."""
    return "" if value is None else value.strftime(DATE_FORMAT)


def format_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    """``dd.MM.yyyy HH:mm`` (``HH:mm:ss`` with ``seconds``) in Baku time (a naive value is taken
    as Baku time already); an empty string for ``None``."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(BAKU)
    return value.strftime(DATETIME_SECONDS_FORMAT if seconds else DATETIME_FORMAT)


def format_integer(value: int, language: str | None = None) -> str:
    """A whole number with the language's group separator (``12.345``, ``12 345``, ``12,345``)."""
    return str(_babel_decimal(value, format="#,##0", locale=babel_locale(language)))


def format_decimal(value: float | Decimal, digits: int = 1, language: str | None = None) -> str:
    """A number with exactly ``digits`` decimals and the language's decimal sign (``1,5``)."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(_babel_decimal(value, format=pattern, locale=babel_locale(language)))


def format_size(size: int) -> str:
    """A file size for people in the current language: ``512 B``, ``12 KB``, ``1,5 MB``."""
    if size < 1024:
        return _("{n} B").format(n=format_integer(size))
    if size < 1024 * 1024:
        return _("{n} KB").format(n=format_integer(round(size / 1024)))
    return _("{n} MB").format(n=format_decimal(size / 1024 / 1024, 1))


def month_names(
    language: str | None = None, width: Literal["abbreviated", "narrow", "wide"] = "wide"
) -> list[str]:
    """The twelve month names as a calendar heads them (stand-alone: ``yanvar``, ``январь``;
    ``width="abbreviated"``: ``yan``, ``янв.``; capitalize with ``text.casing`` for a heading)."""
    from babel.dates import get_month_names

    names = get_month_names(width, context="stand-alone", locale=babel_locale(language))
    return [str(names[m]) for m in range(1, 13)]
