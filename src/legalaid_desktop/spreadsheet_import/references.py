"""A cell to a reference code: labels in az/ru/en, abbreviations, any script and case.

:class:`ReferenceMatcher` reads a value the way people wrote it in a center's spreadsheet:
``Qadın``, ``qadin``, ``Женский``, ``жен.``, ``F`` and ``female`` are all ``female``;
``Goranboy r-nu``, ``Goranboy``, ``Геранбойский район`` and ``Goranboy District`` are all
``AZ-GOR``. Every comparison is on folded text (:func:`~legalaid_desktop.text.folding.fold`:
Cyrillic to Latin, ASCII, lowercase), with spaces and dots taken out (``m.k.ş.`` = ``MKŞ``),
in this order; the first rule that gives exactly one code decides:

1. the mapping's own value map for this field (:mod:`.mapping`, ``values``);
2. the code itself (``AZ-GA``, ``female``);
3. a label in any language, or a known abbreviation or synonym (:data:`SYNONYMS`);
4. the same without the words that say what kind of thing it is: ``rayonu``, ``район``,
   ``r-nu``, ``şəhəri``, ``г.``, ``district`` for regions (which also choose between a city
   and a district of the same name: ``Şəki şəhəri`` / ``Şəki rayonu``), ``hüququ``,
   ``право``, ``law`` for legal areas, ``əlillik`` for disabilities, ...;
5. the same by phonetic key of three letters or more
   (:func:`~legalaid_desktop.text.phonetic.phonetic_key`: the spellings of one word in
   Azerbaijani Latin, Russian and English coincide: ``Şəmkir`` = ``Шамкир`` = ``Shamkir``).

Two codes at one rule make the value **ambiguous** (``Şəki`` alone: the city or the district):
it is not guessed, the preview asks for a value map. A value no rule reads is **unknown**; when
one code is close by spelling (a typo such as ``Gorambay``), it is offered as a suggestion,
never applied on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final

from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.text.folding import fold
from legalaid_desktop.text.phonetic import phonetic_key
from legalaid_desktop.text.similarity import jaro_winkler

__all__ = ["SYNONYMS", "Match", "ReferenceMatcher", "folded_key"]

SYNONYMS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "genders": {
        "female": ("Qadın", "qad.", "Q", "F", "W", "woman", "Ж", "жен.", "Женский", "Kadın"),
        "male": ("Kişi", "K", "M", "man", "М", "муж.", "Мужской", "Erkək"),
        "undisclosed": ("Naməlum", "Неизвестно", "Не указан", "unknown"),
    },
    "displacement": {
        "resident": ("Sakin", "Yerli", "Житель", "Местный"),
        "idp": ("MKŞ", "Köçkün", "ВПЛ", "Переселенец", "IDP", "Displaced"),
        "refugee": ("Qaçqın", "Беженец"),
        "returnee": ("Qayıdan", "Возвращенец"),
        "stateless": ("Vətəndaşlığı yoxdur", "Апатрид"),
        "foreign_national": ("Xarici vətəndaş", "Иностранец", "Foreigner"),
    },
    "disability": {
        "none": ("Yoxdur", "Yox", "Нет", "No", "None"),
        "physical": ("Fiziki",),
        "sensory": ("Görmə", "Eşitmə", "Зрение", "Слух", "Blind", "Deaf"),
        "intellectual": ("Əqli", "Умственная"),
        "psychosocial": ("Psixi", "Психическая", "Mental"),
        "multiple": ("Çoxsaylı", "Множественная"),
    },
    "client_kinds": {
        "person": ("Şəxs", "Fiziki şəxs", "Физлицо", "Физ. лицо", "Individual"),
        "organization": ("Təşkilat", "İctimai birlik", "QHT", "İB", "Организация", "НПО", "NGO"),
        "initiative": ("Təşəbbüs qrupu", "Инициативная группа", "Initiative"),
    },
    "legal_areas": {
        "family": ("Ailə", "Семья", "Семейное"),
        "property": ("Mülkiyyət", "Əmlak", "Собственность", "Имущество"),
        "inheritance": ("Vərəsəlik", "Miras", "Наследство"),
        "credit": ("Kredit", "Borc", "Кредит", "Долг", "Loan", "Debt"),
        "labour": ("Əmək", "Труд", "Трудовое", "Labor", "Employment"),
        "social": ("Sosial", "Pensiya", "Müavinət", "Пенсия", "Пособие", "Pension"),
        "utilities": ("Kommunal", "Коммунальные"),
        "civil_registration": ("Vətəndaşlıq", "Şəxsiyyət vəsiqəsi", "Паспорт", "Гражданство"),
        "migration": ("Miqrasiya", "Миграция"),
        "tax": ("Vergi", "Налог"),
        "administrative": ("İnzibati", "Административное"),
        "criminal": ("Cinayət", "Уголовное"),
        "consumer": ("İstehlakçı", "Потребитель"),
        "health": ("Səhiyyə", "Tibbi", "Медицина"),
        "education": ("Təhsil", "Образование"),
        "corruption": ("Korrupsiya", "Rüşvət", "Коррупция", "Взятка"),
        "other": ("Digər", "Başqa", "Другое", "Прочее"),
    },
    "case_statuses": {
        "open": ("Açıq", "Davam edir", "İcrada", "Открыто", "В работе"),
        "closed": ("Bağlı", "Bitib", "Закрыто", "Завершено", "Done"),
        "pending": ("Gözləyir", "Ожидание"),
    },
}
"""Abbreviations and other words people write for a code, besides its labels."""

# Words that say what kind of thing a value is; left out at rule 4. For regions each also says
# which kind of region (``type`` in regions.json).
_MARKERS: Final[dict[str, dict[str, str]]] = {
    "regions": {
        **dict.fromkeys(
            ("rayonu", "rayon", "r", "nu", "n", "ray", "район", "р", "district"), "rayon"
        ),
        **dict.fromkeys(("şəhəri", "şəhər", "şəh", "ş", "город", "г", "гор", "city"), "city"),
        **dict.fromkeys(
            (
                "muxtar",
                "respublikası",
                "mr",
                "автономная",
                "республика",
                "ар",
                "autonomous",
                "republic",
            ),
            "autonomous_republic",
        ),
    },
    "legal_areas": dict.fromkeys(("hüququ", "hüquq", "право", "law", "məsələləri", "вопросы"), ""),
    "disability": dict.fromkeys(
        ("əlillik", "əlilliyi", "инвалидность", "disability", "disabilities"), ""
    ),
    "displacement": dict.fromkeys(("şəxs", "лицо", "person"), ""),
    "outcomes": dict.fromkeys(("olunub", "verilib"), ""),
}

_PARENTHESES: Final = re.compile(r"\s*\([^)]*\)")
"""A label's explanation in brackets, also left out: ``Sosial təminat (pensiya və
müavinətlər)`` is read from ``Sosial təminat`` too."""
_TYPO: Final = 0.88
_MIN_SOUND: Final = 3  # one- and two-letter keys merge too much (x, k, q are all "k")


def folded_key(text: str) -> str:
    """The form values are compared in: folded, without spaces (``m.k.ş.`` → ``mks``)."""
    return "".join(fold(text).split())


@cache
def _markers(kind: str) -> dict[str, str]:
    return {fold(word): what for word, what in _MARKERS.get(kind, {}).items()}


def _stripped(words: list[str], kind: str) -> tuple[list[str], set[str]]:
    """``words`` without the marker words of ``kind``, and the kinds of region they named."""
    markers = _markers(kind)
    kept = [w for w in words if w not in markers]
    named = {markers[w] for w in words if markers.get(w)}
    return (kept or words), named


def _phonetic(words: Iterable[str]) -> str:
    return "".join(phonetic_key(w) for w in words)


@dataclass(frozen=True)
class Match:
    """What a value reads as.

    Attributes:
        code: The code, or ``None``.
        candidates: Several codes that fit equally well (ambiguous), else empty.
        suggestion: A code close by spelling, for an unknown value (a typo), else ``None``.
    """

    code: str | None
    candidates: tuple[str, ...] = ()
    suggestion: str | None = None


class ReferenceMatcher:
    """Reads values of one reference list (see the module docstring).

    Args:
        catalog: The reference data of the store.
        kind: The list (``regions``, ``genders``, ...).
        value_map: The mapping's own readings of values (folded keys) for this field.
    """

    def __init__(
        self, catalog: ReferenceCatalog, kind: str, value_map: Mapping[str, str] | None = None
    ) -> None:
        self.kind = kind
        self.items = catalog[kind]
        self.value_map = {folded_key(k): v for k, v in (value_map or {}).items()}
        self._types = {item.code: str(item.extra.get("type", "")) for item in self.items}
        self._codes: dict[str, str] = {}
        self._exact: dict[str, set[str]] = {}
        self._bare: dict[str, set[str]] = {}
        self._sound: dict[str, set[str]] = {}
        for item in self.items:
            self._codes[folded_key(item.code)] = item.code
            texts = [*item.labels.values(), *SYNONYMS.get(kind, {}).get(item.code, ())]
            texts += [_PARENTHESES.sub("", t) for t in texts if "(" in t]
            for text in texts:
                words = fold(text).split()
                if not words:
                    continue
                self._exact.setdefault("".join(words), set()).add(item.code)
                bare, _named = _stripped(words, kind)
                self._bare.setdefault("".join(bare), set()).add(item.code)
                self._sound.setdefault(_phonetic(bare), set()).add(item.code)
        self._cache: dict[str, Match] = {}

    def match(self, raw: str) -> Match:
        """The code ``raw`` stands for (see the module docstring)."""
        found = self._cache.get(raw)
        if found is None:
            found = self._cache[raw] = self._match(raw)
        return found

    def _pick(self, codes: set[str] | None, named: set[str]) -> Match | None:
        if not codes:
            return None
        if named and len(codes) > 1:  # "Şəki rayonu": the district, not the city
            typed = {c for c in codes if self._types.get(c) in named}
            codes = typed or codes
        if len(codes) == 1:
            return Match(next(iter(codes)))
        order = {code: i for i, code in enumerate(self.items.codes())}
        return Match(None, tuple(sorted(codes, key=order.__getitem__)))

    def _match(self, raw: str) -> Match:
        key = folded_key(raw)
        if not key:
            return Match(None)
        mapped = self.value_map.get(key)
        if mapped is not None:
            return Match(mapped)
        if key in self._codes:
            return Match(self._codes[key])
        words = fold(raw).split()
        bare, named = _stripped(words, self.kind)
        sound = _phonetic(bare)
        for table, probe in (
            # a region's label without its marker word is its bare name, which may name a city
            # and a district alike: only the bare tier sees both (Шеки, Şəki: ambiguous)
            (self._exact if self.kind != "regions" else {}, key),
            (self._bare, "".join(bare)),
            (self._sound if len(sound) >= _MIN_SOUND else {}, sound),
        ):
            found = self._pick(table.get(probe), named)
            if found is not None:
                return found
        return Match(None, suggestion=self._nearest(sound))

    def _nearest(self, sound: str) -> str | None:
        """The one code whose phonetic form is closest to ``sound``, if close enough."""
        if len(sound) < _MIN_SOUND:
            return None
        best, best_score, tied = None, 0.0, False
        for probe, codes in self._sound.items():
            score = jaro_winkler(sound, probe)
            if score > best_score:
                best, best_score, tied = codes, score, False
            elif score == best_score and best is not None and codes != best:
                tied = True
        if best is None or best_score < _TYPO or tied or len(best) != 1:
            return None
        return next(iter(best))
