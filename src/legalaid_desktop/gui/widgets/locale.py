"""Qt locales of the UI languages (month and weekday names in calendars)."""

from __future__ import annotations

from PySide6.QtCore import QLocale

_LOCALES = {
    "az": (QLocale.Language.Azerbaijani, QLocale.Script.LatinScript, QLocale.Country.Azerbaijan),
    "ru": (QLocale.Language.Russian, QLocale.Script.CyrillicScript, QLocale.Country.Russia),
    "en": (QLocale.Language.English, QLocale.Script.LatinScript, QLocale.Country.UnitedKingdom),
}


def qlocale(language: str) -> QLocale:
    """The Qt locale of a UI language (``az``, ``ru``, ``en``)."""
    lang, script, country = _LOCALES.get(language, _LOCALES["az"])
    return QLocale(lang, script, country)
