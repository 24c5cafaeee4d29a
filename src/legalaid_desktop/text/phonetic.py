"""Coarse phonetic keys under which the usual spellings of one name coincide.

:func:`phonetic_key` gives the same key for Əliyev, Aliyev, Eliyev, Алиев, Әлијев ...;
:func:`marker_of` recognizes the patronymic markers ``oğlu``/``qızı``; :func:`surname_stem` and
:func:`family_key` drop a feminine surname ending.

On the folded word: ``y`` after ``g``/``k`` before a vowel dropped (``Gyunel`` = Günel,
``Kyamal`` = Kəmal, English spellings through Russian); digraphs ``dzh dj ch zh → c``,
``sh → s``, ``kh gh → k``; then the classes

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
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

from legalaid_desktop.text.folding import fold

Marker = Literal["oglu", "qizi"]
"""Canonical patronymic markers: ``oğlu`` (son of) and ``qızı`` (daughter of)."""


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
# English spellings through Russian write ü and ə after g and k as "yu", "ya": Gyunel (Гюнель,
# Günel), Kyamal (Кямал, Kəmal), Gyulnara, Kyazim.
_PALATAL_Y_RE: Final = re.compile("(?<=[gk])y(?=[aeou])")
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
    folded = _PALATAL_Y_RE.sub("", fold(word).replace(" ", ""))
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
