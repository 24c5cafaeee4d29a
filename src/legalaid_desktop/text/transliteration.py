"""Cyrillic to Azerbaijani Latin: :func:`to_latin`.

Reads both Russian spellings of Azerbaijani names and the 1958-1991 Azerbaijani Cyrillic
alphabet, and gives lowercase Azerbaijani Latin.

Per word: a word containing one of the Azerbaijani Cyrillic letters
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
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from legalaid_desktop.text.casing import az_lower
from legalaid_desktop.text.chars import nfc

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
    return nfc(_LETTERS_RE.sub(lambda m: _translit_word(m.group()), lowered))
