"""The program version and the schema revision: one place each, the same in every front end.

``legalaid --version`` is checked here; Help › About in tests/gui/test_about.py; the frozen
build's answer by ``make package-check`` (packaging/check.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from legalaid_desktop import paths, version
from legalaid_desktop.cli.main import main
from legalaid_desktop.store.migrate import alembic_config

ROOT = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def alembic_heads() -> list[str]:
    return sorted(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_the_version_is_pyprojects() -> None:
    assert version.program_version() == pyproject_version()
    assert version.version_info().version == pyproject_version()


def test_the_schema_revision_is_alembics_head() -> None:
    assert version.schema_revision().split("+") == alembic_heads()
    assert version.version_info().schema_revision == version.schema_revision()


def test_heads_follow_down_revisions_chains_and_merges(tmp_path: Path) -> None:
    def revision(name: str, down: str, *, annotated: bool = False) -> None:
        hint = ": str" if annotated else ""
        (tmp_path / f"{name}_x.py").write_text(
            f'"""{name}"""\nimport sqlalchemy as sa\n\nrevision{hint} = "{name}"\n'
            f"down_revision = {down}\nbranch_labels = None\n\n\ndef upgrade() -> None:\n"
            f'    revision = "not-this-one"\n',
            "utf-8",
        )

    revision("aaa", "None")
    revision("bbb", '"aaa"', annotated=True)
    revision("ccc", '"aaa"')
    (tmp_path / "notes.txt").write_text('revision = "zzz"', "utf-8")  # not a revision file
    graph = version.revision_graph(tmp_path)
    assert graph == {"aaa": (), "bbb": ("aaa",), "ccc": ("aaa",)}
    assert version.heads(graph) == ["bbb", "ccc"]  # a branch: two heads
    revision("ddd", '("bbb", "ccc")')  # the merge revision
    assert version.heads(version.revision_graph(tmp_path)) == ["ddd"]


def test_the_revisions_are_read_from_the_migrations_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "a1.py").write_text('revision = "a1"\ndown_revision = None\n')
    monkeypatch.setattr(version, "migrations_dir", lambda: tmp_path)
    version.schema_revision.cache_clear()
    try:
        assert version.schema_revision() == "a1"
    finally:
        version.schema_revision.cache_clear()


def test_legalaid_version_prints_both_without_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        f"LegalAid Desktop {pyproject_version()}",
        f"Schema revision: {'+'.join(alembic_heads())}",
    ]
    assert not (tmp_path / "nowhere").exists()  # no store opened, no folder made

    with pytest.raises(SystemExit) as stopped:
        main(["--json", "--version"])
    assert stopped.value.code == 0
    assert json.loads(capsys.readouterr().out) == {
        "version": pyproject_version(),
        "schema_revision": "+".join(alembic_heads()),
    }


def test_legalaid_version_as_a_command(tmp_path: Path) -> None:
    """The installed ``legalaid`` script, from another folder, with a clean environment."""
    script = Path(sys.executable).with_name("legalaid")
    if not script.exists():
        pytest.skip("the legalaid script is not installed beside this Python")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [str(script), "--version"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [
        "LegalAid",
        "Desktop",
        pyproject_version(),
        "Schema",
        "revision:",
        "+".join(alembic_heads()),
    ]


def test_a_checkout_without_an_install_reads_pyproject(tmp_path: Path) -> None:
    """``PYTHONPATH=src`` without site-packages: no metadata, so ``pyproject.toml`` is read."""
    env = {"PYTHONPATH": str(ROOT / "src"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = (
        "import importlib.metadata as m, sys\n"
        "from legalaid_desktop import version\n"
        "try:\n    m.version(version.DISTRIBUTION)\n    sys.exit('metadata found')\n"
        "except m.PackageNotFoundError:\n    pass\n"
        "print(version.program_version())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == pyproject_version()


def test_a_frozen_build_looks_only_in_its_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyInstaller's ``sys.frozen`` and ``sys._MEIPASS``: the wheel's layout inside the bundle,
    never the source tree (which a center's machine does not have)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    inside = tmp_path / "legalaid_desktop"
    assert paths.bundle_dir() == tmp_path
    assert paths.resources_dir() == inside / "_resources"
    assert paths.resource_path("locale", "az") == inside / "_resources" / "locale" / "az"
    assert paths.migrations_dir() == inside / "_migrations"
    assert paths.source_checkout_file("pyproject.toml") is None


def test_the_checkout_layout_when_not_frozen() -> None:
    assert paths.bundle_dir() is None
    assert paths.resources_dir() == ROOT / "resources"
    assert paths.migrations_dir() == ROOT / "migrations"
    assert paths.source_checkout_file("pyproject.toml") == ROOT / "pyproject.toml"
    assert paths.source_checkout_file("no-such-file") is None
