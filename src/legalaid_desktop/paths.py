"""Where the shipped files (resources, migrations) are: in a checkout, a wheel and a frozen build.

In a wheel, ``resources/`` and ``migrations/`` are packaged as ``legalaid_desktop/_resources``
and ``legalaid_desktop/_migrations``; in a source checkout (editable install, tests) they are the
top-level folders of the repository. The frozen build (PyInstaller, ``packaging/``) keeps the
wheel's layout inside its bundle folder (``sys._MEIPASS``, the ``_internal`` folder beside the
programs) and never looks for them in a source tree.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundle_dir() -> Path | None:
    """The folder a frozen build keeps its libraries and data in; ``None`` when not frozen."""
    if not getattr(sys, "frozen", False):
        return None
    meipass = getattr(sys, "_MEIPASS", None)
    return Path(meipass) if meipass else Path(sys.executable).resolve().parent


def _shipped(packaged: str, top_level: str) -> Path:
    bundle = bundle_dir()
    if bundle is not None:
        return bundle / "legalaid_desktop" / packaged
    inside = _PACKAGE_DIR / packaged
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent.parent / top_level


def source_checkout_file(name: str) -> Path | None:
    """A file at the top of the source checkout this package runs from (``pyproject.toml``),
    or ``None`` in a frozen build, an installed wheel, or when there is no such file."""
    if bundle_dir() is not None or (_PACKAGE_DIR / "_resources").is_dir():
        return None
    path = _PACKAGE_DIR.parent.parent / name
    return path if path.is_file() else None


def resources_dir() -> Path:
    """The folder that holds icons, reference data and translation catalogs."""
    return _shipped("_resources", "resources")


def resource_path(*parts: str) -> Path:
    """A path inside the resources folder."""
    return resources_dir().joinpath(*parts)


def migrations_dir() -> Path:
    """The Alembic script folder."""
    return _shipped("_migrations", "migrations")


APP_NAME = "LegalAid"


def default_data_dir() -> Path:
    """``LEGALAID_DATA_DIR`` if set, else the platform's user data folder (cheap to import)."""
    env = os.environ.get("LEGALAID_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_NAME))


def store_exists(data_dir: Path) -> bool:
    """Whether ``data_dir`` holds a store (its database and its key file)."""
    return (data_dir / "legalaid.db").exists() and (data_dir / "vault.json").exists()
