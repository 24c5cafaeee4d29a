"""The GUI's own preferences (theme, language, font size, idle lock, window geometry).

They are kept with :class:`QSettings` in INI format under the organization "LegalAid", never in
the encrypted store: they hold no client data and must be readable before anyone logs in. They
also remember which one-time notices a user has seen (the print notice). Each
preference is stored per user (``users/<username>/<key>``) and also as the last value used on
this machine (``last/<key>``), which the login window uses before anyone has logged in.

What the login window shows about a data folder is kept per folder (``folders/<digest>/``, the
digest of the folder's path): who logged in there last, and the center's code and name, which
live only inside the encrypted store and are copied here at each login so that the login window
can say which center it opens (see docs/store-security.md, "The GUI settings file").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from legalaid_desktop.i18n import DEFAULT_LANGUAGE, LANGUAGES

ORGANIZATION = "LegalAid"
APPLICATION = "LegalAid Desktop"

THEMES: tuple[str, ...] = ("system", "light", "dark")
#: Each language named in itself (never translated).
LANGUAGE_NAMES = {"az": "Azərbaycanca", "ru": "Русский", "en": "English"}
DEFAULT_IDLE_MINUTES = 5
MIN_IDLE_MINUTES = 1
MAX_IDLE_MINUTES = 120
DEFAULT_FONT_SIZE = 10
MIN_FONT_SIZE = 8
MAX_FONT_SIZE = 20


@dataclass(frozen=True)
class _Key:
    name: str
    default: Any
    kind: type


#: Every preference this module knows (one registry, no stray keys).
IDLE_MINUTES = _Key("idle_minutes", DEFAULT_IDLE_MINUTES, int)
THEME = _Key("theme", "system", str)
LANGUAGE = _Key("language", DEFAULT_LANGUAGE, str)
FONT_SIZE = _Key("font_size", DEFAULT_FONT_SIZE, int)
LAST_USER = _Key("last_user", "", str)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


class UiSettings:
    """Typed access to the GUI preferences.

    Args:
        settings: The backing store; by default an INI file in the user's configuration folder.
    """

    def __init__(self, settings: QSettings | None = None) -> None:
        self._qs = settings or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
        )

    # -- raw access ---------------------------------------------------------------------------

    def _read(self, key: _Key, username: str | None) -> Any:
        for path in ((f"users/{username}/{key.name}",) if username else ()) + (f"last/{key.name}",):
            value = self._qs.value(path)
            if value is None:
                continue
            try:
                return key.kind(value)
            except (TypeError, ValueError):
                continue
        return key.default

    def _write(self, key: _Key, username: str | None, value: Any) -> None:
        if username:
            self._qs.setValue(f"users/{username}/{key.name}", value)
        self._qs.setValue(f"last/{key.name}", value)
        self._qs.sync()

    # -- preferences --------------------------------------------------------------------------

    def idle_minutes(self, username: str | None = None) -> int:
        value = int(self._read(IDLE_MINUTES, username))
        return _clamp(value, MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)

    def set_idle_minutes(self, username: str | None, minutes: int) -> None:
        self._write(IDLE_MINUTES, username, _clamp(minutes, MIN_IDLE_MINUTES, MAX_IDLE_MINUTES))

    def theme(self, username: str | None = None) -> str:
        value = str(self._read(THEME, username))
        return value if value in THEMES else "system"

    def set_theme(self, username: str | None, theme: str) -> None:
        self._write(THEME, username, theme if theme in THEMES else "system")

    def language(self, username: str | None = None) -> str:
        value = str(self._read(LANGUAGE, username))
        return value if value in LANGUAGES else DEFAULT_LANGUAGE

    def set_language(self, username: str | None, language: str) -> None:
        self._write(LANGUAGE, username, language if language in LANGUAGES else DEFAULT_LANGUAGE)

    def font_size(self, username: str | None = None) -> int:
        value = int(self._read(FONT_SIZE, username))
        return _clamp(value, MIN_FONT_SIZE, MAX_FONT_SIZE)

    def set_font_size(self, username: str | None, size: int) -> None:
        self._write(FONT_SIZE, username, _clamp(size, MIN_FONT_SIZE, MAX_FONT_SIZE))

    def last_user(self, data_dir: Path | None = None) -> str:
        """Who logged in last into ``data_dir`` ('' if nobody did yet); without a folder, the
        last user on this computer."""
        if data_dir is None:
            return str(self._read(LAST_USER, None))
        value = self._qs.value(f"{self._folder_key(data_dir)}/last_user")
        return str(value) if value else ""

    def set_last_user(self, username: str, data_dir: Path | None = None) -> None:
        if data_dir is not None:
            self._qs.setValue(f"{self._folder_key(data_dir)}/last_user", username)
        self._write(LAST_USER, None, username)

    # -- per data folder ----------------------------------------------------------------------

    @staticmethod
    def _folder_key(data_dir: Path) -> str:
        try:
            path = str(Path(data_dir).expanduser().resolve())
        except OSError:
            path = str(data_dir)
        return "folders/" + hashlib.sha256(path.encode("utf-8")).hexdigest()[:20]

    def center(self, data_dir: Path) -> tuple[str, str] | None:
        """The code and name of the center whose store is in ``data_dir``, as seen at the last
        login there (``None`` before the first)."""
        key = self._folder_key(data_dir)
        code, name = self._qs.value(f"{key}/center_code"), self._qs.value(f"{key}/center_name")
        return (str(code), str(name)) if code and name else None

    def remember_login(self, data_dir: Path, username: str, code: str, name: str) -> None:
        """After a login into ``data_dir``: its last user and its center's code and name."""
        key = self._folder_key(data_dir)
        self._qs.setValue(f"{key}/center_code", code)
        self._qs.setValue(f"{key}/center_name", name)
        self.set_last_user(username, data_dir)

    # -- notices shown once -------------------------------------------------------------------

    def print_notice_seen(self, username: str | None) -> bool:
        """Whether ``username`` (``None``: whoever uses the first-run wizard) was told that a
        printed document may be kept by the print service (see gui/print_notice.py)."""
        return self._qs.value(self._print_notice_key(username)) in ("1", 1, True, "true")

    def set_print_notice_seen(self, username: str | None) -> None:
        self._qs.setValue(self._print_notice_key(username), 1)
        self._qs.sync()

    @staticmethod
    def _print_notice_key(username: str | None) -> str:
        # per user, never inherited from the machine's last value: each user is told once
        return f"users/{username}/print_notice_seen" if username else "setup/print_notice_seen"

    # -- window geometry ----------------------------------------------------------------------

    def geometry(self, window: str, username: str | None = None) -> QByteArray | None:
        """The saved geometry of ``window`` (``None`` if none was saved)."""
        value = self._qs.value(self._geometry_key(window, username))
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, window: str, username: str | None, geometry: QByteArray) -> None:
        self._qs.setValue(self._geometry_key(window, username), geometry)
        self._qs.sync()

    @staticmethod
    def _geometry_key(window: str, username: str | None) -> str:
        return f"users/{username}/geometry/{window}" if username else f"last/geometry/{window}"
