"""The scores of organizations' names pinned: a table worked out by hand from the rules.

The expected numbers come from the organizations' table in the docstring of
:mod:`legalaid_desktop.search.conflict_scores` (95 the same words, 80 with a typo, 60 one name
within the other, for an organization or a shorter name of two words or more; the words of a legal
form left out unless a name has nothing else; phone and adverse party as for people), not from a
run. Each pair's phonetic keys were checked to relate as the comment says.
"""

from __future__ import annotations

import pytest

from legalaid_desktop.search.conflict_scores import _score, level_of
from legalaid_desktop.search.entries import NameSignature, group_signature, name_signature


def org(name: str, kind: str = "organization") -> NameSignature:
    return group_signature(name, kind)


def party(name: str, role: str = "other") -> NameSignature:
    """A party to a case, as the index keeps it: a name signature with the party's role."""
    signature = name_signature(name)
    return NameSignature(
        signature.surname, signature.given, signature.patronymic, None, role, signature.spelling
    )


CASES = [
    # query, candidate, points, what matched, level
    # The same words in any spelling; the legal form (Birliyi) does not count.
    (org("Gənclər Birliyi"), org("Gencler birliyi"), 95, "same", "exact"),
    (org("Gənclər Birliyi"), org("Гянджлар Бирлийи"), 95, "same", "exact"),
    (org("Gənclər Birliyi"), org("Gənclər Fondu"), 95, "same", "exact"),
    # A typo in one word (the keys are close: barabarlik / barabarlk, kanclari / kanclar).
    (org("Bərabərlik"), org("Bərabərlk"), 80, "typo", "strong"),
    (org("Dirçəliş Gəncləri"), org("Dirçəliş Gənclər"), 80, "typo", "strong"),
    # One name within the other: both organizations, or a shorter name of two words.
    (org("Dirçəliş"), org("Dirçəliş Gənclər Birliyi"), 60, "part", "possible"),
    (org("Şəki Gənclər Birliyi"), org("Gənclər Birliyi", "initiative"), 60, "part", "possible"),
    (org("Dirçəliş Gəncləri"), org("Dirçəliş Gənclər Qadınlar"), 60, "part", "possible"),
    (org("Yaşıl Dünya Ekoloji Təşəbbüsü"), party("Yaşıl Dünya"), 60, "part", "possible"),
    # A one-word party within an organization's name only when the party is an organization
    # too (a word of a legal form in its name).
    (org("Yaşıl Dünya Təşəbbüsü"), party("Yaşıl Fondu"), 60, "part", "possible"),
    (org("Yaşıl Dünya Təşəbbüsü"), party("Yaşıl"), 0, "", None),
    # A person named Ümid Əliyev is not the group "Ümid"; a person named only Ümid has its words.
    (name_signature("Ümid Əliyev"), org("Ümid", "initiative"), 0, "", None),
    (name_signature("Ümid"), org("Ümid", "initiative"), 95, "same", "exact"),
    # Two words each, one of them the same: neither name is within the other.
    (org("Dirçəliş Gənclər"), org("Dirçəliş Qadınlar"), 0, "", None),
    (org("Gənclər Birliyi"), org("Dirçəliş"), 0, "", None),
    # A name of legal forms only is compared with all its words.
    (org("İctimai Birliyi"), org("İctimai Birliyi"), 95, "same", "exact"),
    (org("Fondu"), org("Gənclər Fondu"), 0, "", None),
    # An organization that is the adverse party: +5.
    (org("Gənclər Birliyi"), party("Gənclər Birliyi", "adverse"), 100, "same", "exact"),
    (org("Yaşıl Dünya Ekoloji Təşəbbüsü"), party("Yaşıl Dünya", "adverse"), 65, "part", "possible"),
    (org("Gənclər Birliyi"), party("Dirçəliş", "adverse"), 0, "", None),
]


@pytest.mark.parametrize(("query", "cand", "points", "group", "level"), CASES)
def test_hand_computed_group_scores(
    query: NameSignature, cand: NameSignature, points: int, group: str, level: str | None
) -> None:
    score = _score(query, cand)
    assert (score.points, score.group, level_of(score.points)) == (points, group, level)
    assert not score.person and score.year == ""  # no family, no birth year for a group
    assert score.adverse == (cand.role == "adverse" and points > 0)


@pytest.mark.parametrize(
    ("cand", "points"),
    [
        (org("Gencler Birliyi"), 100),  # 95 + 20, at most 100
        (org("Gənclər Dirçəliş Birliyi"), 80),  # within: 60 + 20
        (org("Dirçəliş"), 75),  # nothing alike: 0 + 20, raised to the phone's floor
    ],
)
def test_the_same_phone_for_an_organization(cand: NameSignature, points: int) -> None:
    score = _score(org("Gənclər Birliyi"), cand, same_phone=True)
    assert (score.points, score.phone) == (points, True)


def test_a_name_without_any_word_matches_nothing() -> None:
    """Punctuation only (``«»``): no key on one side is no match, even with an organization."""
    empty = org("«»")
    assert empty.keys == ()
    assert _score(empty, org("Gənclər Birliyi")).points == 0
    assert _score(org("Gənclər Birliyi"), empty).points == 0


def test_the_same_words_are_paired_before_the_typos() -> None:
    """Keys chosen so that A is a typo of both B and C, while B and C are not typos of each
    other: pairing A first would take B from its exact match and leave B nothing; the same keys
    first pair B with B and A with C, and the names agree word for word, one with a typo."""
    a, b, c = "abcdefgh", "abcdefgx", "xbcdefgh"
    ours = NameSignature("", f"{a} {b}", "", role="organization")
    theirs = NameSignature("", f"{b} {c}", "", role="organization")
    score = _score(ours, theirs)
    assert (score.points, score.group) == (80, "typo")
