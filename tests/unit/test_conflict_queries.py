"""The conflict check's searches, written out: the FTS5 expressions each name gives the index.

These expressions are the contract between the conflict check and the search index
(docs/search.md, the ``keys`` column): which parts of a name must appear together, which may
differ in their last letters, which gender's form of a surname is also asked for. A change to
them changes who a lawyer is warned about, so it must be deliberate: change the table here and
check it against the stores of ``tests/integration/test_conflict_retrieval.py`` and
``test_group_retrieval.py``, where each search is the only one that finds a registered name.
"""

from __future__ import annotations

import pytest

from legalaid_desktop.search.conflicts import (
    CANDIDATES_PER_QUERY,
    _compound_keys,
    _gender_forms,
    _group_queries,
    _queries,
)
from legalaid_desktop.search.entries import NameSignature, group_signature, name_signature

ALIYEV = '("aliav" OR "aliava")'
MIR_QASIMOV = '(("mir" AND ("kasimov" OR "kasimova")) OR "mirkasimov" OR "mirkasimova")'


@pytest.mark.parametrize(
    ("key", "forms"),
    [
        ("aliav", ["aliav", "aliava"]),  # Əliyev: the woman's form too
        ("aliava", ["aliava", "aliav"]),  # Əliyeva: the man's form too
        ("kovalski", ["kovalski", "kovalskaia"]),  # -ski / -skaya
        ("kovalskaia", ["kovalskaia", "kovalski"]),
        ("kasimov", ["kasimov", "kasimova"]),
        ("sulka", ["sulka"]),  # no gender ending: only itself
        ("ali", ["ali"]),
    ],
)
def test_a_surname_key_and_the_other_genders_form(key: str, forms: list[str]) -> None:
    assert _gender_forms(key) == forms


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        # A compound surname: the part before -oğlu is also searched (written as a father's name).
        ("Bülbüloğlu Polad", ["bulbul"]),
        ("Bülbüloğlu Polad Vaqif oğlu", ["bulbul"]),  # the surname's, not the father's
        ("Əlioğlu Vüqar", ["ali"]),  # three letters before the ending: enough
        # No surname, a father's name: the compound surnames it may stand for.
        ("Бюль-Бюль оглы Полад", ["bulbuloklu", "bulbulokli", "bulbulkizi"]),
        ("Məmmədov Rəşad", []),  # no compound ending
        ("Mir-Qasımov Elçin", []),
        ("Rəşad", []),  # neither a surname nor a father's name
    ],
)
def test_the_other_form_of_a_compound_surname(name: str, keys: list[str]) -> None:
    assert _compound_keys(name_signature(name, None)) == keys


@pytest.mark.parametrize("surname", ["oklu", "xoklu", "xyoklu"])
def test_an_ending_with_fewer_than_three_letters_before_it_is_no_compound(surname: str) -> None:
    sig = NameSignature(surname=surname, given="rasad", patronymic="")
    assert _compound_keys(sig) == []
    assert _compound_keys(NameSignature(surname="xyzoklu", given="rasad", patronymic="")) == ["xyz"]


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        (
            "Əliyev Rəşad İsmayıl oğlu",
            [
                f'(({ALIYEV} AND "rasad") OR ("rasad" AND "ismail") OR ({ALIYEV} AND "ismail"))',
                f'((("ali" * AND "rasad") NOT ({ALIYEV})) OR '
                f'(({ALIYEV} AND "ras" *) NOT ("rasad")))',
                f'(({ALIYEV}) NOT ("rasad"))',
            ],
        ),
        (
            "Mir-Qasımov Elçin",  # a double surname: both parts, or the two written as one
            [
                f'(({MIR_QASIMOV} AND "alcin"))',
                f'((("mir" * AND "alcin") NOT ({MIR_QASIMOV})) OR '
                f'(({MIR_QASIMOV} AND "alc" *) NOT ("alcin")))',
                f'(({MIR_QASIMOV}) NOT ("alcin"))',
            ],
        ),
        (
            "Mir-Qasım-Zadə Elçin",  # three parts: the first two must both be there
            [
                '(((("mir" AND "kasim" AND ("zada")) OR "mirkasimzada") AND "alcin"))',
                '((("mir" * AND "alcin") NOT ((("mir" AND "kasim" AND ("zada")) OR '
                '"mirkasimzada"))) OR (((("mir" AND "kasim" AND ("zada")) OR "mirkasimzada") '
                'AND "alc" *) NOT ("alcin")))',
                '(((("mir" AND "kasim" AND ("zada")) OR "mirkasimzada")) NOT ("alcin"))',
            ],
        ),
        (
            "Bülbüloğlu Polad Vaqif oğlu",
            [
                '((("bulbuloklu") AND "polad") OR ("polad" AND "vakif") OR '
                '(("bulbuloklu") AND "vakif") OR ("polad" AND "bulbul"))',
                '((("bul" * AND "polad") NOT (("bulbuloklu"))) OR '
                '((("bulbuloklu") AND "pol" *) NOT ("polad")))',
                '((("bulbuloklu")) NOT ("polad"))',
            ],
        ),
        (
            "Бюль-Бюль оглы Полад",  # no surname: no typo or family search
            [
                '(("polad" AND "bul" AND "bul") OR ("polad" AND "bulbuloklu") OR '
                '("polad" AND "bulbulokli") OR ("polad" AND "bulbulkizi"))'
            ],
        ),
        (
            "Qul Rəşad",  # keys of three letters have their typo searches too
            [
                '((("kul") AND "rasad"))',
                '((("kul" * AND "rasad") NOT (("kul"))) OR ((("kul") AND "ras" *) NOT ("rasad")))',
                '((("kul")) NOT ("rasad"))',
            ],
        ),
        ("Əliyev", [f"({ALIYEV})"]),  # a surname alone: the family only
        ("Rəşad", []),  # a given name alone finds nobody
    ],
)
def test_the_searches_of_a_persons_name(name: str, queries: list[str]) -> None:
    got = _queries(name_signature(name, None))
    assert [q for q, _limit in got] == [f"keys : {q}" for q in queries]
    limits = [CANDIDATES_PER_QUERY, 200, 100]
    if len(queries) == 1 and "NOT" not in queries[0] and "AND" not in queries[0]:
        limits = [100]  # the family alone
    assert [limit for _q, limit in got] == limits[: len(got)]


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("Kür", [('"kur"', 400), ('("kur" *) NOT ("kur")', 100)]),
        ("Bərabərlik", [('"barabarlik"', 400), ('("bar" *) NOT ("barabarlik")', 100)]),
        (
            "Ada Nur",
            [
                ('"ada" AND "nur"', 400),
                ('("ada" OR "nur") NOT ("ada" AND "nur")', 200),
                ('("ada" * OR "nur" *) NOT ("ada" OR "nur")', 100),
            ],
        ),
        ("MMC", [('"mc"', 400)]),  # a legal form alone is looked for; two letters: no prefix
    ],
)
def test_the_searches_of_an_organizations_name(name: str, queries: list[tuple[str, int]]) -> None:
    got = _group_queries(group_signature(name, "organization"))
    assert got == [(f"keys : ({q})", limit) for q, limit in queries]


def test_a_key_is_quoted_as_an_fts5_string() -> None:
    """A key is always one FTS5 string, whatever it holds: a double quote inside it is doubled
    (keys are letters today; a quote left single would end the string and let the rest of
    the key be read as FTS5 syntax)."""
    sig = NameSignature(surname='a"b', given='c"OR"d', patronymic="")
    assert _queries(sig)[0][0] == 'keys : ((("a""b") AND "c""OR""d"))'
