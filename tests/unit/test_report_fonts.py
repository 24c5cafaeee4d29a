"""The PDF font check on real fonts: one required letter missing is enough to refuse a font,
and bold text in a paragraph is drawn with the bold face.

The font lacking one letter is the system's own font (the one :func:`find_fonts` picks) with its
character map rewritten by hand (no font library is needed): a new ``cmap`` table holding one
format-12 subtable with every mapping of the original except the removed letters, appended to
a copy of the file and pointed to from the table directory. Everything else in the file (the
glyphs, the metrics) is the real font's.
"""

from __future__ import annotations

import io
import shutil
import struct
from pathlib import Path

import pypdf
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from test_reports import make_case, render

from legalaid_desktop.domain.errors import FontNotFound
from legalaid_desktop.reports.fonts import (
    REQUIRED_CHARACTERS,
    clear_font_cache,
    find_fonts,
    missing_characters,
)


def _checksum(table: bytes) -> int:
    padded = table + b"\0" * (-len(table) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _cmap_format12(mapping: dict[int, int]) -> bytes:
    """A ``cmap`` table with one (3, 10) format-12 subtable holding ``mapping``."""
    groups: list[list[int]] = []
    for code, glyph in sorted(mapping.items()):
        last = groups[-1] if groups else None
        if last is not None and code == last[1] + 1 and glyph == last[2] + (code - last[0]):
            last[1] = code
        else:
            groups.append([code, code, glyph])
    body = b"".join(struct.pack(">III", *g) for g in groups)
    subtable = struct.pack(">HHIII", 12, 0, 16 + len(body), 0, len(groups)) + body
    return struct.pack(">HHHHI", 0, 1, 3, 10, 12) + subtable


def font_without(source: Path, target: Path, letters: str, *, to_notdef: bool = False) -> None:
    """Copy the TrueType font ``source`` to ``target`` with ``letters`` taken out of its cmap
    (or, with ``to_notdef``, mapped to glyph 0, the empty box a font draws for what it lacks)."""
    original = TTFont("LegalAid-test-probe", str(source))
    mapping = {
        code: glyph
        for code, glyph in original.face.charToGlyph.items()
        if glyph and chr(code) not in letters
    }
    if to_notdef:
        mapping.update(dict.fromkeys(map(ord, letters), 0))
    data = bytearray(source.read_bytes())
    new_cmap = _cmap_format12(mapping)
    data += b"\0" * (-len(data) % 4)
    offset = len(data)
    data += new_cmap + b"\0" * (-len(new_cmap) % 4)
    (num_tables,) = struct.unpack_from(">H", data, 4)
    for i in range(num_tables):
        entry = 12 + 16 * i
        if bytes(data[entry : entry + 4]) == b"cmap":
            struct.pack_into(">III", data, entry + 4, _checksum(new_cmap), offset, len(new_cmap))
            break
    else:
        raise AssertionError("the font has no cmap table")
    target.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def system_fonts() -> tuple[Path, Path]:
    fonts = find_fonts()
    assert fonts.bold_path != fonts.regular_path, "the system font has no bold face"
    return fonts.regular_path, fonts.bold_path


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_font_cache()


@pytest.mark.parametrize("letter", ["Ə", "ə", "ğ", "İ", "ш", "Ё"])
def test_a_real_font_lacking_one_required_letter_is_refused(
    tmp_path: Path, system_fonts: tuple[Path, Path], letter: str
) -> None:
    assert letter in REQUIRED_CHARACTERS
    regular, bold = system_fonts
    edited = tmp_path / regular.name
    font_without(regular, edited, letter)
    shutil.copy(bold, tmp_path / bold.name)
    # Positive control: the copy is a working font lacking exactly that letter.
    assert missing_characters(TTFont("LegalAid-test-edited", str(edited))) == letter
    with pytest.raises(FontNotFound, match=f"lacks {letter}"):
        find_fonts([tmp_path])


def test_a_font_mapping_a_required_letter_to_no_glyph_is_refused(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    regular, bold = system_fonts
    font_without(regular, tmp_path / regular.name, "Ə", to_notdef=True)
    shutil.copy(bold, tmp_path / bold.name)
    with pytest.raises(FontNotFound, match="lacks Ə"):
        find_fonts([tmp_path])


def test_the_untouched_copy_is_accepted(tmp_path: Path, system_fonts: tuple[Path, Path]) -> None:
    """The same rewriting with nothing removed gives a font that is used: the refusal above
    comes from the missing letter, not from the rewriting."""
    regular, bold = system_fonts
    font_without(regular, tmp_path / regular.name, "")
    shutil.copy(bold, tmp_path / bold.name)
    fonts = find_fonts([tmp_path])
    assert fonts.regular_path == tmp_path / regular.name
    assert fonts.bold_path == tmp_path / bold.name


def test_a_bold_face_lacking_a_letter_is_not_used(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    regular, bold = system_fonts
    shutil.copy(regular, tmp_path / regular.name)
    font_without(bold, tmp_path / bold.name, "Ə")
    fonts = find_fonts([tmp_path])
    assert fonts.bold_path == fonts.regular_path == tmp_path / regular.name
    assert fonts.bold == fonts.regular


def _text_by_face(pdf: bytes) -> list[tuple[str, str]]:
    """(text, font file's PostScript name) for each piece of text drawn in ``pdf``."""
    pieces: list[tuple[str, str]] = []

    def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        if text.strip() and isinstance(font, dict):
            base = str(font.get("/BaseFont", ""))
            pieces.append((text.strip(), base.split("+", 1)[-1]))

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return pieces


def test_bold_text_in_a_paragraph_uses_the_bold_face() -> None:
    fonts = find_fonts()
    regular = pdfmetrics.getFont(fonts.regular).face.name.decode()
    bold = pdfmetrics.getFont(fonts.bold).face.name.decode()
    assert regular != bold
    pdf, _pages = render(make_case(3), lang="en")
    pieces = _text_by_face(pdf)
    # "<b>Advice given:</b> ..." in a paragraph set in the regular face.
    labels = {face for text, face in pieces if text.startswith("Advice given:")}
    assert labels == {bold}, pieces[:40]
    # ... and the advice after the label stays in the regular face.
    advice = {face for text, face in pieces if text.startswith("İnzibati şikayət")}
    assert advice == {regular}, pieces[:40]


_HOME = Path("/home/leyla")


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        (
            "linux",
            {"XDG_DATA_HOME": "/data/leyla"},
            [
                "/data/leyla/fonts",
                "/home/leyla/.local/share/fonts",
                "/home/leyla/.fonts",
                "/usr/local/share/fonts",
                "/usr/share/fonts",
            ],
        ),
        (
            "linux",
            {},
            [
                "/home/leyla/.local/share/fonts",
                "/home/leyla/.fonts",
                "/usr/local/share/fonts",
                "/usr/share/fonts",
            ],
        ),
        (
            "darwin",
            {"XDG_DATA_HOME": "/data/leyla"},
            [
                "/home/leyla/Library/Fonts",
                "/Library/Fonts",
                "/System/Library/Fonts",
                "/System/Library/Fonts/Supplemental",
            ],
        ),
        (
            "win32",
            {"LOCALAPPDATA": "/users/leyla/local", "WINDIR": "/windows"},
            ["/users/leyla/local/Microsoft/Windows/Fonts", "/windows/Fonts"],
        ),
        ("win32", {}, ["C:\\Windows/Fonts"]),
    ],
)
def test_the_font_folders_of_each_platform(
    monkeypatch: pytest.MonkeyPatch, platform: str, env: dict[str, str], expected: list[str]
) -> None:
    """The shipped fonts first, then the user's, then the system's, as each platform keeps them."""
    from legalaid_desktop.paths import resource_path
    from legalaid_desktop.reports import fonts

    for name in ("XDG_DATA_HOME", "LOCALAPPDATA", "WINDIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(fonts.Path, "home", staticmethod(lambda: _HOME))
    monkeypatch.setattr(fonts.sys, "platform", platform)
    found = fonts.default_font_dirs()
    assert found[0] == resource_path("fonts")
    assert found[1:] == [Path(p) for p in expected]
