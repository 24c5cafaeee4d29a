"""Which node a case number belongs to: the importer refuses a center's case whose number is not
one that center made (docs/sync.md §5). Anything but a well-formed whole number is refused, so a
number cannot smuggle a path or a second node's code. (Found by mutation testing.)
"""

from __future__ import annotations

import pytest

from legalaid_desktop.sync.ownership import case_number_node


@pytest.mark.parametrize(
    ("number", "node"),
    [
        ("GNJ-2026-0001", "GNJ"),
        ("HQ-2025-123456789012", "HQ"),
        ("ABCDE-2026-0042", "ABCDE"),
    ],
)
def test_a_well_formed_number_names_its_node(number: str, node: str) -> None:
    assert case_number_node(number) == node


@pytest.mark.parametrize(
    "number",
    [
        "GNJ-2026-0001/../x",  # something after a valid number
        "x GNJ-2026-0001",  # something before it
        "GNJ-2026-001",  # counter too short
        "gnj-2026-0001",  # not a node code
        "G-2026-0001",
        "ABCDEF-2026-0001",
        "GNJ-26-0001",
        "GNJ-2026-0001\n",
        "",
    ],
)
def test_anything_else_names_no_node(number: str) -> None:
    assert case_number_node(number) is None
