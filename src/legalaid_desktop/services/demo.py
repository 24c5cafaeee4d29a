"""Realistic demonstration data for one center: clients, cases, consultations and the rest.

:func:`generate_demo` fills the open store with made-up but plausible records for this node
(``session.ws.node_code``), for trying the program, training staff and measuring speed at HQ scale
(DESIGN.md §9: 100,000 clients, about 150,000 cases and 500,000 consultations).

What the data looks like:

* Clients with Azerbaijani names and patronymics (``Əliyeva Aynur İsmayıl qızı``); about 8 % are
  written in Russian Cyrillic (``Алиев Рашад Исмаил оглы``) and a few in ASCII (``Aliyev Rashad``).
  More women than men; birth years 1940-2007, mostly of working age; regions around the center;
  about 10 % displaced by the Karabakh war; some with a disability; mobile numbers
  ``+994 50 123 45 67``; how they heard of the center; written consent for every client.
* About 1.5 cases per client, with the legal-area mix of real Azerbaijani legal-aid centers (bank
  loans first, then property, family, labour, social protection, ...), about 5 % anti-corruption
  (ALAC) complaints with their sector, conduct and institution. Case numbers follow the opening
  dates (``GNJ-2025-0001`` is the first case opened in 2025), continue after the numbers already
  used in the store, and the case counters are moved past them.
* About 3.3 consultations per case over the last three years, with notes, advice and next steps
  written from templates per legal area; follow-ups, some in the coming weeks. Older cases are
  mostly closed with an outcome; recent ones are open or pending. Parties (banks, employers,
  public bodies, former spouses), deadlines (some done, some coming, a few overdue) and two or
  three advocacy campaigns linked to some cases.

Determinism: the content (names, codes, dates, texts, case numbers) depends only on ``seed``, on
the store (its node, its users, the case numbers it already has) and on the *base date*, which is
today's date in Baku (:func:`legalaid_desktop.domain.dates.today`) when the generation starts:
every date is a number of days before or after it. The same seed on the same store on the same
day gives the same data. Record ids (UUIDv7) and clock stamps carry the real time, as every row
made on this node does, so they differ from run to run.

Speed: everything is written inside ONE write transaction (the workspace's), in batches of
:data:`CLIENT_BATCH` clients: rows are prepared as tuples in column order, with their clock
stamps, outbox (``change_log``) entries and JSON columns already encoded, and go in with the
DB-API's ``executemany`` on the session's connection, :data:`INSERT_BATCH` rows per statement
(SQLAlchemy's per-row parameter processing cost more than SQLite itself). There is one audit
event (``demo_generated``, with the counts) for the whole run, and the full-text index is rebuilt
once at the end (:func:`legalaid_desktop.search.index.rebuild`), in the same transaction. If
``cancelled()`` returns true after a batch, the transaction is rolled back: the store is left
exactly as it was (apart from demo lawyer accounts created before the data, see
:func:`generate_demo`). ``bench/bench_demo.py`` measures a run at HQ scale.
"""

from __future__ import annotations

import json
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.dates import today
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.hlc import COUNTER_MAX, HLC
from legalaid_desktop.domain.roles import Permission, Role
from legalaid_desktop.i18n import _
from legalaid_desktop.search import index as search_index
from legalaid_desktop.search.normalize import sort_string
from legalaid_desktop.store.models import (
    Campaign,
    Case,
    CaseCounter,
    Client,
    Consent,
    Consultation,
    CorruptionDetails,
    Deadline,
    Party,
    User,
)
from legalaid_desktop.store.models.base import Base

if TYPE_CHECKING:
    from legalaid_desktop.app import AppSession

__all__ = ["DEMO_LAWYERS", "INSERT_BATCH", "MAX_CLIENTS", "DemoSummary", "generate_demo"]

T = TypeVar("T")

INSERT_BATCH: Final = 5_000
"""Rows per bulk insert statement."""

CLIENT_BATCH: Final = 2_000
"""Clients generated between two progress reports (and two checks for cancellation)."""

MAX_CLIENTS: Final = 1_000_000
"""The most clients one run may generate."""

HISTORY_DAYS: Final = 3 * 365
"""How far back cases are opened, in days before the base date."""

DEMO_LAWYERS: Final[tuple[tuple[str, str, str], ...]] = (
    ("gunel.m", "Məmmədova Günel Rəşad qızı", Role.LAWYER.value),
    ("elvin.h", "Həsənov Elvin Vaqif oğlu", Role.LAWYER.value),
    ("sevinc.q", "Quliyeva Sevinc Arif qızı", Role.LAWYER.value),
    ("kamran.a", "Abbasov Kamran Elçin oğlu", Role.MANAGER.value),
)
"""The accounts :func:`generate_demo` adds when this center has nobody else to assign cases to."""


# ================================================================================================
# Result
# ================================================================================================


@dataclass(frozen=True)
class DemoSummary:
    """What one run of :func:`generate_demo` wrote.

    Attributes:
        clients: Clients added.
        consents: Consent records added (one per client).
        cases: Cases opened.
        consultations: Consultations recorded.
        parties: Case parties added.
        deadlines: Deadlines added.
        corruption_details: ALAC complaint details added (one per corruption case).
        campaigns: Advocacy campaigns created.
        lawyers_created: User accounts created for the demo.
        indexed: Records in the rebuilt full-text index.
        seconds: Wall time of the run.
        cancelled: True if the run was cancelled and nothing was written.
    """

    clients: int = 0
    consents: int = 0
    cases: int = 0
    consultations: int = 0
    parties: int = 0
    deadlines: int = 0
    corruption_details: int = 0
    campaigns: int = 0
    lawyers_created: int = 0
    indexed: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    @property
    def rows(self) -> int:
        """Synchronized rows written (each has one outbox entry)."""
        return (
            self.clients
            + self.consents
            + self.cases
            + self.consultations
            + self.parties
            + self.deadlines
            + self.corruption_details
            + self.campaigns
        )

    def as_dict(self) -> dict[str, Any]:
        """The counts as a JSON-ready dictionary."""
        return asdict(self)


class _Cancelled(Exception):
    """Raised inside the write transaction to roll it back."""


# ================================================================================================
# Small tools
# ================================================================================================


class _Weighted:
    """A weighted choice that costs one random number and one bisection."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        items: list[Any] = []
        cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight <= 0:
                continue
            total += weight
            items.append(item)
            cum.append(total)
        self._items = items
        self._cum = cum
        self._total = total

    def pick(self, rng: random.Random) -> Any:
        return self._items[bisect(self._cum, rng.random() * self._total)]


def _weighted(pairs: Iterable[tuple[T, float]]) -> _Weighted:
    return _Weighted(pairs)


def _one(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def _weekday(ordinal: int) -> int:
    """Monday 0 .. Sunday 6 of a proleptic Gregorian ordinal."""
    return (ordinal + 6) % 7


def _workday_back(ordinal: int, floor: int) -> int:
    """Move a Saturday or Sunday back to the Friday before, but not before ``floor``."""
    wd = _weekday(ordinal)
    if wd >= 5:
        ordinal -= wd - 4
    return max(ordinal, floor)


class _Stamper:
    """Record ids (UUIDv7) and clock stamps for many rows, without a call per row to the clock.

    Ids are version 7 UUIDs with the current time and a monotonic random field (RFC 9562 §6.2,
    method 2) drawn from their own generator; stamps continue the node's hybrid logical clock
    from ``start``, one per row, strictly increasing. The workspace clock is moved past
    :attr:`last` before the transaction ends.
    """

    _RANDOM_BITS: Final = 74

    def __init__(self, node: str, start: HLC, id_ms: int, rng: random.Random) -> None:
        self.node = node
        self._wall = start.wall_ms
        self._counter = start.counter - 1
        self._rng = rng
        self._id_ms = id_ms
        self._prefix = ""
        self._rand = rng.getrandbits(self._RANDOM_BITS - 1)

    def stamp(self) -> str:
        self._counter += 1
        if self._counter > COUNTER_MAX:
            self._wall += 1
            self._counter = 0
        return f"{self._wall:012x}{self._counter:04x}{self.node}"

    @property
    def last(self) -> HLC:
        return HLC(self._wall, max(self._counter, 0), self.node)

    def new_id(self) -> str:
        self._rand += 1 + self._rng.getrandbits(32)
        if self._rand >= 1 << self._RANDOM_BITS:
            self._id_ms += 1
            self._prefix = ""
            self._rand = self._rng.getrandbits(self._RANDOM_BITS - 1)
        if not self._prefix:
            ms = f"{self._id_ms:012x}"
            self._prefix = f"{ms[:8]}-{ms[8:]}-7"
        rand = self._rand
        rand_b = rand & 0x3FFF_FFFF_FFFF_FFFF  # low 62 bits; variant 0b10 above them
        return (
            f"{self._prefix}{rand >> 62:03x}-{0x8000 | rand_b >> 48:04x}-"
            f"{rand_b & 0xFFFF_FFFF_FFFF:012x}"
        )


# ================================================================================================
# Names
# ================================================================================================

# (Azerbaijani Latin, Russian Cyrillic) of the masculine form; the feminine adds -a / -а to the
# -ov/-ev/-yev forms, the -li/-lı/-zadə forms serve both.
_SURNAMES: Final[tuple[tuple[str, str, float], ...]] = (
    ("Məmmədov", "Мамедов", 9), ("Əliyev", "Алиев", 9), ("Həsənov", "Гасанов", 6),
    ("Hüseynov", "Гусейнов", 6), ("Quliyev", "Кулиев", 5), ("İsmayılov", "Исмаилов", 5),
    ("Abbasov", "Аббасов", 3), ("Cəfərov", "Джафаров", 3), ("Rzayev", "Рзаев", 3),
    ("Süleymanov", "Сулейманов", 3), ("Nəsirov", "Насиров", 2), ("Mustafayev", "Мустафаев", 3),
    ("Bayramov", "Байрамов", 3), ("Əhmədov", "Ахмедов", 3), ("Kərimov", "Керимов", 3),
    ("Qasımov", "Касумов", 3), ("Vəliyev", "Велиев", 3), ("Orucov", "Оруджев", 2),
    ("Səfərov", "Сафаров", 2), ("Məhərrəmov", "Магеррамов", 2), ("Babayev", "Бабаев", 3),
    ("Hacıyev", "Гаджиев", 3), ("Nağıyev", "Нагиев", 2), ("Rəhimov", "Рагимов", 2),
    ("Əsədov", "Асадов", 2), ("İbrahimov", "Ибрагимов", 3), ("Sadıqov", "Садыгов", 2),
    ("Musayev", "Мусаев", 3), ("Hümbətov", "Гумбатов", 1), ("Zeynalov", "Зейналов", 2),
    ("Allahverdiyev", "Аллахвердиев", 2), ("Qurbanov", "Курбанов", 3), ("Şükürov", "Шукюров", 1),
    ("Novruzov", "Новрузов", 2), ("Paşayev", "Пашаев", 2), ("Tağıyev", "Тагиев", 2),
    ("Yusifov", "Юсифов", 2), ("Axundov", "Ахундов", 1), ("İsgəndərov", "Искендеров", 1),
    ("Salmanov", "Салманов", 1), ("Əzizov", "Азизов", 2), ("Qəhrəmanov", "Гахраманов", 1),
    ("Mirzəyev", "Мирзоев", 2), ("Əkbərov", "Акперов", 1), ("Bağırov", "Багиров", 2),
    ("Əsgərov", "Аскеров", 2), ("Fərzəliyev", "Фарзалиев", 1), ("Heydərov", "Гейдаров", 1),
    ("Cavadov", "Джавадов", 1), ("Kazımov", "Кязимов", 1), ("Mehdiyev", "Мехтиев", 2),
    ("Sultanov", "Султанов", 1), ("Şahverdiyev", "Шахвердиев", 1), ("Rüstəmov", "Рустамов", 1),
    ("Nəbiyev", "Набиев", 1), ("Abdullayev", "Абдуллаев", 2), ("Məlikov", "Меликов", 1),
    ("Əmirov", "Амиров", 1), ("Eyvazov", "Эйвазов", 1), ("Qafarov", "Гафаров", 1),
    ("Xəlilov", "Халилов", 2), ("Nuriyev", "Нуриев", 1), ("Ağayev", "Агаев", 2),
    ("Həmidov", "Гамидов", 1), ("Qənbərov", "Ганбаров", 1), ("Tahirov", "Тагиров", 1),
    ("İmanov", "Иманов", 1), ("Ələkbərov", "Алекперов", 1), ("Vəzirov", "Везиров", 1),
    ("Nəcəfov", "Наджафов", 2), ("Ramazanov", "Рамазанов", 1), ("Osmanov", "Османов", 1),
    ("Əlizadə", "Ализаде", 1), ("Həsənli", "Гасанлы", 1), ("Məmmədli", "Мамедли", 1),
    ("Cəfərli", "Джафарли", 1), ("Rzazadə", "Рзазаде", 0.5), ("Hüseynli", "Гусейнли", 1),
    ("Həsənzadə", "Гасанзаде", 0.5), ("Qaraşov", "Гарашов", 0.5), ("Şirinov", "Ширинов", 1),
)  # fmt: skip

_MALE_NAMES: Final[tuple[tuple[str, str, float], ...]] = (
    ("Rəşad", "Рашад", 3), ("Elçin", "Эльчин", 3), ("Vüqar", "Вугар", 3), ("Orxan", "Орхан", 3),
    ("Tural", "Турал", 3), ("Kamran", "Камран", 2), ("Elnur", "Эльнур", 3), ("Rauf", "Рауф", 2),
    ("Ramil", "Рамиль", 2), ("Anar", "Анар", 3), ("Elvin", "Эльвин", 3), ("Murad", "Мурад", 2),
    ("Nicat", "Ниджат", 2), ("Ülvi", "Ульви", 1), ("Fuad", "Фуад", 2), ("Samir", "Самир", 2),
    ("Cavid", "Джавид", 1), ("Emin", "Эмин", 2), ("Rüfət", "Руфат", 1), ("Mahir", "Махир", 1),
    ("Namiq", "Намиг", 2), ("Zaur", "Заур", 2), ("Əli", "Али", 3), ("Hüseyn", "Гусейн", 2),
    ("Vasif", "Васиф", 1), ("Yaşar", "Яшар", 1), ("Mübariz", "Мубариз", 1), ("Etibar", "Этибар", 1),
    ("İlham", "Ильхам", 2), ("Vaqif", "Вагиф", 2), ("Şahin", "Шахин", 1), ("Nurlan", "Нурлан", 1),
    ("Ceyhun", "Джейхун", 1), ("Eldar", "Эльдар", 2), ("Kənan", "Кянан", 1), ("Rəhim", "Рагим", 1),
    ("Səbuhi", "Сабухи", 1), ("Elşən", "Эльшан", 1), ("Azər", "Азер", 2), ("Asif", "Асиф", 1),
    ("Arif", "Ариф", 2), ("Tofiq", "Тофик", 2), ("Məhəmməd", "Магомед", 2),
    ("İsmayıl", "Исмаил", 2), ("Bəhruz", "Бахруз", 1), ("Cəlal", "Джалал", 1),
    ("Elxan", "Эльхан", 2), ("Fərid", "Фарид", 1), ("Fikrət", "Фикрет", 1), ("Həsən", "Гасан", 2),
    ("İlqar", "Ильгар", 2), ("Kamil", "Камиль", 1), ("Natiq", "Натиг", 2), ("Oqtay", "Октай", 1),
    ("Pərviz", "Парвиз", 1), ("Rasim", "Расим", 1), ("Rövşən", "Ровшан", 2), ("Sabir", "Сабир", 1),
    ("Şamil", "Шамиль", 1), ("Teymur", "Теймур", 1), ("Toğrul", "Тогрул", 1), ("Vüsal", "Вусал", 2),
    ("Yusif", "Юсиф", 1), ("Zakir", "Закир", 1), ("Babək", "Бабек", 1), ("Hikmət", "Хикмет", 1),
    ("Akif", "Акиф", 1), ("Aydın", "Айдын", 1), ("Bəxtiyar", "Бахтияр", 1), ("Rafiq", "Рафик", 2),
    ("Telman", "Тельман", 1), ("Nizami", "Низами", 1), ("Əkbər", "Акпер", 1),
    ("Ələsgər", "Алескер", 1), ("Mehman", "Мехман", 1), ("Famil", "Фамиль", 1),
    ("Qabil", "Габиль", 1), ("Ramiz", "Рамиз", 1), ("Xəyal", "Хаял", 1), ("Amil", "Амиль", 1),
    ("Ayxan", "Айхан", 1), ("Tərlan", "Тарлан", 1), ("Sahib", "Сахиб", 1), ("Valeh", "Валех", 1),
)  # fmt: skip

_FEMALE_NAMES: Final[tuple[tuple[str, str, float], ...]] = (
    ("Aynur", "Айнур", 3), ("Günel", "Гюнель", 3), ("Leyla", "Лейла", 3), ("Nigar", "Нигяр", 3),
    ("Səbinə", "Сабина", 2), ("Aygün", "Айгюн", 2), ("Könül", "Кёнуль", 2),
    ("Sevinc", "Севиндж", 2), ("Nərgiz", "Наргиз", 2), ("Gülnar", "Гюльнар", 2),
    ("Zəhra", "Захра", 1), ("Fidan", "Фидан", 2), ("Aysel", "Айсель", 3), ("Lalə", "Лала", 2),
    ("Təranə", "Терана", 2), ("Nazlı", "Назлы", 1), ("Ülviyyə", "Ульвия", 1),
    ("Xədicə", "Хадиджа", 1), ("Rəna", "Рена", 1), ("Səadət", "Саадат", 1),
    ("Sevda", "Севда", 2), ("Samirə", "Самира", 2), ("Aytən", "Айтен", 2), ("Gülarə", "Гюляра", 1),
    ("Zülfiyyə", "Зульфия", 1), ("Mehriban", "Мехрибан", 2), ("Şəbnəm", "Шабнам", 1),
    ("Günay", "Гюнай", 2), ("Afaq", "Афаг", 1), ("Arzu", "Арзу", 2), ("Bahar", "Бахар", 1),
    ("Dilarə", "Диляра", 1), ("Elmira", "Эльмира", 2), ("Esmira", "Эсмира", 1),
    ("Firuzə", "Фируза", 1), ("Gülər", "Гюляр", 1), ("Gülşən", "Гюльшан", 2), ("İradə", "Ирада", 1),
    ("Jalə", "Жаля", 1), ("Kəmalə", "Камаля", 1), ("Lamiyə", "Ламия", 1), ("Mələk", "Малак", 1),
    ("Nailə", "Наиля", 2), ("Pərvin", "Парвин", 1), ("Rəhilə", "Рахиля", 1), ("Saidə", "Саида", 1),
    ("Səkinə", "Сакина", 1), ("Solmaz", "Солмаз", 1), ("Sona", "Сона", 1), ("Şəhla", "Шахла", 1),
    ("Tamilla", "Тамилла", 1), ("Ulduz", "Улдуз", 1), ("Vüsalə", "Вусала", 1),
    ("Xəyalə", "Хаяла", 1),
    ("Yeganə", "Егяна", 1), ("Zemfira", "Земфира", 1), ("Zərifə", "Зарифа", 1),
    ("Zümrüd", "Зумруд", 1), ("Aida", "Аида", 1), ("Almaz", "Алмаз", 1), ("Aytac", "Айтадж", 2),
    ("Ayşən", "Айшан", 1), ("Əminə", "Амина", 1), ("Fəridə", "Фарида", 1),
    ("Gülnarə", "Гюльнара", 1), ("Həcər", "Гаджар", 1), ("İlahə", "Илаха", 1),
    ("Kifayət", "Кифаят", 1), ("Nəzakət", "Назакят", 1), ("Roza", "Роза", 1), ("Sara", "Сара", 1),
    ("Tünzalə", "Тюнзаля", 1), ("Ülkər", "Улькяр", 1), ("Mətanət", "Метанет", 1),
    ("Rübabə", "Рубаба", 1), ("Sədaqət", "Садагят", 1), ("Zərinə", "Зарина", 1),
    ("Nuranə", "Нурана", 1), ("Məryəm", "Марьям", 1), ("Fatimə", "Фатима", 1),
    ("Cəmilə", "Джамиля", 1),
)  # fmt: skip

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


class _Names:
    """Builds person names in the three spellings seen at intake."""

    def __init__(self) -> None:
        self.surnames = _weighted(((s[0], s[1]), s[2]) for s in _SURNAMES)
        self.male = _weighted(((n[0], n[1]), n[2]) for n in _MALE_NAMES)
        self.female = _weighted(((n[0], n[1]), n[2]) for n in _FEMALE_NAMES)

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


class _NameSorter:
    """:func:`~legalaid_desktop.search.normalize.sort_string` of clean names, from cached words.

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
class _Place:
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


def _rayon(
    city: str, is_city: bool, regions: tuple[tuple[str, float], ...], appeal: str, admin: str
) -> _Place:
    return _Place(
        city=city,
        is_city=is_city,
        regions=regions,
        courts=(f"{city} Rayon Məhkəməsi",),
        appeal_court=f"{appeal} Apellyasiya Məhkəməsi",
        admin_court=f"{admin} İnzibati Məhkəməsi",
    )


_BAKU: Final = _Place(
    city="Bakı",
    is_city=True,
    regions=(("AZ-BA", 72), ("AZ-SM", 9), ("AZ-ABS", 8), ("AZ-XIZ", 0.5), ("*", 10.5)),
    courts=(
        "Bakı şəhəri Nəsimi Rayon Məhkəməsi",
        "Bakı şəhəri Yasamal Rayon Məhkəməsi",
        "Bakı şəhəri Binəqədi Rayon Məhkəməsi",
        "Bakı şəhəri Sabunçu Rayon Məhkəməsi",
        "Bakı şəhəri Xətai Rayon Məhkəməsi",
        "Bakı şəhəri Suraxanı Rayon Məhkəməsi",
    ),
    appeal_court="Bakı Apellyasiya Məhkəməsi",
    admin_court="Bakı İnzibati Məhkəməsi",
    streets=("Azadlıq prospekti", "Nərimanov prospekti", "Şərifzadə küçəsi", "Babək prospekti"),
)

_PLACES: Final[dict[str, _Place]] = {
    "baku": _BAKU,
    "ganja": _Place(
        city="Gəncə",
        is_city=True,
        regions=(
            ("AZ-GA", 56),
            ("AZ-GYG", 8),
            ("AZ-SKR", 7),
            ("AZ-SMX", 5),
            ("AZ-DAS", 4),
            ("AZ-GOR", 4),
            ("AZ-NA", 3),
            ("AZ-TOV", 2),
            ("AZ-GAD", 2),
            ("AZ-BAR", 2),
            ("*", 7),
        ),
        courts=("Gəncə şəhəri Kəpəz Rayon Məhkəməsi", "Gəncə şəhəri Nizami Rayon Məhkəməsi"),
        appeal_court="Gəncə Apellyasiya Məhkəməsi",
        admin_court="Gəncə İnzibati Məhkəməsi",
        streets=("Atatürk prospekti", "Cavadxan küçəsi", "Şah İsmayıl Xətai prospekti"),
    ),
    "quba": _rayon(
        "Quba",
        False,
        (("AZ-QBA", 56), ("AZ-QUS", 15), ("AZ-XAC", 14), ("AZ-SBN", 6), ("AZ-SIY", 3), ("*", 6)),
        "Sumqayıt",
        "Sumqayıt",
    ),
    "sheki": _rayon(
        "Şəki",
        True,
        (
            ("AZ-SA", 36),
            ("AZ-SAK", 20),
            ("AZ-QAB", 10),
            ("AZ-OGU", 8),
            ("AZ-QAX", 8),
            ("AZ-ZAQ", 7),
            ("AZ-BAL", 5),
            ("*", 6),
        ),
        "Şəki",
        "Şəki",
    ),
    "lankaran": _rayon(
        "Lənkəran",
        True,
        (
            ("AZ-LA", 36),
            ("AZ-LAN", 20),
            ("AZ-MAS", 12),
            ("AZ-AST", 9),
            ("AZ-LER", 8),
            ("AZ-CAL", 7),
            ("AZ-YAR", 3),
            ("*", 5),
        ),
        "Lənkəran",
        "Lənkəran",
    ),
    "shamkir": _rayon(
        "Şəmkir",
        False,
        (
            ("AZ-SKR", 62),
            ("AZ-GA", 9),
            ("AZ-TOV", 9),
            ("AZ-SMX", 5),
            ("AZ-GAD", 5),
            ("AZ-DAS", 4),
            ("*", 6),
        ),
        "Gəncə",
        "Gəncə",
    ),
    "goychay": _rayon(
        "Göyçay",
        False,
        (
            ("AZ-GOY", 56),
            ("AZ-AGS", 10),
            ("AZ-UCA", 10),
            ("AZ-ISM", 7),
            ("AZ-QAB", 5),
            ("AZ-KUR", 4),
            ("AZ-ZAR", 3),
            ("*", 5),
        ),
        "Şirvan",
        "Şirvan",
    ),
    "imishli": _rayon(
        "İmişli",
        False,
        (
            ("AZ-IMI", 56),
            ("AZ-SAT", 10),
            ("AZ-SAB", 10),
            ("AZ-BEY", 9),
            ("AZ-AGC", 5),
            ("AZ-FUZ", 3),
            ("*", 7),
        ),
        "Şirvan",
        "Şirvan",
    ),
    "kurdamir": _rayon(
        "Kürdəmir",
        False,
        (
            ("AZ-KUR", 56),
            ("AZ-UCA", 10),
            ("AZ-ZAR", 8),
            ("AZ-AGS", 8),
            ("AZ-HAC", 6),
            ("AZ-SR", 5),
            ("AZ-GOY", 4),
            ("*", 3),
        ),
        "Şirvan",
        "Şirvan",
    ),
    "astara": _rayon(
        "Astara",
        False,
        (
            ("AZ-AST", 62),
            ("AZ-LAN", 10),
            ("AZ-LA", 10),
            ("AZ-LER", 9),
            ("AZ-MAS", 5),
            ("AZ-YAR", 2),
            ("*", 2),
        ),
        "Lənkəran",
        "Lənkəran",
    ),
}

_NODE_PLACES: Final[dict[str, str]] = {
    "BAK": "baku", "BAKU": "baku", "HQ": "baku",
    "GNJ": "ganja", "GAN": "ganja", "GNC": "ganja",
    "QBA": "quba", "QUB": "quba", "GUB": "quba",
    "SHK": "sheki", "SKI": "sheki", "SAK": "sheki", "SHE": "sheki", "SKE": "sheki",
    "LNK": "lankaran", "LAN": "lankaran", "LEN": "lankaran", "LKR": "lankaran",
    "SKR": "shamkir", "SMK": "shamkir", "SHM": "shamkir", "SMR": "shamkir",
    "GOY": "goychay", "GYC": "goychay", "GCY": "goychay", "GOC": "goychay",
    "IMI": "imishli", "IMS": "imishli", "IMSH": "imishli",
    "KUR": "kurdamir", "KRD": "kurdamir", "KDM": "kurdamir",
    "AST": "astara", "ASR": "astara",
}  # fmt: skip

# A center unknown here serves people from the whole country.
_NATIONAL_REGIONS: Final[tuple[tuple[str, float], ...]] = (
    ("AZ-BA", 30), ("AZ-SM", 5), ("AZ-ABS", 4), ("AZ-GA", 6), ("AZ-MI", 2), ("AZ-SA", 1.5),
    ("AZ-SAK", 1.5), ("AZ-LA", 1.5), ("AZ-LAN", 2), ("AZ-QBA", 2), ("AZ-XAC", 2), ("AZ-SKR", 2),
    ("AZ-GOY", 1.2), ("AZ-IMI", 1.2), ("AZ-KUR", 1), ("AZ-AST", 1), ("AZ-MAS", 2), ("AZ-CAL", 2),
    ("AZ-SAB", 1.5), ("AZ-SAL", 1.5), ("AZ-BAR", 1.5), ("AZ-AGC", 1.2), ("AZ-YE", 1),
    ("AZ-YEV", 1), ("AZ-TOV", 1.5), ("AZ-QAZ", 1), ("AZ-ZAQ", 1), ("AZ-QAB", 1), ("AZ-SMI", 1),
    ("AZ-ISM", 1), ("AZ-NV", 1), ("AZ-SAR", 1), ("AZ-BEY", 1), ("AZ-FUZ", 0.5), ("AZ-TAR", 0.8),
    ("AZ-GOR", 0.8), ("AZ-HAC", 0.8), ("AZ-NEF", 0.8), ("AZ-UCA", 0.8), ("AZ-AGS", 0.8),
    ("AZ-SR", 0.8), ("AZ-QUS", 0.8), ("AZ-SBN", 0.5), ("AZ-LER", 0.6), ("AZ-GYG", 0.6),
    ("AZ-SMX", 0.5), ("AZ-DAS", 0.4), ("AZ-GAD", 0.6), ("AZ-AGA", 0.6), ("AZ-OGU", 0.4),
    ("AZ-QAX", 0.5), ("AZ-BAL", 0.6), ("AZ-ZAR", 0.5), ("AZ-SAT", 0.6), ("AZ-BIL", 0.6),
    ("AZ-AGU", 0.5), ("AZ-QOB", 0.3), ("AZ-SIY", 0.4), ("AZ-YAR", 0.4), ("AZ-NA", 0.2),
    ("AZ-XIZ", 0.2), ("AZ-BAB", 0.4), ("AZ-CUL", 0.3), ("AZ-ORD", 0.3), ("AZ-SAH", 0.1),
    ("AZ-SAD", 0.1), ("AZ-KAN", 0.1),
)  # fmt: skip

# Lands retaken in 2020-2023, where the first families have returned.
_RETURN_REGIONS: Final = ("AZ-LAC", "AZ-FUZ", "AZ-AGM", "AZ-SUS", "AZ-ZAN", "AZ-XCI", "AZ-KAL")

_STREETS: Final = (
    "Heydər Əliyev prospekti", "Nizami küçəsi", "Füzuli küçəsi", "Səməd Vurğun küçəsi",
    "Azadlıq prospekti", "28 May küçəsi", "20 Yanvar küçəsi", "Şah İsmayıl Xətai küçəsi",
    "Nəriman Nərimanov küçəsi", "Cəfər Cabbarlı küçəsi", "Mirzə Fətəli Axundov küçəsi",
    "Üzeyir Hacıbəyov küçəsi", "Hüseyn Cavid küçəsi", "Natəvan küçəsi", "Məhsəti küçəsi",
    "Neftçilər küçəsi", "Sabit Rəhman küçəsi", "Zərifə Əliyeva küçəsi", "Bakı küçəsi",
    "Atatürk küçəsi", "Məmməd Əmin Rəsulzadə küçəsi",
)  # fmt: skip

_VILLAGES: Final = (
    "Yeni Yol", "Qarabulaq", "Çaykənd", "Bağbanlar", "Yuxarı Ağcakənd", "Aşağı Ağcakənd",
    "Qızılca", "Dəlilər", "Təzəkənd", "Zeyvə", "Alpout", "Sarıbulaq", "Qaraçaylı", "Bəylər",
    "Yeniarx", "Gültəpə", "Düzənlik", "Kürkənd", "Qasımlı", "Hacılar", "Çinarlı", "Ərəbli",
)  # fmt: skip


# ================================================================================================
# Institutions and parties
# ================================================================================================

_BANKS: Final = (
    ("Kapital Bank", 6), ("ABB", 5), ("PAŞA Bank", 2), ("Bank Respublika", 3), ("Xalq Bank", 2),
    ("Unibank", 3), ("AccessBank", 3), ("Rabitəbank", 2), ("Yelo Bank", 2), ("Expressbank", 1),
    ("Bank of Baku", 2), ("TuranBank", 1), ("Ziraat Bank Azərbaycan", 1),
    ("Yapı Kredi Bank Azərbaycan", 1), ("FINCA Azerbaijan", 2), ("Vision Fund AzerCredit", 1),
    ("Embafinans", 1), ("Капитал Банк", 0.5),
)  # fmt: skip

_EMPLOYERS: Final = (
    '"Kəpəz Tikinti" MMC', '"Nur-Ticarət" MMC', '"Yaşıl Vadi Aqro" MMC', '"Ulduz Tekstil" MMC',
    '"Xəzər Logistika" MMC', '"Şəfa" özəl klinikası', '"Araz Qida" MMC', '"Göy Körpü" MMC',
    '"Dağ Çayı" istirahət mərkəzi', '"Mərkəz Market" MMC', '"Bərəkət Un" MMC',
    '"Təmiz Şəhər Servis" MMC', "Fərdi sahibkar", "ООО «Строй Сервис Групп»",
    '"Ağ Şəhər İnşaat" MMC', '"Kənd Təsərrüfatı Texnika" ASC',
)  # fmt: skip

_PARTY_NOTES: Final[dict[str, tuple[str, ...]]] = {
    "spouse": ("Həyat yoldaşı", "Keçmiş həyat yoldaşı", "Uşaqların atası", "Ayrı yaşayır"),
    "relative": ("Qardaşı", "Bacısı", "Əmisi oğlu", "Mirasçı", "Qaynı"),
    "neighbour": ("Qonşu", "Qonşu torpaq sahəsinin sahibi", "Kirayəçi"),
    "bank": ("Kreditor bank", "Kredit müqaviləsi üzrə tərəf", ""),
    "employer": ("İşəgötürən", "Keçmiş işəgötürən", ""),
    "institution": ("Cavabdeh dövlət orqanı", "Müraciət edilən qurum", ""),
    "witness": ("Şahid", "Hadisənin şahidi", "Qonşu, şahid"),
    "representative": ("Etibarnamə ilə nümayəndə", "Qızı, nümayəndə", "Oğlu, nümayəndə"),
}


# ================================================================================================
# Legal areas: mix, case summaries, consultation texts
# ================================================================================================

_AREA_WEIGHTS: Final[tuple[tuple[str, float], ...]] = (
    ("credit", 18), ("property", 14), ("family", 13), ("labour", 12), ("social", 11),
    ("utilities", 5), ("civil_registration", 5), ("administrative", 4.5), ("inheritance", 4.5),
    ("corruption", 5), ("migration", 1.5), ("tax", 1.2), ("criminal", 1.5), ("consumer", 1.3),
    ("health", 0.9), ("education", 0.8), ("other", 0.8),
)  # fmt: skip

# Problem statements (no final stop) and what the client wants (lower-case start).
_PROBLEMS: Final[dict[str, tuple[str, ...]]] = {
    "credit": (
        "Bank kreditin faizlərini qanunsuz artırıb",
        "{bank} ilə bağlanmış kredit müqaviləsi üzrə gecikmiş borc məhkəmə qaydasında tələb olunur",
        "Kredit müqaviləsində göstərilməyən cərimə və dəbbə pulları hesablanıb",
        "Zaminə kredit borcunun ödənilməsi barədə icra sənədi göndərilib",
        "Girov qoyulmuş mənzilin hərraca çıxarılması təhlükəsi var",
        "Pensiya kartından kredit borcu üçün razılıq olmadan tutulmalar edilir",
        "Artıq ödənilmiş kredit kredit tarixçəsində hələ də gecikmiş borc kimi göstərilir",
        "Kredit təşkilatı borcun qaytarılması üçün telefonla təzyiq göstərir",
        "İş yerini itirdikdən sonra {bank} qarşısında aylıq ödənişləri edə bilmir",
        "Bank sığorta haqqını müştərinin xəbəri olmadan kreditin məbləğinə əlavə edib",
    ),
    "property": (
        "Qonşu torpaq sahəsinin sərhədini özbaşına dəyişib",
        "Mənzil üzrə mülkiyyət hüququnu təsdiq edən çıxarış hələ də verilməyib",
        "Tikinti şirkəti pay əsasında alınmış mənzili vaxtında təhvil vermir",
        "Həyət evinin sökülməsi barədə bildiriş verilib, kompensasiya məsələsi həll olunmayıb",
        "Torpaq payının dövlət qeydiyyatından imtina edilib",
        "Kirayəçi mənzili boşaltmaqdan və borcu ödəməkdən imtina edir",
        "Ortaq mülkiyyətdə olan evin bölünməsi ilə bağlı ailə daxilində mübahisə var",
        "Mənzil alqı-satqı müqaviləsi notarial qaydada rəsmiləşdirilməyib",
    ),
    "family": (
        "Boşanmadan sonra uşaqların saxlanılması üçün aliment ödənilmir",
        "Nikahın pozulması və birgə əmlakın bölgüsü məsələsi yaranıb",
        "Uşağın atası ilə ünsiyyət qaydası müəyyən edilməyib",
        "Məişət zorakılığına məruz qalıb və mühafizə orderi almaq istəyir",
        "Nikah yalnız dini qaydada bağlanıb, uşağın atalığının müəyyən edilməsi lazımdır",
        "Aliment borcu bir ildən artıqdır yığılıb",
        "Erkən nikahdan doğulmuş uşağın doğum şəhadətnaməsi yoxdur",
        "Həyat yoldaşı ortaq evdən çıxarılmasını tələb edir",
    ),
    "labour": (
        "İşəgötürən son üç ayın əmək haqqını ödəmir",
        "Əmək müqaviləsi bağlanmadan işlədilib, indi işdən çıxarılıb",
        "Hamiləlik səbəbindən işdən çıxarılma barədə əmr verilib",
        "İstehsalatda aldığı xəsarətə görə kompensasiya ödənilməyib",
        "İşdən azad edilərkən istifadə olunmamış məzuniyyətə görə kompensasiya verilməyib",
        "İş vaxtından artıq işə görə əlavə ödəniş edilmir",
        "{employer} ixtisar adı ilə xəbərdarlıq etmədən işdən çıxarıb",
    ),
    "social": (
        "Əlilliyə görə pensiyanın təyin edilməsindən imtina olunub",
        "Ünvanlı dövlət sosial yardımı əsassız olaraq dayandırılıb",
        "Məcburi köçkün kimi aylıq müavinət kəsilib",
        "Əmək pensiyası əmək stajı tam nəzərə alınmadan hesablanıb",
        "Uşağın əlilliyi ilə bağlı tibbi-sosial ekspertiza qərarı ilə razı deyil",
        "Ailə başçısını itirməyə görə pensiya təyin olunmayıb",
        "Şəhid ailəsinə verilən aylıq müavinətin ödənilməsi gecikdirilir",
    ),
    "utilities": (
        "Elektrik enerjisi üçün əsassız yüksək borc hesablanıb",
        "Qaz sayğacı xəbərdarlıqsız dəyişdirilib və cərimə yazılıb",
        "Əvvəlki sakinin su borcu müştərinin adına keçirilib",
        "Ödəniş edilməsinə baxmayaraq qaz təchizatı kəsilib",
        "Kəndə içməli su verilməsi aylardır dayandırılıb",
    ),
    "civil_registration": (
        "Şəxsiyyət vəsiqəsini itirib və yenisini ala bilmir",
        "Doğum şəhadətnaməsində ad və soyad səhv yazılıb",
        "Yaşayış yeri üzrə qeydiyyatdan imtina edilib",
        "Vətəndaşlığın müəyyən edilməsi üçün sənədlər çatışmır",
        "Köhnə sovet pasportu ilə yeni şəxsiyyət vəsiqəsi almaqda çətinlik çəkir",
        "Ölüm faktının qeydiyyata alınması üçün məhkəmə qərarı lazımdır",
    ),
    "administrative": (
        "İcra hakimiyyəti yazılı müraciətə qanunla müəyyən olunmuş müddətdə cavab verməyib",
        "İnzibati xəta haqqında protokol əsassız tərtib edilib",
        "Ticarət obyektinin bağlanması barədə qərar verilib",
        "Sahibkarlıq fəaliyyəti üçün icazənin verilməsindən imtina olunub",
        "Bələdiyyə torpaq icarəsi müqaviləsini birtərəfli qaydada ləğv edib",
    ),
    "inheritance": (
        "Atadan qalan evin mirasçılar arasında bölünməsi ilə bağlı mübahisə var",
        "Mirası qəbul etmək üçün altı aylıq müddət buraxılıb",
        "Qardaşı vəsiyyətnamənin etibarsız olduğunu iddia edir",
        "Mərhumun bank əmanətinin mirasa daxil edilməsində problem yaranıb",
        "Miras qalan torpaq sahəsinin sənədləri mərhumun adına rəsmiləşdirilməyib",
    ),
    "migration": (
        "Xarici vətəndaş olan həyat yoldaşının müvəqqəti yaşama icazəsinin müddəti bitib",
        "Xaricdə işləyərkən pasportu işəgötürən tərəfindən saxlanılıb",
        "Vətəndaşlığa qəbul barədə müraciətə cavab verilməyib",
    ),
    "tax": (
        "Fəaliyyətini dayandırsa da fərdi sahibkar kimi vergi borcu hesablanmaqdadır",
        "Torpaq vergisinin məbləği səhv hesablanıb",
        "Bəyannamənin gecikdirilməsinə görə maliyyə sanksiyası tətbiq olunub",
    ),
    "criminal": (
        "Oğlu barəsində cinayət işi başlanıb, ailə müdafiə hüququ barədə məlumat istəyir",
        "Dələduzluq nəticəsində pulunu itirib, polisə verdiyi ərizəyə baxılmır",
        "Zərərçəkmiş şəxs kimi tanınmaq üçün müraciət edib",
    ),
    "consumer": (
        "Alınmış soyuducu zəmanət müddətində xarab olub, mağaza onu dəyişmir",
        "Onlayn sifariş edilmiş mal çatdırılmayıb, pul qaytarılmır",
        "Mobil operator razılıq olmadan ödənişli xidmət qoşub",
    ),
    "health": (
        "Əlilliyi olan uşaq üçün pulsuz dərman təminatı kəsilib",
        "İcbari tibbi sığorta çərçivəsində pulsuz olmalı xidmət üçün ödəniş istənilib",
        "Tibbi səhv nəticəsində sağlamlığına zərər dəyib",
    ),
    "education": (
        "Uşağın məktəbə qəbulundan yaşayış yeri üzrə qeydiyyat olmadığı üçün imtina edilib",
        "Tələbə təqaüdü əsassız olaraq kəsilib",
        "Əlilliyi olan uşağın inklüziv təhsil hüququ təmin olunmur",
    ),
    "other": (
        "Qonşularla binanın ortaq sahələrinin istifadəsi ilə bağlı mübahisə var",
        "Etibarnamənin verilməsi və ləğvi qaydasını öyrənmək istəyir",
        "Sığorta şirkəti yol-nəqliyyat hadisəsinə görə ödənişdən imtina edib",
    ),
}

_WISHES: Final[dict[str, tuple[str, ...]]] = {
    "credit": (
        "müştəri borcun yenidən strukturlaşdırılmasını istəyir",
        "faizlərin və cərimələrin yenidən hesablanması tələb olunur",
        "müştəri banka yazılı şikayət vermək niyyətindədir",
        "müştəri məhkəmədə hüquqlarının necə müdafiə olunacağını öyrənmək istəyir",
    ),
    "property": (
        "müştəri mülkiyyət hüququnun tanınmasını istəyir",
        "müştəri mübahisənin məhkəməyədək həllinə üstünlük verir",
        "iddia ərizəsinin hazırlanmasında kömək istəyir",
    ),
    "family": (
        "müştəri alimentin məhkəmə qaydasında tutulmasını istəyir",
        "müştəri boşanma iddiası üçün sənədlərin hazırlanmasını xahiş edir",
        "müştəri hüquqları barədə məlumat almaq istəyir",
        "müştəri psixoloji dəstək üçün yönləndirilməni də istəyir",
    ),
    "labour": (
        "müştəri işə bərpa olunmaq istəyir",
        "müştəri borcun ödənilməsini tələb edir",
        "müştəri Dövlət Əmək Müfəttişliyinə şikayət vermək istəyir",
    ),
    "social": (
        "müştəri qərardan şikayət vermək istəyir",
        "müştəri yardımın bərpasını tələb edir",
        "DOST mərkəzinə müraciət üçün sənədlərin hazırlanması xahiş olunur",
    ),
    "utilities": (
        "müştəri borcun yenidən hesablanmasını istəyir",
        "müştəri xidmət təşkilatına yazılı şikayət vermək istəyir",
        "müştəri təchizatın bərpasını tələb edir",
    ),
    "civil_registration": (
        "müştəri sənədlərin bərpası qaydasını öyrənmək istəyir",
        "hüquqi əhəmiyyətli faktın müəyyən edilməsi barədə ərizə hazırlanmalıdır",
        "müştəri müvafiq quruma müraciətdə kömək istəyir",
    ),
    "administrative": (
        "müştəri yuxarı orqana inzibati şikayət vermək istəyir",
        "müştəri qərarı inzibati məhkəmədə mübahisələndirmək istəyir",
        "müştəri qurumdan rəsmi cavab almaq istəyir",
    ),
    "inheritance": (
        "müştəri mirası qəbul etmə müddətinin bərpasını istəyir",
        "müştəri notariusa müraciət qaydasını öyrənmək istəyir",
        "müştəri payının məhkəmə qaydasında müəyyən edilməsini istəyir",
    ),
    "corruption": (
        "müştəri adı açıqlanmadan şikayət etmək istəyir",
        "müştəri Baş Prokurorluğun Korrupsiyaya qarşı mübarizə idarəsinə müraciət etmək istəyir",
        "müştəri hüquqları və müdafiə imkanları barədə məlumat istəyir",
        "müştəri qanunsuz tələbin dayandırılmasını istəyir",
    ),
}
_WISHES_GENERIC: Final = (
    "müştəri hüquqi məsləhət istəyir",
    "müştəri hansı quruma müraciət etməli olduğunu öyrənmək istəyir",
    "müştəri yazılı müraciətin hazırlanmasında kömək istəyir",
)

_NOTES: Final[dict[str, tuple[str, ...]]] = {
    "credit": (
        "Müştəri kredit müqaviləsinin və ödəniş qrafikinin surətlərini gətirdi.",
        "Bankdan alınmış hesab çıxarışı yoxlanıldı; hesablanmış cərimələr müqaviləyə uyğun deyil.",
        "Bank restrukturizasiya müraciətinə rədd cavabı verib.",
        "Müştəri gəlirinin azaldığını təsdiq edən arayış təqdim etdi.",
        "İcra məmurunun qərarı ilə pensiya kartına həbs qoyulduğu məlum oldu.",
    ),
    "property": (
        "Müştəri torpaq sahəsinin planını və çıxarışın surətini təqdim etdi.",
        "Qonşu ilə danışıqlar nəticə verməyib.",
        "Əmlak Məsələləri Dövlət Xidmətindən cavab alınıb.",
        "Tikinti şirkəti ilə bağlanmış müqavilənin şərtləri təhlil edildi.",
    ),
    "family": (
        "Müştəri nikah və uşaqların doğum şəhadətnamələrinin surətlərini gətirdi.",
        "Keçmiş həyat yoldaşının gəlirləri barədə məlumat toplanır.",
        "Müştəri zorakılıq hallarının təkrarlandığını bildirdi.",
        "Uşağın yaşayış yeri məsələsi müzakirə olundu.",
    ),
    "labour": (
        "Müştəri əmək müqaviləsinin və işdən çıxarılma əmrinin surətlərini təqdim etdi.",
        "İşəgötürənlə telefon danışığı oldu; borcu ödəməyə razılıq vermir.",
        "Əmək müqaviləsinin elektron sistemdə qeydiyyatı yoxlanıldı.",
        "Həmkarları şahid kimi ifadə verməyə razıdırlar.",
    ),
    "social": (
        "Müştəri tibbi-sosial ekspert komissiyasının qərarını gətirdi.",
        "Sosial yardımın dayandırılması barədə qərarın əsasları öyrənildi.",
        "Əmək stajını təsdiq edən arxiv arayışları çatışmır.",
        "DOST mərkəzindən cavab gəlib.",
    ),
    "utilities": (
        "Müştəri son bir ilin ödəniş qəbzlərini təqdim etdi.",
        "Sayğacın dəyişdirilməsi aktında müştərinin imzası yoxdur.",
        "Xidmət təşkilatı borcun hesablanmasını izah edə bilməyib.",
    ),
    "civil_registration": (
        "Müştərinin əlində yalnız köhnə sənədlərin surətləri var.",
        "Qeydiyyat orqanı imtinanı şifahi bildirib, yazılı cavab verməyib.",
        "Arxivdən doğum haqqında qeydin surəti sorğu edildi.",
    ),
    "administrative": (
        "Müştərinin müraciətinin qeydiyyat nömrəsi və tarixi müəyyən edildi.",
        "İnzibati xəta protokolunun surəti öyrənildi.",
        "Qurumun qərarı əsaslandırılmayıb.",
    ),
    "inheritance": (
        "Müştəri ölüm şəhadətnaməsini və qohumluğu təsdiq edən sənədləri gətirdi.",
        "Digər mirasçıların mövqeyi öyrənildi.",
        "Notariusun imtina barədə qərarı təhlil edildi.",
    ),
    "corruption": (
        "Müştəri qanunsuz tələbin vaxtını, yerini və şəxsi ətraflı təsvir etdi.",
        "Müştəri şikayətin adı açıqlanmadan verilməsini xahiş etdi.",
        "Tələb edilən məbləğ və ödənişin şərtləri barədə məlumat qeydə alındı.",
        "Qurumun rəhbərliyinə göndərilmiş müraciətə cavab gəlməyib.",
    ),
}
_NOTES_GENERIC: Final = (
    "Müştəri ilə ilkin görüş keçirildi, vəziyyət ətraflı öyrənildi.",
    "Müştəri əlavə sənədlər təqdim etdi.",
    "Telefonla müştərinin sualları cavablandırıldı.",
    "Qurumdan alınan cavab müştəri ilə birlikdə müzakirə edildi.",
    "Müştəri vəziyyətdə dəyişiklik olmadığını bildirdi.",
    "Hazırlanmış sənədin layihəsi müştəri ilə razılaşdırıldı.",
)
_INTAKE_NOTES: Final = (
    "İlkin qəbul: müştəri problemini danışdı, mövcud sənədlərin surətləri alındı.",
    "İlkin qəbul: maraqlar toqquşması yoxlanıldı, razılıq forması imzalandı.",
    "Müştəri ilk dəfə müraciət edir; vəziyyət və sənədlər öyrənildi.",
    "Səyyar qəbul zamanı müraciət qeydə alındı.",
)

_ADVICE: Final[dict[str, tuple[str, ...]]] = {
    "credit": (
        "Banka restrukturizasiya barədə yazılı müraciət etmək tövsiyə olundu.",
        "Mərkəzi Bankın istehlakçı hüquqlarının müdafiəsi xidmətinə şikayət imkanı izah edildi.",
        "İcra məmurunun hərəkətindən məhkəməyə şikayət qaydası izah olundu.",
        "Minimum yaşayış səviyyəsindən aşağı gəlirdən tutulmanın qanunsuz olduğu izah edildi.",
    ),
    "property": (
        "Əmlak Məsələləri Dövlət Xidmətinə yazılı müraciət etmək tövsiyə olundu.",
        "Mülkiyyət hüququnun tanınması barədə iddia qaldırmaq imkanı izah edildi.",
        "Torpaq sahəsinin yenidən ölçülməsi üçün ekspert cəlb etmək məsləhət görüldü.",
    ),
    "family": (
        "Aliment barədə məhkəməyə müraciət qaydası və tələb olunan sənədlər izah edildi.",
        "Mühafizə orderi almaq üçün polisə müraciət qaydası izah olundu.",
        "Ailə Məcəlləsinə görə uşağın hüquqları və valideynlərin vəzifələri izah edildi.",
    ),
    "labour": (
        "İşdən çıxarılma əmrindən bir ay ərzində məhkəməyə müraciət etmək tövsiyə olundu.",
        "Dövlət Əmək Müfəttişliyi Xidmətinə şikayət vermək imkanı izah edildi.",
        "Əmək haqqı borcunun hesablanması və faizlərin tələbi izah olundu.",
    ),
    "social": (
        "Qərardan yuxarı orqana və ya məhkəməyə şikayət qaydası izah edildi.",
        "Yardımın yenidən təyini üçün DOST mərkəzinə müraciət tövsiyə olundu.",
        "Əmək stajını təsdiq edən sənədlərin bərpası yolları izah edildi.",
    ),
    "utilities": (
        "Xidmət təşkilatına yazılı şikayət verib borcun yenidən hesablanmasını tələb etmək "
        "tövsiyə olundu.",
        "Sayğacın dəyişdirilməsi aktından mübahisə etmək imkanı izah edildi.",
    ),
    "civil_registration": (
        "Hüquqi əhəmiyyətli faktın müəyyən edilməsi üçün məhkəməyə ərizə vermək tövsiyə olundu.",
        "ASAN xidmətə müraciət üçün lazım olan sənədlər izah edildi.",
    ),
    "administrative": (
        "İnzibati şikayətin yuxarı orqana verilməsi qaydası izah edildi.",
        "Qərardan inzibati məhkəməyə şikayət müddətləri izah olundu.",
    ),
    "inheritance": (
        "Mirası qəbul etmə müddətinin bərpası üçün məhkəməyə müraciət tövsiyə olundu.",
        "Notariusa müraciət üçün lazım olan sənədlər izah edildi.",
    ),
    "corruption": (
        "Qanunsuz tələbə əməl etməmək və faktları yazılı qeyd etmək tövsiyə olundu.",
        "Korrupsiyaya qarşı mübarizə idarəsinə müraciət qaydası və müraciət edənin müdafiəsi "
        "izah edildi.",
        "Müraciətin adı açıqlanmadan verilməsi imkanları izah edildi.",
    ),
}
_ADVICE_GENERIC: Final = (
    "Müştəriyə hüquqları və mövcud müdafiə yolları izah olundu.",
    "Bütün sənədlərin surətlərini saxlamaq tövsiyə edildi.",
    "Müraciətləri yazılı formada və qeydiyyat nömrəsi alaraq vermək tövsiyə olundu.",
    "Məsələnin məhkəməyədək həlli imkanları izah edildi.",
)

_NEXT_STEPS: Final[dict[str, tuple[str, ...]]] = {
    "credit": (
        "Banka ərizə layihəsi hazırlanacaq.",
        "Bankın cavabı gözlənilir.",
        "Mərkəzi Banka şikayət göndəriləcək.",
    ),
    "property": (
        "İddia ərizəsinin layihəsi hazırlanacaq.",
        "Əmlak Məsələləri Dövlət Xidmətinin cavabı gözlənilir.",
    ),
    "family": (
        "Aliment barədə iddia ərizəsi hazırlanacaq.",
        "Müştəri sosial xidmətə yönləndiriləcək.",
    ),
    "labour": (
        "İşəgötürənə pretenziya məktubu göndəriləcək.",
        "Əmək Müfəttişliyinə şikayət hazırlanacaq.",
    ),
    "social": (
        "Şikayət ərizəsi hazırlanacaq.",
        "Müştəri arxiv arayışlarını gətirəcək.",
    ),
    "corruption": (
        "Şikayət Korrupsiyaya qarşı mübarizə idarəsinə göndəriləcək.",
        "Qurumun rəhbərliyinə yazılı müraciət hazırlanacaq.",
        "Şikayətin nəticəsi izlənəcək.",
    ),
}
_NEXT_STEPS_GENERIC: Final = (
    "Müştəri çatışmayan sənədləri gətirəcək.",
    "Qurumun cavabı gözlənilir.",
    "Növbəti görüş təyin olundu.",
    "Müştəri ilə telefonla əlaqə saxlanılacaq.",
    "Məhkəmə iclasının nəticəsi izlənəcək.",
)

_OUTCOME_NOTES: Final[dict[str, str]] = {
    "advice_given": "Məsləhət verildi; müştəri növbəti addımları özü atacaq. İş bağlanır.",
    "document_prepared": "Hazırlanmış sənəd müştəriyə təqdim edildi. İş bağlanır.",
    "referred_advocate": "Məhkəmədə təmsilçilik üçün müştəri vəkilə yönləndirildi.",
    "referred_state_body": "Müştəri səlahiyyətli dövlət orqanına yönləndirildi.",
    "referred_other_org": "Müştəri ixtisaslaşmış təşkilata yönləndirildi.",
    "negotiated": "Danışıqlar nəticəsində tərəflər razılığa gəldi.",
    "complaint_filed": "Şikayət göndərildi; cavab müştəriyə çatdırılacaq.",
    "resolved_full": "Məsələ müştərinin xeyrinə tam həll olundu.",
    "resolved_partial": "Məsələ qismən həll olundu; müştəri nəticə ilə razıdır.",
    "not_resolved": "Bütün imkanlar yoxlanıldı, məsələ həll olunmadı.",
    "withdrawn": "Müştəri müraciətini geri götürdü.",
    "lost_contact": "Müştəri ilə əlaqə saxlamaq mümkün olmadı.",
    "not_eligible": "Məsələ mərkəzin göstərdiyi xidmətlərə aid deyil; müştəri məlumatlandırıldı.",
}

_OUTCOMES: Final = _weighted(
    [
        ("advice_given", 30), ("document_prepared", 20), ("referred_advocate", 8),
        ("referred_state_body", 6), ("referred_other_org", 4), ("negotiated", 5),
        ("complaint_filed", 6), ("resolved_full", 8), ("resolved_partial", 5),
        ("not_resolved", 3), ("withdrawn", 2), ("lost_contact", 2.5), ("not_eligible", 0.5),
    ]
)  # fmt: skip
_CORRUPTION_OUTCOMES: Final = _weighted(
    [
        ("advice_given", 20), ("document_prepared", 10), ("referred_state_body", 20),
        ("complaint_filed", 25), ("resolved_full", 6), ("resolved_partial", 6),
        ("not_resolved", 8), ("withdrawn", 3), ("lost_contact", 2),
    ]
)  # fmt: skip

_REFERRALS: Final[dict[str, tuple[str, ...]]] = {
    "referred_advocate": (
        "Azərbaycan Respublikası Vəkillər Kollegiyası",
        "Vəkil bürosu (pulsuz hüquqi yardım)",
        "Regional vəkil bürosu",
    ),
    "referred_state_body": (
        "Dövlət Əmək Müfəttişliyi Xidməti",
        "İnsan hüquqları üzrə müvəkkil (Ombudsman) Aparatı",
        "Baş Prokurorluğun Korrupsiyaya qarşı mübarizə idarəsi",
        "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
        "Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi",
    ),
    "referred_other_org": (
        "Qadın krizis mərkəzi",
        "Əlilliyi olan şəxslərin hüquqlarını müdafiə edən ictimai birlik",
        "Məcburi köçkünlərə dəstək ictimai birliyi",
        "Uşaq hüquqları üzrə QHT",
    ),
}

_DEADLINES: Final = (
    ("Məhkəmə iclası: {court}", 5),
    ("Apellyasiya şikayətinin verilməsi üçün son gün", 3),
    ("Qurumun yazılı cavab vermə müddəti bitir", 3),
    ("Çatışmayan sənədlərin təqdim edilməsi", 3),
    ("İddia ərizəsinin verilməsi", 2),
    ("İnzibati şikayətə cavab müddəti", 1.5),
    ("Notariusa müraciət", 1),
    ("Ekspertiza rəyinin alınması", 1),
    ("Barışıq görüşü", 1),
)

# ALAC scenarios: sector, conduct, institution (template), what happened.
_CORRUPTION_SCENARIOS: Final[tuple[tuple[str, str, str, str, float], ...]] = (
    ("social_protection", "extortion", "{dost}",
     "Əlillik müavinətinin rəsmiləşdirilməsi üçün qeyri-rəsmi ödəniş tələb olunub", 3),
    ("social_protection", "bribery", "DOST mərkəzi",
     "Ünvanlı sosial yardımın təyin edilməsi üçün vasitəçi pul istəyib", 3),
    ("social_protection", "embezzlement", "{executive}",
     "Şəhid ailələrinə ayrılmış yardımın bir hissəsinin mənimsənildiyi bildirilir", 1),
    ("local_government", "abuse_of_office", "{executive}",
     "İcra hakimiyyəti əməkdaşı torpaq sahəsinin sənədləşdirilməsini əsassız ləngidir", 3),
    ("local_government", "nepotism", "{municipality}",
     "Bələdiyyə torpaq sahələrinin bölgüsündə qohumlara üstünlük verir", 2),
    ("police", "bribery", "{police}",
     "Yol polisi protokol tərtib etməmək üçün pul tələb edib", 3),
    ("police", "extortion", "{police}",
     "Sahə polis inspektoru ərizənin qeydiyyata alınması üçün pul istəyib", 2),
    ("education", "bribery", "{education}",
     "Məktəbdə attestat qiymətləri üçün valideynlərdən pul toplanır", 2),
    ("education", "extortion", "{education}",
     "Uşağın məktəbə qəbulu üçün 'könüllü ianə' adı ilə ödəniş tələb olunur", 2),
    ("health", "bribery", "{hospital}",
     "Pulsuz olmalı əməliyyat üçün həkim qeyri-rəsmi ödəniş istəyib", 3),
    ("health", "extortion", "Tibbi-Sosial Ekspert Komissiyası",
     "Əlilliyin təyini üçün komissiya üzvü 'hədiyyə' tələb edib", 2),
    ("land_property", "abuse_of_office",
     "Əmlak Məsələləri Dövlət Xidmətinin {city} regional idarəsi",
     "Mülkiyyət çıxarışının verilməsi aylardır əsassız ləngidilir", 2),
    ("utilities", "extortion", "Azərişıq ASC",
     "Elektrik xəttinə qoşulma üçün nəzarətçi rəsmi tarifdən artıq pul istəyib", 2),
    ("utilities", "lack_of_transparency", "Azəriqaz İB",
     "Qaz borcunun hesablanma qaydası barədə məlumat verilmir", 2),
    ("judiciary", "bribery", "{court}",
     "İşə 'tez baxılması' üçün vasitəçi pul təklif edib", 1),
    ("customs_tax", "extortion", "Dövlət Vergi Xidməti",
     "Vergi yoxlaması zamanı cərimə yazmamaq üçün pul istənilib", 1),
    ("procurement", "public_funds_mismanagement", "{municipality}",
     "Yol təmirinə ayrılmış vəsaitin xərclənməsi barədə məlumat açıqlanmır", 1),
    ("public_services", "lack_of_transparency", "{executive}",
     "Məcburi köçkünlərə mənzil bölgüsünün siyahıları açıqlanmır", 2),
    ("public_services", "conflict_of_interest", "{executive}",
     "Tender komissiyasının üzvü qalib şirkətin təsisçisinin qohumudur", 1),
    ("education", "sextortion", "Ali təhsil müəssisəsi",
     "Müəllim imtahan qiyməti müqabilində qeyri-etik təklif edib", 0.5),
)  # fmt: skip

_REPORTED_TO: Final = (
    ("", 35),
    ("Baş Prokurorluğun Korrupsiyaya qarşı mübarizə idarəsi", 30),
    ("İnsan hüquqları üzrə müvəkkil (Ombudsman)", 10),
    ("Korrupsiyaya qarşı mübarizə üzrə Komissiya", 8),
    ("Qurumun rəhbərliyi", 12),
    ("Prezident Administrasiyasının Vətəndaş müraciətləri şöbəsi", 5),
)

_AMOUNTS: Final = (20, 30, 50, 50, 100, 100, 150, 200, 200, 300, 500, 500, 800, 1000, 1500, 3000)

_REFERRAL_SOURCES: Final = (
    ("Dost və ya tanış", 24), ("Radio", 8), ("Bələdiyyə", 8), ("Sosial media (Facebook)", 12),
    ("Instagram", 5), ("Səyyar qəbul", 10), ("Başqa QHT", 7), ("Qohum", 8),
    ("Əvvəlki müştəri", 6), ("İcra hakimiyyəti", 3), ("Televiziya", 2), ("Qaynar xətt", 3),
    ("Kənd icması", 2), ("ASAN xidmət", 2),
)  # fmt: skip

_MODES: Final = _weighted(
    [("in_person", 55), ("phone", 26), ("online", 6), ("outreach", 7), ("hotline", 6)]
)
_MINUTES: Final[dict[str, tuple[int, ...]]] = {
    "in_person": (20, 25, 30, 30, 40, 45, 45, 60, 60, 75, 90),
    "phone": (5, 10, 10, 15, 15, 20, 25, 30),
    "online": (20, 30, 30, 45, 60),
    "outreach": (15, 20, 30, 30, 40),
    "hotline": (5, 10, 15, 15, 20),
}

_CONSULT_COUNTS: Final = _weighted(
    [(1, 20), (2, 21), (3, 20), (4, 15), (5, 10), (6, 6), (7, 4), (8, 2), (9, 1), (10, 1)]
)
_CASE_COUNTS: Final = _weighted([(1, 62), (2, 27), (3, 8), (4, 3)])
_PARTY_COUNTS: Final = _weighted([(0, 22), (1, 58), (2, 20)])

_CAMPAIGNS: Final[tuple[tuple[str, str, tuple[str, ...], str], ...]] = (
    (
        "Kredit borcluları üçün ədalətli restrukturizasiya",
        "credit",
        ("Gənclər Təşəbbüsləri İctimai Birliyi", "İstehlakçıların Hüquqlarını Müdafiə Cəmiyyəti"),
        "Banklardan kredit alan ailələrin borc yükü, cərimələr və restrukturizasiya imkanları "
        "barədə müraciətlərin ümumiləşdirilməsi və Mərkəzi Banka təkliflər.",
    ),
    (
        "Məcburi köçkünlərin sosial hüquqları",
        "social",
        ("Məcburi Köçkün Qadınlar Birliyi", "Kənd icmaları şəbəkəsi"),
        "Müavinətlərin kəsilməsi və mənzil bölgüsü ilə bağlı halların toplanması, yerli icra "
        "orqanları ilə dəyirmi masalar.",
    ),
    (
        "Kommunal xidmətlərdə şəffaflıq",
        "utilities",
        ("Şəffaflıq Naminə Vətəndaş Təşəbbüsü",),
        "Elektrik, qaz və su borclarının əsassız hesablanması hallarının sənədləşdirilməsi.",
    ),
)

_GRANT_DONORS: Final = ("EU-LA", "NED", "OSF-AZ", "UNDP-A2J")


# ================================================================================================
# The generator
# ================================================================================================


@dataclass
class _Plan:
    """Per client: the ordinals of the days their cases open (first = intake)."""

    openings: list[list[int]]
    numbers: list[list[str]]
    last_seq: dict[int, int]


class _TableSpec:
    """How the rows of one synchronized table are written: column order, clocks, outbox groups.

    Rows are kept as tuples in :attr:`columns` order and written with the DB-API's
    ``executemany`` (no per-row work in SQLAlchemy). JSON columns are written as the text
    SQLAlchemy's JSON type would write (``json.dumps`` with its default separators).
    """

    def __init__(self, model: type[Base], columns: tuple[str, ...]) -> None:
        self.model = model
        self.name: str = model.__tablename__
        groups = list(getattr(model, "FIELD_GROUPS", {}))
        self.groups_json = json.dumps(groups)
        # '{"identity": "<stamp>", "contact": "<stamp>"}' split around the stamp, so that
        # stamp.join(parts) == json.dumps(dict.fromkeys(groups, stamp)).
        marker = "\x00"
        self.clock_parts = json.dumps(dict.fromkeys(groups, marker)).split(json.dumps(marker)[1:-1])
        self.columns = (*_SYNC_COLUMNS, *columns)
        names = ", ".join(self.columns)
        marks = ", ".join("?" * len(self.columns))
        self.sql = f"INSERT INTO {self.name} ({names}) VALUES ({marks})"

    def check(self) -> None:
        """Fail loudly if the table's columns are no longer the ones written here."""
        table = cast(Table, self.model.__table__)
        actual = {c.name for c in table.columns}
        if actual != set(self.columns):
            raise RuntimeError(
                f"demo data: the columns of {self.name} changed: "
                f"{sorted(actual ^ set(self.columns))}"
            )


_SYNC_COLUMNS: Final = ("id", "origin_node", "clocks", "hlc", "updated_by", "deleted_hlc")

_TABLES: Final[dict[str, _TableSpec]] = {
    spec.name: spec
    for spec in (
        _TableSpec(Campaign, ("title", "node_code", "issue_area", "partners", "description")),
        _TableSpec(
            Client,
            (
                "full_name", "name_sort", "gender", "birth_year", "region", "displacement",
                "disability", "phone", "address", "referral_source", "node_code", "created_at",
                "needs_review",
            ),
        ),
        _TableSpec(
            Consent,
            ("client_id", "given_on", "purposes", "valid_until", "withdrawn_on", "attachment_id"),
        ),
        _TableSpec(
            Case,
            (
                "number", "client_id", "legal_area", "summary", "status", "assigned_lawyer",
                "owner_node", "opened_on", "closed_on", "outcome", "referral", "grant_code",
                "campaign_id", "needs_review",
            ),
        ),
        _TableSpec(
            CorruptionDetails,
            (
                "case_id", "sector", "conduct", "institution", "amount_requested", "reported_to",
                "satisfaction",
            ),
        ),
        _TableSpec(
            Consultation,
            (
                "case_id", "held_on", "lawyer", "mode", "minutes", "notes", "advice",
                "next_steps", "follow_up_on",
            ),
        ),
        _TableSpec(Party, ("case_id", "name", "role", "notes")),
        _TableSpec(Deadline, ("case_id", "due_on", "description", "done")),
    )
}  # fmt: skip

_CHANGE_SQL: Final = (
    "INSERT INTO change_log (table_name, row_id, hlc, groups, origin_node) VALUES (?, ?, ?, ?, ?)"
)

_JSON_LISTS: dict[tuple[str, ...], str] = {}


def _json_list(items: list[str]) -> str:
    key = tuple(items)
    text = _JSON_LISTS.get(key)
    if text is None:
        text = _JSON_LISTS[key] = json.dumps(items)
    return text


@dataclass
class _Rows:
    """One batch of rows, per table, ready for ``executemany``."""

    campaigns: list[tuple[Any, ...]] = field(default_factory=list)
    clients: list[tuple[Any, ...]] = field(default_factory=list)
    consents: list[tuple[Any, ...]] = field(default_factory=list)
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    corruption: list[tuple[Any, ...]] = field(default_factory=list)
    consultations: list[tuple[Any, ...]] = field(default_factory=list)
    parties: list[tuple[Any, ...]] = field(default_factory=list)
    deadlines: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def tables(self) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """``(table, rows)`` in an order that satisfies the foreign keys."""
        return [
            ("campaigns", self.campaigns),
            ("clients", self.clients),
            ("consents", self.consents),
            ("cases", self.cases),
            ("corruption_details", self.corruption),
            ("consultations", self.consultations),
            ("parties", self.parties),
            ("deadlines", self.deadlines),
        ]


class _Generator:
    """Makes the rows. Every random decision comes from ``rng``, in a fixed order."""

    def __init__(
        self,
        rng: random.Random,
        stamper: _Stamper,
        node: str,
        actor: str,
        base: date,
        lawyers: Sequence[tuple[str, float]],
        region_labels: dict[str, str],
    ) -> None:
        self.rng = rng
        self.st = stamper
        self.node = node
        self.actor = actor
        self.base = base.toordinal()
        self.place = _PLACES.get(_NODE_PLACES.get(node.upper(), ""), _BAKU)
        known = node.upper() in _NODE_PLACES
        regions: list[tuple[str, float]] = []
        for code, weight in self.place.regions if known else (("*", 100.0),):
            if code != "*":
                regions.append((code, weight))
            else:  # the rest spread over the country
                total = sum(w for _c, w in _NATIONAL_REGIONS)
                regions += [(c, weight * w / total) for c, w in _NATIONAL_REGIONS]
        # Only codes the store's reference data knows (HQ may retire one).
        self.regions = _weighted((c, w) for c, w in regions if c in region_labels)
        self.return_regions = tuple(c for c in _RETURN_REGIONS if c in region_labels)
        self.region_labels = region_labels
        self.names = _Names()
        sorter = _NameSorter()
        self.sorter: Callable[[str], str] = sorter if sorter.exact else sort_string
        self.areas_female = _weighted(
            (a, w * (1.45 if a == "family" else 0.9 if a == "labour" else 1.0))
            for a, w in _AREA_WEIGHTS
        )
        self.areas_male = _weighted(
            (a, w * (0.45 if a == "family" else 1.2 if a in ("labour", "credit") else 1.0))
            for a, w in _AREA_WEIGHTS
        )
        self.areas_idp = _weighted(
            (a, w * (2.2 if a in ("social", "property") else 1.0)) for a, w in _AREA_WEIGHTS
        )
        self.lawyers = _weighted(lawyers)
        self.lawyer_names = [name for name, _w in lawyers]
        self.campaign_by_area: dict[str, str] = {}
        self.banks = _weighted(_BANKS)
        self.referral_sources = _weighted(_REFERRAL_SOURCES)
        self.reported_to = _weighted(_REPORTED_TO)
        self.deadline_texts = _weighted(_DEADLINES)
        self.scenarios = _weighted((s[:4], s[4]) for s in _CORRUPTION_SCENARIOS)
        self.streets = self.place.streets + _STREETS
        self.courts = (*self.place.courts, self.place.appeal_court, self.place.admin_court)
        self.institutions = {
            "city": self.place.city,
            "executive": self.place.executive,
            "police": self.place.police,
            "municipality": self.place.municipality,
            "hospital": self.place.hospital,
            "education": self.place.education,
            "dost": self.place.dost,
        }
        self._iso: dict[int, str] = {}
        self.grants: dict[int, tuple[str, ...]] = {}

    # -- helpers ------------------------------------------------------------------------------

    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def _emit(
        self,
        rows: _Rows,
        out: list[tuple[Any, ...]],
        spec: _TableSpec,
        row_id: str,
        values: tuple[Any, ...],
    ) -> None:
        """Queue one new row with its sync columns, and its outbox entry."""
        stamp = self.st.stamp()
        out.append(
            (row_id, self.node, stamp.join(spec.clock_parts), stamp, self.actor, None, *values)
        )
        rows.changes.append((spec.name, row_id, stamp, spec.groups_json, self.node))

    def _fill(self, template: str, ctx: dict[str, str]) -> str:
        return template.format(**self.institutions, **ctx) if "{" in template else template

    def campaigns(self, rows: _Rows) -> None:
        """The advocacy campaigns that some recent cases feed."""
        for title, area, partners, description in _CAMPAIGNS:
            cid = self.st.new_id()
            values = (title, self.node, area, _json_list(list(partners)), description)
            self._emit(rows, rows.campaigns, _TABLES["campaigns"], cid, values)
            self.campaign_by_area[area] = cid

    # -- plan: when every case opens, and its number ----------------------------------------------

    def plan(self, clients: int, existing: dict[int, int], taken: set[str]) -> _Plan:
        """Decide the opening days of every case, then number them in the order they opened."""
        rng = self.rng
        base = self.base
        openings: list[list[int]] = []
        for _i in range(clients):
            age = int(HISTORY_DAYS * rng.random() ** 1.2)
            first = _workday_back(base - age, base - HISTORY_DAYS - 3)
            days = [first]
            for _k in range(1, _CASE_COUNTS.pick(rng)):
                later = first + int((base - first + 1) * rng.random())
                days.append(_workday_back(min(later, base), first))
            days.sort()
            openings.append(days)
        order = sorted(
            ((day, ci, k) for ci, days in enumerate(openings) for k, day in enumerate(days)),
        )
        numbers: list[list[str]] = [[""] * len(days) for days in openings]
        last_seq = dict(existing)
        for day, ci, k in order:
            year = date.fromordinal(day).year
            seq = last_seq.get(year, 0)
            while True:
                seq += 1
                number = f"{self.node}-{year}-{seq:04d}"
                if number not in taken:
                    break
            last_seq[year] = seq
            numbers[ci][k] = number
        return _Plan(openings, numbers, last_seq)

    # -- one client with everything that hangs off them ---------------------------------------

    def client(self, rows: _Rows, openings: list[int], numbers: list[str]) -> None:
        rng = self.rng
        r = rng.random()
        gender = (
            "female"
            if r < 0.575
            else "male"
            if r < 0.99
            else "undisclosed"
            if r < 0.996
            else "other"
        )
        female = gender == "female" or (gender not in ("male", "female") and rng.random() < 0.5)
        s = rng.random()
        script = "ru" if s < 0.08 else "ascii" if s < 0.105 else "az"
        full_name, _given, _surname = self.names.person(rng, female, script)

        base_year = date.fromordinal(self.base).year
        a = rng.random()
        if a < 0.16:
            age = 18 + int(rng.random() * 8)  # youth
        elif a < 0.84:
            age = int(rng.gauss(41, 10))
        else:
            age = 60 + int(rng.expovariate(1 / 8))
        birth_year: int | None = min(2007, max(1940, base_year - age))
        if rng.random() < 0.015:
            birth_year = None

        d = rng.random()
        displacement = (
            "idp" if d < 0.10
            else "returnee" if d < 0.11
            else "refugee" if d < 0.113
            else "foreign_national" if d < 0.116
            else "stateless" if d < 0.117
            else "resident"
        )  # fmt: skip
        region = self.regions.pick(rng)
        if displacement == "returnee" and self.return_regions:
            region = _one(rng, self.return_regions)
        old = birth_year is not None and birth_year < base_year - 60
        x = rng.random() * (0.6 if old else 1.0)
        disability = (
            "physical" if x < 0.04
            else "sensory" if x < 0.055
            else "psychosocial" if x < 0.067
            else "intellectual" if x < 0.075
            else "multiple" if x < 0.09
            else "none"
        )  # fmt: skip

        phone = ""
        if rng.random() < 0.95:
            prefix = _one(rng, ("50", "50", "51", "55", "55", "70", "77", "99", "10"))
            n = int(rng.random() * 10_000_000)
            phone = f"+994 {prefix} {n // 10000:03d} {n // 100 % 100:02d} {n % 100:02d}"
        address = self._address(region, displacement)
        referral = self.referral_sources.pick(rng)

        intake = openings[0]
        client_id = self.st.new_id()
        hh = 5 + int(rng.random() * 8)
        mm = int(rng.random() * 60)
        self._emit(
            rows,
            rows.clients,
            _TABLES["clients"],
            client_id,
            (
                full_name,
                self.sorter(full_name),  # name_sort
                gender,
                birth_year,
                region,
                displacement,
                disability,
                phone,
                address,
                referral,  # referral_source
                self.node,  # node_code
                f"{self.iso(intake)}T{hh:02d}:{mm:02d}:00.000Z",  # created_at
                0,  # needs_review
            ),
        )
        purposes = ["store_process"]
        if rng.random() < 0.86:
            purposes.append("share_hq")
        if rng.random() < 0.92:
            purposes.append("anonymized_stats")
        valid = None if rng.random() < 0.5 else self.iso(intake + 5 * 365 + 1)
        self._emit(
            rows,
            rows.consents,
            _TABLES["consents"],
            self.st.new_id(),
            (
                client_id,
                self.iso(intake),  # given_on
                _json_list(purposes),
                valid,  # valid_until
                None,  # withdrawn_on
                None,  # attachment_id
            ),
        )
        if displacement in ("idp", "returnee"):
            areas = self.areas_idp
        else:
            areas = self.areas_female if female else self.areas_male
        for opened, number in zip(openings, numbers, strict=True):
            self.case(rows, client_id, female, areas.pick(rng), opened, number)

    def _address(self, region: str, displacement: str) -> str:
        rng = self.rng
        label = self.region_labels.get(region, "")
        city = label.endswith("şəhəri") or region in ("AZ-ABS",)
        if displacement == "idp" and rng.random() < 0.4:
            if rng.random() < 0.5:
                return f"{label}, məcburi köçkünlər üçün {1 + int(rng.random() * 12)} saylı qəsəbə"
            street = _one(rng, self.streets)
            house, room = 1 + int(rng.random() * 90), 1 + int(rng.random() * 60)
            return f"{label}, {street} {house} (yataqxana), otaq {room}"
        if not city and rng.random() < 0.55:
            return f"{label}, {_one(rng, _VILLAGES)} kəndi"
        street = _one(rng, self.streets)
        house = 1 + int(rng.random() * 150)
        if city and rng.random() < 0.6:
            return f"{label}, {street} {house}, mənzil {1 + int(rng.random() * 80)}"
        return f"{label}, {street} {house}"

    def case(
        self, rows: _Rows, client_id: str, female: bool, area: str, opened: int, number: str
    ) -> None:
        rng = self.rng
        base = self.base
        case_id = self.st.new_id()
        lawyer = self.lawyers.pick(rng)
        ctx = self._context(area)

        scenario: tuple[str, str, str, str] | None = None
        if area == "corruption":
            scenario = self.scenarios.pick(rng)
            problem = scenario[3]
        else:
            problem = _one(rng, _PROBLEMS.get(area, _PROBLEMS["other"]))
        wishes = _WISHES.get(area, _WISHES_GENERIC)
        wish = _one(rng, wishes if rng.random() < 0.8 else _WISHES_GENERIC)
        summary = f"{self._fill(problem, ctx)}; {wish}."
        if area == "credit" and rng.random() < 0.4:
            summary += f" Borcun məbləği təxminən {_one(rng, _AMOUNTS) * 10} manatdır."

        # Status, consultation days, closing.
        age = base - opened
        count = _CONSULT_COUNTS.pick(rng)
        s = rng.random()
        if age > 150:
            status = "closed" if s < 0.93 else "pending" if s < 0.965 else "open"
        elif age > 45:
            status = "closed" if s < 0.55 else "pending" if s < 0.75 else "open"
        else:
            status = "closed" if s < 0.2 else "pending" if s < 0.35 else "open"
        gaps = [2 + int(rng.random() * 40) for _ in range(count - 1)]
        tail = int(rng.random() * 15) if status == "closed" else 0
        span = sum(gaps) + tail
        if span > age:  # squeeze into the days since opening
            factor = age / span
            gaps = [int(g * factor) for g in gaps]
            tail = int(tail * factor)
        days = [opened]
        for g in gaps:
            prev = days[-1]
            days.append(_workday_back(prev + g, prev))
        closed_on: int | None = None
        outcome: str | None = None
        if status == "closed":
            closed_on = min(base, days[-1] + tail)
            outcome = (_CORRUPTION_OUTCOMES if scenario else _OUTCOMES).pick(rng)
        referral = ""
        if outcome in _REFERRALS:
            referral = _one(rng, _REFERRALS[outcome])
        year = date.fromordinal(opened).year
        grant = ""
        if rng.random() < 0.9:
            grant = _one(rng, self._grants(year))
        campaign_id = None
        cid = self.campaign_by_area.get(area)
        if cid is not None and base - opened < 540 and rng.random() < 0.12:
            campaign_id = cid

        self._emit(
            rows,
            rows.cases,
            _TABLES["cases"],
            case_id,
            (
                number,
                client_id,
                area,  # legal_area
                summary,
                status,
                lawyer,  # assigned_lawyer
                self.node,  # owner_node
                self.iso(opened),  # opened_on
                None if closed_on is None else self.iso(closed_on),  # closed_on
                outcome,
                referral,
                grant,  # grant_code
                campaign_id,
                0,  # needs_review
            ),
        )
        if scenario is not None:
            self._corruption(rows, case_id, scenario, ctx, status, outcome)
        self._consultations(rows, case_id, area, lawyer, days, status, outcome, scenario)
        self._parties(rows, case_id, area, female, ctx)
        self._deadlines(rows, case_id, opened, closed_on, status, ctx)

    def _context(self, area: str) -> dict[str, str]:
        """The case's own court, bank, employer (for the templates; plus :attr:`institutions`)."""
        rng = self.rng
        ctx = {"court": _one(rng, self.courts)}
        if area == "credit":
            ctx["bank"] = self.banks.pick(rng)
        elif area == "labour":
            ctx["employer"] = _one(rng, _EMPLOYERS)
        return ctx

    def _grants(self, year: int) -> tuple[str, ...]:
        codes = self.grants.get(year)
        if codes is None:
            rng = random.Random(f"grants:{year}")  # the same codes for a year, whatever the seed
            codes = tuple(f"{donor}-{year}-{rng.randint(10, 99):02d}" for donor in _GRANT_DONORS)
            self.grants[year] = codes
        return codes

    def _corruption(
        self,
        rows: _Rows,
        case_id: str,
        scenario: tuple[str, str, str, str],
        ctx: dict[str, str],
        status: str,
        outcome: str | None,
    ) -> None:
        rng = self.rng
        sector, conduct, institution, _story = scenario
        amount = None
        if conduct in ("bribery", "extortion") and rng.random() < 0.6:
            amount = _one(rng, _AMOUNTS)
        reported = self.reported_to.pick(rng)
        if outcome in ("complaint_filed", "referred_state_body") and not reported:
            reported = "Baş Prokurorluğun Korrupsiyaya qarşı mübarizə idarəsi"
        satisfaction = None
        if status == "closed" and rng.random() < 0.7:
            satisfaction = _one(rng, (1, 2, 3, 3, 4, 4, 4, 5, 5, 5))
        self._emit(
            rows,
            rows.corruption,
            _TABLES["corruption_details"],
            self.st.new_id(),
            (
                case_id,
                sector,
                conduct,
                self._fill(institution, ctx),  # institution
                amount,  # amount_requested
                reported,  # reported_to
                satisfaction,
            ),
        )

    def _consultations(
        self,
        rows: _Rows,
        case_id: str,
        area: str,
        lawyer: str,
        days: list[int],
        status: str,
        outcome: str | None,
        scenario: tuple[str, str, str, str] | None,
    ) -> None:
        rng = self.rng
        base = self.base
        notes_pool = _NOTES.get(area, _NOTES_GENERIC)
        advice_pool = _ADVICE.get(area, _ADVICE_GENERIC)
        steps_pool = _NEXT_STEPS.get(area, _NEXT_STEPS_GENERIC)
        last = len(days) - 1
        for i, held in enumerate(days):
            if i == 0:
                mode = "in_person" if rng.random() < 0.75 else _MODES.pick(rng)
                if scenario is not None and rng.random() < 0.3:
                    mode = "hotline"
                notes = _one(rng, _INTAKE_NOTES)
            else:
                mode = _MODES.pick(rng)
                notes = _one(rng, notes_pool if rng.random() < 0.7 else _NOTES_GENERIC)
            if i == last and outcome is not None and rng.random() < 0.75:
                notes = _OUTCOME_NOTES[outcome]
            advice = ""
            if rng.random() < 0.85:
                advice = _one(rng, advice_pool if rng.random() < 0.7 else _ADVICE_GENERIC)
            steps = ""
            follow: int | None = None
            if i < last:
                steps = _one(rng, steps_pool if rng.random() < 0.6 else _NEXT_STEPS_GENERIC)
                if rng.random() < 0.3:
                    follow = days[i + 1]
            elif status != "closed":
                steps = _one(rng, steps_pool if rng.random() < 0.6 else _NEXT_STEPS_GENERIC)
                if rng.random() < 0.7:
                    follow = held + 7 + int(rng.random() * 24)
                    if follow < base and rng.random() < 0.75:
                        follow = base + int(rng.random() * 29)  # rescheduled: coming weeks
            lawyer_here = lawyer
            if rng.random() < 0.1:
                lawyer_here = _one(rng, self.lawyer_names)
            self._emit(
                rows,
                rows.consultations,
                _TABLES["consultations"],
                self.st.new_id(),
                (
                    case_id,
                    self.iso(held),  # held_on
                    lawyer_here,  # lawyer
                    mode,
                    _one(rng, _MINUTES[mode]),  # minutes
                    notes,
                    advice,
                    steps,  # next_steps
                    None if follow is None else self.iso(follow),  # follow_up_on
                ),
            )

    def _party_for(self, area: str, female: bool, ctx: dict[str, str]) -> tuple[str, str, str]:
        """One party for a case in ``area``: ``(name, role, notes)``."""
        rng = self.rng
        inst = self.institutions
        r = rng.random()
        if r < 0.06:
            return self._person(not female), "witness", _one(rng, _PARTY_NOTES["witness"])
        if r < 0.1:
            return (
                self._person(rng.random() < 0.5),
                "representative",
                _one(rng, _PARTY_NOTES["representative"]),
            )
        if area == "credit":
            if rng.random() < 0.85:
                return (
                    ctx.get("bank") or self.banks.pick(rng),
                    "institution",
                    _one(rng, _PARTY_NOTES["bank"]),
                )
            return self.place.enforcement, "institution", "İcra məmuru"
        if area == "family":
            return self._person(not female), "adverse", _one(rng, _PARTY_NOTES["spouse"])
        if area == "inheritance":
            return self._person(rng.random() < 0.5), "adverse", _one(rng, _PARTY_NOTES["relative"])
        if area == "property":
            if rng.random() < 0.55:
                return (
                    self._person(rng.random() < 0.3),
                    "adverse",
                    _one(rng, _PARTY_NOTES["neighbour"]),
                )
            body = _one(
                rng,
                (
                    f"Əmlak Məsələləri Dövlət Xidmətinin {self.place.city} regional idarəsi",
                    inst["municipality"],
                    inst["executive"],
                    '"Kəpəz Tikinti" MMC',
                ),
            )
            return body, "institution" if "MMC" not in body else "adverse", ""
        if area == "labour":
            return (
                ctx.get("employer") or _one(rng, _EMPLOYERS),
                "adverse",
                _one(rng, _PARTY_NOTES["employer"]),
            )
        if area == "social":
            body = _one(
                rng,
                (
                    inst["dost"],
                    "DOST mərkəzi",
                    "Dövlət Sosial Müdafiə Fondu",
                    "Tibbi-Sosial Ekspert Komissiyası",
                    "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
                ),
            )
            return body, "institution", _one(rng, _PARTY_NOTES["institution"])
        if area == "utilities":
            return _one(rng, ("Azərişıq ASC", "Azəriqaz İB", "Azərsu ASC")), "institution", ""
        if area == "civil_registration":
            body = _one(rng, ("ASAN xidmət", "Dövlət Miqrasiya Xidməti", "Qeydiyyat şöbəsi"))
            return body, "institution", ""
        if area in ("administrative", "corruption"):
            body = _one(rng, (inst["executive"], inst["municipality"], inst["police"]))
            return body, "institution", _one(rng, _PARTY_NOTES["institution"])
        if area == "tax":
            return "Dövlət Vergi Xidməti", "institution", ""
        if area == "health":
            return inst["hospital"], "institution", ""
        if area == "education":
            return inst["education"], "institution", ""
        return self._person(rng.random() < 0.4), "adverse", ""

    def _person(self, female: bool) -> str:
        rng = self.rng
        script = "ru" if rng.random() < 0.1 else "az"
        name = self.names.person(rng, female, script)[0]
        if rng.random() < 0.35:  # parties are often known without a patronymic
            name = " ".join(name.split(" ")[:2])
        return name

    def _parties(
        self, rows: _Rows, case_id: str, area: str, female: bool, ctx: dict[str, str]
    ) -> None:
        for _k in range(_PARTY_COUNTS.pick(self.rng)):
            name, role, notes = self._party_for(area, female, ctx)
            self._emit(
                rows,
                rows.parties,
                _TABLES["parties"],
                self.st.new_id(),
                (
                    case_id,
                    name,
                    role,
                    notes,
                ),
            )

    def _deadlines(
        self,
        rows: _Rows,
        case_id: str,
        opened: int,
        closed_on: int | None,
        status: str,
        ctx: dict[str, str],
    ) -> None:
        rng = self.rng
        base = self.base
        if rng.random() >= 0.42:
            return
        for _k in range(1 if rng.random() < 0.8 else 2):
            text = self._fill(self.deadline_texts.pick(rng), ctx)
            if closed_on is not None:
                due = opened + int((closed_on - opened + 1) * rng.random())
                done = True
            else:
                due = max(opened + 1, base - 20 + int(rng.random() * 81))
                done = due < base and rng.random() < 0.75
            self._emit(
                rows,
                rows.deadlines,
                _TABLES["deadlines"],
                self.st.new_id(),
                (
                    case_id,
                    self.iso(due),  # due_on
                    text,  # description
                    done,
                ),
            )


# ================================================================================================
# Writing
# ================================================================================================


def _write(session: Session, rows: _Rows, counts: dict[str, int]) -> None:
    """Insert one batch: every table in foreign-key order, then the outbox entries."""
    conn = session.connection()
    for name, batch in rows.tables():
        sql = _TABLES[name].sql
        for start in range(0, len(batch), INSERT_BATCH):
            conn.exec_driver_sql(sql, batch[start : start + INSERT_BATCH])
        counts[name] = counts.get(name, 0) + len(batch)
    for start in range(0, len(rows.changes), INSERT_BATCH):
        conn.exec_driver_sql(_CHANGE_SQL, rows.changes[start : start + INSERT_BATCH])


def _lawyers(session: Session, node: str) -> list[tuple[str, str]]:
    """Active users of this node who may be assigned cases: ``(username, role)``."""
    result = session.execute(
        select(User.username, User.role)
        .where(
            User.node_code == node,
            User.active.is_(True),
            User.deleted_hlc.is_(None),
            User.role.in_((Role.LAWYER.value, Role.MANAGER.value, Role.ADMIN.value)),
        )
        .order_by(User.username)
    ).all()
    return [(str(r[0]), str(r[1])) for r in result]


def _ensure_lawyers(session: AppSession, password: str | None) -> int:
    """Create :data:`DEMO_LAWYERS` when the actor is the only one here who can take cases."""
    ws = session.ws
    with ws.read() as s:
        people = _lawyers(s, ws.node_code)
        taken = set(s.scalars(select(User.username)).all())
    if password is None or len(people) > 1:
        return 0
    created = 0
    for username, full_name, role in DEMO_LAWYERS:
        if username in taken:
            continue
        session.users.add(username, full_name, role, password)
        created += 1
    return created


_ROLE_LOAD: Final[dict[str, float]] = {
    Role.LAWYER.value: 5.0,
    Role.MANAGER.value: 2.0,
    Role.ADMIN.value: 1.0,
}


def generate_demo(
    session: AppSession,
    *,
    clients: int = 300,
    seed: int = 1,
    lawyer_password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoSummary:
    """Fill the store with realistic demonstration data for this center.

    Everything is written in one write transaction; the full-text index is rebuilt at the end,
    inside it. See the module docstring for what the data looks like and what is deterministic.

    Args:
        session: A logged-in manager's or administrator's session.
        clients: How many clients to add (1 .. :data:`MAX_CLIENTS`); about 1.5 cases each.
        seed: Seed of the random generator: the same seed gives the same data.
        lawyer_password: If given, and nobody at this center but the user can take cases, the
            accounts in :data:`DEMO_LAWYERS` are created first (with this password, through
            :meth:`UserService.add`) and cases are spread over them. They stay if the generation
            is then cancelled. Without it, cases go to the center's existing users.
        progress: Called as ``progress(done, total)`` after every batch; the units are clients,
            and the index rebuild at the end counts as ``clients // 2`` more.
        cancelled: Checked between batches; when it returns true the transaction is rolled back
            and a summary with ``cancelled=True`` and no rows is returned.

    Returns:
        The counts of what was written.

    Raises:
        PermissionDenied: The user is neither a manager nor an administrator.
        ValidationError: ``clients`` is out of range.
    """
    started = time.perf_counter()
    ws = session.ws
    ws.require(Permission.MANAGE_USERS)
    ws.require(Permission.EDIT_CASES)
    if not 1 <= clients <= MAX_CLIENTS:
        raise ValidationError(
            _("The number of clients must be between 1 and {n}.").format(n=MAX_CLIENTS),
            field="clients",
        )
    for spec in _TABLES.values():
        spec.check()
    stop = cancelled or (lambda: False)
    if stop():
        return DemoSummary(cancelled=True, seconds=time.perf_counter() - started)
    lawyers_created = _ensure_lawyers(session, lawyer_password)
    region_labels = {item.code: item.label("az") for item in ws.catalog()["regions"]}

    node = ws.node_code
    base = today()
    total_units = clients + clients // 2
    counts: dict[str, int] = {}
    try:
        with ws.write() as s:
            people = _lawyers(s, node) or [(ws.actor.username, ws.actor.role.value)]
            loads = [(name, _ROLE_LOAD.get(role, 1.0)) for name, role in people]
            existing = {
                int(year): int(seq)
                for year, seq in s.execute(
                    select(CaseCounter.year, CaseCounter.last_seq).where(
                        CaseCounter.node_code == node
                    )
                ).all()
            }
            taken = set(s.scalars(select(Case.number).where(Case.number.like(f"{node}-%"))).all())

            start = ws.clock.now()
            stamper = _Stamper(node, start, start.wall_ms, random.Random(f"{seed}:ids"))
            gen = _Generator(
                random.Random(seed), stamper, node, ws.actor.username, base, loads, region_labels
            )
            plan = gen.plan(clients, existing, taken)
            rows = _Rows()
            gen.campaigns(rows)
            done = 0
            while done < clients:
                upto = min(clients, done + CLIENT_BATCH)
                for ci in range(done, upto):
                    gen.client(rows, plan.openings[ci], plan.numbers[ci])
                _write(s, rows, counts)
                rows = _Rows()
                done = upto
                if progress is not None:
                    progress(done, total_units)
                if stop():
                    raise _Cancelled
            for year, seq in plan.last_seq.items():
                counter = s.get(CaseCounter, (node, year))
                if counter is None:
                    s.add(CaseCounter(node_code=node, year=year, last_seq=seq))
                elif counter.last_seq < seq:
                    counter.last_seq = seq
            indexed = search_index.rebuild(s)
            ws.clock.observe(stamper.last)
            summary = DemoSummary(
                clients=counts.get("clients", 0),
                consents=counts.get("consents", 0),
                cases=counts.get("cases", 0),
                consultations=counts.get("consultations", 0),
                parties=counts.get("parties", 0),
                deadlines=counts.get("deadlines", 0),
                corruption_details=counts.get("corruption_details", 0),
                campaigns=counts.get("campaigns", 0),
                lawyers_created=lawyers_created,
                indexed=indexed,
            )
            details: dict[str, Any] = {
                k: v for k, v in summary.as_dict().items() if k not in ("seconds", "cancelled")
            }
            ws.audit(s, "demo_generated", details={**details, "seed": seed})
    except _Cancelled:
        return DemoSummary(
            lawyers_created=lawyers_created, cancelled=True, seconds=time.perf_counter() - started
        )
    if progress is not None:
        progress(total_units, total_units)
    return replace(summary, seconds=time.perf_counter() - started)
