"""Reading spreadsheets for the client import (issue 20): XLSX with a merged two-row header,
CSV in the encodings and delimiters Excel writes, the guessed mapping saved and read back, and
the preview's problems per row and cell (docs/import.md)."""

from __future__ import annotations

import codecs
import json
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from legalaid_desktop.devtools.center_sheet import SheetSpec, write_center_xlsx
from legalaid_desktop.domain.errors import MappingRejected
from legalaid_desktop.i18n import set_language
from legalaid_desktop.reference_data import load_catalog
from legalaid_desktop.spreadsheet_import.mapping import (
    ImportMapping,
    guess_mapping,
    load_mapping,
    save_mapping,
    validated,
)
from legalaid_desktop.spreadsheet_import.preview import build_preview
from legalaid_desktop.spreadsheet_import.reading import read_table

USERS = {"leyla": "Hüseynova Leyla Əli qızı", "admin": "Məmmədov Elçin Vaqif oğlu"}


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog()


def _xlsx(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    for merge in merges:
        first = merge.split(":")[0]
        col, row = ord(first[0]) - 65, int(first[1:]) - 1
        sheet.merge_range(merge, str(rows[row][col]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or any(_inside(m, r, c) for m in merges):
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return path


def _inside(merge: str, r: int, c: int) -> bool:
    a, b = merge.split(":")
    return ord(a[0]) - 65 <= c <= ord(b[0]) - 65 and int(a[1:]) - 1 <= r <= int(b[1:]) - 1


HEADER = [  # two header rows, as a center writes them
    [
        "№",
        "Müraciət edən",
        None,
        "Cinsi",
        "Doğum tarixi",
        "Telefon",
        "Rayon",
        "Müraciət",
        None,
        None,
    ],
    [
        None,
        "Soyadı",
        "Adı",
        None,
        None,
        None,
        None,
        "Hüquq sahəsi",
        "Qısa məzmun",
        "Müraciət tarixi",
    ],
]
MERGES = ("A1:A2", "B1:C1", "D1:D2", "E1:E2", "F1:F2", "G1:G2", "H1:J1")


def _center(tmp_path: Path) -> Path:
    rows = [
        *HEADER,
        [
            1,
            "Əliyev",
            "Rəşad",
            "Kişi",
            date(1985, 12, 31),
            "+994 50 123 45 67",
            "Gəncə",
            "Ailə",
            "Aliment",
            "03.02.2024",
        ],
        [
            2,
            "Алиева",
            "Лейла",
            "жен.",
            "31/12/1990",
            994551234567,
            "Шамкирский район",
            "Əmək",
            "İşdən çıxarılma",
            "2024-02-05",
        ],
        [None] * 10,
        [
            3,
            "Mammadov",
            "Elchin",
            "M",
            1979,
            "050-111-22-33",
            "Gorambay",
            "Kredit",
            "Bank borcu",
            date(2024, 3, 1),
        ],
        [
            4,
            "Quliyeva",
            "Səbinə",
            "Q",
            "31.12.2999",
            "telefon yoxdur",
            "Gəncə",
            "Ailə",
            "Boşanma",
            "05.03.2024",
        ],
        [
            5,
            "Əliyev",
            "Rəşad",
            "Kişi",
            date(1985, 12, 31),
            "+994 50 123 45 67",
            "Gəncə",
            "Ailə",
            "Aliment",
            "03.02.2024",
        ],
        [6, '=HYPERLINK("http://x","y")', "Tural", "K", "1990", None, "Gəncə", None, None, None],
        [None] * 10,
    ]
    return _xlsx(tmp_path / "center.xlsx", rows, MERGES)


def test_calamine_reads_merged_headers_dates_numbers_and_empty_rows(tmp_path: Path) -> None:
    table = read_table(_center(tmp_path))
    assert table.kind == "xlsx" and table.width == 10
    assert table.rows[0][1] == "Müraciət edən" and table.rows[0][2] is None  # merged: top-left
    assert any(m.first_col == 1 and m.last_col == 2 for m in table.merged)
    assert table.rows[2][4] == date(1985, 12, 31)  # a date cell is a date
    assert table.rows[3][4] == "31/12/1990"  # a date typed as text stays text
    assert table.rows[3][5] == 994551234567.0  # a number is a number
    assert all(v is None for v in table.rows[4])  # an empty row is empty


def test_the_guessed_mapping_reads_the_two_row_header(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    mapping = validated(guess_mapping(read_table(_center(tmp_path))), catalog)
    assert (mapping.header_row, mapping.header_rows) == (2, 2)
    assert mapping.columns == {
        "B": "surname", "C": "given_name", "D": "gender", "E": "birth", "F": "phone",
        "G": "region", "H": "legal_area", "I": "summary", "J": "opened_on",
    }  # fmt: skip
    assert mapping.headers["B"] == "Müraciət edən / Soyadı"


def test_the_preview_lists_every_problem_by_row_and_cell(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    table = read_table(_center(tmp_path))
    preview = build_preview(table, validated(guess_mapping(table), catalog), catalog, USERS)
    assert preview.empty_rows == 1  # skipped silently, counted (the last one is past the end)
    by_row = {r.row: r for r in preview.rows}
    assert sorted(by_row) == [3, 4, 6, 7, 8, 9]
    first, cyrillic, typo, future, again, formula = (by_row[n] for n in (3, 4, 6, 7, 8, 9))
    assert first.ok and first.client is not None and first.case is not None
    assert first.client.full_name == "Əliyev Rəşad" and first.client.birth_year == 1985
    assert first.client.region == "AZ-GA" and first.case.opened_on == date(2024, 2, 3)
    assert cyrillic.ok and cyrillic.client is not None
    assert (cyrillic.client.gender, cyrillic.client.region) == ("female", "AZ-SKR")
    assert cyrillic.client.phone == "+994551234567" and cyrillic.client.birth_year == 1990
    cells = {(p.cell, p.field) for p in typo.problems}
    assert cells == {("G6", "region")}
    (problem,) = typo.problems
    assert problem.value == "Gorambay" and "Goranboy" in problem.expected
    assert problem.header == "Rayon"
    assert {(p.cell, p.field) for p in future.problems if p.blocking} == {
        ("E7", "birth"),
        ("F7", "phone"),
    }
    assert not again.ok and again.same_client_as == 3
    assert any("repeats row 3" in p.message for p in again.problems)
    assert [(p.cell, p.field) for p in formula.problems if p.blocking] == [("B9", "surname")]
    assert all(p.value == "" for p in future.problems)  # no date nor phone quoted


def test_a_mapping_is_saved_and_read_back_and_follows_moved_columns(
    tmp_path: Path, catalog
) -> None:  # type: ignore[no-untyped-def]
    table = read_table(_center(tmp_path))
    mapping = validated(guess_mapping(table), catalog).with_value("region", "Gorambay", "AZ-GOR")
    path = tmp_path / "map.json"
    save_mapping(mapping, path)
    data = json.loads(path.read_text("utf-8"))
    assert data["values"] == {"region": {"Gorambay": "AZ-GOR"}}
    again = load_mapping(path, catalog)
    assert again == mapping
    preview = build_preview(table, again, catalog, USERS)
    assert next(r for r in preview.rows if r.row == 6).ok
    # the same list with a column inserted before "Rayon": the mapping follows the title
    rows = [list(r) for r in table.rows]
    for row in rows:
        row.insert(6, None)
    rows[0][6] = "Qeyd"
    moved = _xlsx(
        tmp_path / "moved.xlsx",
        rows,
        ("A1:A2", "B1:C1", "D1:D2", "E1:E2", "F1:F2", "H1:H2", "I1:K1"),
    )
    preview = build_preview(read_table(moved), again, catalog, USERS)
    assert next(r for r in preview.rows if r.row == 3).client.region == "AZ-GA"  # type: ignore[union-attr]


def test_a_mapping_made_for_another_file_is_refused(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    mapping = ImportMapping(
        columns={"B": "full_name"}, header_row=1, headers={"B": "Soyadı, adı, atasının adı"}
    )
    table = read_table(_xlsx(tmp_path / "other.xlsx", [["A", "Telefon"], ["x", "050"]]))
    with pytest.raises(MappingRejected, match="headed 'Soyadı, adı, atasının adı'"):
        build_preview(table, validated(mapping, catalog), catalog, USERS)


BASE = '"format": "legalaid-import-mapping", "version": 1'


@pytest.mark.parametrize(
    "text",
    [
        "{" + BASE + ', "columns": {"B": "salary"}}',
        "{" + BASE + ', "columns": {"B": "phone", "C": "phone"}}',
        "{" + BASE + ', "columns": {}, "defaults": {"phone": "1"}}',
        "{" + BASE + ', "columns": {}, "values": {"region": {"x": "AZ-XX"}}}',
        "{" + BASE + ', "columns": {}, "values": {"full_name": {"x": "y"}}}',
        "{" + BASE + ', "extra": 1}',
        '{"format": "legalaid-import-mapping", "version": 2, "columns": {}}',
        '{"format": "other", "version": 1}',
        "[1, 2",
    ],
)
def test_a_bad_mapping_file_gets_one_clear_message(tmp_path: Path, catalog, text: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "map.json"
    path.write_text(text, "utf-8")
    with pytest.raises(MappingRejected, match="^The mapping is not valid: "):
        load_mapping(path, catalog)


RUSSIAN = (
    "ФИО;Пол;Дата рождения;Район\r\nАлиев Рашад Исмаилович;муж.;31.12.1985;Шамкирский район\r\n"
)


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        (RUSSIAN.encode("cp1251"), "cp1251", ";"),
        (codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"), "utf-8-sig", ";"),
        (RUSSIAN.replace(";", ",").encode("utf-8"), "utf-8", ","),
        (b"sep=;\r\n" + RUSSIAN.encode("utf-8"), "utf-8", ";"),
        (RUSSIAN.replace(";", "\t").encode("utf-16"), "utf-16", "\t"),
    ],
)
def test_csv_encodings_and_delimiters(
    tmp_path: Path, catalog, data: bytes, encoding: str, delimiter: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    preview = build_preview(table, validated(guess_mapping(table), catalog), catalog, USERS)
    (row,) = preview.rows
    assert row.row == 2 and row.ok and row.client is not None
    assert row.client.full_name == "Алиев Рашад Исмаилович" and row.client.region == "AZ-SKR"


def test_azerbaijani_latin_in_cp1254(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    text = "Soyadı, adı, atasının adı;Cinsi;Rayon\r\nQuliyeva Gülşən İsmayıl qızı;Qadın;Şamaxı\r\n"
    path = tmp_path / "list.csv"
    path.write_bytes(text.replace("ə", "e").replace("Ə", "E").encode("cp1254"))
    table = read_table(path)
    assert table.encoding == "cp1254"
    preview = build_preview(table, validated(guess_mapping(table), catalog), catalog, USERS)
    assert preview.rows[0].client is not None
    assert preview.rows[0].client.full_name == "Quliyeva Gülşen İsmayıl qızı"
    assert preview.rows[0].client.region == "AZ-SMI"


def test_a_realistic_center_file_previews_with_its_known_problems(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    spec = SheetSpec(rows=400, typos=3, repeats=2, second_cases=3, lawyers=("leyla",))
    table = read_table(write_center_xlsx(tmp_path / "c.xlsx", spec))
    preview = build_preview(table, validated(guess_mapping(table), catalog), catalog, USERS)
    assert len(preview.rows) == 405 and preview.empty_rows == 7
    assert {p.field for p in preview.blocking} == {"region", ""}  # typos, repeated rows
    assert len([p for p in preview.blocking if p.field == "region"]) == 3
    assert len([p for p in preview.blocking if not p.field]) == 2
    assert sum(1 for r in preview.rows if r.same_client_as) == 5  # 3 second cases + 2 repeats


def test_an_ods_file_reads_like_an_xlsx(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice writes the empty rest of a sheet as one repeated empty row and cell: the
    guard does not count them, the reader skips them."""
    import zipfile

    def cell(text: str) -> str:
        inner = f"<text:p>{text}</text:p>"
        return f'<table:table-cell office:value-type="string">{inner}</table:table-cell>'

    rows = "".join(
        f"<table:table-row>{''.join(cell(t) for t in row)}</table:table-row>"
        for row in (("Ad", "Cinsi", "Rayon"), ("Əliyev Rəşad İsmayıl oğlu", "Kişi", "Quba"))
    )
    empty = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        f'<office:spreadsheet><table:table table:name="Siyahı">{rows}{empty}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "list.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
            '"text/xml"/></manifest:manifest>',
        )
    table = read_table(path)
    assert (table.kind, table.sheet, len(table.rows), table.width) == ("ods", "Siyahı", 2, 3)
    preview = build_preview(table, validated(guess_mapping(table), catalog), catalog, USERS)
    (row,) = preview.rows
    assert row.ok and row.client is not None and row.client.region == "AZ-QBA"
