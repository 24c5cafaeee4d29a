"""The PDF font the frozen build carries: DejaVu Sans (regular and bold) with its licence.

The PDFs embed a TrueType font that has every Azerbaijani letter (ə, ğ, ı, İ, ş, ç, ö, ü) and the
Russian alphabet; ``legalaid_desktop.reports.fonts`` looks for one first in the shipped
``resources/fonts`` folder, then on the system. A center's computer may have none (a minimal
Linux, a Windows whose fonts lack ``Ə``), so the build ships its own copy of DejaVu Sans, whose
licence (Bitstream Vera / public domain changes) allows redistribution with its notice. The
files come from the build machine: ``LEGALAID_FONT_DIR`` if set (e.g. the ``ttf`` folder of the
DejaVu zip on Windows), else the usual font folders; the coverage is checked with the same test
the program applies, and the build stops with a clear message when no usable copy is found.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")

#: Where the licence of a system copy is kept (Debian/Ubuntu, Fedora), or beside the fonts.
LICENCE_PLACES = (
    Path("/usr/share/doc/fonts-dejavu-core/copyright"),
    Path("/usr/share/licenses/dejavu-sans-fonts/LICENSE"),
    Path("/usr/share/doc/fonts-dejavu-extra/copyright"),
)


def font_dirs() -> list[Path]:
    """The folders searched, most specific first."""
    env = os.environ.get("LEGALAID_FONT_DIR")
    if env:
        return [Path(env)]
    if sys.platform.startswith("win"):
        return [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        Path.home() / ".local" / "share" / "fonts",
    ]


def find(name: str, dirs: list[Path]) -> Path | None:
    for top in dirs:
        if (top / name).is_file():
            return top / name
        for path in sorted(top.rglob(name)) if top.is_dir() else []:
            return path
    return None


def licence_for(font: Path) -> Path | None:
    for folder in (font.parent, font.parent.parent):
        for name in ("LICENSE", "LICENSE.txt", "COPYING"):
            if (folder / name).is_file():
                return folder / name
    return next((p for p in LICENCE_PLACES if p.is_file()), None)


def stage(out: Path) -> list[Path]:
    """Copy the two faces and the licence into ``out``; returns the files written.

    Raises:
        SystemExit: No copy of DejaVu Sans, or one lacking a letter, or no licence text.
    """
    from reportlab.pdfbase.ttfonts import TTFont

    from legalaid_desktop.reports.fonts import missing_characters

    dirs = font_dirs()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    licence: Path | None = None
    for name in FILES:
        found = find(name, dirs)
        if found is None:
            raise SystemExit(
                f"{name} was not found in {', '.join(map(str, dirs))}. Install the DejaVu fonts "
                "(Debian/Ubuntu: apt install fonts-dejavu-core) or set LEGALAID_FONT_DIR to the "
                "ttf folder of https://dejavu-fonts.github.io's zip."
            )
        missing = missing_characters(TTFont(f"check-{name}", str(found)))
        if missing:
            raise SystemExit(f"{found} lacks {missing}: it cannot print Azerbaijani and Russian")
        shutil.copyfile(found, out / name)
        written.append(out / name)
        licence = licence or licence_for(found)
    if licence is None:
        raise SystemExit("the DejaVu fonts' licence text was not found: it must ship with them")
    shutil.copyfile(licence, out / "DejaVu-LICENSE.txt")
    written.append(out / "DejaVu-LICENSE.txt")
    return written


if __name__ == "__main__":
    for path in stage(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/stage/fonts")):
        print(path)
