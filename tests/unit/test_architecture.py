"""The import rules of DESIGN.md §2 and docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import legalaid_desktop

PACKAGE = Path(legalaid_desktop.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports; ``from a import b`` counts as importing ``a`` and ``a.b``."""
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                module = ".".join((*parts, node.module))
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


def _modules(sub: str = "") -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def test_nothing_outside_gui_imports_qt() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if "gui" not in p.relative_to(PACKAGE).parts
        and any(n.split(".")[0] in ("PySide6", "shiboken6") for n in _imports(p))
    ]
    assert offenders == []


def test_gui_never_reaches_the_store_or_sqlalchemy() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules("gui")
        if any(
            n.split(".")[0] in ("sqlalchemy", "sqlcipher3", "alembic")
            or n.startswith("legalaid_desktop.store")
            for n in _imports(p)
        )
    ]
    assert offenders == []


def test_domain_imports_only_domain_i18n_and_text() -> None:
    offenders = [
        (str(p.relative_to(PACKAGE)), n)
        for p in _modules("domain")
        for n in _imports(p)
        if n.startswith("legalaid_desktop")
        and not n.startswith(
            ("legalaid_desktop.domain", "legalaid_desktop.i18n", "legalaid_desktop.text")
        )
    ]
    assert offenders == []


def test_store_does_not_import_services_or_front_ends() -> None:
    forbidden = (
        "legalaid_desktop.services",
        "legalaid_desktop.cli",
        "legalaid_desktop.gui",
        "legalaid_desktop.app",
    )
    offenders = [
        (str(p.relative_to(PACKAGE)), n)
        for p in _modules("store")
        for n in _imports(p)
        if n.startswith(forbidden)
    ]
    assert offenders == []


def test_importing_every_module_touches_no_disk(tmp_path: Path) -> None:
    """No engine, settings file or data folder is created at import time."""
    modules = [
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in _modules()
        if "gui" not in p.parts and "devtools" not in p.parts
    ]
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    env = {
        "LEGALAID_DATA_DIR": str(tmp_path / "data"),
        "HOME": str(tmp_path / "home"),
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.run(
        [sys.executable, "-c", code, *modules], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "home").exists()


def test_gui_never_reaches_through_the_session_to_the_store() -> None:
    """Screens use the session's services; ``session.ws.store.vault`` chains are out of reach.

    Any attribute named ``ws``, ``store`` or ``vault`` in ``gui/`` would be such a chain (the
    session's workspace, its store, the key file); what a screen needs is a service method.
    """
    offenders = [
        (str(p.relative_to(PACKAGE)), node.lineno, node.attr)
        for p in _modules("gui")
        for node in ast.walk(ast.parse(p.read_text("utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in ("ws", "store", "vault")
    ]
    assert offenders == []


# The floors of the house (docs/architecture.md), lowest first. A package may import its own
# floor's packages only where listed in _SIDEWAYS, and any package of a lower floor.
_FLOORS: tuple[tuple[str, ...], ...] = (
    ("text", "fsutil", "paths", "__init__"),
    ("i18n", "version"),
    ("domain",),
    ("reference_data", "tracebacks", "spreadsheet_import"),
    ("store",),
    ("search", "reports", "statistics"),
    ("sync",),
    ("services",),
    ("app",),
    ("cli", "gui", "devtools"),
)
_SIDEWAYS: set[tuple[str, str]] = {
    ("devtools", "gui"),  # screenshots drive the real windows
    ("cli", "devtools"),  # `legalaid demo` runs the demo generator
}


def _floor(package: str) -> int:
    return next(i for i, floor in enumerate(_FLOORS) if package in floor)


def _package_edges() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) → the modules where it happens."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in _modules():
        source = path.relative_to(PACKAGE).with_suffix("").parts[0]
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "legalaid_desktop" or len(parts) < 2:
                continue
            target = parts[1]
            if target != source:
                edges.setdefault((source, target), []).append(str(path.relative_to(PACKAGE)))
    return edges


def test_every_package_has_a_floor() -> None:
    packages = {p.relative_to(PACKAGE).with_suffix("").parts[0] for p in _modules()}
    placed = {name for floor in _FLOORS for name in floor}
    assert packages - placed == set(), "add the new package to _FLOORS and docs/architecture.md"


def test_no_import_runs_up_a_floor_or_sideways() -> None:
    offenders = sorted(
        (source, target, modules[0])
        for (source, target), modules in _package_edges().items()
        if _floor(target) > _floor(source)
        or (_floor(target) == _floor(source) and (source, target) not in _SIDEWAYS)
    )
    assert offenders == []


def test_no_two_packages_import_each_other() -> None:
    edges = _package_edges()
    both_ways = sorted((a, b) for (a, b) in edges if a < b and (b, a) in edges)
    assert both_ways == []


def _reaching(package: str, forbidden: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (str(p.relative_to(PACKAGE)), n)
        for p in _modules(package)
        for n in _imports(p)
        if n.startswith(tuple(f"legalaid_desktop.{f}" for f in forbidden))
    ]


def test_the_text_package_imports_nothing_of_the_project() -> None:
    offenders = [
        (str(p.relative_to(PACKAGE)), n)
        for p in _modules("text")
        for n in _imports(p)
        if n.startswith("legalaid_desktop") and not n.startswith("legalaid_desktop.text")
    ]
    assert _modules("text") and offenders == []


def test_i18n_imports_nothing_above_it() -> None:
    offenders = [
        (str(p.relative_to(PACKAGE)), n)
        for p in _modules("i18n")
        for n in _imports(p)
        if n.startswith("legalaid_desktop")
        and not n.startswith(("legalaid_desktop.i18n", "legalaid_desktop.paths"))
    ]
    assert offenders == []


def test_services_never_import_the_composition_root_or_a_front_end() -> None:
    assert _reaching("services", ("app", "cli", "gui", "devtools")) == []


def test_the_cli_never_imports_the_store() -> None:
    assert _reaching("cli", ("store",)) == []


@pytest.mark.parametrize("package", ["sync", "search", "reports", "statistics"])
def test_the_engines_never_import_services(package: str) -> None:
    assert _reaching(package, ("services", "app", "cli", "gui", "devtools")) == []


def test_the_statistics_core_reaches_no_store() -> None:
    """Measures, periods, suppression and the writers are pure: the counting is a service's."""
    assert _reaching("statistics", ("store", "search", "reports", "sync")) == []
