"""What the demo data is made of: names, places and texts, read from ``resources/demo/``.

:class:`Pools` holds the three JSON files; :class:`Names` builds person names in the three
spellings seen at intake; :class:`Place` is the town of a center and its public bodies. The
code elsewhere only decides how they combine.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from legalaid_desktop.devtools.demo.chance import weighted
from legalaid_desktop.paths import resource_path
from legalaid_desktop.text.collation import sort_string

# Passport-style ASCII (Məmmədov → Mammadov) and the older e-for-ə habit (Məmmədov → Memmedov).
_ASCII_PASSPORT: Final = str.maketrans(
    {
        "Ə": "A", "ə": "a", "Ş": "Sh", "ş": "sh", "Ç": "Ch", "ç": "ch", "Ğ": "Gh", "ğ": "gh",
        "ı": "i", "İ": "I", "Ö": "O", "ö": "o", "Ü": "U", "ü": "u", "X": "Kh", "x": "kh",
        "Q": "G", "q": "g", "C": "J", "c": "j",
    }
)  # fmt: skip
_ASCII_KEYBOARD: Final = str.maketrans(
    {
        "Ə": "E", "ə": "e", "Ş": "S", "ş": "s", "Ç": "C", "ç": "c", "Ğ": "G", "ğ": "g",
        "ı": "i", "İ": "I", "Ö": "O", "ö": "o", "Ü": "U", "ü": "u",
    }
)  # fmt: skip


def _feminine(surname: str, cyrillic: bool) -> str:
    if surname.endswith(("ov", "ev", "ов", "ев")):
        return surname + ("а" if cyrillic else "a")
    return surname


class Names:
    """Builds person names in the three spellings seen at intake."""

    def __init__(self, pools: Pools) -> None:
        self.surnames = weighted(((s[0], s[1]), s[2]) for s in pools.surnames)
        self.male = weighted(((n[0], n[1]), n[2]) for n in pools.male_names)
        self.female = weighted(((n[0], n[1]), n[2]) for n in pools.female_names)

    def person(self, rng: random.Random, female: bool, script: str) -> tuple[str, str, str]:
        """A full name; returns ``(full_name, given_latin, surname_latin)``.

        Args:
            rng: The random source.
            female: Feminine forms (surname ending, ``qızı``).
            script: ``"az"`` (Azerbaijani Latin), ``"ru"`` (Russian Cyrillic) or ``"ascii"``.
        """
        surname_lat, surname_cyr = self.surnames.pick(rng)
        given_lat, given_cyr = (self.female if female else self.male).pick(rng)
        father_lat, father_cyr = self.male.pick(rng)
        if script == "ru":
            surname = _feminine(surname_cyr, True) if female else surname_cyr
            marker = "кызы" if female else "оглы"
            return f"{surname} {given_cyr} {father_cyr} {marker}", given_lat, surname_lat
        surname = _feminine(surname_lat, False) if female else surname_lat
        if script == "ascii":
            table = _ASCII_PASSPORT if rng.random() < 0.7 else _ASCII_KEYBOARD
            if rng.random() < 0.6:
                return f"{surname} {given_lat}".translate(table), given_lat, surname_lat
            marker = "qizi" if female else "oglu"
            full = f"{surname} {given_lat} {father_lat}".translate(table)
            return f"{full} {marker}", given_lat, surname_lat
        if rng.random() < 0.03:  # no patronymic given
            return f"{surname} {given_lat}", given_lat, surname_lat
        marker = "qızı" if female else "oğlu"
        return f"{surname} {given_lat} {father_lat} {marker}", given_lat, surname_lat


class NameSorter:
    """:func:`~legalaid_desktop.text.collation.sort_string` of clean names, from cached words.

    The sort string of a clean name (single spaces, no marks to fold) is the sort strings of its
    words joined by the weight of a space. Building it from a cache of words is many times
    faster than the full function; a self-check on sample names in every script falls back to
    the full function if the normalization ever stops working that way.
    """

    def __init__(self) -> None:
        self._words: dict[str, str] = {}
        a, b, ab = self._word("a"), self._word("b"), self._word("a b")
        self._space = ab[len(a) : len(ab) - len(b)]
        samples = (
            "Əliyeva İlahə İsmayıl qızı",
            "Алиев Рашад Исмаил оглы",
            "Aliyev Rashad",
            "Şükürov Ülvi Ağasəf oğlu",
        )
        self.exact = all(self(n) == sort_string(n) for n in samples)

    def _word(self, word: str) -> str:
        return sort_string(word).partition("\x01")[0]

    def __call__(self, name: str) -> str:
        words = self._words
        parts = []
        for word in name.split(" "):
            part = words.get(word)
            if part is None:
                part = words[word] = self._word(word)
            parts.append(part)
        return self._space.join(parts) + "\x01" + name


# ================================================================================================
# Places: where the center is, its regions and its institutions
# ================================================================================================


@dataclass(frozen=True)
class Place:
    """The town of a center and the public bodies its clients deal with."""

    city: str  # "Gəncə"
    is_city: bool  # a city (şəhər) rather than a rayon
    regions: tuple[tuple[str, float], ...]
    courts: tuple[str, ...]
    appeal_court: str
    admin_court: str
    streets: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "Şəhər" if self.is_city else "Rayon"

    @property
    def executive(self) -> str:
        return f"{self.city} {self.kind} İcra Hakimiyyəti"

    @property
    def police(self) -> str:
        return (
            f"{self.city} şəhər polis idarəsi"
            if self.is_city
            else f"{self.city} rayon polis şöbəsi"
        )

    @property
    def municipality(self) -> str:
        return f"{self.city} Bələdiyyəsi"

    @property
    def hospital(self) -> str:
        return f"{self.city} {self.kind} Mərkəzi Xəstəxanası"

    @property
    def education(self) -> str:
        return f"{self.city} {self.kind} Təhsil İdarəsi"

    @property
    def dost(self) -> str:
        return f"{self.city} DOST mərkəzi"

    @property
    def enforcement(self) -> str:
        return f"Ədliyyə Nazirliyinin {self.city} {self.kind.lower()} İcra Şöbəsi"

    @property
    def notary(self) -> str:
        return f"{self.city} {self.kind.lower()} 1 saylı Dövlət Notariat Kontoru"


# ================================================================================================
# The pools of names and texts (resources/demo/*.json)
# ================================================================================================


def _tuples(value: Any) -> Any:
    """JSON lists as tuples, all the way down (the pools are read-only)."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Pools:
    """Names, places and texts the generator draws from, read from ``resources/demo/``.

    ``names.json``: surnames and given names as ``[Azerbaijani Latin, Russian Cyrillic,
    weight]``. ``places.json``: the towns of the centers (:class:`Place`), which center is in
    which town, the regions of the whole country, streets and villages. ``texts.json``: banks,
    employers, and per legal area the case problems, the client's wishes, consultation notes,
    advice and next steps, outcomes, deadlines, ALAC scenarios and campaigns. Weighted lists are
    ``[item, weight]``. Editing a file changes the demo data of every seed.
    """

    surnames: tuple[tuple[str, str, float], ...]
    male_names: tuple[tuple[str, str, float], ...]
    female_names: tuple[tuple[str, str, float], ...]
    places: dict[str, Place]
    node_places: dict[str, str]
    national_regions: tuple[tuple[str, float], ...]
    return_regions: tuple[str, ...]
    streets: tuple[str, ...]
    villages: tuple[str, ...]
    banks: tuple[tuple[str, float], ...]
    employers: tuple[str, ...]
    party_notes: dict[str, tuple[str, ...]]
    problems: dict[str, tuple[str, ...]]
    wishes: dict[str, tuple[str, ...]]
    wishes_generic: tuple[str, ...]
    notes: dict[str, tuple[str, ...]]
    notes_generic: tuple[str, ...]
    intake_notes: tuple[str, ...]
    advice: dict[str, tuple[str, ...]]
    advice_generic: tuple[str, ...]
    next_steps: dict[str, tuple[str, ...]]
    next_steps_generic: tuple[str, ...]
    outcome_notes: dict[str, str]
    referrals: dict[str, tuple[str, ...]]
    deadlines: tuple[tuple[str, float], ...]
    corruption_scenarios: tuple[tuple[str, str, str, str, float], ...]
    reported_to: tuple[tuple[str, float], ...]
    referral_sources: tuple[tuple[str, float], ...]
    campaigns: tuple[tuple[str, str, tuple[str, ...], str], ...]


@cache
def pools() -> Pools:
    """The pools, read once per process."""
    data: dict[str, Any] = {}
    for name in _POOL_FILES:
        with resource_path("demo", name).open(encoding="utf-8") as f:
            loaded = json.load(f)
        loaded.pop("about", None)
        data.update(_tuples(loaded))
    data["places"] = {key: Place(**place) for key, place in data["places"].items()}
    data["male_names"] = data.pop("male")
    data["female_names"] = data.pop("female")
    return Pools(**data)


_POOL_FILES: Final = ("names.json", "places.json", "texts.json")
