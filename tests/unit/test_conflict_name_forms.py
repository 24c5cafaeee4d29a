"""Conflict scores of the name forms where a father's name and a surname stand for each other.

Azerbaijani names are written "Surname Given Father oğlu", but also "Given Father oğlu" (no
surname: the father's name stands for it) and "Fatheroğlu Given" (the father's name made a
surname, as in Bülbüloğlu). The score must read each form for what it is: the same person,
never a father's name counted twice, never a different father invented. Each number is worked
out from the weights in :mod:`legalaid_desktop.search.conflicts` (given name 40, surname 45,
surname unknown 15, father same +10, father different -20, nothing for a father's name that
stood for the surname).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from legalaid_desktop.search.conflict_scores import _score, level_of
from legalaid_desktop.search.entries import NameSignature, name_signature

CASES = [
    # a compound surname is the father's name + oğlu: the same person, and the father's name
    # that made the surname is not a father to compare (the record's own father differs)
    ("Rəşad Bülbül oğlu", "Bülbüloğlu Rəşad", 85, "same", "unknown"),
    ("Bülbüloğlu Rəşad", "Rəşad Bülbül oğlu", 85, "same", "unknown"),
    ("Rəşad Bülbül oğlu", "Bülbüloğlu Rəşad Vəli oğlu", 85, "same", "unknown"),
    ("Bülbüloğlu Rəşad Vəli oğlu", "Rəşad Bülbül oğlu", 85, "same", "unknown"),
    # a father's name that is not the other's surname: the surname is unknown (40 + 15)
    ("Rəşad Bülbül oğlu", "Əliyev Rəşad", 55, "unknown", "unknown"),
    ("Əliyev Rəşad", "Rəşad Bülbül oğlu", 55, "unknown", "unknown"),
    # with a surname of its own, the father's name never stands for the other's surname:
    # Əliyev is not Bülbüloğlu, whoever the father is: the given name alone (40, below a hit)
    ("Əliyev Rəşad Bülbül oğlu", "Bülbüloğlu Rəşad", 40, "none", "unknown"),
    ("Bülbüloğlu Rəşad", "Əliyev Rəşad Bülbül oğlu", 40, "none", "unknown"),
    # no surname on either side and the same father's name: it stands for the surname, once
    ("Ceyhun Qara oğlu", "Ceyhun Qara oğlu", 85, "same", "unknown"),
    # ... a different father's name, neither a surname: the surname unknown, the father differs
    ("Ceyhun Qara oğlu", "Ceyhun Vəli oğlu", 35, "unknown", "none"),
    # the record has a surname: the father's name is compared as a father's name (40+15+10)
    ("Ceyhun Qara oğlu", "Əliyev Ceyhun Qara oğlu", 65, "unknown", "same"),
    ("Əliyev Ceyhun Qara oğlu", "Ceyhun Qara oğlu", 65, "unknown", "same"),
    # the other gender's form where the ending is replaced, not added (-ский/-ская,
    # -ski/-skaya): the same family (50), in any script; with the same given name a person,
    # 40 + 30 for the other gender's form
    ("Ковальский Пётр", "Kovalskaya Marina", 50, "gender", "unknown"),
    ("Ковальская Анна", "Ковальский Пётр", 50, "gender", "unknown"),
    ("Ковальская Анна", "Kovalski Anna", 70, "gender", "unknown"),
    # ... while a surname that only sounds alike stays another family in that form too
    ("Наширова Айгюн", "Nəsirov Kamran", 0, "none", "unknown"),
    ("Насирова Айгюн", "Nəsirov Kamran", 50, "gender", "unknown"),
    # the ordinary forms, for contrast
    ("Əliyev Rəşad Vaqif oğlu", "Əliyev Rəşad Vaqif oğlu", 95, "same", "same"),
    ("Əliyev Rəşad Vaqif oğlu", "Əliyev Rəşad Tofiq oğlu", 65, "same", "none"),
]


@pytest.mark.parametrize(("checked", "record", "points", "surname", "father"), CASES)
def test_father_and_surname_forms(
    checked: str, record: str, points: int, surname: str, father: str
) -> None:
    got = _score(name_signature(checked), name_signature(record))
    assert (got.points, got.surname, got.father) == (points, surname, father)


def _adverse(name: str) -> NameSignature:
    return replace(name_signature(name), role="adverse")


@pytest.mark.parametrize(
    ("checked", "record", "points", "adverse", "swapped"),
    [
        # both parts could be either: the other order is the same person, 45 + 40 - 3
        ("Kamran Tural", name_signature("Tural Kamran"), 82, False, True),
        # nothing in common: 0, and an adverse party adds nothing to nothing
        ("Abbasov Tural", _adverse("Quliyev Orxan"), 0, False, False),
        # an adverse party whose surname only sounds alike: 70 + 5, kept below strong (69)
        ("Наширов Камран", _adverse("Nəsirov Kamran"), 69, True, False),
        ("Nəsirov Kamran", _adverse("Nəsirov Kamran"), 90, True, False),
    ],
)
def test_order_adverse_parties_and_the_floor(
    checked: str, record: NameSignature, points: int, adverse: bool, swapped: bool
) -> None:
    got = _score(name_signature(checked), record)
    assert (got.points, got.adverse, got.swapped) == (points, adverse, swapped)


def test_points_never_go_below_zero() -> None:
    # 45 + 20 (a typo of the given name) - 20 (another father) - 20 (born 35 years apart) = 25;
    # without the surname the same would be negative: clamped to 0
    checked = name_signature("Əliyev Rəşadə Kamran oğlu", 1950)
    assert _score(checked, name_signature("Əliyev Rəşad İsmayıl oğlu", 1985)).points == 25
    far = name_signature("Rəşadə Kamran oğlu", 1950)
    assert _score(far, name_signature("Quliyev Rəşad İsmayıl oğlu", 1985)).points == 0


@pytest.mark.parametrize(
    ("score", "level"),
    [(49, None), (50, "possible"), (69, "possible"), (70, "strong"), (89, "strong"),
     (90, "exact"), (100, "exact")],
)  # fmt: skip
def test_level_edges(score: int, level: str | None) -> None:
    assert level_of(score) == level
