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

import pytest

from legalaid_desktop.search.conflicts import _score
from legalaid_desktop.search.entries import name_signature

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
