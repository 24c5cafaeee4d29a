"""The pure parts of pseudonymization (sync/pseudonyms.py): pseudonym, cohort, record."""

from __future__ import annotations

import copy
import os

from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.sync.pseudonyms import (
    BLANKED,
    PLACEHOLDER_FILE_NAME,
    birth_cohort,
    is_pseudonym,
    pseudonym,
    pseudonymize_record,
)


def test_pseudonym_is_stable_per_key_and_says_nothing_of_the_client() -> None:
    key, other = os.urandom(32), os.urandom(32)
    client = new_id()
    first = pseudonym(key, client)
    assert is_pseudonym(first) and first == pseudonym(key, client)
    assert first != pseudonym(other, client)  # another store: another pseudonym
    assert first != pseudonym(key, new_id())
    assert client.upper() not in first
    assert not is_pseudonym("Əliyev Rəşad") and not is_pseudonym(None)
    assert not is_pseudonym(first + "A") and not is_pseudonym("psn-" + first[4:])


def test_birth_cohort() -> None:
    assert [birth_cohort(y) for y in (1980, 1983, 1984, 1985, 2001)] == [
        1980,
        1980,
        1980,
        1985,
        2000,
    ]
    assert birth_cohort(None) is None


def _record(table: str, groups: dict[str, dict[str, object]]) -> dict[str, object]:
    return {
        "t": table,
        "id": new_id(),
        "o": "GNJ",
        "u": "leyla",
        "x": {},
        "g": {g: {"c": "stamp", "v": v} for g, v in groups.items()},
        "d": None,
    }


def test_every_blanked_field_is_emptied_and_the_rest_kept() -> None:
    key = os.urandom(32)
    consultation = _record(
        "consultations",
        {
            "record": {
                "case_id": "c",
                "held_on": "2026-01-02",
                "lawyer": "leyla",
                "mode": "phone",
                "minutes": 40,
            },
            "content": {"notes": "n", "advice": "a", "next_steps": "s"},
        },
    )
    original = copy.deepcopy(consultation)
    out, content = pseudonymize_record(consultation, None, key)
    assert content is None
    assert out["g"]["record"] == original["g"]["record"]  # type: ignore[index]
    assert set(out["g"]["content"]["v"].values()) == {""}  # type: ignore[index]
    assert set(BLANKED["consultations"]["content"]) == {"notes", "advice", "next_steps"}


def test_attachment_travels_without_its_content() -> None:
    attachment = _record(
        "attachments",
        {
            "file": {
                "case_id": "c",
                "client_id": None,
                "file_name": "Əliyev.pdf",
                "media_type": "application/pdf",
                "size": 3,
                "sha256": "x",
                "content": "x",
            },
        },
    )
    out, content = pseudonymize_record(attachment, b"abc", os.urandom(32))
    values = out["g"]["file"]["v"]  # type: ignore[index]
    assert content == b"" and values["size"] == 0
    assert values["file_name"] == PLACEHOLDER_FILE_NAME and values["case_id"] == "c"
