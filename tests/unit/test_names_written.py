"""How a name as written is read: its parts, titles, patronymics and spellings (issue 17).

Names made up for these tests. The search and conflict-check behaviour built on these rules is
tested on a real store in tests/integration/test_names_as_written.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_desktop.search.entries import name_signature
from legalaid_desktop.search.query import fts_query
from legalaid_desktop.text.honorifics import is_title
from legalaid_desktop.text.names import looks_like_surname, split_name
from legalaid_desktop.text.phonetic import marker_of, phonetic_key
from legalaid_desktop.text.spelling import different_spelling, same_spelling

# Every spelling of the two patronymic markers, in Latin, Cyrillic and English.
MARKERS = [
    *((m, "oglu") for m in ("oğlu", "oglu", "ogly", "ogli", "OĞLU", "оглу", "оглы", "огли")),
    *(
        (m, "qizi")
        for m in ("qızı", "qizi", "kizi", "gizi", "kyzy", "gyzy", "кызы", "гызы", "QIZI", "кизи")
    ),
]


@pytest.mark.parametrize(("word", "marker"), MARKERS)
def test_every_spelling_of_a_patronymic_marker(word: str, marker: str) -> None:
    assert marker_of(word) == marker


# (name as written, surname, given name, father's name, marker)
PARTS = [
    # Azerbaijani patronymic, any order and script
    ("Nəsibov Tahir Elman oğlu", "Nəsibov", "Tahir", "Elman", "oglu"),
    ("Tahir Elman oğlu Nəsibov", "Nəsibov", "Tahir", "Elman", "oglu"),
    ("Насибов Тахир Эльман оглы", "Насибов", "Тахир", "Эльман", "oglu"),
    ("Nasibova Aygul Elman gizi", "Nasibova", "Aygul", "Elman", "qizi"),
    ("Nəsibov Tahir Elman-oğlu", "Nəsibov", "Tahir", "Elman", "oglu"),
    # Russian patronymics
    ("Насибов Тахир Эльманович", "Насибов", "Тахир", "Эльман", "oglu"),
    ("Насибов Тахир Алиевич", "Насибов", "Тахир", "Али", "oglu"),
    ("Насибова Айгюль Эльмановна", "Насибова", "Айгюль", "Эльман", "qizi"),
    ("Насибова Айгюль Мусаевна", "Насибова", "Айгюль", "Муса", "qizi"),
    ("Насибов Тахир Ильич", "Насибов", "Тахир", "Ил", "oglu"),
    ("Насибова Айгюль Ильинична", "Насибова", "Айгюль", "Ил", "qizi"),
    ("Nasibov Tahir Elmanovich", "Nasibov", "Tahir", "Elman", "oglu"),
    ("Nasibova Aygul Elmanovna", "Nasibova", "Aygul", "Elman", "qizi"),
    ("Тахир Эльманович Насибов", "Насибов", "Тахир", "Эльман", "oglu"),
    # the reversed order of lists, with a comma
    ("Насибов, Тахир Эльманович", "Насибов", "Тахир", "Эльман", "oglu"),
    ("Nəsibov, Tahir Elman oğlu", "Nəsibov", "Tahir", "Elman", "oglu"),
    ("Nəsibov, Tahir", "Nəsibov", "Tahir", None, None),
    ("Nəsibli, Tahir", "Nəsibli", "Tahir", None, None),
    # titles and honorifics
    ("Tahir bəy Nəsibov", "Nəsibov", "Tahir", None, None),
    ("Тахир бек Насибов", "Насибов", "Тахир", None, None),
    ("Nəsibov Tahir müəllim", "Nəsibov", "Tahir", None, None),
    ("Aygül xanım Nəsibova", "Nəsibova", "Aygül", None, None),
    ("Айгюль ханум Насибова", "Насибова", "Айгюль", None, None),
    ("NƏSİBOVA AYGÜL XANIM", "NƏSİBOVA", "AYGÜL", None, None),
    ("Hacı Tahir Nəsibov", "Nəsibov", "Tahir", None, None),
    ("Dr. Nəsibov Tahir", "Nəsibov", "Tahir", None, None),
    ("г-н Насибов Тахир", "Насибов", "Тахир", None, None),
    ("vətəndaş Nəsibov Tahir Elman oğlu", "Nəsibov", "Tahir", "Elman", "oglu"),
    ("гражданка Насибова Айгюль Эльмановна", "Насибова", "Айгюль", "Эльман", "qizi"),
    # ... but a word that is a given name stays
    ("Nəsibova Xanım", "Nəsibova", "Xanım", None, None),
    ("Nəsibova Xanım Elman qızı", "Nəsibova", "Xanım", "Elman", "qizi"),
    ("Hacı Nəsibov", "Nəsibov", "Hacı", None, None),
    ("Ağa Nəsibov", "Nəsibov", "Ağa", None, None),
    # compound surnames
    ("Qaya-oğlu Tahir", None, "Tahir", "Qaya", "oglu"),
    ("Tahir Qaya oğlu", None, "Tahir", "Qaya", "oglu"),
    ("Tahir Qayaoğlu", "Qayaoğlu", "Tahir", None, None),
    ("Tahir Nur-Zadə", "Nur-Zadə", "Tahir", None, None),
]


@pytest.mark.parametrize(("name", "surname", "given", "father", "marker"), PARTS)
def test_the_parts_of_a_name_as_written(
    name: str, surname: str | None, given: str | None, father: str | None, marker: str | None
) -> None:
    parts = split_name(name)
    assert (parts.surname, parts.given, parts.patronymic, parts.marker) == (
        surname,
        given,
        father,
        marker,
    )


@pytest.mark.parametrize(
    "word",
    [
        *("bəy", "bey", "бек", "bek", "xanım", "ханум", "khanum", "müəllim", "муаллим"),
        *("muallim", "müəllimə", "ağa", "hacı", "гаджи", "cənab", "господин", "г-н", "Dr"),
        *("prof", "Mrs", "əfəndi", "эфенди", "vətəndaş", "гражданка", "şeyx", "molla"),
    ],
)
def test_titles_in_every_script(word: str) -> None:
    assert is_title(word)


@pytest.mark.parametrize("word", ["Tahir", "Nəsibov", "Bəhruz", "Xanəli", "Ağasi", "Hacıyev"])
def test_names_are_not_titles(word: str) -> None:
    assert not is_title(word)


def test_a_hyphenated_zade_surname_looks_like_a_surname_and_a_double_given_name_does_not() -> None:
    assert looks_like_surname("Nur-Zadə")
    assert not looks_like_surname("Mir-Əli")


def test_english_spellings_through_russian_share_the_key() -> None:
    assert phonetic_key("Gyulshan") == phonetic_key("Gülşən") == phonetic_key("Гюльшан")
    assert phonetic_key("Kyamran") == phonetic_key("Kəmran")


# Spellings of one surname across scripts: every Azerbaijani letter in its Russian, English and
# ASCII forms (ə ı ğ ş ç ö ü x q c j, doubled letters, the y glide).
SAME = [
    ("Nəsibov", "Насибов"),  # ə: а
    ("Məmmədəliyev", "Мамедалиев"),  # ə: а, е; doubled m; iy: и
    ("Səlimov", "Salimov"),
    ("Səlimov", "Selimov"),
    ("Qılıncov", "Гылынджов"),  # ı: ы; c: дж; q: г
    ("Qılıncov", "Kilinjov"),
    ("Dağlıyev", "Даглиев"),  # ğ: г
    ("Dağlıyev", "Daghliyev"),
    ("Şirvanlı", "Ширванлы"),  # ş: ш
    ("Şirvanlı", "Shirvanli"),
    ("Şirvanlı", "Sirvanli"),  # plain ASCII s may be ş
    ("Çobanov", "Чобанов"),  # ç: ч
    ("Çobanov", "Chobanov"),
    ("Çobanov", "Cobanov"),  # plain ASCII c may be ç
    ("Gözəlov", "Гёзалов"),  # ö: ё
    ("Gözəlov", "Gozalov"),
    ("Gündüzov", "Гюндюзов"),  # ü: ю after a consonant
    ("Gündüzov", "Gunduzov"),
    ("Gündüzov", "Gyunduzov"),
    ("Xanlarov", "Ханларов"),  # x: х
    ("Xanlarov", "Khanlarov"),
    ("Xanlarov", "Hanlarov"),
    ("Qurbanlı", "Гурбанлы"),  # q: г
    ("Qurbanlı", "Kurbanli"),
    ("Qurbanlı", "Gurbanli"),
    ("Cahangirov", "Джахангиров"),  # c: дж
    ("Cahangirov", "Jahangirov"),
    ("Cahangirov", "Dzhahangirov"),
    ("Jalə", "Жаля"),  # j: ж
    ("Jalə", "Zhala"),
    ("Həmzəyev", "Гамзаев"),  # h: г; the y glide between vowels
    ("Həmzəyev", "Hamzayev"),
    ("Həmzəyev", "Hamzaev"),
    ("Əhmədzadə", "Akhmedzade"),  # h written kh
    ("Mövsümov", "Мовсумов"),  # ö: о, ü: у
    ("Hüseynbəyli", "Гусейнбейли"),
    ("Yaqubov", "Ягубов"),  # iotated я at the start
    ("Nur-Zadə", "Нурзаде"),
    ("Həmzəyev", "Һәмзәјев"),  # the Azerbaijani Cyrillic alphabet of 1958-1991
    ("Qılıncov", "Гылынҹов"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spellings_of_one_surname(a: str, b: str) -> None:
    assert same_spelling(a, b)
    assert same_spelling(b, a)
    assert not different_spelling(a, b)


# Different surnames that share a phonetic key: told apart when both spellings are definite.
DIFFERENT = [
    ("Гасымов", "Həşimov"),  # с is s, ş is not
    ("Qasımov", "Həşimov"),
    ("Сабиров", "Şabirov"),
    ("Cəlilov", "Çəlilov"),
    ("Чалилов", "Cəlilov"),
    ("Джалилов", "Çəlilov"),
    ("Shabirov", "Сабиров"),  # English sh is ş
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_surnames_that_only_sound_alike(a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b)
    assert not same_spelling(a, b)
    assert different_spelling(a, b)


def test_the_other_genders_form_is_allowed_two_letters_more() -> None:
    assert same_spelling("Nəsibov", "Насибова", ending=2)
    assert not same_spelling("Nəsibov", "Насибова")
    assert different_spelling("Гасымова", "Həşimov", ending=2)


def test_plain_ascii_s_can_be_either() -> None:
    assert same_spelling("Sabirov", "Şabirov")
    assert same_spelling("Sabirov", "Сабиров")


def test_spellings_of_other_lengths_are_not_judged() -> None:
    assert not different_spelling("Nəsibov", "Nəsiboğlu")
    assert not different_spelling("", "Nəsibov")


NAME_TEXT = st.lists(
    st.sampled_from(
        [
            *("Əliyev", "Адиль", "oğlu", "кызы", "Джафарович", ",", "-", "bəy", "ханум", "Hacı"),
            *("Dr.", "Бюль-Бюль", "Qara", "Əli-Zadə", "1985", '"', "*", "(", "NEAR", "OR", "|"),
        ]
    ),
    max_size=8,
).map(" ".join) | st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(NAME_TEXT)
def test_any_text_gives_a_query_and_a_signature_without_an_error(text: str) -> None:
    expression = fts_query(text)
    assert expression is None or expression.count("(") == expression.count(")")
    signature = name_signature(text)
    assert type(signature).decode(signature.encode()) == signature
