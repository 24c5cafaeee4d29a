"""The orders and the typed-text filter of the client and case lists.

Each list sorts by any of its columns (:data:`CLIENT_ORDERS`, :data:`CASE_ORDERS`): names in
Azerbaijani alphabetical order (``name_sort``, :func:`legalaid_desktop.text.collation.sort_string`),
dates as dates, numbers as numbers, and coded values (region, legal area, status) and lawyers by
the label people read, in Azerbaijani order, in the language in use. Ties keep one stable order
(the row id) so that pages neither repeat nor skip a row.

The filter takes typed text: every word, folded (:func:`legalaid_desktop.search.entries.fold_text`:
``eliyev``, ``ƏLİYEV`` and ``Əliyev`` are one word), must begin a word of the record's entry in
the search index (names, case number, legal area, summary, address, phone...), so it is answered
by the index's prefix tables, not by reading the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import ColumnElement, Integer, case, column, literal, select, table, text
from sqlalchemy.orm import InstrumentedAttribute

from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _, current_language
from legalaid_desktop.search.entries import fold_text, kind_range
from legalaid_desktop.text.collation import sort_key

CLIENT_ORDERS: Final = ("name", "gender", "birth_year", "region", "open_cases", "number")
"""The orders of the client list (one per column); ``name`` is the default."""

CASE_ORDERS: Final = ("number", "client", "legal_area", "status", "lawyer", "opened", "closed")
"""The orders of the case list (one per column); ``opened`` (newest first) is the default."""

MAX_FILTER_WORDS: Final = 8
"""The most words of a typed filter that are used (the rest are ignored)."""

Expr = ColumnElement[Any] | InstrumentedAttribute[Any]
"""A column or an expression to sort or filter by."""

_REFS = table("search_index_refs", column("id", Integer), column("ref_id"))
_FTS = table("search_index", column("rowid", Integer))


def check_order(order: str | None, allowed: tuple[str, ...]) -> str | None:
    """``order`` if the list knows it (``None``: the list's default)."""
    if order is not None and order not in allowed:
        raise ValidationError(_("The list cannot be sorted by '{order}'.").format(order=order))
    return order


def ranked(values: Mapping[str, str], expression: Expr) -> ColumnElement[int]:
    """A rank of ``expression`` by the labels ``values`` (code → label) in Azerbaijani order;
    unknown codes after the known ones."""
    codes = sorted(values, key=lambda code: sort_key(values[code]))
    if not codes:
        return literal(0)
    return case({code: rank for rank, code in enumerate(codes)}, value=expression, else_=len(codes))


def label_rank(catalog: ReferenceCatalog, kind: str, expression: Expr) -> ColumnElement[int]:
    """A rank of a coded column by its labels in the language in use."""
    lang = current_language()
    items = catalog[kind]
    return ranked({code: items.label(code, lang) for code in items.codes()}, expression)


def nulls_last(expression: Expr) -> ColumnElement[int]:
    """0 for a value, 1 for none: put before ``expression`` so that blanks come last."""
    return case((expression.is_(None), 1), else_=0)


def text_filter(kind: str, typed: str | None, id_column: Expr) -> ColumnElement[bool] | None:
    """The condition "the record's index entry has every typed word as a word prefix".

    Args:
        kind: The kind of entry (``client`` or ``case``).
        typed: The text typed; ``None`` or nothing but spaces and signs: no condition.
        id_column: The id column of the listed rows.
    """
    words = fold_text(typed or "").split()[:MAX_FILTER_WORDS]
    if not words:
        return None
    match = " ".join(f'"{word}"*' for word in words)  # folded words are [a-z0-9] only
    first, last = kind_range(kind)
    entries = select(_FTS.c.rowid).where(
        text("search_index MATCH :filter_match").bindparams(filter_match=match),
        _FTS.c.rowid.between(first, last),
    )
    return id_column.in_(select(_REFS.c.ref_id).where(_REFS.c.id.in_(entries)))
