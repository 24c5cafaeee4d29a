"""Client numbers: the importer refuses a new client whose number is not one its center made, so
only a whole well-formed number names a node; typed numbers are told from ids."""

from __future__ import annotations

import pytest

from legalaid_desktop.domain.client_numbers import (
    client_number_node,
    format_client_number,
    normalize_client_number,
)


def test_the_format() -> None:
    assert format_client_number("GNJ", 42) == "GNJ-C-00042"
    assert format_client_number("HQ", 123456) == "HQ-C-123456"


@pytest.mark.parametrize(
    ("number", "node"),
    [("GNJ-C-00042", "GNJ"), ("HQ-C-123456789012", "HQ"), ("ABCDE-C-00001", "ABCDE")],
)
def test_a_well_formed_number_names_its_node(number: str, node: str) -> None:
    assert client_number_node(number) == node


@pytest.mark.parametrize(
    "number",
    [
        "GNJ-C-00042/../x",
        "x GNJ-C-00042",
        "GNJ-C-0042",
        "GNJ-C-1234567890123",
        "gnj-C-00042",
        "GNJ-2026-0001",
        "GNJ-X-00042",
        "G-C-00042",
        "",
    ],
)
def test_anything_else_names_no_node(number: str) -> None:
    assert client_number_node(number) is None


def test_typed_numbers_and_ids() -> None:
    assert normalize_client_number("  gnj-c-00042 ") == "GNJ-C-00042"
    assert normalize_client_number("0190a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b") is None
