"""Plain file names for attachments: what is stored, shown, and offered in a Save dialog.

An attachment's name comes from a file dialog or from a bundle another node wrote, so it is
untrusted: ``..\\..\\Startup\\run.bat``, ``/etc/passwd``, ``CON``, ``report.pdf\\u202egpj.exe``
(a right-to-left override that disguises the extension), a name of ten thousand characters.
:func:`plain_file_name` reduces any string to one plain name that is safe on Windows, macOS and
Linux. It is used wherever a name enters the store (the attachment service, the bundle importer)
or leaves it (the attachment details the program shows, the Save dialog's default name, the
export folder).

The rules, in order: Unicode NFC; only the last path component (both ``/`` and ``\\`` separate);
control, format (bidirectional overrides, zero-width), private-use, unassigned and line/paragraph
separator characters removed; the characters Windows forbids (``<>:"|?*``) become ``_``; spaces
collapsed; leading dots and spaces, trailing dots and spaces removed; a reserved device name
(``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM0``-``COM9``, ``LPT0``-``LPT9`` and their superscript
forms, ``CONIN$``, ``CONOUT$``, in any case, with or without an extension) gets a ``_`` in front;
at most :data:`MAX_NAME_LENGTH` characters and :data:`MAX_NAME_BYTES` UTF-8 bytes, keeping a
short extension; never empty (the ``fallback``). Applying it twice gives the same name.
"""

from __future__ import annotations

import unicodedata

__all__ = ["MAX_NAME_BYTES", "MAX_NAME_LENGTH", "is_reserved_name", "plain_file_name"]

MAX_NAME_LENGTH = 120
"""The longest name kept, in characters (well under every file system's limit)."""

MAX_NAME_BYTES = 240
"""The longest name kept, in UTF-8 bytes (file systems count bytes: 255 on most)."""

_MAX_EXTENSION = 16
_FORBIDDEN = frozenset('<>:"|?*')
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_DIGITS = "0123456789¹²³"
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{d}" for d in _DIGITS}
    | {f"LPT{d}" for d in _DIGITS}
)
DEFAULT_FALLBACK = "document"


def is_reserved_name(name: str) -> bool:
    """Whether Windows treats ``name`` as a device (``nul.txt`` and ``COM1 .tar.gz`` included)."""
    stem = name.split(".", 1)[0].rstrip(" ")
    return stem.upper() in _RESERVED


def _clean_chars(text: str) -> str:
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES:
            continue
        if char in _FORBIDDEN:
            kept.append("_")
        elif category.startswith("Z"):
            kept.append(" ")  # every kind of space becomes a plain one
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def _trim(name: str) -> str:
    return name.lstrip(". ").rstrip(". ")


def _fits(name: str) -> bool:
    return len(name) <= MAX_NAME_LENGTH and len(name.encode("utf-8")) <= MAX_NAME_BYTES


def _shorten(name: str) -> str:
    """Cut ``name`` to the limits, keeping a short extension."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION:
        stem, extension = name, ""
    suffix = "." + extension if extension else ""
    while stem and not _fits(_trim(stem) + suffix):
        stem = stem[:-1]
    stem = _trim(stem)
    if not stem:
        return _trim(name[: MAX_NAME_LENGTH // 2])  # only an extension was long enough to keep
    return stem + suffix


def plain_file_name(name: str, fallback: str = DEFAULT_FALLBACK) -> str:
    """Reduce ``name`` to a plain file name (see the module's rules); never empty.

    Args:
        name: The name as given (a path, a name from a bundle, anything).
        fallback: The name to use when nothing usable is left (itself made plain).

    Returns:
        A name without path parts, control characters or a reserved device name, within the
        length limits, that :func:`plain_file_name` leaves unchanged.
    """
    text = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Normalized after the cleaning: a removed character may have kept two others apart.
    result = _trim(unicodedata.normalize("NFC", _clean_chars(text)))
    if not _fits(result):
        result = _shorten(result)
        while not _fits(result):  # pragma: no cover - _shorten always fits; a safety net
            result = _trim(result[:-1])
    if is_reserved_name(result):
        result = "_" + result
        if not _fits(result):
            result = _shorten(result)
    if not result:
        if fallback == DEFAULT_FALLBACK:
            return DEFAULT_FALLBACK
        return plain_file_name(fallback)
    return result
