"""What a column can be imported as: a client's field, a case's, or the consent's date.

Each :class:`Field` says what its cells hold (:class:`Kind`: a name, free text, a reference
code, a date, a birth date or year, a phone number, a number, a lawyer), which record it
belongs to, and the header words that guess it (:func:`guess_field`) in Azerbaijani, Russian
and English, compared folded (:func:`~legalaid_desktop.text.folding.fold`: any script, any
case).

A client is named by one column (``full_name``) or by its parts (``surname``, ``given_name``,
``father_name``; :mod:`.preview` joins them in the Azerbaijani order). A client has no notes
of its own: a "notes" column goes to the case's summary, which may take several columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from legalaid_desktop.i18n import N_, _
from legalaid_desktop.text.folding import fold

__all__ = ["BY_NAME", "FIELDS", "Field", "Kind", "guess_field"]


class Kind(StrEnum):
    NAME = "name"
    TEXT = "text"
    CODE = "code"
    DATE = "date"
    BIRTH = "birth"
    PHONE = "phone"
    NUMBER = "number"
    LAWYER = "lawyer"


CLIENT, CASE = "client", "case"


@dataclass(frozen=True)
class Field:
    """One importable field.

    Attributes:
        name: Its name in a mapping file (``region``).
        label: What people read (a msgid; :attr:`title` translates it).
        kind: What its cells hold.
        record: ``client`` or ``case``.
        reference: The reference list of a :attr:`Kind.CODE` field.
        multi: Several columns may feed it (joined, one per line).
        headers: Header words that guess it.
    """

    name: str
    label: str
    kind: Kind
    record: str = CLIENT
    reference: str = ""
    multi: bool = False
    headers: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return _(self.label)

    @property
    def takes_values(self) -> bool:
        """Whether a mapping may map this field's cell values (reference codes, lawyers)."""
        return self.kind in (Kind.CODE, Kind.LAWYER)


def _h(*words: str) -> tuple[str, ...]:
    return words


FIELDS: tuple[Field, ...] = (
    Field(
        "full_name",
        N_("Full name"),
        Kind.NAME,
        headers=_h(
            "Ad soyad",
            "Soyadı adı",
            "Soyadı, adı, atasının adı",
            "S.A.A.",
            "Müraciət edən",
            "Vətəndaş",
            "Ərizəçi",
            "Müştəri",
            "ФИО",
            "Ф.И.О.",
            "Фамилия Имя Отчество",
            "Заявитель",
            "Клиент",
            "Full name",
            "Name",
            "Client",
            "Applicant",
        ),
    ),
    Field(
        "surname",
        N_("Surname"),
        Kind.NAME,
        headers=_h("Soyad", "Фамилия", "Surname", "Last name", "Family name"),
    ),
    Field(
        "given_name",
        N_("Given name"),
        Kind.NAME,
        headers=_h("Ad", "Имя", "First name", "Given name"),
    ),
    Field(
        "father_name",
        N_("Father's name"),
        Kind.NAME,
        headers=_h(
            "Ata adı", "Atasının adı", "Отчество", "Patronymic", "Father's name", "Middle name"
        ),
    ),
    Field(
        "kind",
        N_("Kind of client"),
        Kind.CODE,
        reference="client_kinds",
        headers=_h(
            "Müştəri növü", "Şəxs növü", "Növ", "Тип клиента", "Тип", "Kind of client", "Kind"
        ),
    ),
    Field(
        "gender",
        N_("Gender"),
        Kind.CODE,
        reference="genders",
        headers=_h("Cins", "Cinsi", "Cinsiyyət", "Пол", "Gender", "Sex"),
    ),
    Field(
        "birth",
        N_("Birth date or year"),
        Kind.BIRTH,
        headers=_h(
            "Doğum",
            "Doğum tarixi",
            "Doğum ili",
            "Təvəllüd",
            "Дата рождения",
            "Год рождения",
            "Рожд.",
            "Birth",
            "Date of birth",
            "Birth year",
            "DOB",
            "Born",
        ),
    ),
    Field(
        "phone",
        N_("Phone"),
        Kind.PHONE,
        headers=_h(
            "Telefon",
            "Tel.",
            "Mobil",
            "Əlaqə nömrəsi",
            "Телефон",
            "Тел.",
            "Phone",
            "Mobile",
            "Contact number",
        ),
    ),
    Field(
        "address",
        N_("Address"),
        Kind.TEXT,
        multi=True,
        headers=_h("Ünvan", "Yaşayış yeri", "Адрес", "Место жительства", "Address"),
    ),
    Field(
        "region",
        N_("Region"),
        Kind.CODE,
        reference="regions",
        headers=_h(
            "Rayon",
            "Şəhər/rayon",
            "Bölgə",
            "Район",
            "Регион",
            "Город",
            "Region",
            "District",
            "City",
        ),
    ),
    Field(
        "displacement",
        N_("Displacement"),
        Kind.CODE,
        reference="displacement",
        headers=_h(
            "Status",
            "Köçkün",
            "Məcburi köçkün",
            "Qaçqın",
            "Статус",
            "Переселенец",
            "Displacement",
            "IDP",
        ),
    ),
    Field(
        "disability",
        N_("Disability"),
        Kind.CODE,
        reference="disability",
        headers=_h("Əlillik", "Əlil", "Инвалидность", "Disability"),
    ),
    Field(
        "referral_source",
        N_("How they heard"),
        Kind.TEXT,
        headers=_h(
            "Haradan eşidib",
            "Necə eşidib",
            "Mənbə",
            "Откуда узнал",
            "Источник",
            "How they heard",
            "Referral source",
        ),
    ),
    Field(
        "registration",
        N_("Registration"),
        Kind.TEXT,
        headers=_h("Qeydiyyat", "VÖEN", "Регистрация", "ИНН", "Registration"),
    ),
    Field(
        "contact_person",
        N_("Contact person"),
        Kind.NAME,
        headers=_h("Əlaqə şəxsi", "Контактное лицо", "Contact person"),
    ),
    Field(
        "members",
        N_("Members"),
        Kind.NUMBER,
        headers=_h("Üzv sayı", "Üzvlər", "Количество членов", "Members"),
    ),
    Field(
        "consent_date",
        N_("Consent given on"),
        Kind.DATE,
        headers=_h(
            "Razılıq", "Razılıq tarixi", "Согласие", "Дата согласия", "Consent", "Consent date"
        ),
    ),
    Field(
        "legal_area",
        N_("Legal area"),
        Kind.CODE,
        record=CASE,
        reference="legal_areas",
        headers=_h(
            "Hüquq sahəsi",
            "Sahə",
            "Mövzu",
            "Kateqoriya",
            "Müraciətin növü",
            "Область права",
            "Категория",
            "Тема",
            "Legal area",
            "Area",
            "Category",
            "Issue",
        ),
    ),
    Field(
        "summary",
        N_("Summary"),
        Kind.TEXT,
        record=CASE,
        multi=True,
        headers=_h(
            "Qısa məzmun",
            "Məzmun",
            "Müraciətin məzmunu",
            "Təsvir",
            "Qeyd",
            "Qeydlər",
            "Описание",
            "Содержание",
            "Суть",
            "Примечание",
            "Summary",
            "Description",
            "Notes",
            "Note",
            "Comment",
        ),
    ),
    Field(
        "opened_on",
        N_("Opened on"),
        Kind.DATE,
        record=CASE,
        headers=_h(
            "Müraciət tarixi",
            "Qəbul tarixi",
            "Tarix",
            "Дата обращения",
            "Дата",
            "Date opened",
            "Opened",
            "Date",
            "Intake date",
        ),
    ),
    Field(
        "status",
        N_("Case status"),
        Kind.CODE,
        record=CASE,
        reference="case_statuses",
        headers=_h("İşin statusu", "Vəziyyət", "Статус дела", "Состояние", "Case status"),
    ),
    Field(
        "outcome",
        N_("Outcome"),
        Kind.CODE,
        record=CASE,
        reference="outcomes",
        headers=_h("Nəticə", "Результат", "Итог", "Outcome", "Result"),
    ),
    Field(
        "closed_on",
        N_("Closed on"),
        Kind.DATE,
        record=CASE,
        headers=_h("Bağlanma tarixi", "Bağlanıb", "Дата закрытия", "Closed", "Date closed"),
    ),
    Field(
        "lawyer",
        N_("Lawyer"),
        Kind.LAWYER,
        record=CASE,
        headers=_h(
            "Hüquqşünas",
            "Vəkil",
            "Məsləhətçi",
            "İcraçı",
            "Юрист",
            "Консультант",
            "Адвокат",
            "Lawyer",
            "Consultant",
            "Assigned to",
        ),
    ),
)

_IGNORED = _h(
    "№",
    "No",
    "#",
    "Sıra",
    "Sıra nömrəsi",
    "Müştəri nömrəsi",
    "İş nömrəsi",
    "Номер клиента",
    "Номер дела",
    "Client number",
    "Case number",
    "Center",
    "Mərkəz",
    "Центр",
    "Registered",
    "Open cases",
    "Müştərinin nömrəsi",
    "Qeydə alınıb",
    "Açıq işlər",
    "Зарегистрирован",
    "Открытые дела",
)
"""Headers of columns that are not imported (a row number, a number the store gives, our
own export's columns that describe the store): never guessed as a field."""

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

NAME_PARTS = ("surname", "given_name", "father_name")
CASE_FIELDS = tuple(f.name for f in FIELDS if f.record == CASE)


def _words_match(header: list[str], words: list[str]) -> bool:
    """Whether ``words`` occur in ``header`` one after another, each word whole or followed by
    an ending of at most three letters (``adı``, ``soyadı``, ``atasının``)."""
    n = len(words)
    for start in range(len(header) - n + 1):
        if all(
            header[start + i].startswith(w) and len(header[start + i]) - len(w) <= 3
            for i, w in enumerate(words)
        ):
            return True
    return False


@cache
def _folded_headers() -> tuple[tuple[str, tuple[list[str], ...]], ...]:
    phrases = [(f.name, f.headers) for f in FIELDS] + [("", _IGNORED)]
    return tuple((name, tuple(fold(h).split() for h in found)) for name, found in phrases)


def _scores(words: list[str]) -> dict[str, int]:
    """Each field whose header phrase occurs in ``words``: the longest phrase's length."""
    scores: dict[str, int] = {}
    for name, phrases in _folded_headers():
        for phrase in phrases:
            if phrase and _words_match(words, phrase):
                score = sum(len(w) for w in phrase) + len(phrase)
                scores[name] = max(scores.get(name, 0), score)
    return scores


def guess_field(header: str, taken: Iterable[str] = ()) -> str | None:
    """The field a column headed ``header`` most likely holds, or ``None``.

    The longest header phrase found in ``header`` wins (``Doğum tarixi`` is a birth date, not
    an opening date); a header naming the surname and another part of a name (``Soyadı,
    adı, atasının adı``) is the full name; a column that is not imported (``№``, ``Client
    number``) is ``None``; a field in ``taken`` that takes one column is skipped.
    """
    words = fold(header).split() if header.strip() not in ("№", "#") else ["no"]
    if not words:
        return None
    scores = _scores(words)
    if "surname" in scores and ("given_name" in scores or "father_name" in scores):
        scores = {"full_name": 100}
    skip = {name for name in taken if not BY_NAME[name].multi}
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    for name, _score in ranked:
        if not name:
            return None  # not imported
        if name not in skip:
            return name
    return None
