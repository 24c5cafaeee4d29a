"""Titles and honorifics written with a name, which are not part of it: :func:`drop_titles`.

Recognized by their phonetic key (:func:`~legalaid_desktop.text.phonetic.phonetic_key`), so every
script and spelling of one title is one entry:

* **after** the given name (``Rəşad bəy``, ``Gövhər xanım``, ``Адиль муаллим``): ``bəy``/``bey``/
  ``бек``/``bek``/``бей``, ``xanım``/``hanım``/``ханум``/``ханым``/``khanum``, ``müəllim``/
  ``müəllimə``/``муаллим``/``muallim``, ``ağa``/``ага``/``agha``, ``əfəndi``/``эфенди``;
* **before** the name (``Hacı Zeynalabdin Tağıyev``, ``Dr. Aliyev``, ``г-н Алиев``): ``hacı``/
  ``гаджи``/``haji``, ``kərbəlayı``, ``məşədi``, ``şeyx``, ``molla``, ``axund``, ``cənab``,
  ``hörmətli``, ``vətəndaş``/``гражданин``/``гражданка``, ``уважаемый``/``-ая``,
  ``господин``/``госпожа``/``г-н``, ``dr``/``doktor``/``доктор``, ``prof``/``professor``,
  ``mr``/``mrs``/``ms``/``miss``.

Some of these are also given names (Xanım, Ağa, Hacı, Bəy) or start one. So a word is dropped only
where it cannot be the name:

* a title written after the name is kept when it is the first word, or when it follows a word that
  looks like a surname and is not written in lowercase (``Əliyeva Xanım Rəşad qızı``: Xanım is her
  given name; ``Əliyeva Gövhər xanım``: a title);
* ``hacı``, ``kərbəlayı``, ``məşədi``, ``şeyx``, ``molla``, ``axund`` (also names or parts of
  names) are dropped only when written in lowercase or when two other words remain
  (``Hacı Məmmədov`` keeps Hacı as the given name); the other titles before a name whenever
  another word remains;
* nothing is dropped when no other word would remain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from legalaid_desktop.text.casing import az_lower
from legalaid_desktop.text.phonetic import phonetic_key

__all__ = ["TITLES_AFTER", "TITLES_BEFORE", "drop_titles", "is_title"]

TITLES_AFTER: Final = frozenset(
    {"bai", "bak", "kanim", "kanum", "kanima", "mualim", "mualima", "aka", "afandi"}
)
"""Keys of titles written after the given name (bəy, bek, xanım, ханум, müəllim, ağa ...)."""

_NAME_LIKE_BEFORE: Final = frozenset(
    {"kaci", "karbalai", "masadi", "saik", "mola", "mula", "akund"}
)
TITLES_BEFORE: Final = _NAME_LIKE_BEFORE | frozenset(
    {
        "canab",  # cənab, джанаб
        "vatandas",  # vətəndaş (citizen, in court papers)
        "kracdanin",  # гражданин
        "kracdanka",  # гражданка
        "kormatli",  # hörmətli
        "uvacaiami",  # уважаемый
        "uvacaiamaia",  # уважаемая
        "kospodin",  # господин
        "kospoca",  # госпожа
        "kn",  # г-н
        "kca",  # г-жа
        "dr",
        "doktor",
        "prof",
        "profasor",
        "mr",
        "mrs",
        "ms",
        "mis",
        "mistar",
    }
)
"""Keys of titles written before the name (hacı, cənab, господин, dr, prof, mr ...)."""


def is_title(token: str) -> bool:
    """Whether a word is one of the titles or honorifics above (wherever it stands)."""
    key = phonetic_key(token)
    return key in TITLES_AFTER or key in TITLES_BEFORE


def drop_titles(tokens: Sequence[str], looks_like_surname: Callable[[str], bool]) -> list[str]:
    """The words of a name without its titles and honorifics (rules in the module docstring).

    Args:
        tokens: The words of a name, in order.
        looks_like_surname: Tells whether a word looks like a surname (from its ending).

    Returns:
        The words kept, in order; all of them when dropping would leave none.
    """
    keys = [phonetic_key(t) for t in tokens]
    if not any(k in TITLES_AFTER or k in TITLES_BEFORE for k in keys):
        return list(tokens)
    dropped = [False] * len(tokens)
    for i, (token, key) in enumerate(zip(tokens, keys, strict=True)):
        lowercase = token == az_lower(token)
        if key in TITLES_AFTER and i > 0:
            previous = tokens[i - 1]
            dropped[i] = lowercase or not looks_like_surname(previous)
        elif key in TITLES_BEFORE and i < len(tokens) - 1:
            others = sum(1 for j, k in enumerate(keys) if j != i and k not in TITLES_BEFORE)
            if key in _NAME_LIKE_BEFORE:
                dropped[i] = lowercase or others >= 2
            else:
                dropped[i] = True
    kept = [t for t, gone in zip(tokens, dropped, strict=True) if not gone]
    return kept or list(tokens)
