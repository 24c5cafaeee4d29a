"""The shipped list of common passwords and the user-name check (domain/passwords.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from legalaid_desktop.domain import passwords
from legalaid_desktop.paths import resource_path


def test_the_list_is_shipped_lower_cased_one_a_line_with_its_source() -> None:
    path = passwords.list_path()
    assert path == resource_path(*passwords.LIST_PARTS)
    lines = path.read_text("utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    assert any("zxcvbn" in line for line in header) and any("MIT" in line for line in header)
    words = [line for line in lines if not line.startswith("#")]
    assert len(words) >= 10_000 and len(set(words)) == len(words)
    assert all(w == w.lower() and w == w.strip() and w for w in words)
    assert {"password", "qwertyuiop", "1234567890"} <= passwords.common_passwords()


def test_the_list_is_not_read_at_import_time() -> None:
    code = (
        "import legalaid_desktop.domain.validation\n"
        "from legalaid_desktop.domain import passwords\n"
        "assert passwords._common is None\n"
    )
    src = str(Path(passwords.__file__).resolve().parents[2])
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": src})


@pytest.mark.parametrize(
    ("password", "username", "contains"),
    [
        ("Leyla-river-2026", "leyla", True),
        ("LEYLA2026xyz", "leyla", True),
        ("1eyla-river-2026", "leyla", True),
        ("alyel-river-2026", "leyla", True),
        ("gunel-m-river", "gunel.m", True),
        ("xx-gunelm-xx", "gunel.m", True),
        ("4dmin-river-2026", "admin", True),
        ("Xazar-sea-2026", "leyla", False),
        ("Mmm-river-2026", "m.q", False),
    ],
)
def test_the_user_name_and_its_variants(password: str, username: str, contains: bool) -> None:
    assert passwords.contains_name(password, username) is contains


@pytest.mark.parametrize(
    ("password", "common"),
    [
        ("qwertyuiop", True),
        ("QwertyUIOP", True),
        ("sunshine2026!", True),
        ("2026!Football", True),
        ("Xazar-sea-2026", False),
        ("abc-2026-xyz", False),
    ],
)
def test_common_passwords(password: str, common: bool) -> None:
    assert passwords.is_common(password) is common
