"""Issue 17, defect 4: a typed recovery key is read as people type it, and a wrong one says
which group is wrong; every key printed before still works."""

from __future__ import annotations

import pytest

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.store.recovery_text import (
    GROUP_LENGTHS,
    KEY_CHARS,
    format_recovery_key,
    parse_recovery_key,
)

SECRET = bytes(range(7, 39))
KEY = format_recovery_key(SECRET)


def _message(text: str) -> str:
    with pytest.raises(InputRejected) as caught:
        parse_recovery_key(text)
    return str(caught.value)


def test_the_printed_format_is_unchanged() -> None:
    assert KEY_CHARS == 55 and GROUP_LENGTHS == (4,) * 13 + (3,)
    assert [len(g) for g in KEY.split("-")] == list(GROUP_LENGTHS)
    assert parse_recovery_key(KEY) == SECRET
    assert parse_recovery_key(KEY.lower().replace("-", " ")) == SECRET
    assert parse_recovery_key(KEY.replace("-", "")) == SECRET


def test_look_alikes_are_read_as_the_key_letters() -> None:
    typed = KEY.replace("O", "0").replace("I", "1").replace("B", "8")
    assert parse_recovery_key(typed) == SECRET
    cyrillic = KEY.translate(str.maketrans("AEKMHOPCTX", "АЕКМНОРСТХ"))
    assert parse_recovery_key(cyrillic) == SECRET
    assert parse_recovery_key(KEY.replace("I", "İ")) == SECRET


@pytest.mark.parametrize("seed", range(40))
def test_a_lower_case_l_is_tried_as_l_and_as_i(seed: int) -> None:
    secret = bytes((seed * 31 + i * 7) % 256 for i in range(32))
    key = format_recovery_key(secret)
    assert parse_recovery_key(key.replace("I", "l").replace("L", "l")) == secret


def test_a_mistyped_character_names_its_group() -> None:
    compact = KEY.replace("-", "")
    for index in (0, 9, 30, 54):
        wrong = "A" if compact[index] != "A" else "C"
        typed = compact[:index] + wrong + compact[index + 1 :]
        message = _message(typed)
        assert "typing mistake" in message
        if index < 54:  # the last character also carries three unused bits
            assert f"group {index // 4 + 1}" in message, (index, message)


def test_a_swapped_pair_names_its_group() -> None:
    compact = KEY.replace("-", "")
    i = next(i for i in range(20, 40) if compact[i] != compact[i + 1] and i % 4 != 3)
    swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
    assert f"group {i // 4 + 1}" in _message(swapped)


def test_a_foreign_character_and_a_short_group_are_named() -> None:
    groups = KEY.split("-")
    groups[3] = groups[3][:2] + "9" + groups[3][3:]
    assert "Group 4" in _message("-".join(groups)) and "9" in _message("-".join(groups))
    groups = KEY.split("-")
    groups[6] = groups[6][:3]
    message = _message("-".join(groups))
    assert "Group 7" in message and "3" in message and "4" in message
    assert "55" in _message(KEY.replace("-", "")[:50])


def test_a_key_that_only_differs_is_never_taken() -> None:
    """The message may point at a group; the key is never corrected into another one."""
    compact = KEY.replace("-", "")
    wrong = compact[:10] + ("A" if compact[10] != "A" else "C") + compact[11:]
    with pytest.raises(InputRejected):
        parse_recovery_key(wrong)
