"""The program's version and the schema revision it creates and expects, for both front ends.

``legalaid --version`` and Help › About show the same two facts from :func:`version_info`:

* the **version** comes from one place, ``version`` in ``pyproject.toml``, as the installed
  package's metadata says it (an editable install, a wheel, or the frozen build, which carries
  the package's ``dist-info``); a checkout run without an install (``PYTHONPATH=src``) reads
  ``pyproject.toml`` itself;
* the **schema revision** is the head of the Alembic revisions shipped with the program (the
  revision a new store is created at and an older store is upgraded to). It is read from the
  revision files' ``revision`` / ``down_revision`` lines without opening a store and without
  importing Alembic or SQLAlchemy (cheap enough for the GUI thread, and it works in the frozen
  build, which ships the revisions as files); a test checks it against Alembic's own answer.

Nothing here imports Qt or anything above :mod:`legalaid_desktop.paths`.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from legalaid_desktop.paths import migrations_dir, source_checkout_file

DISTRIBUTION = "legalaid-desktop"
"""The distribution name in ``pyproject.toml`` (and in the frozen build's metadata)."""

UNKNOWN = "unknown"


@dataclass(frozen=True)
class VersionInfo:
    """What the program says about itself.

    Attributes:
        version: The program version, e.g. ``"0.1.0"``.
        schema_revision: The Alembic head revision it creates and expects, e.g.
            ``"a4c7e2f9b1d3"`` (several heads, which the tests forbid, would be joined by ``+``).
    """

    version: str
    schema_revision: str


def program_version() -> str:
    """The version of the installed (or frozen) package; see the module docstring."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        pass
    pyproject = source_checkout_file("pyproject.toml")
    if pyproject is None:
        return UNKNOWN
    import tomllib

    with pyproject.open("rb") as f:
        return str(tomllib.load(f).get("project", {}).get("version", UNKNOWN))


def _assigned(tree: ast.Module, name: str) -> object:
    """The literal value assigned to ``name`` at module level (``None`` if absent)."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return ast.literal_eval(node.value)  # type: ignore[arg-type]
    return None


def revision_graph(versions: Path) -> dict[str, tuple[str, ...]]:
    """Each revision in the folder ``versions`` and the revisions it follows.

    Args:
        versions: An Alembic ``versions`` folder.

    Returns:
        ``{revision: (down_revision, ...)}``, empty for the first revision.
    """
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted(versions.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        revision = _assigned(tree, "revision")
        if not isinstance(revision, str):
            continue
        down = _assigned(tree, "down_revision")
        if down is None:
            graph[revision] = ()
        elif isinstance(down, str):
            graph[revision] = (down,)
        else:
            graph[revision] = tuple(str(d) for d in down)  # type: ignore[attr-defined]
    return graph


def heads(graph: dict[str, tuple[str, ...]]) -> list[str]:
    """The revisions no other revision follows, sorted."""
    followed = {down for downs in graph.values() for down in downs}
    return sorted(set(graph) - followed)


@functools.cache
def schema_revision() -> str:
    """The head of the shipped Alembic revisions (read once per process)."""
    found = heads(revision_graph(migrations_dir() / "versions"))
    return "+".join(found) if found else UNKNOWN


@functools.cache
def version_info() -> VersionInfo:
    """The version and the schema revision (read once per process)."""
    return VersionInfo(version=program_version(), schema_revision=schema_revision())
