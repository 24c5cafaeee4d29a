"""Which reader for the centers' spreadsheets (issue 20, docs/import.md "The reader"):
python-calamine or openpyxl, measured on a realistic 10,000-row XLSX.

Writes a center's list (``devtools/center_sheet.py``: a two-row header with merged cells, dates
as date cells and as text, years and phones as numbers, empty rows) and reads it with

* python-calamine (``to_python``), and through the import's reader (``read_table``: the guard's
  scan of the archive, then calamine, then the cells normalized);
* openpyxl in streaming mode (``read_only=True``), and in normal mode (which alone gives
  openpyxl's merged ranges);

best of ``--runs`` each, and the peak memory of a child process that only reads. Then what each
gives for the cells that matter: the merged header, a date cell, a date typed as text, a whole
number, an empty row, and a hostile file with one cell in the far corner (XFD1048576), each
reader in a child process with a one-minute limit (calamine aborts: it allocates the whole
block).

Run with ``python bench/bench_spreadsheet_readers.py [--rows 10000] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from legalaid_desktop.devtools.center_sheet import SheetSpec, write_center_xlsx

_CHILD = r"""
import sys, time
path, reader = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if reader == "calamine":
    import python_calamine
    with python_calamine.CalamineWorkbook.from_path(path) as book:
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
elif reader == "read_table":
    from pathlib import Path
    from legalaid_desktop.domain.errors import SpreadsheetRejected
    from legalaid_desktop.spreadsheet_import.reading import read_table
    try:
        rows = read_table(Path(path)).rows
    except SpreadsheetRejected as refused:
        sys.exit(f"refused: {refused}")
elif reader == "openpyxl-streaming":
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
else:
    import openpyxl
    book = openpyxl.load_workbook(path, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
seconds = time.perf_counter() - t
# the peak resident memory of this process (VmHWM: ru_maxrss would carry the parent's over exec)
peak = next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(len(rows), seconds, peak)
"""

READERS = ("calamine", "read_table", "openpyxl-streaming", "openpyxl")


def _child(path: Path, reader: str, timeout: float = 600) -> tuple[str, str]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), reader],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "timeout", ""
    if done.returncode:
        lines = done.stderr.strip().splitlines() or [""]
        last = (lines[-1] if lines[-1].startswith("refused") else lines[0])[:110]
        return f"exit {done.returncode}", last
    return "ok", done.stdout.strip()


def _behaviour(path: Path) -> None:
    import openpyxl
    import python_calamine

    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        sheet = book.get_sheet_by_index(0)
        cal = sheet.to_python(skip_empty_area=False)
        cal_merged = sheet.merged_cell_ranges
    streaming = openpyxl.load_workbook(path, read_only=True, data_only=True)
    opx = list(streaming.worksheets[0].iter_rows(values_only=True))
    streaming.close()
    full = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    date_cell = next(r for r in range(2, 60) if not isinstance(cal[r][5], str | float))
    text_date = next(r for r in range(2, 60) if isinstance(cal[r][5], str) and cal[r][5])
    year = next(r for r in range(2, 60) if isinstance(cal[r][5], float))
    empty = next(r for r in range(2, len(cal)) if not any(cal[r]))
    print("\nWhat each gives (row numbers as the spreadsheet shows them):")
    print(f"  merged header B1:D1   calamine: {cal_merged[:3]} ...")
    print("                        openpyxl streaming: no merged ranges (ReadOnlyWorksheet)")
    print(
        f"                        openpyxl normal: {sorted(map(str, full.merged_cells.ranges))[:3]}"
    )
    lines = [
        ("B1:D1's cells", cal[0][1:4], opx[0][1:4]),
        (f"date cell F{date_cell + 1}", cal[date_cell][5], opx[date_cell][5]),
        (f"date as text F{text_date + 1}", cal[text_date][5], opx[text_date][5]),
        (f"a year (number) F{year + 1}", cal[year][5], opx[year][5]),
        (f"empty row {empty + 1}", cal[empty][:3], opx[empty][:3]),
    ]
    for what, by_calamine, by_openpyxl in lines:
        print(f"  {what:<21} calamine {by_calamine!r}  openpyxl {by_openpyxl!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_center_xlsx(Path(tmp) / "center.xlsx", SheetSpec(rows=args.rows))
        print(f"{args.rows} rows, {path.stat().st_size / 1024:.0f} KB XLSX")
        print(f"{'reader':<20} {'best s':>8} {'rows/s':>9} {'peak MB':>8}")
        for reader in READERS:
            best, peak, count = float("inf"), 0.0, 0
            for _ in range(args.runs):
                status, out = _child(path, reader)
                if status != "ok":
                    print(f"{reader:<20} {status} {out}")
                    break
                n, seconds, rss = out.split()
                count, best, peak = int(n), min(best, float(seconds)), max(peak, int(rss) / 1024)
            else:
                print(f"{reader:<20} {best:8.2f} {count / best:9.0f} {peak:8.0f}")
        _behaviour(path)
        import xlsxwriter

        far = Path(tmp) / "far.xlsx"
        book = xlsxwriter.Workbook(str(far))
        sheet = book.add_worksheet()
        sheet.write("A1", "Ad")
        sheet.write("XFD1048576", "x")
        book.close()
        print(f"\nA {far.stat().st_size} B file with cells in A1 and XFD1048576:")
        for reader in READERS:
            status, out = _child(far, reader, timeout=60)
            print(f"  {reader:<20} {status} {out}")


if __name__ == "__main__":
    main()
