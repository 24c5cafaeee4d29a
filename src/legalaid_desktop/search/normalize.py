"""Azerbaijani-aware normalization of names and free text (DESIGN.md §4).

This is the one module that knows the Azerbaijani alphabet. Search, sorting, duplicate
detection and the conflict-of-interest check are all built on it. It is pure Python and does
no I/O.

Layers, from the most faithful to the coarsest:

* :func:`clean`: for display and storage. NFC, invisible characters removed, whitespace
  collapsed, mixed-script lookalikes repaired. Keeps the user's script and casing otherwise.
* :func:`az_lower`, :func:`az_upper`, :func:`az_title`: casing with the Azerbaijani
  ``İ ↔ i`` and ``I ↔ ı`` pairs. Python's own ``str.lower()`` turns ``"İ"`` into ``"i̇"``
  (two code points) and ``"I"`` into ``"i"``; both are wrong for Azerbaijani.
* :func:`to_latin`: Cyrillic (Russian spellings of Azerbaijani names and the 1958-1991
  Azerbaijani Cyrillic alphabet) to Azerbaijani Latin, lowercase.
* :func:`fold`: the precise search form: ASCII lowercase words separated by single spaces.
* :func:`phonetic_key`, :func:`name_keys`, :func:`surname_stem`: coarse keys under which the
  usual spellings of one name coincide (Əliyev, Aliyev, Eliyev, Алиев, Әлијев ...).
* :func:`split_name`: surname, given name, father's name and ``oğlu``/``qızı`` marker.
* :func:`sort_key`, :func:`sorted_az`: Azerbaijani alphabetical order.
* :func:`similarity`, :func:`name_similarity`, :func:`jaro_winkler`: fuzzy scores in [0, 1].

Mapping decisions
=================

:func:`clean`, lookalikes. A *word* is a run of letters and combining marks. If a word mixes
Latin and Cyrillic letters, it is written in the script of the majority (ties go to Latin),
provided every minority letter has a lookalike in that script: Cyrillic ``а е о р с у х і ј ѕ
һ`` and capitals ``А В Е К М Н О Р С Т У Х І Ј Ѕ Һ`` become the Latin letters they look like;
the Azerbaijani Cyrillic ``ә ө ү`` (and capitals) become ``ə ö ü``. The other way, Latin
``a e o p c y x ə`` and ``A B E K M H O P C T X Ə`` become Cyrillic. In a word with no
Cyrillic letters, ``ä``/``Ä`` (an old fallback for the schwa) becomes ``ə``/``Ə``, so a German
``Jäger`` becomes ``Jəger`` too (accepted). The turned e ``ǝ``/``Ǝ`` (U+01DD/U+018E, a common
wrong pick for ``ə``/``Ə``) always becomes ``ə``/``Ə``. Removed as invisible: format characters
(Unicode category Cf: zero-width space/joiners, BOM, soft hyphen, bidi controls) and control
characters that are not whitespace. A dot above after ``i`` (left by a naive ``"İ".lower()``) is
dropped.

:func:`to_latin`. Per word: a word containing one of the Azerbaijani Cyrillic letters
``ә ғ ҹ һ ј ө ү ҝ`` is read as Azerbaijani Cyrillic (``г → q``, ``ҝ → g``, ``ғ → ğ``,
``ҹ → c``, ``ј → y``, ``е → e``, ``ю → yu``, ``я → ya``); any other word as a Russian
spelling of an Azerbaijani name:

==========  ===========================================================================
Cyrillic    Latin
==========  ===========================================================================
дж          c (Джафаров → cafarov)
г           g before е ё и ю я э ь (Гюнель → günel), q otherwise (Гулиев → quliyev);
            Azerbaijani h written as г (Гусейнов) is not recoverable; keys merge h, g, q
е ё ю я     ye yo yu ya at the start of a word or after a vowel, ь or ъ (Алиев → aliyev);
            e ö ü ə after a consonant (Мамедов → mamedov, Гянджа → gəncə)
ж ч ш щ ц   j ç ş şç ts
х ы й       x ı y
ъ ь         dropped
==========  ===========================================================================

Ukrainian ``і ї є ґ ў`` and a few Central Asian letters are mapped too; other Cyrillic letters
are mapped through their base letter when they have one and left unchanged otherwise.
Non-Cyrillic text is only lowercased (with :func:`az_lower`).

:func:`fold`. NFKC (fullwidth forms, ligatures), :func:`to_latin`, then ``ə ä ǝ → e``,
``ı → i``, ``ş → s``, ``ç → c``, ``ğ → g``, ``ö → o``, ``ü → u``; other diacritics are removed
(``é → e``), ``ß æ œ ø þ`` become ``ss ae oe o th``; decimal digits of any script become ASCII
digits; apostrophes are removed (``O'Brien → obrien``); everything else that is not an ASCII
letter or digit separates words (punctuation, symbols, and letters of other scripts such as
Georgian or Arabic, which therefore cannot be searched by text). ``ə → e`` (not ``a``) is the
convention of ASCII Azerbaijani ("Eliyev", "Memmedov"), so ``ƏLİYEV``, ``əliyev`` and
``Eliyev`` fold equally; ``Aliyev`` folds to ``aliyev``; joining those is the job of the
phonetic keys. ``x`` stays ``x`` (it is a letter of its own, not ``kh``).

:func:`phonetic_key`. On the folded word: digraphs ``dzh dj ch zh → c``, ``sh → s``,
``kh gh → k``; then the classes

=================  =====  ===========================================================
letters            key    why
=================  =====  ===========================================================
a e (ə ä)          a      Əliyev = Aliyev = Eliyev; Məmmədov = Mamedov
i y (ı)            i      İsmayıl = Ismail, Aliyev = Aliev, Leyla = Leila
o (ö), u (ü)       o, u   Hüseynov = Huseynov; o and u stay apart
g q k x h (ğ)      k      Quliyev = Guliyev = Кулиев; Xəlilov = Khalilov = Halilov;
                          Hüseynov = Guseynov (Russian г for h)
c j (ç)            c      Cəfərov = Jafarov = Djafarov; Çingiz = Chingiz = Cingiz
s (ş)              s      Şahin = Shahin = Sahin
w                  v
=================  =====  ===========================================================

and runs of the same key letter collapse to one (``mm → m``, ``iyi → i``). The price is some
over-merging (Kamal = Həmal, İshaq "sh" read as ş); the scores built on the keys are ranked,
not trusted blindly. Patronymic markers get canonical keys: ``oğlu oglu ogly ogli оглы огли
→ "oglu"`` and ``qızı qizi gizi kyzy кызы гызы → "qizi"``; :func:`name_keys` leaves them out.

Russian-style feminine surnames keep their ending: ``phonetic_key("Əliyeva") == "aliava"`` and
``phonetic_key("Əliyev") == "aliav"`` differ, so a man and a woman are not the same person.
:func:`surname_stem` removes a feminine ending (``-ova``/``-eva``/``-yeva``, ``-ina``,
``-skaya``) from a key, so equal stems with different keys mean "probably the same family":
the conflict-of-interest check scores that lower than equal keys.

:func:`sort_key`. Case-insensitive on :func:`clean` + :func:`az_lower`; letters in the order
A B C Ç D E Ə F G Ğ H X I İ J K Q L M N O Ö P R S Ş T U Ü V Y Z. Other Latin letters sort just
after their base letter (``é`` after ``e``; ``w`` between ``v`` and ``y``). Cyrillic sorts after
all Latin, in Russian alphabetical order with ``ә ғ ј ҝ ө ү һ ҹ`` placed after ``а г й к о у х
ч``; other scripts come after Cyrillic by code point. Before letters: space, then punctuation and
symbols, then digits. Combining marks are ignored. Equal keys are broken by the original string,
so the order is total and ``sort_key(a) == sort_key(b)`` only when ``a == b``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Literal, TypeVar, overload

__all__ = [
    "AZ_ALPHABET",
    "AZ_ALPHABET_UPPER",
    "Marker",
    "NameParts",
    "az_lower",
    "az_title",
    "az_upper",
    "clean",
    "family_key",
    "fold",
    "jaro_winkler",
    "looks_like_surname",
    "marker_of",
    "name_keys",
    "name_similarity",
    "phonetic_key",
    "similarity",
    "sort_key",
    "sorted_az",
    "split_name",
    "surname_stem",
    "title_name",
    "to_latin",
]

Marker = Literal["oglu", "qizi"]
"""Canonical patronymic markers: ``oğlu`` (son of) and ``qızı`` (daughter of)."""

_T = TypeVar("_T")

AZ_ALPHABET: Final = "abcçdeəfgğhxıijkqlmnoöprsştuüvyz"
"""The 32 lowercase letters of the Azerbaijani Latin alphabet, in alphabetical order."""

AZ_ALPHABET_UPPER: Final = "ABCÇDEƏFGĞHXIİJKQLMNOÖPRSŞTUÜVYZ"
"""The 32 capital letters of the Azerbaijani Latin alphabet, in alphabetical order."""

_APOSTROPHES: Final = "'’ʼ`´ʻ‘"

# --------------------------------------------------------------------------------------------
# Casing
# --------------------------------------------------------------------------------------------

_TO_LOWER_SPECIAL: Final = str.maketrans({"İ": "i", "I": "ı"})
_TO_UPPER_SPECIAL: Final = str.maketrans({"i": "İ", "ı": "I"})


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _drop_redundant_dot(text: str) -> str:
    # Plain "İ".lower() gives "i" + U+0307 COMBINING DOT ABOVE; on "i" the dot is redundant.
    return text.replace("i\u0307", "i") if "\u0307" in text else text


def az_lower(text: str) -> str:
    """Lowercases by Azerbaijani rules: ``İ → i`` and ``I → ı``.

    Args:
        text: Any text.

    Returns:
        The lowercase text, NFC-normalized. ``i`` followed by a combining dot above
        (what a plain ``"İ".lower()`` produces) becomes a plain ``i``.
    """
    lowered = _drop_redundant_dot(_nfc(text)).translate(_TO_LOWER_SPECIAL).lower()
    return _nfc(_drop_redundant_dot(lowered))


def az_upper(text: str) -> str:
    """Uppercases by Azerbaijani rules: ``i → İ`` and ``ı → I``.

    Args:
        text: Any text.

    Returns:
        The uppercase text, NFC-normalized.
    """
    return _nfc(_drop_redundant_dot(_nfc(text)).translate(_TO_UPPER_SPECIAL).upper())


def _title_char(ch: str) -> str:
    if ch == "i":
        return "İ"
    if ch == "ı":
        return "I"
    return ch.title()


def az_title(text: str) -> str:
    """Capitalizes the first letter of every word and lowercases the rest, Azerbaijani-style.

    A word starts after anything that is not a letter, digit, combining mark or apostrophe,
    so ``əliyeva-quliyeva`` becomes ``Əliyeva-Quliyeva`` and ``mə'sumə`` becomes ``Mə'sumə``.
    Patronymic markers are capitalized like any word; use :func:`title_name` for names.

    Args:
        text: Any text.

    Returns:
        The title-cased text, NFC-normalized.
    """
    out: list[str] = []
    at_start = True
    for ch in _drop_redundant_dot(_nfc(text)):
        if ch.isalpha():
            out.append(_title_char(ch) if at_start else az_lower(ch))
            at_start = False
        elif ch.isalnum() or ch in _APOSTROPHES:
            out.append(ch)
            at_start = False
        elif unicodedata.category(ch).startswith("M"):
            out.append(ch)
        else:
            out.append(ch)
            at_start = True
    return _nfc("".join(out))


def title_name(full_name: str) -> str:
    """Title-cases a person's name, keeping patronymic markers lowercase.

    Args:
        full_name: A full name, e.g. ``"ƏLİYEV RƏŞAD İSMAYIL OĞLU"``.

    Returns:
        The cleaned name, e.g. ``"Əliyev Rəşad İsmayıl oğlu"``.
    """
    words = clean(full_name).split(" ")
    return " ".join(az_lower(w) if marker_of(w) else az_title(w) for w in words if w)


# --------------------------------------------------------------------------------------------
# clean()
# --------------------------------------------------------------------------------------------

_ASCII_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_LOOKALIKE_CANDIDATE_RE: Final = re.compile("[\u0400-\u052fäÄ]")
_TURNED_E: Final = str.maketrans({"ǝ": "ə", "Ǝ": "Ə"})
_A_UMLAUT: Final = str.maketrans({"ä": "ə", "Ä": "Ə"})

_CYR_TO_LAT_LOOKALIKE: Final[dict[str, str]] = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "і": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԛ": "q", "ԝ": "w",
    "ә": "ə", "ө": "ö", "ү": "ü",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Һ": "H",
    "Ԛ": "Q", "Ԝ": "W",
    "Ә": "Ə", "Ө": "Ö", "Ү": "Ü",
}  # fmt: skip
_LAT_TO_CYR_LOOKALIKE: Final[dict[str, str]] = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "ə": "ә",
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р",
    "C": "С", "T": "Т", "X": "Х", "Ə": "Ә",
}  # fmt: skip
_CYR_TO_LAT_TABLE: Final = str.maketrans(_CYR_TO_LAT_LOOKALIKE)
_LAT_TO_CYR_TABLE: Final = str.maketrans(_LAT_TO_CYR_LOOKALIKE)


@lru_cache(maxsize=8192)
def _script(ch: str) -> str:
    """Returns ``"L"`` for a Latin letter, ``"C"`` for a Cyrillic letter, ``""`` otherwise."""
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    if "LATIN" in name:
        return "L"
    if "CYRILLIC" in name:
        return "C"
    return ""


@lru_cache(maxsize=8192)
def _is_invisible(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and not ch.isspace())


@lru_cache(maxsize=8192)
def _is_word_char(ch: str) -> bool:
    return ch.isalpha() or unicodedata.category(ch).startswith("M")


_CHAR_TABLE_MAX: Final = 1 << 16


class _CharTable(dict[int, str | None]):
    """A ``str.translate`` table filled on demand: each code point is decided once, by ``rule``.

    ``text.translate(table)`` then runs in C over every character; only a code point not seen
    before costs a Python call. The table grows with the distinct characters seen (a few hundred
    in practice) and is emptied if it ever holds :data:`_CHAR_TABLE_MAX` of them.
    """

    def __init__(self, rule: Callable[[str], str]) -> None:
        super().__init__()
        self._rule = rule

    def __missing__(self, code: int) -> str | None:
        if len(self) >= _CHAR_TABLE_MAX:
            self.clear()
        mapped = self._rule(chr(code))
        value = mapped or None  # None deletes the character
        self[code] = value
        return value


def _visible_or_empty(ch: str) -> str:
    return "" if _is_invisible(ch) else ch


_STRIP_INVISIBLE: Final = _CharTable(_visible_or_empty)


def _strip_invisible(text: str) -> str:
    if text.isascii():
        return _ASCII_CONTROL_RE.sub("", text)
    return text.translate(_STRIP_INVISIBLE)


@lru_cache(maxsize=1 << 14)  # the words of mixed-script names repeat
def _fix_word(word: str) -> str:
    latin = cyrillic = 0
    latin_ok = cyrillic_ok = True
    for ch in word:
        script = _script(ch)
        if script == "L":
            latin += 1
            latin_ok = latin_ok and ch in _LAT_TO_CYR_LOOKALIKE
        elif script == "C":
            cyrillic += 1
            cyrillic_ok = cyrillic_ok and ch in _CYR_TO_LAT_LOOKALIKE
    if latin and cyrillic:
        if latin >= cyrillic and cyrillic_ok:
            word = word.translate(_CYR_TO_LAT_TABLE)
            cyrillic = 0
        elif cyrillic > latin and latin_ok:
            word = word.translate(_LAT_TO_CYR_TABLE)
    if not cyrillic:
        word = word.translate(_A_UMLAUT)
    return word


def _fix_lookalikes(text: str) -> str:
    if not _LOOKALIKE_CANDIDATE_RE.search(text):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        in_word = _is_word_char(text[i])
        j = i + 1
        while j < n and _is_word_char(text[j]) == in_word:
            j += 1
        out.append(_fix_word(text[i:j]) if in_word else text[i:j])
        i = j
    return "".join(out)


def _clean_line(text: str) -> str:
    s = _nfc(_strip_invisible(_nfc(text)))
    s = _fix_lookalikes(s.translate(_TURNED_E))
    s = " ".join(_drop_redundant_dot(s).split())
    return _nfc(s)


def clean(text: str, *, multiline: bool = False) -> str:
    """Normalizes text for display and storage without changing its script or casing.

    NFC; invisible characters (zero-width spaces and joiners, BOM, soft hyphen, bidi
    controls, non-whitespace control characters) removed; whitespace collapsed to single
    spaces and stripped; mixed-script lookalikes repaired (``Mәmmәdov`` with Cyrillic ``ә``
    becomes ``Məmmədov``; ``Äliyev`` becomes ``Əliyev``; see the module docstring).

    Args:
        text: Any text.
        multiline: Keep line breaks: each line is cleaned on its own, runs of blank lines
            become one blank line and leading/trailing blank lines are removed. Line
            separators become ``"\\n"``.

    Returns:
        The cleaned text. ``clean(clean(x)) == clean(x)``.
    """
    if not multiline:
        return _clean_line(text)
    lines: list[str] = []
    for raw in text.splitlines():
        line = _clean_line(raw)
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# to_latin()
# --------------------------------------------------------------------------------------------

_CYRILLIC_RE: Final = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
_LETTERS_RE: Final = re.compile(r"[^\W\d_]+")
_AZ_CYRILLIC_ONLY: Final = frozenset("әғҹһјөүҝ")

_CYR_TO_LATIN: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "q", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "ts",
    "ч": "ç", "ш": "ş", "щ": "şç", "ъ": "", "ы": "ı", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Azerbaijani Cyrillic
    "ә": "ə", "ғ": "ğ", "ҝ": "g", "ҹ": "c", "һ": "h", "ј": "y", "ө": "ö", "ү": "ü",
    # Ukrainian, Belarusian, Kazakh, Uzbek, Tajik
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "қ": "q", "ң": "n", "ұ": "u",
    "ҳ": "h", "ӏ": "",
}  # fmt: skip
# Russian е ё ю я: (after a vowel or at the start of a word, after a consonant).
_RU_IOTATED: Final[dict[str, tuple[str, str]]] = {
    "е": ("ye", "e"),
    "ё": ("yo", "ö"),
    "ю": ("yu", "ü"),
    "я": ("ya", "ə"),
}
_IOTATION_AFTER: Final = frozenset("аеёиоуыэюяәөүіїєьъaeəiıoöuü")
_SOFT_AFTER_G: Final = frozenset("еёиюяэьәөүіїє")


@lru_cache(maxsize=4096)
def _cyr_char(ch: str) -> str:
    mapped = _CYR_TO_LATIN.get(ch)
    if mapped is not None:
        return mapped
    if not _CYRILLIC_RE.match(ch):
        return ch
    base = unicodedata.normalize("NFD", ch)[0]
    if base != ch and base in _CYR_TO_LATIN:
        return _CYR_TO_LATIN[base]
    return ch


@lru_cache(maxsize=1 << 16)  # Cyrillic names and words repeat a lot
def _translit_word(word: str) -> str:
    if not _CYRILLIC_RE.search(word):
        return word
    azerbaijani = any(ch in _AZ_CYRILLIC_ONLY for ch in word)
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        nxt = word[i + 1] if i + 1 < n else ""
        if ch == "д" and nxt == "ж":
            out.append("c")
            i += 2
            continue
        if ch == "г" and not azerbaijani:
            out.append("g" if nxt in _SOFT_AFTER_G else "q")
        elif ch in _RU_IOTATED and not azerbaijani:
            iotated = word[i - 1] in _IOTATION_AFTER if i else n > 1
            out.append(_RU_IOTATED[ch][0 if iotated else 1])
        else:
            out.append(_cyr_char(ch))
        i += 1
    return "".join(out)


def to_latin(text: str) -> str:
    """Transliterates Cyrillic to Azerbaijani Latin and lowercases everything.

    Handles both Russian spellings of Azerbaijani names (``Алиев → aliyev``,
    ``Мамедов → mamedov``, ``Джафаров → cafarov``) and Azerbaijani Cyrillic
    (``Әлијев → əliyev``). Latin text is only lowercased, with :func:`az_lower`. The mapping
    is in the module docstring. Never raises.

    Args:
        text: Any text.

    Returns:
        Lowercase text, NFC-normalized, in which every Russian and Azerbaijani Cyrillic letter
        has been replaced.
    """
    lowered = az_lower(text)
    if not _CYRILLIC_RE.search(lowered):
        return lowered
    return _nfc(_LETTERS_RE.sub(lambda m: _translit_word(m.group()), lowered))


# --------------------------------------------------------------------------------------------
# fold()
# --------------------------------------------------------------------------------------------

_FOLD_TABLE: Final = str.maketrans(
    {
        "ə": "e", "ä": "e", "ǝ": "e", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o",
        "ü": "u", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th",
        "ð": "d", "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "k",
    }
)  # fmt: skip
_APOSTROPHE_RE: Final = re.compile(f"[{_APOSTROPHES}]")
_NON_ALNUM_RE: Final = re.compile(r"[^a-z0-9]+")


def _fold_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category.startswith("M"):
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(ch, 0))
    return ch


_FOLD_CHARS: Final = _CharTable(_fold_char)


def fold(text: str) -> str:
    """Folds text for the search index and for search queries.

    Invisible characters removed (as in :func:`clean`), Azerbaijani-aware lowercase,
    Cyrillic to Latin, diacritics folded to ASCII
    (``ə → e``, ``ı → i``, ``ş → s``, ``ç → c``, ``ğ → g``, ``ö → o``, ``ü → u``),
    apostrophes removed, every other non-alphanumeric character turned into a single space.
    ``fold("ƏLİYEV") == fold("əliyev") == fold("Eliyev") == "eliyev"``.

    Args:
        text: Any text.

    Returns:
        Words of ASCII lowercase letters and digits separated by single spaces, with no
        leading or trailing space; possibly empty. ``fold(fold(x)) == fold(x)``.
    """
    if text.isascii():  # the same steps, without the ones that cannot change ASCII text
        s = _ASCII_CONTROL_RE.sub("", text).lower()
        return _NON_ALNUM_RE.sub(" ", _APOSTROPHE_RE.sub("", s)).strip()
    s = to_latin(_strip_invisible(unicodedata.normalize("NFKC", text))).translate(_FOLD_TABLE)
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s).translate(_FOLD_CHARS)
    s = _APOSTROPHE_RE.sub("", s)
    return _NON_ALNUM_RE.sub(" ", s.lower()).strip()


# --------------------------------------------------------------------------------------------
# Phonetic keys
# --------------------------------------------------------------------------------------------

_DIGRAPHS: Final[dict[str, str]] = {
    "dzh": "c",
    "dj": "c",
    "ch": "c",
    "zh": "c",
    "sh": "s",
    "kh": "k",
    "gh": "k",
}
_DIGRAPH_RE: Final = re.compile("dzh|dj|ch|zh|sh|kh|gh")
_KEY_TABLE: Final = str.maketrans(
    {"e": "a", "y": "i", "g": "k", "q": "k", "x": "k", "h": "k", "j": "c", "w": "v"}
)
_REPEAT_RE: Final = re.compile(r"(.)\1+")
_MARKER_KEYS: Final[dict[str, Marker]] = {
    "oklu": "oglu",  # oğlu, oglu
    "okli": "oglu",  # ogly, ogli, оглы, огли
    "kizi": "qizi",  # qızı, qizi, kızı, gizi, kyzy, кызы, гызы
}
# Feminine surname endings on keys -> masculine (see surname_stem).
_FEMININE_KEY_ENDINGS: Final = (("skaia", "ski"), ("ova", "ov"), ("ava", "av"), ("ina", "in"))


@lru_cache(maxsize=1 << 16)  # names repeat: a cache makes indexing many clients cheap
def phonetic_key(word: str) -> str:
    """Returns the coarse key of one name token.

    The usual spellings of a name share a key: ``Əliyev``, ``Aliyev``, ``Eliyev``,
    ``Äliyev``, ``Алиев``, ``Әлијев``, ``ƏLİYEV`` and ``Aliev`` all give ``"aliav"``.
    Feminine surnames keep their ending (``Əliyeva → "aliava"``). Patronymic markers give
    ``"oglu"`` or ``"qizi"``. The mapping is in the module docstring.

    Args:
        word: One name token. Spaces and punctuation inside it are ignored, so the parts of
            ``"Əli-Vəli"`` are run together; split tokens first if that matters.

    Returns:
        A string of ASCII lowercase letters and digits, empty if ``word`` has none.
        ``phonetic_key(phonetic_key(w)) == phonetic_key(w)``.
    """
    folded = fold(word).replace(" ", "")
    folded = _DIGRAPH_RE.sub(lambda m: _DIGRAPHS[m.group()], folded)
    key = _REPEAT_RE.sub(r"\1", folded.translate(_KEY_TABLE))
    return _MARKER_KEYS.get(key, key)


def marker_of(token: str) -> Marker | None:
    """Recognizes a patronymic marker.

    Args:
        token: One name token.

    Returns:
        ``"oglu"`` for oğlu/oglu/ogly/оглы/огли, ``"qizi"`` for qızı/qizi/gizi/kyzy/кызы,
        otherwise ``None``.
    """
    key = phonetic_key(token)
    if key == "oglu":
        return "oglu"
    if key == "qizi":
        return "qizi"
    return None


def surname_stem(key: str) -> str:
    """Removes a Russian-style feminine ending from a surname key.

    ``phonetic_key("Əliyeva")`` (``"aliava"``) differs from ``phonetic_key("Əliyev")``
    (``"aliav"``) but both have the stem ``"aliav"``. The conflict-of-interest check treats
    equal keys as "same person" and equal stems with different keys as "same family",
    scored lower. Endings: ``-ova``, ``-eva``/``-yeva``, ``-ina``, ``-skaya``; a stem of
    fewer than three characters is left alone (``Aminə`` is not ``Amin``). Applied to a given
    name it can over-merge (Nərminə and Nərmin), which the lower score absorbs.

    Args:
        key: A key from :func:`phonetic_key`.

    Returns:
        The key without a feminine ending; unchanged if it has none.
    """
    for feminine, masculine in _FEMININE_KEY_ENDINGS:
        if key.endswith(feminine) and len(key) - len(feminine) >= 3:
            return key[: -len(feminine)] + masculine
    return key


def family_key(word: str) -> str:
    """Returns ``surname_stem(phonetic_key(word))``: equal for Əliyev, Əliyeva and Алиева.

    Args:
        word: One surname token.

    Returns:
        The surname's key without a feminine ending.
    """
    return surname_stem(phonetic_key(word))


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

_TOKEN_SEP_RE: Final = re.compile(r"[\s,;/.()\[\]{}]+")
_TOKEN_STRIP: Final = ":\"«»“”„‹›'’ʼ`´ʻ‘-‐‑–—"
_HYPHEN_RE: Final = re.compile("[-‐‑–—]+")
_PATRONYMIC_SUFFIXES: Final[tuple[tuple[str, Marker], ...]] = (
    ("ович", "oglu"),
    ("евич", "oglu"),
    ("овна", "qizi"),
    ("евна", "qizi"),
    ("ovich", "oglu"),
    ("evich", "oglu"),
    ("ovna", "qizi"),
    ("evna", "qizi"),
)
_SURNAME_ENDINGS: Final = ("ov", "ev", "ova", "eva", "zade", "zada", "ski", "sky", "skiy")
_SURNAME_ENDINGS_LONG: Final = ("skaya", "dze", "shvili", "svili", "li", "lu", "ly")


@dataclass(frozen=True, slots=True)
class NameParts:
    """A person's name split into its parts (see :func:`split_name`).

    Attributes:
        surname: Family name, e.g. ``"Əliyev"``, or ``None`` if not recognized.
        given: Given name(s), e.g. ``"Rəşad"``, or ``None``.
        patronymic: The father's name without marker or Russian suffix, e.g. ``"İsmayıl"``
            (from ``"İsmayıl oğlu"``) or ``"Исмаил"`` (from ``"Исмаилович"``), or ``None``.
        marker: ``"oglu"`` or ``"qizi"`` if the name carries one (Russian ``-ович``/``-евич``
            count as ``"oglu"``, ``-овна``/``-евна`` as ``"qizi"``), else ``None``.
        tokens: All tokens of the cleaned name in their original order, markers included.
    """

    surname: str | None
    given: str | None
    patronymic: str | None
    marker: Marker | None
    tokens: tuple[str, ...]


def _name_tokens(full_name: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for raw in _TOKEN_SEP_RE.split(clean(full_name)):
        token = raw.strip(_TOKEN_STRIP)
        if not token:
            continue
        # Russian documents often hyphenate the marker: "Исмаил-оглы", "Ismayil-ogly".
        head, hyphen, tail = token.rpartition("-")
        if hyphen and head.strip(_TOKEN_STRIP) and marker_of(tail) is not None:
            tokens.extend((head.strip(_TOKEN_STRIP), tail))
        else:
            tokens.append(token)
    return tuple(tokens)


def _russian_patronymic(token: str) -> tuple[str, Marker] | None:
    lowered = az_lower(token)
    for suffix, marker in _PATRONYMIC_SUFFIXES:
        if lowered.endswith(suffix):
            source = token if len(token) == len(lowered) else lowered
            stem = source[: -len(suffix)].rstrip("ьЬ")
            if len(stem) >= 2:
                return stem, marker
    return None


def looks_like_surname(token: str) -> bool:
    """Guesses whether a token is a surname from its ending.

    True for ``-ov``/``-ev``/``-ova``/``-eva`` (Əliyev, Алиева), ``-zadə``, ``-li``/``-lı``/
    ``-lu``/``-lü`` from six letters on (Əhmədli, not Əli), and some Slavic and Georgian endings.
    For a hyphenated token the last part decides.

    Args:
        token: One name token.

    Returns:
        Whether the token looks like a surname.
    """
    folded = fold(token)
    if not folded:
        return False
    last = folded.split(" ")[-1]
    if len(last) >= 5 and last.endswith(_SURNAME_ENDINGS):
        return True
    return len(last) >= 6 and last.endswith(_SURNAME_ENDINGS_LONG)


def _surname_given(before: list[str], after: list[str]) -> tuple[str | None, str | None]:
    """Assigns the tokens around a patronymic to surname and given name."""
    if after and len(before) <= 1:  # "Rəşad İsmayıl oğlu Əliyev"
        return " ".join(after), (before[0] if before else None)
    if len(before) >= 2:  # "Əliyev Rəşad İsmayıl oğlu"
        return before[0], " ".join(before[1:])
    if before:
        return (before[0], None) if looks_like_surname(before[0]) else (None, before[0])
    return None, None


def split_name(full_name: str) -> NameParts:
    """Splits a person's name into surname, given name, father's name and marker.

    Understands the Azerbaijani order ``"Əliyev Rəşad İsmayıl oğlu"`` (also with the surname
    last: ``"Rəşad İsmayıl oğlu Əliyev"``; a hyphenated ``"Исмаил-оглы"`` is two tokens), the
    Russian ``"Алиев Рашад Исмаилович"`` and ``"Рашад Исмаилович Алиев"``, names without a
    patronymic and extra spaces. Without a patronymic, the Azerbaijani order (surname first) is
    assumed unless only the last token looks like a surname (:func:`looks_like_surname`):
    ``"Rəşad Əliyev"``.

    Args:
        full_name: The name as entered.

    Returns:
        The parts; the text of each part is cleaned but keeps its script and casing.
    """
    tokens = _name_tokens(full_name)
    listed = list(tokens)
    for index in range(1, len(listed)):
        marker = marker_of(listed[index])
        if marker is not None:
            if index == 1:  # "İsmayıl oğlu ..." - no name before the father's
                surname = " ".join(listed[2:]) or None
                return NameParts(surname, None, listed[0], marker, tokens)
            surname, given = _surname_given(listed[: index - 1], listed[index + 1 :])
            return NameParts(surname, given, listed[index - 1], marker, tokens)
    for index in range(len(listed) - 1, 0, -1):
        russian = _russian_patronymic(listed[index])
        if russian is not None:
            surname, given = _surname_given(listed[:index], listed[index + 1 :])
            return NameParts(surname, given, russian[0], russian[1], tokens)
    if not listed:
        return NameParts(None, None, None, None, tokens)
    if len(listed) == 1:
        only = listed[0]
        if looks_like_surname(only):
            return NameParts(only, None, None, None, tokens)
        return NameParts(None, only, None, None, tokens)
    western = looks_like_surname(listed[-1]) and not looks_like_surname(listed[0])
    if len(listed) == 2:
        if western:
            return NameParts(listed[1], listed[0], None, None, tokens)
        return NameParts(listed[0], listed[1], None, None, tokens)
    if len(listed) == 3:
        if western:
            return NameParts(listed[2], listed[0], listed[1], None, tokens)
        return NameParts(listed[0], listed[1], listed[2], None, tokens)
    return NameParts(listed[0], " ".join(listed[1:]), None, None, tokens)


def name_keys(full_name: str) -> list[str]:
    """Returns the phonetic key of every name token, in order, without markers.

    A Russian patronymic contributes its stem (``Исмаилович`` gives the key of ``Исмаил``)
    and hyphenated tokens contribute each part, so ``"Əliyev Rəşad İsmayıl oğlu"``,
    ``"Aliyev Rashad Ismail ogly"`` and ``"Алиев Рашад Исмаилович"`` all give
    ``["aliav", "rasad", "ismail"]``.

    Args:
        full_name: The name as entered.

    Returns:
        The non-empty keys.
    """
    keys: list[str] = []
    for index, token in enumerate(_name_tokens(full_name)):
        if marker_of(token) is not None:
            continue
        russian = _russian_patronymic(token) if index else None
        text = russian[0] if russian else token
        for part in _HYPHEN_RE.split(text):
            key = phonetic_key(part)
            if key and key not in ("oglu", "qizi"):
                keys.append(key)
    return keys


# --------------------------------------------------------------------------------------------
# Similarity
# --------------------------------------------------------------------------------------------


def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity of two strings.

    Args:
        a: First string.
        b: Second string.
        prefix_scale: Weight of the common prefix (up to four characters); at most 0.25.

    Returns:
        1.0 for equal strings, 0.0 when nothing matches (or one string is empty); symmetric.
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if a > b:  # the greedy matching below is order-sensitive; fix an order for symmetry
        a, b = b, a
    len_a, len_b = len(a), len(b)
    window = max(max(len_a, len_b) // 2 - 1, 0)
    matched_a = [False] * len_a
    matched_b = [False] * len_b
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len_b, i + window + 1)):
            if not matched_b[j] and b[j] == ch:
                matched_a[i] = matched_b[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    half_transpositions = 0
    j = 0
    for i in range(len_a):
        if matched_a[i]:
            while not matched_b[j]:
                j += 1
            if a[i] != b[j]:
                half_transpositions += 1
            j += 1
    jaro = (matches / len_a + matches / len_b + (matches - half_transpositions / 2) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return min(1.0, jaro + prefix * prefix_scale * (1.0 - jaro))


def _joined_key(text: str) -> str:
    return " ".join(name_keys(text)) or phonetic_key(text)


def similarity(a: str, b: str) -> float:
    """Fuzzy similarity of two names on their phonetic keys.

    Spelling variants score 1.0 (``Mammedov``/``Məmmədov``); typos score high
    (``Məmmədv``/``Məmmədov`` about 0.97). Multi-token names are compared as their keys
    joined in order; use :func:`name_similarity` when the order of the parts may differ.

    Args:
        a: First name or word.
        b: Second name or word.

    Returns:
        A score in [0, 1]; 1.0 when ``a == b``; symmetric; 0.0 if either has no letters or
        digits (and they are not equal).
    """
    if a == b:
        return 1.0
    key_a, key_b = _joined_key(a), _joined_key(b)
    if not key_a or not key_b:
        return 0.0
    return jaro_winkler(key_a, key_b)


def name_similarity(a: str, b: str) -> float:
    """Order-independent similarity of two full names.

    Every key of the name with fewer keys is matched with its best partner among the other
    name's keys (:func:`jaro_winkler`) and the scores are averaged. So ``"Rəşad Əliyev"`` and
    ``"Алиев Рашад Исмаилович"`` score 1.0: the shorter name is contained in the longer one.

    Args:
        a: First full name.
        b: Second full name.

    Returns:
        A score in [0, 1]; 1.0 when ``a == b``; symmetric.
    """
    if a == b:
        return 1.0
    keys_a, keys_b = name_keys(a), name_keys(b)
    if not keys_a or not keys_b:
        return 0.0
    if (len(keys_a), keys_a) > (len(keys_b), keys_b):
        keys_a, keys_b = keys_b, keys_a
    total = sum(max(jaro_winkler(x, y) for y in keys_b) for x in keys_a)
    return min(1.0, total / len(keys_a))


# --------------------------------------------------------------------------------------------
# Sorting
# --------------------------------------------------------------------------------------------

_CYRILLIC_ALPHABET: Final = "аәбвгғдеёжзийјкҝлмноөпрстуүфхһцчҹшщъыьэюя"
_AZ_INDEX: Final = {ch: i for i, ch in enumerate(AZ_ALPHABET)}
_CYR_INDEX: Final = {ch: i for i, ch in enumerate(_CYRILLIC_ALPHABET)}
_W_SPACE: Final = 1
_W_PUNCT: Final = 2
_W_DIGIT: Final = 10
_W_LATIN: Final = 100
_W_LATIN_OTHER: Final = 1_000
_W_CYRILLIC: Final = 200_000
_W_CYRILLIC_OTHER: Final = 210_000
_W_OTHER: Final = 300_000


@lru_cache(maxsize=8192)
def _sort_weight(ch: str) -> int:
    """Primary weight of one lowercase character; -1 for an ignorable one."""
    if ch in _AZ_INDEX:
        return _W_LATIN + 4 * _AZ_INDEX[ch]
    if ch in _CYR_INDEX:
        return _W_CYRILLIC + 4 * _CYR_INDEX[ch]
    category = unicodedata.category(ch)
    if category.startswith("M"):
        return -1
    if ch.isspace():
        return _W_SPACE
    if category == "Nd":
        return _W_DIGIT + unicodedata.decimal(ch, 0)
    if not ch.isalpha():
        return _W_PUNCT
    base = unicodedata.normalize("NFKD", ch)[:1].lower()
    script = _script(ch)
    if script == "L":
        if base == "w":
            return _W_LATIN + 4 * _AZ_INDEX["v"] + 2
        if base in _AZ_INDEX:
            return _W_LATIN + 4 * _AZ_INDEX[base] + 1
        return _W_LATIN_OTHER + ord(ch)
    if script == "C":
        if base in _CYR_INDEX:
            return _W_CYRILLIC + 4 * _CYR_INDEX[base] + 1
        return _W_CYRILLIC_OTHER + ord(ch)
    return _W_OTHER + ord(ch)


def sort_key(text: str) -> tuple[tuple[int, ...], str]:
    """Returns a key that sorts text in Azerbaijani alphabetical order, case-insensitively.

    Order: A B C Ç D E Ə F G Ğ H X I İ J K Q L M N O Ö P R S Ş T U Ü V Y Z; Cyrillic after
    all Latin; details in the module docstring. The second element, the original string,
    breaks ties, so the order is total.

    Args:
        text: The text to sort by.

    Returns:
        ``(weights, text)``; compare keys with ``<``.
    """
    weights = tuple(w for w in map(_sort_weight, az_lower(clean(text))) if w >= 0)
    return weights, text


def sort_string(text: str) -> str:
    """:func:`sort_key` as a string whose plain (binary, code point) order is the same order.

    Stored in an indexed column, it lets the database page through names in Azerbaijani
    alphabetical order without a custom collation. Each weight becomes one character above
    U+0100 (below the surrogate range), followed by a separator and the original text.
    """
    weights, original = sort_key(text)
    encoded = "".join(chr(0x100 + min(w, 0xD000)) for w in weights)
    return encoded + "\u0001" + original


@overload
def sorted_az(items: Iterable[str], key: None = None, *, reverse: bool = False) -> list[str]: ...


@overload
def sorted_az(
    items: Iterable[_T], key: Callable[[_T], str], *, reverse: bool = False
) -> list[_T]: ...


def sorted_az(
    items: Iterable[Any], key: Callable[[Any], str] | None = None, *, reverse: bool = False
) -> list[Any]:
    """Sorts in Azerbaijani alphabetical order (see :func:`sort_key`).

    Args:
        items: Strings, or any items if ``key`` is given.
        key: Gives the text to sort each item by.
        reverse: Sort descending.

    Returns:
        A new sorted list.
    """
    if key is None:
        return sorted(items, key=sort_key, reverse=reverse)
    text_of = key
    return sorted(items, key=lambda item: sort_key(text_of(item)), reverse=reverse)
