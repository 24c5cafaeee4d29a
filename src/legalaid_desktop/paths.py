"""Where the shipped files (resources, migrations) are, in a checkout and in an installed wheel.

In a wheel, ``resources/`` and ``migrations/`` are packaged as ``legalaid_desktop/_resources``
and ``legalaid_desktop/_migrations``; in a source checkout (editable install, tests) they are the
top-level folders of the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(packaged: str, top_level: str) -> Path:
    inside = _PACKAGE_DIR / packaged
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent.parent / top_level


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
