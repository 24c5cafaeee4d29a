"""How the PDF font is searched for: the folders walked, the files tried in order, the names it is
registered under, and what the user is told when nothing fits. (Found by mutation testing.)

Every font here is the machine's own font (the one :func:`find_fonts` picks), copied or edited
with :func:`test_report_fonts.font_without`; no stand-in for ReportLab's parser.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase.ttfonts import TTFont
from test_report_fonts import font_without

from legalaid_desktop.domain.errors import FontNotFound
from legalaid_desktop.i18n import language
from legalaid_desktop.reports import fonts
from legalaid_desktop.reports.fonts import (
    REQUIRED_CHARACTERS,
    clear_font_cache,
    find_fonts,
    missing_characters,
)

_INSTALL = (
    "No font that can print Azerbaijani and Russian letters was found. Install the DejaVu fonts "
    "(Debian/Ubuntu: sudo apt install fonts-dejavu-core; Fedora: sudo dnf install "
    "dejavu-sans-fonts; Windows and macOS: download DejaVu Sans from "
    "https://dejavu-fonts.github.io and install DejaVuSans.ttf and DejaVuSans-Bold.ttf), "
    "then try again."
)


@pytest.fixture(scope="module")
def system_fonts() -> tuple[Path, Path]:
    clear_font_cache()
    found = find_fonts()
    assert found.family == "DejaVu Sans", "these tests name DejaVu's files"
    return found.regular_path, found.bold_path


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_font_cache()


def test_with_no_folder_the_message_says_so() -> None:
    with language("en"), pytest.raises(FontNotFound) as refused:
        find_fonts([])
    assert str(refused.value) == f"{_INSTALL} Searched: no folders."


def test_the_message_names_the_folders_and_why_each_font_was_unsuitable(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    regular, _bold = system_fonts
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "DejaVuSans.ttf").write_bytes(b"not a font at all")
    # The fourteen Azerbaijani letters missing: the message shows the first twelve.
    font_without(regular, second / "DejaVuSans.ttf", REQUIRED_CHARACTERS[:14])
    with language("en"), pytest.raises(FontNotFound) as refused:
        find_fonts([first, second])
    assert str(refused.value) == (
        f"{_INSTALL} Searched: {first}, {second}. Unsuitable: DejaVuSans.ttf (TTFError); "
        "DejaVuSans.ttf (lacks Ə ə İ ı Ğ ğ Ş ş Ç ç Ö ö)."
    )


def test_missing_letters_are_listed_in_the_required_order(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    regular, _bold = system_fonts
    font_without(regular, tmp_path / "edited.ttf", "əЁ")
    assert missing_characters(TTFont("LegalAid-test-two-gone", str(tmp_path / "edited.ttf"))) == (
        "əЁ"
    )


def test_a_broken_file_is_passed_over_for_a_good_one_of_the_same_family(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    regular, bold = system_fonts
    broken, good = tmp_path / "a-broken", tmp_path / "b-good"
    broken.mkdir()
    good.mkdir()
    (broken / regular.name).write_bytes(b"\0" * 64)
    shutil.copy(regular, good / regular.name)
    shutil.copy(bold, good / bold.name)
    found = find_fonts([broken, good])
    assert found.family == "DejaVu Sans"
    assert found.regular_path == good / regular.name
    assert found.bold_path == good / bold.name


def test_bold_and_italic_in_a_paragraph_map_to_the_registered_faces(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    regular, bold = system_fonts
    shutil.copy(regular, tmp_path / regular.name)
    shutil.copy(bold, tmp_path / bold.name)
    found = find_fonts([tmp_path])
    assert found.regular != found.bold
    # ReportLab has no italic face of ours: italic text stays upright, in the right weight.
    assert tt2ps(found.regular, 0, 0) == found.regular
    assert tt2ps(found.regular, 1, 0) == found.bold
    assert tt2ps(found.regular, 0, 1) == found.regular
    assert tt2ps(found.regular, 1, 1) == found.bold


def test_each_file_is_registered_under_a_name_of_its_own(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    regular, _bold = system_fonts
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        shutil.copy(regular, folder / regular.name)
    first = find_fonts([one]).regular
    second = find_fonts([two]).regular
    assert first != second
    digest = hashlib.sha256(os.fsencode((one / regular.name).resolve())).hexdigest()[:8]
    assert first == f"LegalAid-DejaVuSans-{digest}"


@pytest.mark.parametrize(
    ("file_name", "stem"),
    [
        ("Arial Bold.ttf", "ArialBold"),
        ("NotoSans-Regular.ttf", "NotoSans-Regular"),
        ("şrift (1).ttf", "rift1"),
        ("шрифт.ttf", "font"),
    ],
)
def test_a_registered_name_keeps_only_plain_letters_of_the_file_name(
    tmp_path: Path, file_name: str, stem: str
) -> None:
    name = fonts._internal_name(tmp_path / file_name)
    assert re.fullmatch(rf"LegalAid-{re.escape(stem)}-[0-9a-f]{{8}}", name), name


def _place(system_fonts: tuple[Path, Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / system_fonts[0].name
    shutil.copy(system_fonts[0], target)
    return target


def test_the_search_goes_six_folders_deep_and_no_deeper(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    wanted = {system_fonts[0].name.lower()}
    six = _place(system_fonts, tmp_path / "six" / "1" / "2" / "3" / "4" / "5" / "6")
    seven = _place(system_fonts, tmp_path / "seven" / "1" / "2" / "3" / "4" / "5" / "6" / "7")
    assert fonts._scan([tmp_path / "six"], wanted) == {system_fonts[0].name.lower(): [six]}
    assert fonts._scan([tmp_path / "seven"], wanted) == {}
    assert seven.exists()


def test_linked_folders_are_followed_once_and_loops_end(
    tmp_path: Path, system_fonts: tuple[Path, Path]
) -> None:
    key = system_fonts[0].name.lower()
    elsewhere = _place(system_fonts, tmp_path / "elsewhere" / "fonts")
    top = tmp_path / "top"
    # The loop comes first in the walk: what lies after it is still searched.
    (top / "a-sub").mkdir(parents=True)
    (top / "a-sub" / "loop").symlink_to(top, target_is_directory=True)
    (top / "linked").symlink_to(elsewhere.parent, target_is_directory=True)
    found = fonts._scan([top], {key})
    assert found == {key: [top / "linked" / elsewhere.name]}
    # The same folder given twice, or reached again through a link, is read once.
    assert fonts._scan([top, top, elsewhere.parent], {key}) == found
