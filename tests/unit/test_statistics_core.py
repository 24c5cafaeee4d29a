"""The pure part of the statistics: periods, measures and dimensions, age bands, small-cell
suppression on crafted counts, and the CSV and XLSX writers read back."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.statistics.definitions import (
    AgeBands,
    Dimension,
    Measure,
    check_applies,
    parse_dimensions,
    parse_measure,
)
from legalaid_desktop.statistics.periods import Period, date_range, parse_period
from legalaid_desktop.statistics.suppression import TOTAL, suppress
from legalaid_desktop.statistics.writers import Sheet, csv_bytes, write_xlsx

# -- periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end", "previous"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2025"),
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31), "2025Q4"),
        ("2026q3", date(2026, 7, 1), date(2026, 9, 30), "2026Q2"),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "2026-01"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-01"),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31), "2025-12"),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "2026-11"),
    ],
)
def test_periods_parse_and_step_back(code: str, start: date, end: date, previous: str) -> None:
    period = parse_period(code)
    assert (period.start, period.end) == (start, end)
    assert period.code == code.upper()
    assert period.previous().code == previous
    assert parse_period(period.code) == period


def test_a_range_steps_back_by_its_own_length() -> None:
    period = date_range(date(2026, 3, 10), date(2026, 4, 8))  # 30 days
    before = period.previous()
    assert before.days == period.days == 30
    assert before.end == date(2026, 3, 9)
    assert before.start == date(2026, 2, 8)


def test_the_months_of_a_period() -> None:
    period = date_range(date(2025, 11, 20), date(2026, 2, 3))
    assert period.months() == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period.quarters() == ["2025Q4", "2026Q1"]
    assert period.years() == ["2025", "2026"]


@pytest.mark.parametrize("bad", ["2026Q5", "2026-13", "2026-00", "26", "Q1", "2026-1", "", "x"])
def test_a_bad_period_is_rejected(bad: str) -> None:
    with pytest.raises(InputRejected, match="2026Q1"):
        parse_period(bad)


def test_from_after_to_is_rejected() -> None:
    with pytest.raises(InputRejected, match="after"):
        date_range(date(2026, 3, 2), date(2026, 3, 1))
    assert date_range(date(2026, 3, 1), date(2026, 3, 1)).days == 1


# -- measures and dimensions ----------------------------------------------------------------------


def test_the_codes_of_the_contract() -> None:
    assert [m.value for m in Measure] == [
        "clients_served",
        "new_clients",
        "cases_opened",
        "cases_closed",
        "consultations",
        "consultation_minutes",
        "open_cases",
    ]
    assert {d.value for d in Dimension} == set(
        "gender age_band region center legal_area corruption_sector corruption_conduct "
        "institution outcome displacement disability consultation_mode heard_from campaign "
        "lawyer satisfaction month quarter year client_kind referred_to grant_code".split()
    )


def test_measures_and_dimensions_parse() -> None:
    assert parse_measure("open_cases") is Measure.OPEN_CASES
    assert parse_dimensions("gender, age_band") == (Dimension.GENDER, Dimension.AGE_BAND)
    assert parse_dimensions(None) == ()
    with pytest.raises(InputRejected, match="clients_served"):
        parse_measure("clients")
    with pytest.raises(InputRejected, match="gendr"):
        parse_dimensions("gendr")
    with pytest.raises(InputRejected):
        parse_dimensions("gender,gender")
    with pytest.raises(InputRejected):
        parse_dimensions("gender,region,center")


def test_dimensions_that_do_not_apply_are_refused() -> None:
    with pytest.raises(InputRejected):
        check_applies(Measure.CASES_OPENED, (Dimension.CONSULTATION_MODE,))
    with pytest.raises(InputRejected):
        check_applies(Measure.OPEN_CASES, (Dimension.MONTH,))
    check_applies(Measure.CLIENTS_SERVED, (Dimension.CONSULTATION_MODE, Dimension.MONTH))
    check_applies(Measure.OPEN_CASES, (Dimension.GENDER, Dimension.AGE_BAND))


# -- age bands ------------------------------------------------------------------------------------


def test_default_age_bands() -> None:
    bands = AgeBands()
    assert bands.codes == ("0-13", "14-17", "18-29", "30-44", "45-59", "60+")
    got = {age: bands.code_of(age) for age in (0, 13, 14, 17, 18, 29, 30, 44, 45, 59, 60, 104)}
    assert got == {
        0: "0-13",
        13: "0-13",
        14: "14-17",
        17: "14-17",
        18: "18-29",
        29: "18-29",
        30: "30-44",
        44: "30-44",
        45: "45-59",
        59: "45-59",
        60: "60+",
        104: "60+",
    }
    assert bands.code_of(None) == "not_stated"
    assert bands.code_of(-1) == "not_stated"


def test_age_bands_are_configurable() -> None:
    bands = AgeBands.parse("0-17, 18-34,35+")
    assert bands.codes == ("0-17", "18-34", "35+")
    assert bands.code_of(34) == "18-34"
    assert AgeBands.parse(",".join(AgeBands().codes)) == AgeBands()
    for bad in (
        "1-17,18+",
        "0-17,19-30,31+",
        "0-17,18-30",
        "0-17,18+,30+",
        "0-x",
        "0-17,17-30,31+",
    ):
        with pytest.raises(InputRejected):
            AgeBands.parse(bad)


# -- suppression ----------------------------------------------------------------------------------


def test_one_small_cell_takes_the_next_smallest_with_it() -> None:
    counts = {("female",): 40, ("male",): 12, ("other",): 3, ("not_stated",): 0}
    hidden = suppress(counts, 1)
    # "other" (3) is small; the total (55) would give it back, so the next smallest non-zero
    # cell (male, 12) goes too; zero stays shown
    assert hidden == {("cell", ("other",)), ("cell", ("male",))}


def test_two_small_cells_protect_each_other() -> None:
    counts = {("a",): 40, ("b",): 2, ("c",): 4, ("d",): 9}
    assert suppress(counts, 1) == {("cell", ("b",)), ("cell", ("c",))}


def test_nothing_small_nothing_hidden_and_a_small_total() -> None:
    assert suppress({("a",): 5, ("b",): 0, ("c",): 7}, 1) == set()
    assert suppress({("a",): 3, ("b",): 0}, 1) == {("cell", ("a",)), TOTAL}
    assert suppress({(): 3}, 0) == {("cell", ()), TOTAL}
    assert suppress({(): 30}, 0) == set()


def _revealed(counts: dict[tuple[str, ...], int], hidden: set[object]) -> list[object]:
    """Cells a reader could compute from the published cells and totals of a 2-way table."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    cols: dict[str, list[tuple[str, ...]]] = {}
    for k in counts:
        rows.setdefault(k[0], []).append(k)
        cols.setdefault(k[1], []).append(k)
    lines = [(v, ("row", a)) for a, v in rows.items()] + [(v, ("col", b)) for b, v in cols.items()]
    out: list[object] = []
    for members, total in lines:
        unknown = [m for m in members if ("cell", m) in hidden]
        if total not in hidden and len(unknown) == 1:
            out.append(unknown[0])
    margins = [([("row", a) for a in rows], TOTAL), ([("col", b) for b in cols], TOTAL)]
    for members2, total in margins:
        unknown2 = [m for m in members2 if m in hidden]
        if total not in hidden and len(unknown2) == 1:
            out.append(unknown2[0])
    return out


def test_a_cross_table_gives_no_small_cell_back() -> None:
    counts = {
        ("female", "18-29"): 20,
        ("female", "30-44"): 2,
        ("female", "60+"): 11,
        ("male", "18-29"): 15,
        ("male", "30-44"): 9,
        ("male", "60+"): 7,
        ("other", "18-29"): 0,
        ("other", "30-44"): 0,
        ("other", "60+"): 1,
    }
    hidden = suppress(counts, 2)
    assert ("cell", ("female", "30-44")) in hidden
    assert ("cell", ("other", "60+")) in hidden
    assert ("row", "other") in hidden  # the row total is 1
    assert _revealed(counts, hidden) == []
    for key, n in counts.items():
        if 1 <= n <= 4:
            assert ("cell", key) in hidden
    # the larger cells survive where they can
    assert ("cell", ("female", "18-29")) not in hidden


def test_a_figure_hidden_with_a_small_one_is_marked_x_not_under_5() -> None:
    """Secondary suppression hides figures of any size: "<5" on a cell of 386 would tell a
    donor there were almost no men over 60. Hidden cells of 5 or more show "x", in the table,
    the cross sheet's margins and the JSON document."""
    from legalaid_desktop.statistics.export import cross_sheet
    from legalaid_desktop.statistics.table import FigureRow, FigureTable

    counts = {
        ("female", "18-29"): 698,
        ("female", "60+"): 519,
        ("male", "18-29"): 482,
        ("male", "60+"): 386,
        ("male", "not_stated"): 3,
        ("female", "not_stated"): 33,
        ("other", "60+"): 2,
        ("other", "18-29"): 6,
    }
    hidden = frozenset(suppress(counts, 2))
    table = FigureTable(
        measure=Measure.CLIENTS_SERVED,
        by=(Dimension.GENDER, Dimension.AGE_BAND),
        period=parse_period("2026"),
        rows=tuple(FigureRow(k, n, n) for k, n in counts.items()),
        total=sum(counts.values()),
        total_count=sum(counts.values()),
        anonymized=True,
        hidden=hidden,
        labels={
            "gender": {"female": "Woman", "male": "Man", "other": "Other"},
            "age_band": {"18-29": "18-29", "60+": "60+", "not_stated": "not stated"},
        },
    )
    shown = {r.codes: table.shown(r) for r in table.rows}
    assert shown[("male", "not_stated")] == shown[("other", "60+")] == "<5"
    for row in table.rows:
        if ("cell", row.codes) in hidden and row.count >= 5:
            assert shown[row.codes] == "x"
    assert "x" in shown.values()  # the table above does hide a large cell with a small one
    sheet = cross_sheet(table)
    assert sheet is not None
    body = {r[0]: list(r[1:]) for r in sheet.rows}
    assert set(body) == {"Woman", "Man", "Other", "Total"}
    assert {c for r in body.values() for c in r if isinstance(c, str)} <= {"<5", "x"}
    for code, label in (("female", "Woman"), ("male", "Man"), ("other", "Other")):
        n = sum(v for k, v in counts.items() if k[0] == code)
        margin = body[label][-1]
        assert margin == (("<5" if n < 5 else "x") if ("row", code) in hidden else n)
    document = table.document()
    values = {r["value"] for r in document["rows"]}
    assert {"<5", "x"} <= values and not any(v in values for v in (386, 3, 2))


MARGIN_TABLES = [
    (
        {
            ("a", "x"): 20, ("a", "y"): 5, ("a", "z"): 0,
            ("b", "x"): 3, ("b", "y"): 1, ("b", "z"): 0,
            ("c", "x"): 6, ("c", "y"): 15, ("c", "z"): 4,
        },
        {
            ("cell", ("a", "y")), ("cell", ("b", "x")), ("cell", ("b", "y")),
            ("cell", ("c", "x")), ("cell", ("c", "z")),
            ("row", "a"), ("row", "b"), ("col", "y"), ("col", "z"),
        },
    ),
    (
        {
            ("a", "x"): 20, ("a", "y"): 5, ("a", "z"): 0,
            ("b", "x"): 2, ("b", "y"): 1, ("b", "z"): 1,
            ("c", "x"): 6, ("c", "y"): 15, ("c", "z"): 3,
        },
        {
            ("cell", ("a", "x")), ("cell", ("a", "y")),
            ("cell", ("b", "x")), ("cell", ("b", "y")), ("cell", ("b", "z")),
            ("cell", ("c", "x")), ("cell", ("c", "z")),
            ("row", "b"), ("row", "c"), ("col", "y"), ("col", "z"),
        },
    ),
]  # fmt: skip


@pytest.mark.parametrize(("counts", "expected"), MARGIN_TABLES)
def test_margins_are_the_sums_of_their_lines(
    counts: dict[tuple[str, ...], int], expected: set[object]
) -> None:
    """A row or column total is hidden when the sum of its line is 1 to 4 (row b: 3 + 1, then
    2 + 1 + 1; column z: 4, then 1 + 3), and the next figure hidden along the totals' line is
    the smallest *sum*; the hidden set is pinned (worked through the rule by hand for the
    first table), and nothing hidden can be worked out from what is shown."""
    hidden = suppress(counts, 2)
    assert hidden == expected
    assert _revealed(counts, hidden) == []


@pytest.mark.parametrize("seed", range(25))
def test_random_cross_tables_give_no_small_cell_back(seed: int) -> None:
    import random

    rng = random.Random(seed)
    counts = {
        (f"r{i}", f"c{j}"): rng.choice((0, 1, 2, 3, 4, 5, 6, 9, 14, 30))
        for i in range(rng.randint(1, 5))
        for j in range(rng.randint(1, 5))
    }
    hidden = suppress(counts, 2)
    assert _revealed(counts, hidden) == []
    assert all(("cell", k) in hidden for k, n in counts.items() if 1 <= n <= 4)


# -- writers --------------------------------------------------------------------------------------

SHEET = Sheet(
    "Clients served",
    ("Region", "Gender", "Clients"),
    [("Gəncə", "Qadın", 12), ("Şəki", "Kişi", "<5"), ("=HYPERLINK(1)", "-x", 7), ("Total", "", 40)],
)


@pytest.mark.parametrize(("lang", "sep"), [("az", ";"), ("ru", ";"), ("en", ",")])
def test_csv_has_a_bom_and_the_separator_of_the_language(lang: str, sep: str) -> None:
    data = csv_bytes(SHEET, lang)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    assert rows[0] == ["Region", "Gender", "Clients"]
    assert rows[1] == ["Gəncə", "Qadın", "12"]
    assert rows[2] == ["Şəki", "Kişi", "<5"]
    # a cell a spreadsheet would run as a formula is written as text
    assert rows[3][:2] == ["'=HYPERLINK(1)", "'-x"]
    assert text.count("\r\n") == 5


def test_xlsx_numbers_frozen_header_widths_and_parameters(tmp_path: Path) -> None:
    path = tmp_path / "figures.xlsx"
    n = write_xlsx(
        path,
        [SHEET, Sheet("Clients served", ("a",), [(1,)])],
        [("Measure", "Clients served"), ("Clients left out", 3)],
        parameters_title="Parameters",
    )
    assert n == 5
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Clients served", "Clients served-2", "Parameters"]
    sheet = book["Clients served"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Region", "Gender", "Clients")
    assert rows[1] == ("Gəncə", "Qadın", 12)
    assert isinstance(rows[1][2], int)
    assert rows[2][2] == "<5"
    assert rows[3][0] == "=HYPERLINK(1)"  # text, not a formula
    assert sheet.cell(4, 1).data_type == "s"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["C"].width >= 6
    params = list(book["Parameters"].iter_rows(values_only=True))
    assert ("Clients left out", 3) in params
    assert [p.name for p in tmp_path.iterdir()] == ["figures.xlsx"]


def test_a_failed_xlsx_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"the old file")

    def rows():  # type: ignore[no-untyped-def]
        for i in range(12_000):
            yield (i, "x")

    def cancel(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_xlsx(path, [Sheet("s", ("n", "t"), rows())], progress=cancel)
    assert path.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["big.xlsx"]


def test_period_codes_round_trip() -> None:
    assert Period(date(2026, 1, 5), date(2026, 2, 10)).code == "2026-01-05..2026-02-10"


def test_the_previous_period_beside_each_cell_and_labels_fall_back_to_codes() -> None:
    """Beside a cell: the previous period's figure with the same codes as published ("<5"
    stays hidden), 0 where that period had no such cell, nothing for a time breakdown (other
    months) or without a previous period. A code with no label shows as itself."""
    from legalaid_desktop.statistics.table import FigureRow, FigureTable

    def table(rows: dict[str, int], by: Dimension, **kw: object) -> FigureTable:
        return FigureTable(
            measure=Measure.CASES_OPENED,
            by=(by,),
            period=parse_period("2026"),
            rows=tuple(FigureRow((c,), n, n) for c, n in rows.items()),
            total=sum(rows.values()),
            total_count=sum(rows.values()),
            **kw,  # type: ignore[arg-type]
        )

    before = table(
        {"family": 9, "labour": 3}, Dimension.LEGAL_AREA, anonymized=True,
        hidden=frozenset({("cell", ("labour",)), ("cell", ("family",))}),
    )  # fmt: skip
    now = table(
        {"family": 12, "labour": 7, "housing": 5}, Dimension.LEGAL_AREA, previous=before,
        labels={"legal_area": {"family": "Ailə"}},
    )  # fmt: skip
    beside = {r.codes[0]: now.previous_of(r) for r in now.rows}
    assert beside == {"family": "x", "labour": "<5", "housing": 0}
    assert now.label(Dimension.LEGAL_AREA, "family") == "Ailə"
    assert now.label(Dimension.LEGAL_AREA, "housing") == "housing"
    assert now.label(Dimension.REGION, "AZ-GA") == "AZ-GA"
    alone = table({"family": 12}, Dimension.LEGAL_AREA)
    assert alone.previous_of(alone.rows[0]) is None
    months = table({"2026-01": 4}, Dimension.MONTH, previous=table({"2025-01": 2}, Dimension.MONTH))
    assert months.previous_of(months.rows[0]) is None
    assert [{"month": "2026-01", "value": 4}] == months.document()["rows"]
