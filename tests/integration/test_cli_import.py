"""``legalaid import mapping`` and ``legalaid import clients`` on a real store (issue 20): exit
codes 0, 4 and 5, the problems and likely duplicates listed by row and client number (never a
client's name), decisions in a file, a dry run and a second run that change nothing, and a
list exported from one store imported into another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    LAWYER,
    LAWYER_PASSWORD,
    Run,
    cli_as,
    copy_store,
    new_center_store,
)
from import_support import center_xlsx
from legalaid_desktop.domain.cases import ClientInput


@pytest.fixture(scope="module")
def store_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("imports") / "store"
    s = new_center_store(data_dir)
    s.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    s.clients.register(
        ClientInput(full_name="Кулиева Сабина Арифовна", gender="female", region="AZ-GA",
                    birth_year=1988)
    )  # fmt: skip
    s.close()
    return data_dir


@pytest.fixture
def store(store_once: Path, tmp_path: Path) -> Path:
    return copy_store(store_once, tmp_path)


@pytest.fixture
def admin(store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return cli_as(store, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)


def _mapping(run: Run, sheet: Path, tmp_path: Path) -> Path:
    out = tmp_path / "map.json"
    code, text, err = run("--lang", "en", "import", "mapping", str(sheet), "-o", str(out))
    assert code == 0, err
    assert "12" not in err and "Wrote" in text
    return out


def test_a_mapping_then_a_dry_run_then_the_import(admin: Run, tmp_path: Path) -> None:
    sheet = center_xlsx(tmp_path / "list.xlsx")
    mapping = _mapping(admin, sheet, tmp_path)
    assert json.loads(mapping.read_text("utf-8"))["columns"]["H"] == "region"
    args = ("--lang", "en", "import", "clients", str(sheet), "--mapping", str(mapping))
    code, text, err = admin(*args, "--dry-run", "--on-duplicate", "keep")
    assert code == 0, err
    assert "Dry run: nothing was written" in text and "  New clients: 3\n" in text
    assert "  New clients beside a likely duplicate (kept): 1\n" in text
    code, out, _err = admin("client", "list", "--json")
    assert len(json.loads(out)["clients"] if "clients" in out else json.loads(out)) == 1
    code, text, err = admin(*args, "--on-duplicate", "keep", "--json")
    assert code == 0, err
    data = json.loads(text)
    assert data["done"] and data["counts"]["created"] == 3 and data["counts"]["kept"] == 1
    assert "Quliyeva" not in text and "Əliyev" not in text  # rows and numbers, no names
    code, text, err = admin(*args)
    assert code == 0, err
    assert "Imported:" in text and "  New clients: 0\n" in text
    assert "  Rows whose client was already here: 4\n" in text


def test_problems_are_listed_by_row_and_cell_with_exit_4(admin: Run, tmp_path: Path) -> None:
    extra = [[9, "Həsənov", "Tural", None, "K", "31.12.2999", None, "Gorambay", "Ailə", "Nikah",
              "01.04.2024", None]]  # fmt: skip
    sheet = center_xlsx(tmp_path / "list.xlsx", extra)
    mapping = _mapping(admin, sheet, tmp_path)
    code, text, err = admin(
        "--lang", "en", "import", "clients", str(sheet), "--mapping", str(mapping)
    )
    assert code == 4
    assert err.startswith("legalaid: 1 row has problems: nothing was imported.")
    assert err.count("\n") == 1
    assert "Row 9, column F (Doğum tarixi): The date is in the future." in text
    assert "Row 9, column H (Rayon): Unknown value. Value: 'Gorambay'." in text
    assert "Goranboy" in text
    assert "31.12.2999" not in text and "Həsənov" not in text  # no client data quoted
    code, text, _err = admin(
        "--lang", "en", "import", "clients", str(sheet), "--mapping", str(mapping), "--json"
    )
    data = json.loads(text)
    assert data["exit_code"] == 4 and data["counts"]["invalid"] == 1
    assert {p["column"] for p in data["problems"] if p["row"] == 9} == {"F", "H"}


def test_likely_duplicates_wait_for_decisions_in_a_file(admin: Run, tmp_path: Path) -> None:
    sheet = center_xlsx(tmp_path / "list.xlsx")
    mapping = _mapping(admin, sheet, tmp_path)
    template = tmp_path / "decisions.json"
    args = ("--lang", "en", "import", "clients", str(sheet), "--mapping", str(mapping))
    code, text, err = admin(*args, "--decisions-template", str(template))
    assert code == 4
    assert "1 row may be a client already here" in err and str(template) in err
    assert "Row 7 may be: GNJ-C-00001 (exact" in text and "to decide" in text
    decisions = json.loads(template.read_text("utf-8"))
    assert decisions == {"rows": {"7": {"action": "skip", "into": "GNJ-C-00001"}}}
    decisions["rows"]["7"]["action"] = "merge"
    template.write_text(json.dumps(decisions), "utf-8")
    code, text, err = admin(*args, "--decisions", str(template), "--json")
    assert code == 0, err
    rows = {r["row"]: r for r in json.loads(text)["rows"]}
    assert rows[7]["action"] == "merged" and rows[7]["client_number"] == "GNJ-C-00001"


def test_a_lawyer_is_refused_with_exit_5(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli_as(store, LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)
    sheet = center_xlsx(tmp_path / "list.xlsx")
    code, _out, err = run(
        "--lang", "en", "import", "mapping", str(sheet), "-o", str(tmp_path / "m.json")
    )
    assert code == 5 and "Not allowed for your role" in err
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize(
    ("mapping_text", "message"),
    [
        ("{", "The mapping is not valid: invalid JSON"),
        ('{"format": "legalaid-import-mapping", "version": 1, "columns": {"B": "x"}}',
         "'x' is not a field"),
        ('{"format": "legalaid-import-mapping", "version": 1, "columns": {}, '
         '"defaults": {"lawyer": "nobody"}}', "'nobody' is not a user of this center"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_4(
    admin: Run, tmp_path: Path, mapping_text: str, message: str
) -> None:
    sheet = center_xlsx(tmp_path / "list.xlsx")
    mapping = tmp_path / "map.json"
    mapping.write_text(mapping_text, "utf-8")
    code, _out, err = admin(
        "--lang", "en", "import", "clients", str(sheet), "--mapping", str(mapping)
    )
    assert code == 4 and message in err and err.count("\n") == 1
    code, _out, err = admin(
        "--lang", "en", "import", "clients", str(tmp_path / "none.xlsx"), "--mapping", str(mapping)
    )
    assert code == 4 and "There is no file" in err


def test_a_list_exported_from_one_store_imports_into_another(
    admin: Run, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    sheet = center_xlsx(tmp_path / "list.xlsx")
    mapping = _mapping(admin, sheet, tmp_path)
    args = ("--lang", "az", "import", "clients", str(sheet), "--mapping", str(mapping))
    assert admin(*args, "--on-duplicate", "keep")[0] == 0
    exported = tmp_path / "clients.xlsx"
    code, _out, err = admin("--lang", "az", "export", "clients", "-o", str(exported))
    assert code == 0, err
    other = new_center_store(tmp_path / "other")
    other.close()
    run = cli_as(tmp_path / "other", ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    mapping2 = tmp_path / "map2.json"
    assert run("--lang", "en", "import", "mapping", str(exported), "-o", str(mapping2))[0] == 0
    columns = json.loads(mapping2.read_text("utf-8"))["columns"]
    assert {"full_name", "gender", "birth", "region", "phone"} <= set(columns.values())
    code, text, err = run(
        "--lang", "en", "import", "clients", str(exported), "--mapping", str(mapping2), "--json",
        "--on-duplicate", "keep",
    )  # fmt: skip
    assert code == 0, err
    counts = json.loads(text)["counts"]
    assert (counts["created"], counts["kept"]) == (4, 1)  # the two spellings of Quliyeva again
