"""Compile the Qt-side translations: `resources/locale/qt/*.ts` into the `.qm` files beside them.

Usage: python scripts/build_qt_translations.py [--check]

These cover Qt's own strings (standard buttons, message boxes, the file and print dialogs, text
context menus) where PySide6 ships no translation (Azerbaijani) or an incomplete one (a few
Russian strings); ``gui/application.py`` installs them after Qt's own ``qtbase_<lang>.qm``. The
compiled ``.qm`` files are committed (they ship in the package with ``resources/``); run this
after editing a ``.ts`` file. ``--check`` compiles into a temporary folder and fails if a
committed ``.qm`` differs (``tests/gui/test_qt_translations.py`` checks the same by content).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

QT_DIR = Path(__file__).resolve().parent.parent / "resources" / "locale" / "qt"


def lrelease() -> str:
    """The ``lrelease`` of the PySide6 in this environment."""
    beside_python = Path(sys.executable).with_name("pyside6-lrelease")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if found is None:
        raise SystemExit("pyside6-lrelease not found (it comes with PySide6-Essentials)")
    return found


def compile_ts(ts: Path, qm: Path) -> None:
    """Compile one ``.ts`` file; unfinished or invalid translations are errors."""
    subprocess.run(
        [lrelease(), "-silent", "-fail-on-unfinished", str(ts), "-qm", str(qm)], check=True
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the committed .qm")
    args = parser.parse_args(argv)
    sources = sorted(QT_DIR.glob("*.ts"))
    if not sources:
        raise SystemExit(f"no .ts files in {QT_DIR}")
    stale: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for ts in sources:
            qm = ts.with_suffix(".qm")
            if args.check:
                fresh = Path(folder) / qm.name
                compile_ts(ts, fresh)
                if not qm.exists() or qm.read_bytes() != fresh.read_bytes():
                    stale.append(qm.name)
            else:
                compile_ts(ts, qm)
                print(qm)
    if stale:
        print("out of date (run scripts/build_qt_translations.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
