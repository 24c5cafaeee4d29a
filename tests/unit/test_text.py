"""Tests for :mod:`legalaid_desktop.text` (Azerbaijani text, DESIGN.md §4)."""

from __future__ import annotations

import random
import unicodedata
from itertools import combinations, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_desktop.text.casing import az_lower, az_title, az_upper
from legalaid_desktop.text.chars import AZ_ALPHABET, AZ_ALPHABET_UPPER
from legalaid_desktop.text.cleaning import clean
from legalaid_desktop.text.collation import sort_key, sorted_az
from legalaid_desktop.text.folding import fold
from legalaid_desktop.text.names import (
    NameParts,
    looks_like_surname,
    name_keys,
    split_name,
    title_name,
)
from legalaid_desktop.text.phonetic import family_key, marker_of, phonetic_key, surname_stem
from legalaid_desktop.text.similarity import jaro_winkler, name_similarity, similarity
from legalaid_desktop.text.transliteration import to_latin

RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
AZ_CYRILLIC = "әғҹһјөүҝ"
CYRILLIC_LETTERS = RUSSIAN + AZ_CYRILLIC + (RUSSIAN + AZ_CYRILLIC).upper()
AZ_LETTERS = AZ_ALPHABET + AZ_ALPHABET_UPPER

az_words = st.text(alphabet=AZ_LETTERS, min_size=1, max_size=12)
az_lower_words = st.text(alphabet=AZ_ALPHABET, min_size=1, max_size=10)
names_text = st.text(alphabet=AZ_LETTERS + CYRILLIC_LETTERS + " -'", max_size=30)
any_text = st.text(max_size=40)
# Arbitrary text with extra weight on the characters the module treats specially.
tricky_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            list(AZ_LETTERS + CYRILLIC_LETTERS)
            + list("äÄǝƎ")
            + ["\u0307", "\u0308", "\u0301", "\u200b", "\u00ad", "\ufeff", " ", "\t"]
        ),
    ),
    max_size=30,
)

FAST = settings(max_examples=60, deadline=None)

# ------------------------------------------------------------------------------------------
# Spellings of one name share a key
# ------------------------------------------------------------------------------------------

SAME_NAME = {
    "Əliyev": ["Əliyev", "Aliyev", "Eliyev", "Äliyev", "Алиев", "Әлијев", "ƏLİYEV", "Aliev"],
    "Məmmədov": ["Məmmədov", "Mammadov", "Mamedov", "Мамедов", "Memmedov", "Мәммәдов"],
    "Hüseynov": ["Hüseynov", "Huseynov", "Guseynov", "Гусейнов", "HÜSEYNOV", "Huseinov"],
    "Quliyev": ["Quliyev", "Guliyev", "Гулиев", "Quliev", "Кулиев"],
    "Cəfərov": ["Cəfərov", "Jafarov", "Djafarov", "Джафаров", "Cafarov", "Dzhafarov"],
    "Xəlilov": ["Xəlilov", "Khalilov", "Halilov", "Халилов"],
    "Şahin": ["Şahin", "Shahin", "Sahin", "Шахин"],
    "Çingiz": ["Çingiz", "Chingiz", "Cingiz", "Чингиз"],
    "İsmayıl": ["İsmayıl", "Ismayil", "Ismail", "Исмаил", "Исмайыл", "İSMAYIL", "ismayıl"],
    "Rəşad": ["Rəşad", "Rashad", "Rasad", "Рашад"],
    "Nərmin": ["Nərmin", "Narmin", "Нармин"],
    "Günel": ["Günel", "Gunel", "Гюнель"],
    "Aynur": ["Aynur", "Айнур", "Ainur"],
    "Leyla": ["Leyla", "Лейла", "Leila"],
    "Əliyeva": ["Əliyeva", "Aliyeva", "Алиева", "Eliyeva"],
    "Hüseynova": ["Hüseynova", "Гусейнова", "Huseynova"],
}

# Different names must stay apart: the keys are coarse, not meaningless.
DIFFERENT_NAMES = [
    "Əliyev", "Vəliyev", "Məmmədov", "Əhmədov", "Hüseynov", "Həsənov", "Quliyev", "Qasımov",
    "Rəşad", "Rəsul", "Leyla", "Lalə", "Günel", "Gülnarə", "Nərmin", "Nəriman", "Aynur",
    "Aytən", "İsmayıl", "İlqar", "Cəfərov", "Cəlilov", "Xəlilov", "Kərimov", "Şahin", "Samir",
]  # fmt: skip


@pytest.mark.parametrize("canonical", sorted(SAME_NAME))
def test_spellings_of_one_name_share_a_phonetic_key(canonical: str) -> None:
    keys = {spelling: phonetic_key(spelling) for spelling in SAME_NAME[canonical]}
    assert len(set(keys.values())) == 1, keys
    assert phonetic_key(canonical).isascii()


def test_each_group_has_its_own_key() -> None:
    keys = [phonetic_key(group[0]) for group in SAME_NAME.values()]
    assert len(set(keys)) == len(keys)


def test_different_names_have_different_keys() -> None:
    keys = {name: phonetic_key(name) for name in DIFFERENT_NAMES}
    assert len(set(keys.values())) == len(keys), keys


def test_known_key_values() -> None:
    assert phonetic_key("Əliyev") == "aliav"
    assert phonetic_key("Məmmədov") == "mamadov"
    assert phonetic_key("") == ""
    assert phonetic_key("!!") == ""


@pytest.mark.parametrize("spelling", ["oğlu", "oglu", "ogly", "оглы", "огли", "OĞLU", "Oglu"])
def test_son_markers(spelling: str) -> None:
    assert phonetic_key(spelling) == "oglu"
    assert marker_of(spelling) == "oglu"


@pytest.mark.parametrize("spelling", ["qızı", "qizi", "kyzy", "gizi", "кызы", "QIZI", "гызы"])
def test_daughter_markers(spelling: str) -> None:
    assert phonetic_key(spelling) == "qizi"
    assert marker_of(spelling) == "qizi"


@pytest.mark.parametrize("word", ["Əliyev", "Rəşad", "oğul", "qız", "Oleg", ""])
def test_names_are_not_markers(word: str) -> None:
    assert marker_of(word) is None


def test_feminine_surname_differs_but_shares_the_family_stem() -> None:
    for man, woman in [
        ("Əliyev", "Əliyeva"),
        ("Əliyev", "Алиева"),
        ("Алиев", "Aliyeva"),
        ("Məmmədov", "Мамедова"),
        ("Hüseynov", "Гусейнова"),
        ("Quliyev", "Quliyeva"),
    ]:
        assert phonetic_key(man) != phonetic_key(woman)
        assert surname_stem(phonetic_key(woman)) == phonetic_key(man)
        assert family_key(man) == family_key(woman)


def test_surname_stem_leaves_other_keys_alone() -> None:
    for word in ["Əliyev", "Əhmədli", "Həsənzadə", "Leyla", "Aminə", "Şahin"]:
        key = phonetic_key(word)
        assert surname_stem(key) == key
    assert surname_stem(phonetic_key("Pushkina")) == phonetic_key("Pushkin")
    assert surname_stem(phonetic_key("Kovalskaya")) == phonetic_key("Kovalskiy")


# ------------------------------------------------------------------------------------------
# Casing
# ------------------------------------------------------------------------------------------


def test_dotted_and_dotless_i() -> None:
    assert az_lower("İ") == "i"
    assert az_lower("I") == "ı"
    assert az_upper("i") == "İ"
    assert az_upper("ı") == "I"
    assert az_lower("İSMAYIL") == "ismayıl"
    assert az_upper("ismayıl") == "İSMAYIL"
    assert az_lower("İLQAR IŞIQ") == "ilqar ışıq"
    assert az_upper("ƏLİ") == "ƏLİ"
    assert az_lower("ƏLİYEV ŞÜKÜR ÇÖĞ") == "əliyev şükür çöğ"
    # Python's own lowercase is wrong for Azerbaijani; the module must not be.
    assert "İ".lower() != az_lower("İ")
    assert len(az_lower("İ")) == 1


def test_decomposed_and_naively_lowered_i() -> None:
    assert az_lower("I\u0307smayıl") == "ismayıl"  # decomposed capital İ
    assert az_lower("İsmayıl".lower()) == "ismayıl"  # "i" + combining dot from str.lower()
    assert az_upper("i\u0307") == "İ"


def test_cyrillic_casing_is_plain() -> None:
    assert az_lower("АЛИЕВ ӘЛИЈЕВ") == "алиев әлијев"
    assert az_upper("алиев әлијев") == "АЛИЕВ ӘЛИЈЕВ"


def test_title_case() -> None:
    assert az_title("əLİYEV rəşad ismayıl oğlu") == "Əliyev Rəşad İsmayıl Oğlu"
    assert az_title("ılqar") == "Ilqar"
    assert az_title("əliyeva-quliyeva") == "Əliyeva-Quliyeva"
    assert az_title("mə'sumə 3cü") == "Mə'sumə 3cü"
    assert az_title("алиев рашад") == "Алиев Рашад"
    assert title_name("ƏLİYEV RƏŞAD İSMAYIL OĞLU") == "Əliyev Rəşad İsmayıl oğlu"
    assert title_name("  məmmədova  günel  əli  qızı ") == "Məmmədova Günel Əli qızı"


@FAST
@given(az_words)
def test_lower_of_upper_is_lower(word: str) -> None:
    assert az_lower(az_upper(word)) == az_lower(word)
    assert az_upper(az_lower(word)) == az_upper(word)
    assert len(az_lower(word)) == len(word) == len(az_upper(word))
    assert set(az_lower(word)) <= set(AZ_ALPHABET)
    assert set(az_upper(word)) <= set(AZ_ALPHABET_UPPER)


@FAST
@given(st.text(alphabet=CYRILLIC_LETTERS, min_size=1, max_size=12))
def test_lower_of_upper_is_lower_cyrillic(word: str) -> None:
    assert az_lower(az_upper(word)) == az_lower(word)


@FAST
@given(any_text)
def test_casing_output_is_nfc(text: str) -> None:
    for out in (az_lower(text), az_upper(text), az_title(text)):
        assert unicodedata.is_normalized("NFC", out)


# ------------------------------------------------------------------------------------------
# clean
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Əliyev \t Rəşad\n ", "Əliyev Rəşad"),
        ("M\u04d9mm\u04d9dov", "Məmmədov"),  # Cyrillic ә inside a Latin word
        ("\u04d8liyev", "Əliyev"),  # Cyrillic Ә
        ("H\u04afseynov", "Hüseynov"),  # Cyrillic ү
        ("Äliyev", "Əliyev"),
        ("Mämmädov", "Məmmədov"),
        ("\u01ddliyev \u018eLİYEV", "əliyev ƏLİYEV"),  # turned e
        ("Əli\u200byev", "Əliyev"),  # zero-width space
        ("\ufeffRəşad\u00ad", "Rəşad"),  # BOM, soft hyphen
        ("Ə\u200dli\u2060", "Əli"),
        ("I\u0307smayıl", "İsmayıl"),  # decomposed İ composes
        ("Rəs\u0327ad", "Rəşad"),
        ("i\u0307lqar", "ilqar"),
        ("Aлиев", "Алиев"),  # Latin A inside a Cyrillic word
        ("Алиев Рашад", "Алиев Рашад"),  # Cyrillic stays Cyrillic
        ("Әлијев", "Әлијев"),  # Azerbaijani Cyrillic stays
        ("ƏLİYEV rəşad", "ƏLİYEV rəşad"),  # casing kept
        ("Əli\u00a0Vəli", "Əli Vəli"),  # no-break space
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_multiline_keeps_lines() -> None:
    raw = "\n\n  Birinci  sətir \r\n\r\n\r\nİkinci\u200b sətir\n\n"
    assert clean(raw, multiline=True) == "Birinci sətir\n\nİkinci sətir"
    assert clean(raw) == "Birinci sətir İkinci sətir"


@FAST
@given(tricky_text)
def test_clean_is_idempotent_and_tidy(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert "\u200b" not in once and "\ufeff" not in once
    assert unicodedata.is_normalized("NFC", once)


@FAST
@given(tricky_text)
def test_clean_multiline_is_idempotent(text: str) -> None:
    once = clean(text, multiline=True)
    assert clean(once, multiline=True) == once


@FAST
@given(st.lists(st.text(alphabet=AZ_LETTERS, min_size=1, max_size=8), max_size=5))
def test_clean_keeps_clean_azerbaijani_text(words: list[str]) -> None:
    text = " ".join(words)
    assert clean(text) == text


# ------------------------------------------------------------------------------------------
# to_latin
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Алиев", "aliyev"),
        ("Алиева", "aliyeva"),
        ("Мамедов", "mamedov"),
        ("Джафаров", "cafarov"),
        ("Гулиев", "quliyev"),
        ("Халилов", "xalilov"),
        ("Шахин", "şaxin"),
        ("Чингиз", "çingiz"),
        ("Исмаил", "ismail"),
        ("Исмайыл", "ismayıl"),
        ("Рашад", "raşad"),
        ("Гюнель", "günel"),
        ("Лейла", "leyla"),
        ("Айнур", "aynur"),
        ("Юсиф", "yusif"),
        ("Ляман", "ləman"),
        ("Әлијев", "əliyev"),  # Azerbaijani Cyrillic
        ("Мәммәдов", "məmmədov"),
        ("Гәдир", "qədir"),  # Azerbaijani Cyrillic г is q
        ("Ҝәнҹә", "gəncə"),
        ("ƏLİYEV Rəşad", "əliyev rəşad"),  # Latin is only lowercased
        ("Алиев Рашад, 1985", "aliyev raşad, 1985"),
    ],
)
def test_to_latin(cyrillic: str, latin: str) -> None:
    assert to_latin(cyrillic) == latin


@FAST
@given(any_text)
def test_to_latin_never_raises(text: str) -> None:
    assert isinstance(to_latin(text), str)


@FAST
@given(names_text)
def test_to_latin_removes_every_cyrillic_letter(text: str) -> None:
    out = to_latin(text)
    assert not any(ch in CYRILLIC_LETTERS for ch in out)
    assert out == az_lower(out)


# ------------------------------------------------------------------------------------------
# fold
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ƏLİYEV", "eliyev"),
        ("əliyev", "eliyev"),
        ("Eliyev", "eliyev"),
        ("Äliyev", "eliyev"),
        ("M\u04d9mm\u04d9dov", "memmedov"),
        ("Aliyev", "aliyev"),
        ("Алиев", "aliyev"),
        ("  Şəki,  Qax-Zaqatala! ", "seki qax zaqatala"),
        ("İsmayıl oğlu", "ismayil oglu"),
        ("ŞÜKÜR ÇÖĞ IĞDIR", "sukur cog igdir"),
        ("O'Brien ’Ali", "obrien ali"),
        ("Ｆｕｌｌ ﬁle", "full file"),
        ("٣ ۴", "3 4"),
        ("José Müller Straße", "jose muller strasse"),
        ("Əli\u200bVəli", "eliveli"),
        ("ვანო Əli", "eli"),  # other scripts are not searchable
        ("", ""),
        ("!!!", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@FAST
@given(tricky_text)
def test_fold_is_idempotent_ascii_lowercase(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert folded == folded.strip()
    assert "  " not in folded


@FAST
@given(az_words)
def test_fold_ignores_case(word: str) -> None:
    assert fold(az_upper(word)) == fold(word) == fold(az_lower(word))
    assert fold(word) == fold(clean(word))


# ------------------------------------------------------------------------------------------
# phonetic keys, properties
# ------------------------------------------------------------------------------------------


@FAST
@given(tricky_text)
def test_phonetic_key_is_idempotent(text: str) -> None:
    key = phonetic_key(text)
    assert phonetic_key(key) == key
    assert set(key) <= set("abcdefghijklmnopqrstuvwxyz0123456789")


@FAST
@given(az_words)
def test_phonetic_key_ignores_case_and_ascii_fallbacks(word: str) -> None:
    key = phonetic_key(word)
    assert phonetic_key(az_upper(word)) == key
    assert phonetic_key(az_lower(word)) == key
    assert phonetic_key(fold(word)) == key  # the ASCII spelling of the same word


@FAST
@given(names_text)
def test_phonetic_key_of_cyrillic_equals_key_of_its_transliteration(text: str) -> None:
    assert phonetic_key(text) == phonetic_key(to_latin(text))


@FAST
@given(tricky_text)
def test_surname_stem_is_idempotent(text: str) -> None:
    stem = surname_stem(phonetic_key(text))
    assert surname_stem(stem) == stem


# ------------------------------------------------------------------------------------------
# split_name and name_keys
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "surname", "given_name", "patronymic", "marker"),
    [
        ("Əliyev Rəşad İsmayıl oğlu", "Əliyev", "Rəşad", "İsmayıl", "oglu"),
        ("  Əliyeva   Nərmin\tRəşad  qızı ", "Əliyeva", "Nərmin", "Rəşad", "qizi"),
        ("Aliyev Rashad Ismail ogly", "Aliyev", "Rashad", "Ismail", "oglu"),
        ("Məmmədova Günel Əli kyzy", "Məmmədova", "Günel", "Əli", "qizi"),
        ("Алиев Рашад Исмаил оглы", "Алиев", "Рашад", "Исмаил", "oglu"),
        ("Алиев Рашад Исмаилович", "Алиев", "Рашад", "Исмаил", "oglu"),
        ("Алиев Рашад Исмаил-оглы", "Алиев", "Рашад", "Исмаил", "oglu"),
        ("Aliyeva Leyla Ismayil-kyzy", "Aliyeva", "Leyla", "Ismayil", "qizi"),
        ("Гусейнова Айнур Алиевна", "Гусейнова", "Айнур", "Али", "qizi"),
        ("Алиева Лейла Рашадовна", "Алиева", "Лейла", "Рашад", "qizi"),
        ("Рашад Исмаилович Алиев", "Алиев", "Рашад", "Исмаил", "oglu"),
        ("Rəşad İsmayıl oğlu Əliyev", "Əliyev", "Rəşad", "İsmayıl", "oglu"),
        ("Əliyev İsmayıl oğlu", "Əliyev", None, "İsmayıl", "oglu"),
        ("Əliyev Rəşad İsmayıl", "Əliyev", "Rəşad", "İsmayıl", None),
        ("Rəşad İsmayıl Əliyev", "Əliyev", "Rəşad", "İsmayıl", None),
        ("Əliyev Rəşad", "Əliyev", "Rəşad", None, None),
        ("Rəşad Əliyev", "Əliyev", "Rəşad", None, None),
        ("Leyla Əhmədli", "Əhmədli", "Leyla", None, None),
        ("Əliyev, Rəşad", "Əliyev", "Rəşad", None, None),
        ("Əliyev", "Əliyev", None, None, None),
        ("Rəşad", None, "Rəşad", None, None),
        ("", None, None, None, None),
        ("   ", None, None, None, None),
    ],
)
def test_split_name(
    full_name: str,
    surname: str | None,
    given_name: str | None,
    patronymic: str | None,
    marker: str | None,
) -> None:
    parts = split_name(full_name)
    assert isinstance(parts, NameParts)
    assert (parts.surname, parts.given, parts.patronymic, parts.marker) == (
        surname,
        given_name,
        patronymic,
        marker,
    )


def test_split_name_tokens_and_frozen() -> None:
    parts = split_name("  Əliyev   Rəşad İsmayıl  oğlu ")
    assert parts.tokens == ("Əliyev", "Rəşad", "İsmayıl", "oğlu")
    with pytest.raises(AttributeError):
        parts.surname = "x"  # type: ignore[misc]


def test_name_keys_agree_across_scripts_and_styles() -> None:
    expected = ["aliav", "rasad", "ismail"]
    for name in [
        "Əliyev Rəşad İsmayıl oğlu",
        "ƏLİYEV RƏŞAD İSMAYIL OĞLU",
        "Aliyev Rashad Ismail ogly",
        "Алиев Рашад Исмаил оглы",
        "Алиев Рашад Исмаилович",
        "Алиев Рашад Исмаил-оглы",
        "  Eliyev  Resad   Ismayil oglu ",
    ]:
        assert name_keys(name) == expected, name


def test_name_keys_split_hyphenated_and_skip_markers() -> None:
    assert name_keys("Əliyeva-Quliyeva Leyla") == ["aliava", "kuliava", "laila"]
    assert name_keys("oğlu qızı") == []
    assert name_keys("") == []


def test_looks_like_surname() -> None:
    for word in ["Əliyev", "Алиева", "Əhmədli", "Həsənzadə", "Quliyeva-Əliyeva", "Beridze"]:
        assert looks_like_surname(word), word
    for word in ["Əli", "Rəşad", "Leyla", "Vəli", "", "Nərmin"]:
        assert not looks_like_surname(word), word


# ------------------------------------------------------------------------------------------
# Sorting
# ------------------------------------------------------------------------------------------

SORTED_NAMES = [
    "Abbas", "Ağa", "Ali Vəli", "Aliyev", "Bəhruz", "Cəfər", "Çingiz", "Dadaş", "Elnur",
    "Əli", "Əliyev", "Fuad", "Gülnarə", "Həsən", "Xəlil", "Işıq", "İlqar", "Jalə", "Kamran",
    "Qasım", "Leyla", "Məmməd", "Nərmin", "Orxan", "Ömər", "Pərviz", "Rəşad", "Səbinə",
    "Şahin", "Turan", "Ulviyyə", "Ülvi", "Vüsal", "Yusif", "Zaur", "Алиев", "Әлијев",
    "Бабаев", "Гусейнов",
]  # fmt: skip


def test_sort_order_follows_the_azerbaijani_alphabet() -> None:
    shuffled = SORTED_NAMES[:]
    random.Random(7).shuffle(shuffled)
    assert sorted_az(shuffled) == SORTED_NAMES
    assert sorted(shuffled) != SORTED_NAMES  # plain code-point order is wrong


def test_single_letters_sort_in_alphabet_order() -> None:
    assert sorted_az(reversed(AZ_ALPHABET_UPPER)) == list(AZ_ALPHABET_UPPER)
    assert sorted_az(reversed(AZ_ALPHABET)) == list(AZ_ALPHABET)


def test_sort_details() -> None:
    assert sorted_az(["əli", "Əli", "ƏLİ"]) == ["ƏLİ", "Əli", "əli"]  # ties: original string
    assert sorted_az(["Aga", "Ağa", "Aha"]) == ["Aga", "Ağa", "Aha"]
    assert sorted_az(["Wolf", "Yusif", "Vüsal"]) == ["Vüsal", "Wolf", "Yusif"]
    # A foreign accented letter sorts after its base letter, before the next Azerbaijani one.
    assert sorted_az(["Élodie", "Eldar", "Əli", "Emil"]) == ["Eldar", "Emil", "Élodie", "Əli"]
    assert sorted_az(["Əli 2", "Əli 10", "Əli"]) == ["Əli", "Əli 10", "Əli 2"]
    assert sorted_az(["Zaur", "Алиев", "Äliyev"]) == ["Äliyev", "Zaur", "Алиев"]
    assert sorted_az(["b", "a"], reverse=True) == ["b", "a"]


def test_sorted_az_with_key() -> None:
    people = [{"name": "Şahin"}, {"name": "Sabir"}, {"name": "Zaur"}, {"name": "Çingiz"}]
    ordered = sorted_az(people, key=lambda p: p["name"])
    assert [p["name"] for p in ordered] == ["Çingiz", "Sabir", "Şahin", "Zaur"]


@FAST
@given(az_lower_words, az_lower_words)
def test_sort_key_matches_reference_alphabet_order(a: str, b: str) -> None:
    def reference(word: str) -> list[int]:
        return [AZ_ALPHABET.index(ch) for ch in word]

    assert (sort_key(a) < sort_key(b)) == (reference(a) < reference(b))


@FAST
@given(az_words)
def test_sort_key_is_case_insensitive(word: str) -> None:
    assert sort_key(az_upper(word))[0] == sort_key(az_lower(word))[0] == sort_key(word)[0]


@FAST
@given(tricky_text, tricky_text)
def test_sort_key_is_total_and_consistent(a: str, b: str) -> None:
    ka, kb = sort_key(a), sort_key(b)
    assert (ka == kb) == (a == b)
    assert [ka < kb, ka == kb, ka > kb].count(True) == 1
    assert sort_key(a) == ka  # deterministic


@FAST
@given(st.lists(names_text, max_size=8), st.randoms(use_true_random=False))
def test_sorting_does_not_depend_on_input_order(items: list[str], rnd: random.Random) -> None:
    ordered = sorted_az(items)
    shuffled = items[:]
    rnd.shuffle(shuffled)
    assert sorted_az(shuffled) == ordered
    assert all(sort_key(x) <= sort_key(y) for x, y in pairwise(ordered))


# ------------------------------------------------------------------------------------------
# Similarity
# ------------------------------------------------------------------------------------------


def test_similarity_of_spelling_variants_and_typos() -> None:
    assert similarity("Mammedov", "Mammadov") == 1.0
    assert similarity("Məmmədov", "Мамедов") == 1.0
    assert similarity("Məmmədv", "Məmmədov") > 0.9
    assert similarity("Əliyeb", "Əliyev") > 0.85
    assert similarity("Əliyev", "Məmmədov") < 0.7
    assert similarity("", "Əliyev") == 0.0
    assert similarity("", "") == 1.0
    assert similarity("oğlu", "oglu") == 1.0


def test_name_similarity_ignores_order_and_markers() -> None:
    assert name_similarity("Rəşad Əliyev", "Алиев Рашад Исмаилович") == 1.0
    assert name_similarity("Əliyev Rəşad İsmayıl oğlu", "Aliyev Rashad Ismail ogly") == 1.0
    assert name_similarity("Əliyev Rəşad", "Quliyev Nərmin") < 0.8
    assert name_similarity("Əliyev", "") == 0.0


def test_jaro_winkler_reference_values() -> None:
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.9611, abs=1e-4)
    assert jaro_winkler("dwayne", "duane") == pytest.approx(0.84, abs=1e-4)
    assert jaro_winkler("dixon", "dicksonx") == pytest.approx(0.8133, abs=1e-4)
    assert jaro_winkler("abc", "xyz") == 0.0
    assert jaro_winkler("", "") == 1.0


@FAST
@given(names_text, names_text)
def test_similarity_is_a_symmetric_score(a: str, b: str) -> None:
    for score in (similarity, name_similarity):
        s = score(a, b)
        assert 0.0 <= s <= 1.0
        assert s == score(b, a)
        assert score(a, a) == 1.0


@FAST
@given(st.text(max_size=12), st.text(max_size=12))
def test_jaro_winkler_bounds(a: str, b: str) -> None:
    s = jaro_winkler(a, b)
    assert 0.0 <= s <= 1.0
    assert s == jaro_winkler(b, a)
    assert (s == 1.0) == (a == b)


def test_every_same_name_pair_is_similar() -> None:
    for group in SAME_NAME.values():
        for a, b in combinations(group, 2):
            assert similarity(a, b) == 1.0, (a, b)
