"""Small-cell suppression of anonymized figures, as statistical offices do it.

Primary: a cell that counts 1 to 4 (clients, cases, consultations) is not shown ("<5"); zero is
shown. Secondary: where a published total would give a suppressed cell back (it is the only
suppressed cell of its row, its column or the total's line), the next smallest cell of that line
(by count, above zero) is suppressed too. Lines: the breakdown and its total; in a two-way table
each row with its row total, each column with its column total, and the row totals and column
totals with the grand total. Repeated until no line gives a cell back.

Positions are ``("cell", key)``, ``("row", a)``, ``("col", b)`` and ``("total",)``; a key is the
tuple of the cell's codes.
"""

from __future__ import annotations

from collections.abc import Mapping

Position = tuple[object, ...]
TOTAL: Position = ("total",)
SMALL = range(1, 5)


def _lines(
    counts: Mapping[tuple[str, ...], int], width: int
) -> tuple[dict[Position, int], list[tuple[list[Position], Position]]]:
    """Every position's count and the lines (members, their total) of the table."""
    values: dict[Position, int] = {("cell", k): n for k, n in counts.items()}
    values[TOTAL] = sum(counts.values())
    if width < 2:
        # with no breakdown the one cell is the total: a line of it would change nothing
        one: list[tuple[list[Position], Position]] = [([("cell", k) for k in counts], TOTAL)]
        return values, one if width else []  # pragma: no mutate (equivalent)
    rows: dict[str, list[Position]] = {}
    cols: dict[str, list[Position]] = {}
    for key, n in counts.items():
        a, b = key
        rows.setdefault(a, []).append(("cell", key))
        cols.setdefault(b, []).append(("cell", key))
        values[("row", a)] = values.get(("row", a), 0) + n
        values[("col", b)] = values.get(("col", b), 0) + n
    lines: list[tuple[list[Position], Position]] = [
        (members, ("row", a)) for a, members in rows.items()
    ]
    lines += [(members, ("col", b)) for b, members in cols.items()]
    lines.append(([("row", a) for a in rows], TOTAL))
    lines.append(([("col", b) for b in cols], TOTAL))
    return values, lines


def suppress(counts: Mapping[tuple[str, ...], int], width: int) -> set[Position]:
    """The positions to hide in a table of ``width`` dimensions (0, 1 or 2).

    ``counts`` maps each cell's key to the number of records behind it (the count a reader
    could tell a person from).
    """
    values, lines = _lines(counts, width)
    hidden = {p for p, n in values.items() if n in SMALL}
    changed = True
    while changed:
        changed = False  # pragma: no mutate (equivalent: None is as false)
        for members, total in lines:
            if total in hidden:
                continue
            if sum(1 for m in members if m in hidden) != 1:
                continue
            # "> 0" and "> 1" agree: a figure of 1 is hidden already, never a candidate
            candidates = [m for m in members if m not in hidden]
            candidates = [m for m in candidates if values[m] > 0]  # pragma: no mutate (equivalent)
            if not candidates:  # only zeros beside it: the total is the hidden cell itself
                hidden.add(total)
            else:
                hidden.add(min(candidates, key=lambda m: values[m]))
            changed = True
    return hidden
