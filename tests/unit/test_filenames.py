"""Attachment file names reduced to one plain name (issue 13): examples and properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from legalaid_desktop.domain.filenames import (
    MAX_NAME_BYTES,
    MAX_NAME_LENGTH,
    is_reserved_name,
    plain_file_name,
)


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("ərizə.pdf", "ərizə.pdf"),
        ("Şikayət — 2026.docx", "Şikayət — 2026.docx"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Startup\\run.bat", "run.bat"),
        ("C:\\Windows\\System32\\evil.dll", "evil.dll"),
        ("C:evil.txt", "C_evil.txt"),
        ("report.pdf:hidden-stream", "report.pdf_hidden-stream"),
        ("/", "document"),
        ("..", "document"),
        ("", "document"),
        ("   ", "document"),
        ("\x00\x01\x1f", "document"),
        ("a\x00b\nc\td.pdf", "abcd.pdf"),
        ("report\u202egpj.exe", "reportgpj.exe"),  # a right-to-left override hides ".exe"
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("line\u2028break.txt", "linebreak.txt"),
        ("name. . .", "name"),
        ("trailing dots...", "trailing dots"),
        ("  spaced   out  .pdf", "spaced out .pdf"),
        (".bashrc", "bashrc"),
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("NUL", "_NUL"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ("COM1", "_COM1"),
        ("com9.log", "_com9.log"),
        ("LPT1", "_LPT1"),
        ("lpt1.pdf", "_lpt1.pdf"),
        ("COM¹.txt", "_COM¹.txt"),
        ("CON .txt", "_CON .txt"),
        ("AUX.", "_AUX"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("COM10.txt", "COM10.txt"),
        ("ACON.txt", "ACON.txt"),
    ],
)
def test_examples(given_name: str, expected: str) -> None:
    assert plain_file_name(given_name) == expected


def test_long_names_keep_their_extension() -> None:
    name = plain_file_name("ə" * 5000 + ".pdf")
    assert name.endswith("ə.pdf")
    assert len(name) <= MAX_NAME_LENGTH and len(name.encode()) <= MAX_NAME_BYTES
    only_extension = plain_file_name("." * 300 + "x" * 300)
    assert only_extension and len(only_extension) <= MAX_NAME_LENGTH


def test_the_fallback_is_made_plain_too() -> None:
    assert plain_file_name("", fallback="../CON") == "_CON"
    assert plain_file_name("\x00", fallback="sənəd") == "sənəd"


def test_reserved_names() -> None:
    assert is_reserved_name("PRN.pdf") and is_reserved_name("conin$")
    assert not is_reserved_name("_CON") and not is_reserved_name("CONFIG.SYS")


_FORBIDDEN = set('/\\<>:"|?*')


def _check(name: str) -> None:
    assert name, "a plain name is never empty"
    assert not _FORBIDDEN & set(name)
    assert all(unicodedata.category(c)[0] != "C" for c in name)
    assert all(unicodedata.category(c) not in ("Zl", "Zp") for c in name)
    assert name == name.strip() and not name.endswith(".") and not name.startswith(".")
    assert not is_reserved_name(name)
    assert len(name) <= MAX_NAME_LENGTH and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name not in (".", "..")
    assert unicodedata.is_normalized("NFC", name)


_pieces = st.sampled_from(
    [
        "/",
        "\\",
        "..",
        ".",
        " ",
        "CON",
        "nul",
        "COM1",
        "lpt9",
        "¹",
        ":",
        "\x00",
        "\u202e",
        "\u200b",
        "\u2028",
        "\ufeff",
        ".pdf",
        "ə",
        "Ş",
        "e\u0301",
        "\ud7ff",
        "\uffff",
        "*",
    ]
)
_names = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=40).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(_names)
@example("CON" + "." * 300)
@example("x" * 200 + "." + "y" * 16)
@example("e\u0301" * 200)
@example("e\u200b\u0301.pdf")
@example("\u0958" * 130)
def test_any_string_becomes_a_plain_name(name: str) -> None:
    result = plain_file_name(name)
    _check(result)
    assert plain_file_name(result) == result  # a plain name stays as it is


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=60))
def test_ordinary_names_are_kept(stem: str) -> None:
    stem = unicodedata.normalize("NFC", stem)
    if is_reserved_name(stem) or len(stem.encode()) > MAX_NAME_BYTES - 4:
        return
    assert plain_file_name(stem + ".pdf") == stem + ".pdf"
