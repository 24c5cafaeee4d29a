"""Readable client numbers: ``GNJ-C-00042``, made once by the client's center.

A client number is the center's code, ``C`` and a counter of at least five digits that only
grows at that center (``services.clients``, the ``client_counters`` table). Each center numbers
only the clients it records, so numbers are unique across the network without any coordination,
exactly like case numbers (``GNJ-2026-0001``). A client's number is set when the client is
recorded and never changes (the importer refuses a bundle that would rename one).
"""

from __future__ import annotations

import re

__all__ = ["client_number_node", "format_client_number", "normalize_client_number"]

_CLIENT_NUMBER = re.compile(r"([A-Z]{2,5})-C-([0-9]{5,12})")


def format_client_number(node_code: str, seq: int) -> str:
    """The number of the ``seq``-th client of ``node_code`` (``GNJ``, 42 → ``GNJ-C-00042``)."""
    return f"{node_code}-C-{seq:05d}"


def client_number_node(number: str) -> str | None:
    """The node code of a well-formed client number (``GNJ`` of ``GNJ-C-00042``), else None.

    Anything but a whole number this program makes (``GNJ-C-1/../x``) is not a client number.
    """
    match = _CLIENT_NUMBER.fullmatch(number)
    return match.group(1) if match else None


def normalize_client_number(text: str) -> str | None:
    """``text`` as a client number if it is one (spaces around and lower case allowed), else
    None: tells a typed number (``gnj-c-00042``) from a client id."""
    candidate = text.strip().upper()
    return candidate if client_number_node(candidate) is not None else None
