"""New stores for tests, made once per test process and copied.

Making a store runs every migration and two Argon2id derivations (about 1 s; HQ and two enrolled
centers about 3.5 s), and most tests start from the same new store. So the first test of a
process that asks for one makes it for real into a template folder; every later test gets a copy
of that folder and logs in (about 0.2 s). The copy is the real thing: the same files a new store
has, opened by the real login.

A test that asks for the same kind of store twice gets a copy the first time and a store made
for real the second, so that two stores of one test never share their keys (a test that a
bundle, a backup or a key of one store does not open another must see two different stores).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

_root: Path | None = None
_templates: dict[str, Path] = {}
_used: set[str] = set()


def new_test() -> None:
    """Called before each test (an autouse fixture in conftest)."""
    _used.clear()


def use_folder(folder: Path) -> None:
    """Keep the templates in ``folder`` (conftest gives one of pytest's temporary folders, which
    pytest removes in time even when a process ends without running its exit handlers, as the
    workers mutmut forks do)."""
    global _root
    if _root != folder:
        _root = folder
        _templates.clear()


def _folder() -> Path:
    global _root
    if _root is None:
        _root = Path(tempfile.mkdtemp(prefix="legalaid-templates-"))
        atexit.register(shutil.rmtree, _root, True)
    return _root


def copied(kind: str, target: Path, make: Callable[[Path], None]) -> bool:
    """Copy the template ``kind`` to ``target`` (which must not hold anything yet), making the
    template first with ``make(folder)`` if this process has none.

    Returns false, copying nothing, when this test already had a copy of ``kind`` or
    ``target`` is not empty: the caller then makes its store for real.
    """
    if kind in _used or (target.exists() and any(target.iterdir())):
        return False
    template = _templates.get(kind)
    if template is None:
        template = _folder() / kind
        make(template)
        _templates[kind] = template
    _used.add(kind)
    shutil.copytree(template, target, dirs_exist_ok=True)
    return True
