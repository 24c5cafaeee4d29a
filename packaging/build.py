"""``make package``: the frozen one-folder build, and on Linux the tarball a center unpacks.

Steps (each timed; the figures end up in ``dist/package-info.json``):

1. stage what the spec takes from outside the source tree into ``build/stage``: the icon sizes
   rendered from our SVG (packaging/icons.py) and the PDF font (packaging/pdf_font.py);
2. PyInstaller with ``packaging/legalaid.spec`` into ``dist/legalaid-desktop/`` (the desktop
   program ``legalaid-desktop``, the command ``legalaid`` and their shared ``_internal/``);
3. Linux: the desktop entry, AppStream metadata, icons, README and the install/uninstall scripts
   into that folder, then ``dist/legalaid-desktop-<version>-linux-<machine>.tar.gz`` whose one
   top folder is ``legalaid-desktop-<version>/``;
   Windows: the installer, when ``makensis`` is on PATH (packaging/windows/legalaid.nsi,
   compiled with the version and the folder; otherwise the command to run is printed).

The version comes from one place, ``pyproject.toml``. ``make package-check`` (packaging/check.py)
then tries what was built.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"
BUILD = ROOT / "build"
STAGE = BUILD / "stage"
FOLDER_NAME = "legalaid-desktop"
APP_ID = "az.legalaid.LegalAidDesktop"
DESKTOP_FILE = "legalaid-desktop.desktop"
WINDOWS = sys.platform.startswith("win")


def project_version() -> str:
    """``version`` in ``pyproject.toml``: the one place the version is written."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def machine() -> str:
    return {"amd64": "x86_64", "x64": "x86_64"}.get(platform.machine().lower(), platform.machine())


def tarball_name(version: str) -> str:
    return f"legalaid-desktop-{version}-linux-{machine()}.tar.gz"


def installer_name(version: str) -> str:
    return f"legalaid-desktop-{version}-windows-x86_64-setup.exe"


def metainfo_text(version: str, date: str) -> str:
    """The AppStream metadata with this release's version and date filled in."""
    template = (PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").read_text("utf-8")
    return template.replace("@VERSION@", version).replace("@DATE@", date)


def folder_size(folder: Path) -> int:
    """Bytes of the files below ``folder`` (symbolic links not followed nor counted)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def stage(target: Path) -> None:
    """Icons and the PDF font, where the spec expects them."""
    sys.path.insert(0, str(PACKAGING))
    import icons
    import pdf_font

    if target.exists():
        shutil.rmtree(target)
    icons.render_all(target / "icons")
    pdf_font.stage(target / "fonts")


def run_pyinstaller(clean: bool) -> None:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(BUILD / "pyinstaller"),
        str(PACKAGING / "legalaid.spec"),
    ]
    if clean:
        command.insert(3, "--clean")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["LEGALAID_STAGE"] = str(STAGE)
    subprocess.run(command, check=True, cwd=ROOT, env=env)


def add_linux_files(folder: Path, version: str) -> None:
    """Desktop entry, metadata, icons, README and the install scripts, into the folder."""
    linux = PACKAGING / "linux"
    share = folder / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(linux / DESKTOP_FILE, share / "applications" / DESKTOP_FILE)
    (share / "metainfo").mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    (share / "metainfo" / f"{APP_ID}.metainfo.xml").write_text(
        metainfo_text(version, today), "utf-8"
    )
    shutil.copytree(STAGE / "icons" / "hicolor", share / "icons" / "hicolor", dirs_exist_ok=True)
    readme = (linux / "README.txt").read_text("utf-8").replace("@VERSION@", version)
    (folder / "README.txt").write_text(readme, "utf-8")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copyfile(linux / script, folder / script)
        (folder / script).chmod(0o755)


def make_tarball(folder: Path, version: str) -> Path:
    """``dist/legalaid-desktop-<version>-linux-<machine>.tar.gz`` with one top folder."""
    target = DIST / tarball_name(version)
    partial = target.with_name(target.name + ".part")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=f"legalaid-desktop-{version}")
    partial.replace(target)
    return target


def makensis_command(
    source: Path, output: Path, version: str, icon: Path | None = None
) -> list[str]:
    """The NSIS compiler's command for the installer of the frozen folder ``source``."""
    return [
        "makensis",
        "-V2",
        "-INPUTCHARSET",
        "UTF8",
        f"-DVERSION={version}",
        f"-DSOURCE_DIR={source}",
        f"-DOUTFILE={output}",
        *([f"-DICON={icon}"] if icon is not None else []),
        str(PACKAGING / "windows" / "legalaid.nsi"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="PyInstaller without its cache")
    parser.add_argument("--no-archive", action="store_true", help="only the folder")
    args = parser.parse_args(argv)
    version = project_version()
    times: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str, since: float) -> float:
        now = time.perf_counter()
        times[name] = round(now - since, 1)
        print(f"== {name}: {times[name]} s", flush=True)
        return now

    mark = started
    stage(STAGE)
    mark = step("stage icons and font", mark)
    folder = DIST / FOLDER_NAME
    if folder.exists():
        shutil.rmtree(folder)
    run_pyinstaller(args.clean)
    mark = step("pyinstaller", mark)
    info: dict[str, object] = {"version": version, "folder": str(folder)}
    if not WINDOWS:
        add_linux_files(folder, version)
    info["folder_bytes"] = folder_size(folder)
    if not args.no_archive and not WINDOWS:
        tarball = make_tarball(folder, version)
        mark = step("tarball", mark)
        info["tarball"] = str(tarball)
        info["tarball_bytes"] = tarball.stat().st_size
    if WINDOWS and not args.no_archive:
        icon = STAGE / "icons" / "legalaid-desktop.ico"
        command = makensis_command(folder, DIST / installer_name(version), version, icon)
        if shutil.which("makensis"):
            subprocess.run(command, check=True)
            mark = step("installer", mark)
            info["installer"] = str(DIST / installer_name(version))
        else:
            print("makensis is not on PATH; to make the installer run:\n  " + " ".join(command))
    info["seconds"] = round(time.perf_counter() - started, 1)
    info["steps"] = times
    (DIST / "package-info.json").write_text(json.dumps(info, indent=2) + "\n", "utf-8")
    mib = 1024 * 1024
    print(
        f"== built {version} in {info['seconds']} s: {folder} "
        f"{int(info['folder_bytes']) / mib:.0f} MiB"  # type: ignore[call-overload]
        + (
            f", {info['tarball']} {int(info['tarball_bytes']) / mib:.0f} MiB"  # type: ignore[call-overload]
            if "tarball" in info
            else ""
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
