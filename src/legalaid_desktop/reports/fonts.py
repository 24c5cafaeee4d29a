"""Finding a Unicode TrueType font that can print Azerbaijani and Russian text.

ReportLab's built-in fonts (Helvetica, Times) only know Latin-1: they cannot print "Ə", "ğ", "ş"
or Cyrillic. The PDFs therefore embed a TrueType font found on the machine. Candidates are tried
in order of preference (DejaVu Sans, Noto Sans, Liberation Sans, Arial, Segoe UI); a candidate is
used only if its character map really covers every Azerbaijani letter that is not in ASCII and
the Russian alphabet. The font is registered with ReportLab under a private name and embedded as
a subset (ReportLab's default for TrueType fonts).

The search walks the usual font folders of Linux, Windows and macOS (plus a ``fonts`` folder in
the shipped resources, where an installer may put DejaVu). It runs on first use, never at import
time, and its result is cached per search path.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from legalaid_desktop.domain.errors import FontNotFound
from legalaid_desktop.i18n import _

#: The letters every font must have: the non-ASCII Azerbaijani letters (DESIGN.md §4) and the
#: Russian alphabet (А-я plus Ё ё).
REQUIRED_CHARACTERS: str = (
    "ƏəİıĞğŞşÇçÖöÜü" + "".join(chr(code) for code in range(ord("А"), ord("я") + 1)) + "Ёё"
)

#: How deep below a font folder the search looks (Linux keeps fonts in sub-sub-folders).
_MAX_DEPTH = 6


@dataclass(frozen=True)
class _Candidate:
    family: str
    regular: tuple[str, ...]
    bold: tuple[str, ...]


#: Candidate families in order of preference, with their usual file names (matched without
#: regard to case, so "arial.ttf" also finds macOS's "Arial.ttf").
_CANDIDATES: tuple[_Candidate, ...] = (
    _Candidate("DejaVu Sans", ("DejaVuSans.ttf",), ("DejaVuSans-Bold.ttf",)),
    _Candidate("Noto Sans", ("NotoSans-Regular.ttf",), ("NotoSans-Bold.ttf",)),
    _Candidate("Liberation Sans", ("LiberationSans-Regular.ttf",), ("LiberationSans-Bold.ttf",)),
    _Candidate("Arial", ("arial.ttf",), ("arialbd.ttf", "Arial Bold.ttf")),
    _Candidate("Segoe UI", ("segoeui.ttf",), ("segoeuib.ttf",)),
)


@dataclass(frozen=True)
class ReportFonts:
    """A registered font pair for the PDFs.

    Attributes:
        family: The family found, e.g. ``"DejaVu Sans"``.
        regular: The ReportLab name of the regular face (use it as ``fontName``).
        bold: The ReportLab name of the bold face; the regular face again if the family has no
            usable bold file. ``<b>`` in a paragraph in ``regular`` picks this face.
        regular_path: The regular font file.
        bold_path: The bold font file (the regular file if there is no bold one).
    """

    family: str
    regular: str
    bold: str
    regular_path: Path
    bold_path: Path


_lock = threading.Lock()
_cache: dict[tuple[Path, ...] | None, ReportFonts] = {}


def default_font_dirs() -> list[Path]:
    """The folders searched when no explicit search path is given, most specific first.

    Returns:
        The shipped ``resources/fonts`` folder, then the user's and the system's font folders of
        the running platform. Folders that do not exist are included; the search skips them.
    """
    from legalaid_desktop.paths import resource_path

    home = Path.home()
    dirs: list[Path] = [resource_path("fonts")]
    if sys.platform.startswith("win"):
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    elif sys.platform == "darwin":
        dirs += [
            home / "Library" / "Fonts",
            Path("/Library/Fonts"),
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
        ]
    else:
        data_home = os.environ.get("XDG_DATA_HOME")
        if data_home:
            dirs.append(Path(data_home) / "fonts")
        dirs += [
            home / ".local" / "share" / "fonts",
            home / ".fonts",
            Path("/usr/local/share/fonts"),
            Path("/usr/share/fonts"),
        ]
    return dirs


def find_fonts(search_path: Sequence[Path | str] | None = None) -> ReportFonts:
    """Find, check and register the font for the PDFs (cached).

    Args:
        search_path: The folders to search (recursively). ``None`` searches
            :func:`default_font_dirs`. Tests pass an explicit (e.g. empty) folder.

    Returns:
        The registered font pair.

    Raises:
        FontNotFound: If no candidate font covering Azerbaijani and Russian letters is found;
            the message names what to install.
    """
    key = None if search_path is None else tuple(Path(p).expanduser() for p in search_path)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        dirs = default_font_dirs() if key is None else list(key)
        fonts = _search(dirs)
        _cache[key] = fonts
        return fonts


def clear_font_cache() -> None:
    """Forget the fonts found so far, so that the next :func:`find_fonts` searches again."""
    with _lock:
        _cache.clear()


def missing_characters(font: TTFont) -> str:
    """The characters of :data:`REQUIRED_CHARACTERS` that ``font`` has no glyph for.

    A letter that the character map sends to glyph 0 (``.notdef``, the empty box a font draws
    for what it lacks) counts as missing: ReportLab keeps such entries in its map.

    Args:
        font: A parsed (not necessarily registered) ReportLab TrueType font.

    Returns:
        The missing characters, in the order of :data:`REQUIRED_CHARACTERS`; empty if none.
    """
    cmap = font.face.charToGlyph or {}
    return "".join(ch for ch in REQUIRED_CHARACTERS if not cmap.get(ord(ch)))


def _search(dirs: Sequence[Path]) -> ReportFonts:
    wanted = {name.lower() for c in _CANDIDATES for name in (*c.regular, *c.bold)}
    found = _scan(dirs, wanted)
    rejected: list[str] = []
    for candidate in _CANDIDATES:
        for regular_path in _paths_for(candidate.regular, found):
            regular = _load(regular_path, rejected)
            if regular is None:
                continue
            bold_path, bold = regular_path, regular
            for path in _paths_for(candidate.bold, found):
                loaded = _load(path, rejected)
                if loaded is not None:
                    bold_path, bold = path, loaded
                    break
            return _register(candidate.family, regular, regular_path, bold, bold_path)
    raise FontNotFound(_not_found_message(dirs, rejected))


def _scan(dirs: Iterable[Path], wanted: set[str]) -> dict[str, list[Path]]:
    """Font files whose lower-cased name is in ``wanted``, in search order, by lower-cased name."""
    found: dict[str, list[Path]] = {}
    seen: set[str] = set()
    for top in dirs:
        for root, subdirs, files in os.walk(top, followlinks=True):
            real = os.path.realpath(root)
            depth = len(Path(root).relative_to(top).parts)
            if real in seen or depth >= _MAX_DEPTH:
                subdirs[:] = []
                if real in seen:
                    continue
            seen.add(real)
            subdirs.sort()
            for name in sorted(files):
                lowered = name.lower()
                if lowered in wanted:
                    found.setdefault(lowered, []).append(Path(root) / name)
    return found


def _paths_for(names: Iterable[str], found: dict[str, list[Path]]) -> list[Path]:
    return [path for name in names for path in found.get(name.lower(), [])]


def _load(path: Path, rejected: list[str]) -> TTFont | None:
    """Parse ``path`` and check its coverage; ``None`` (noted in ``rejected``) if unusable."""
    try:
        font = TTFont(_internal_name(path), str(path))
    except Exception as exc:
        rejected.append(f"{path.name} ({type(exc).__name__})")
        return None
    missing = missing_characters(font)
    if missing:
        rejected.append(
            _("{file} (lacks {letters})").format(file=path.name, letters=" ".join(missing[:12]))
        )
        return None
    return font


def _internal_name(path: Path) -> str:
    """A ReportLab font name unique to the file, so that two folders never clash."""
    digest = hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:8]
    stem = re.sub(r"[^A-Za-z0-9-]", "", path.stem) or "font"
    return f"LegalAid-{stem}-{digest}"


def _register(
    family: str, regular: TTFont, regular_path: Path, bold: TTFont, bold_path: Path
) -> ReportFonts:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for font in (regular, bold):
        if font.fontName not in registered:
            pdfmetrics.registerFont(font)
    # Tie the faces into a family so that <b> and <i> in paragraphs resolve to them. ReportLab's
    # registerFont already maps every style of a face to the face itself: the upright and italic
    # regular lines only say so here (a change to them cannot be seen, hence the pragmas).
    name = regular.fontName
    addMapping(name, 0, 0, name)  # pragma: no mutate (equivalent: registerFont maps it)
    addMapping(name, 0, 1, name)  # pragma: no mutate (equivalent: registerFont maps it)
    addMapping(name, 1, 0, bold.fontName)
    addMapping(name, 1, 1, bold.fontName)
    return ReportFonts(
        family=family,
        regular=regular.fontName,
        bold=bold.fontName,
        regular_path=regular_path,
        bold_path=bold_path,
    )


def _not_found_message(dirs: Sequence[Path], rejected: Sequence[str]) -> str:
    message = _(
        "No font that can print Azerbaijani and Russian letters was found. "
        "Install the DejaVu fonts (Debian/Ubuntu: sudo apt install fonts-dejavu-core; "
        "Fedora: sudo dnf install dejavu-sans-fonts; Windows and macOS: download DejaVu Sans "
        "from https://dejavu-fonts.github.io and install DejaVuSans.ttf and "
        "DejaVuSans-Bold.ttf), then try again."
    )
    details = _("Searched: {folders}.").format(
        folders=", ".join(str(d) for d in dirs) or _("no folders")
    )
    if rejected:
        details += " " + _("Unsuitable: {fonts}.").format(fonts="; ".join(rejected))
    return f"{message} {details}"
