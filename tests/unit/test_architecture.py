"""The import rules of DESIGN.md §2, checked on the source (not by hope)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import legalaid_desktop

PACKAGE = Path(legalaid_desktop.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                names.add(".".join((*parts, node.module)))
            else:
                names.add(node.module)
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


def test_domain_imports_only_domain_and_i18n() -> None:
    offenders = [
        (str(p.relative_to(PACKAGE)), n)
        for p in _modules("domain")
        for n in _imports(p)
        if n.startswith("legalaid_desktop")
        and not n.startswith(("legalaid_desktop.domain", "legalaid_desktop.i18n"))
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
