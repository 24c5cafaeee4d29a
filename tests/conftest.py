"""Shared fixtures: real encrypted stores in temporary folders.

Stores made here use the Argon2id floor parameters through the API (the only way to weaken key
derivation, and only for tests); everything else is the real code path: SQLCipher, vault,
migrations, services.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import store_templates

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from legalaid_desktop import app, i18n
from legalaid_desktop.store.vault import FLOOR

ADMIN = "admin"
ADMIN_PASSWORD = "Qala-tower-2026"
LAWYER = "leyla"
LAWYER_PASSWORD = "Xazar-sea-2026"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In a mutant's run under mutmut (``make mutate``), the quickest test files first.

    mutmut runs a mutant's tests with ``-x`` but hands them over in no particular order, so a
    mutant that a 50 ms test kills may first wait for minutes of slow ones. The durations mutmut
    recorded (``mutmut-stats.json`` in its work folder) order the files by their total time;
    a file's tests stay together and in their order (its module fixtures are set up once, and
    a test may count on what an earlier one of its file left). Any other run keeps pytest's
    order.
    """
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    stats = Path("mutmut-stats.json")
    if not stats.is_file():
        return
    took: dict[str, float] = json.loads(stats.read_text("utf-8")).get("duration_by_test", {})
    per_file: dict[str, float] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        per_file[path] = per_file.get(path, 0.0) + took.get(item.nodeid, 0.0)
    items.sort(key=lambda item: per_file[item.nodeid.split("::")[0]])  # stable: order kept


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """The process-wide language after a test is what it was before: a test that switched to
    Russian must not make the next one on the same worker read Russian messages. Restored
    without calling the language listeners (the widgets of a finished test are gone)."""
    saved = (i18n._current, i18n._current_lang)
    yield
    i18n._current, i18n._current_lang = saved


@pytest.fixture(scope="session", autouse=True)
def _store_template_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    store_templates.use_folder(tmp_path_factory.mktemp("store-templates"))


@pytest.fixture(autouse=True)
def _fresh_store_templates() -> None:
    """Each test gets at most one copy of each template store (tests/store_templates.py)."""
    store_templates.new_test()


def new_center_store(data_dir: Path) -> app.AppSession:
    """A new store of the center GNJ at ``data_dir``, logged in as its administrator
    :data:`ADMIN` (the caller closes the session).

    A copy of this process's template of that store, the first time in a test (see
    tests/store_templates.py); made for real the second time.
    """
    if store_templates.copied("center-GNJ", data_dir, lambda d: _create_center(d).close()):
        return app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    return _create_center(data_dir)


def _create_center(data_dir: Path) -> app.AppSession:
    session, _recovery = create_store(data_dir)
    return session


def create_store(
    data_dir: Path,
    code: str = "GNJ",
    name: str = "Gəncə mərkəzi",
    admin_full_name: str = "Məmmədov Elçin Vaqif oğlu",
) -> tuple[app.AppSession, str]:
    """A center's store made for real at ``data_dir`` (its own keys and recovery key), logged in
    as its administrator :data:`ADMIN`; returns the session and the recovery key."""
    return app.create(
        data_dir,
        node_code=code,
        node_name=name,
        hq=False,
        admin_username=ADMIN,
        admin_full_name=admin_full_name,
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )


@pytest.fixture
def admin_session(data_dir: Path) -> Iterator[app.AppSession]:
    session = new_center_store(data_dir)
    yield session
    session.close()


@pytest.fixture
def store_with_lawyer(admin_session: app.AppSession, data_dir: Path) -> Path:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.close()
    return data_dir


Run = Callable[..., tuple[int, str, str]]
"""The command line run in-process: arguments in; exit code, stdout and stderr out."""


def copy_store(source: Path, tmp_path: Path) -> Path:
    """A copy of the store at ``source`` for one test (a store built once per module)."""
    copy = tmp_path / "store"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.lock"))
    return copy


def cli_as(
    data_dir: Path,
    user: str,
    password: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """``legalaid`` on ``data_dir`` as ``user``, the password given as an HQ script gives it."""
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LEGALAID_USER", user)
    monkeypatch.setenv("LEGALAID_PASSWORD", password)

    def run(*args: str) -> tuple[int, str, str]:
        from legalaid_desktop.cli.main import main

        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def no_sleep(_seconds: float) -> None:
    """Stand-in for time.sleep where a test checks the delay itself."""


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write in: without write permission for a user, a read-only bind
    mount for root (whom permissions do not stop, and who runs CI)."""
    if os.name != "posix":
        pytest.skip("needs POSIX permissions")
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"root cannot bind-mount here: {mounted.stderr.decode().strip()}")
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(folder)], check=True, capture_output=True
        )
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True, capture_output=True)
