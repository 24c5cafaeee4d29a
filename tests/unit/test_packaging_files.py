"""The files of packaging/ that need no build: desktop entry, AppStream metadata, icons, the
install scripts, the Windows installer script (compiled with ``makensis`` when it is installed)
and the reading of the lock file for the Windows wheel check.

The build itself and the wheel check against the package index run in ``make package`` and
``make package-check`` (packaging/check.py), not here.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def load(name: str) -> ModuleType:
    """A module of packaging/ (a folder of scripts, not a package)."""
    key = f"legalaid_packaging_{name}"  # not "build" or "icons": names others may use
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


# -- Linux ----------------------------------------------------------------------------------------


def desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_the_desktop_entry() -> None:
    build = load("build")
    entry = desktop_entry(PACKAGING / "linux" / build.DESKTOP_FILE)
    assert entry["Type"] == "Application"
    assert entry["Exec"] == entry["TryExec"] == "legalaid-desktop"  # install.sh makes it absolute
    assert entry["Icon"] == load("icons").NAME
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Office" in entry["Categories"].split(";")
    for key in ("GenericName", "Comment"):
        assert entry[f"{key}[az]"] and entry[f"{key}[ru]"] and entry[key]
    assert "ə" in entry["Comment[az]"]
    # Qt's desktopFileName ties the windows to this entry (gui/application.py)
    application = (ROOT / "src/legalaid_desktop/gui/application.py").read_text("utf-8")
    assert f'setDesktopFileName("{build.DESKTOP_FILE.removesuffix(".desktop")}")' in application


def test_the_appstream_metadata() -> None:
    build = load("build")
    text = build.metainfo_text(version(), "2026-12-06")
    assert "@" not in text.replace("xml:lang", "")  # every placeholder filled in
    root = ET.fromstring(text)
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == build.APP_ID
    assert re.fullmatch(r"[a-z]{2,}\.[a-z]+\.[A-Za-z]+", build.APP_ID)  # reverse-DNS
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license")
    assert root.findtext("name") == "LegalAid Desktop"
    summaries = {s.get(XML_LANG): s.text for s in root.findall("summary")}
    assert set(summaries) == {None, "az", "ru"} and all(summaries.values())
    paragraphs = {p.get(XML_LANG) for p in root.findall("description/p")}
    assert paragraphs == {None, "az", "ru"}
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == build.DESKTOP_FILE
    assert (PACKAGING / "linux" / build.DESKTOP_FILE).is_file()
    assert {b.text for b in root.findall("provides/binary")} == {"legalaid", "legalaid-desktop"}
    releases = root.findall("releases/release")
    assert [(r.get("version"), r.get("date")) for r in releases] == [(version(), "2026-12-06")]
    assert root.find("content_rating") is not None


@pytest.mark.parametrize(
    ("tool", "args"),
    [("desktop-file-validate", []), ("appstreamcli", ["validate", "--no-net", "--pedantic"])],
)
def test_freedesktop_validators_if_installed(tool: str, args: list[str], tmp_path: Path) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    build = load("build")
    if tool == "appstreamcli":
        target = tmp_path / f"{build.APP_ID}.metainfo.xml"
        target.write_text(build.metainfo_text(version(), "2026-12-06"), "utf-8")
    else:
        target = PACKAGING / "linux" / build.DESKTOP_FILE
    done = subprocess.run([tool, *args, str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in (done.stdout + done.stderr).lower().replace("errors: 0", "")


def test_the_tarball_is_named_as_the_issue_says() -> None:
    build = load("build")
    if build.machine() == "x86_64":
        assert build.tarball_name("0.1.0") == "legalaid-desktop-0.1.0-linux-x86_64.tar.gz"
    assert build.project_version() == version()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_icons_render_every_size_from_the_svg(qapp: object, tmp_path: Path) -> None:
    icons = load("icons")
    written = icons.render_all(tmp_path)
    for size in icons.PNG_SIZES:
        data = written[f"png{size}"].read_bytes()
        assert png_size(data) == (size, size)
        assert written[f"png{size}"].parent.parent.name == f"{size}x{size}"
    assert written["svg"].read_bytes() == icons.SVG.read_bytes()
    ico = written["ico"].read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for i, size in enumerate(icons.ICO_SIZES):
        width, height, _c, _r, _p, _b, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i]
        )
        assert (width or 256, height or 256) == (size, size)
        assert png_size(ico[offset : offset + length]) == (size, size)


def staged_program(folder: Path) -> Path:
    """A folder of the tarball's layout, with stand-ins for the programs."""
    build = load("build")
    (folder / "share" / "applications").mkdir(parents=True)
    shutil.copyfile(
        PACKAGING / "linux" / build.DESKTOP_FILE,
        folder / "share" / "applications" / build.DESKTOP_FILE,
    )
    (folder / "share" / "metainfo").mkdir()
    (folder / "share" / "metainfo" / f"{build.APP_ID}.metainfo.xml").write_text(
        build.metainfo_text(version(), "2026-12-06"), "utf-8"
    )
    icon = folder / "share" / "icons" / "hicolor" / "48x48" / "apps" / "legalaid-desktop.png"
    icon.parent.mkdir(parents=True)
    icon.write_bytes(b"\x89PNG\r\n\x1a\nstand-in")
    for name in ("legalaid", "legalaid-desktop"):
        (folder / name).write_text("#!/bin/sh\necho stand-in\n")
        (folder / name).chmod(0o755)
    for script in ("install.sh", "uninstall.sh"):
        shutil.copyfile(PACKAGING / "linux" / script, folder / script)
    return folder


@pytest.mark.skipif(os.name != "posix", reason="shell scripts")
def test_install_then_uninstall_for_a_user_leaves_the_data(tmp_path: Path) -> None:
    program = staged_program(tmp_path / "opt" / "legalaid desktop-0.1.0")  # a space in the path
    home = tmp_path / "home"
    data = home / ".local" / "share" / "LegalAid"
    data.mkdir(parents=True)
    (data / "legalaid.db").write_bytes(b"the center's records")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    done = subprocess.run(
        ["sh", str(program / "install.sh"), "--user"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    share = home / ".local" / "share"
    entry = desktop_entry(share / "applications" / "legalaid-desktop.desktop")
    assert entry["Exec"] == f'"{program}/legalaid-desktop"'
    assert entry["TryExec"] == f"{program}/legalaid-desktop"
    assert (share / "icons/hicolor/48x48/apps/legalaid-desktop.png").is_file()
    assert (share / "metainfo" / f"{load('build').APP_ID}.metainfo.xml").is_file()
    link = home / ".local" / "bin" / "legalaid"
    assert link.is_symlink() and link.resolve() == (program / "legalaid").resolve()
    if shutil.which("desktop-file-validate"):
        validated = subprocess.run(
            ["desktop-file-validate", str(share / "applications" / "legalaid-desktop.desktop")],
            capture_output=True,
            text=True,
        )
        assert validated.returncode == 0, validated.stdout

    done = subprocess.run(
        ["sh", str(program / "uninstall.sh"), "--user"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert not (share / "applications" / "legalaid-desktop.desktop").exists()
    assert not (share / "icons/hicolor/48x48/apps/legalaid-desktop.png").exists()
    assert not link.exists()
    assert (data / "legalaid.db").read_bytes() == b"the center's records"


# -- Windows --------------------------------------------------------------------------------------

NSI = PACKAGING / "windows" / "legalaid.nsi"


def uninstall_section() -> str:
    text = NSI.read_text("utf-8")
    return text.split('Section "Uninstall"', 1)[1].split("SectionEnd", 1)[0]


def test_the_uninstaller_removes_only_the_programs_files() -> None:
    removals = re.findall(r"^\s*(Delete|RMDir)(?:\s+/r)?\s+\"([^\"]+)\"", uninstall_section(), re.M)
    assert removals, "no removal found: the parser is wrong"
    for _command, target in removals:
        assert target.startswith(("$INSTDIR", "${MENU_DIR}")), target
    assert ("RMDir", "$INSTDIR") in removals  # only if empty: RMDir without /r
    assert not re.search(r"RMDir\s+/r\s+\"\$INSTDIR\"", uninstall_section())
    for data_folder in ("LOCALAPPDATA", "APPDATA", "PROFILE", "DOCUMENTS"):
        assert data_folder not in uninstall_section()


def test_the_installer_is_per_machine_and_takes_its_version_from_outside() -> None:
    text = NSI.read_text("utf-8")
    assert "RequestExecutionLevel admin" in text
    assert 'InstallDir "$PROGRAMFILES64\\' in text
    assert text.count("SetShellVarContext all") == 2  # install and uninstall: all users' menu
    assert version() not in text  # never written here: build.py passes pyproject's
    assert '!error "VERSION is not defined' in text
    assert "CreateShortcut" in text and "legalaid-prompt.cmd" in text
    assert (PACKAGING / "windows" / "legalaid-prompt.cmd").is_file()


def test_the_installer_script_compiles(qapp: object, tmp_path: Path) -> None:
    if shutil.which("makensis") is None:
        pytest.skip(
            "makensis is not installed (Debian: apt-get install nsis); make package-check "
            "requires it and .ci/run installs it"
        )
    build = load("build")
    staged = tmp_path / "legalaid-desktop"
    (staged / "_internal").mkdir(parents=True)
    for name in ("legalaid-desktop.exe", "legalaid.exe", "_internal/python311.dll"):
        (staged / name).write_bytes(b"MZ stand-in")
    output = tmp_path / build.installer_name(version())
    icon = load("icons").render_all(tmp_path / "icons")["ico"]
    command = build.makensis_command(staged, output, version(), icon)
    command.insert(1, "-WX")  # a warning fails too
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert output.read_bytes()[:2] == b"MZ"
    # without the version from outside it refuses to compile
    unversioned = [c for c in command if not c.startswith("-DVERSION=")]
    assert subprocess.run(unversioned, capture_output=True).returncode != 0


# -- the Windows wheel check, offline -------------------------------------------------------------


def test_the_lock_is_read_with_its_markers() -> None:
    wheels = load("wheels")
    pins = {p.name: p for p in wheels.read_lock()}
    assert len(pins) >= 40 and pins["sqlcipher3"].version
    assert not any(pins["atheris"].applies(py) for py in wheels.PYTHONS)  # Linux only
    assert not pins["macholib"].applies("3.12")  # macOS only
    assert all(pins[name].applies("3.11") for name in ("colorama", "pywin32-ctypes", "pefile"))
    assert [py for py in wheels.PYTHONS if pins["pyyaml-ft"].applies(py)] == ["3.13"]
    assert [py for py in wheels.PYTHONS if pins["pyyaml"].applies(py)] == ["3.11", "3.12"]


@pytest.mark.parametrize(
    ("files", "missing"),
    [
        (["x-1-cp311-cp311-win_amd64.whl", "x-1-cp312-cp312-win_amd64.whl"], ["3.13"]),
        (["x-1-cp39-abi3-win_amd64.whl"], []),
        (["x-1-py3-none-any.whl"], []),
        (["x-1-py2.py3-none-any.whl"], []),
        (["x-1-cp311-cp311-win32.whl", "x-1-cp311-cp311-win_arm64.whl"], ["3.11", "3.12", "3.13"]),
        (["x-1-cp311-cp311-manylinux_2_28_x86_64.whl", "x-1.tar.gz"], ["3.11", "3.12", "3.13"]),
        (["x-1-cp314-abi3-win_amd64.whl"], ["3.11", "3.12", "3.13"]),
        (["x-1-py3-none-win_amd64.whl"], []),
    ],
)
def test_which_wheels_a_windows_python_takes(files: list[str], missing: list[str]) -> None:
    wheels = load("wheels")
    pin = next(p for p in wheels.read_lock() if p.name == "reportlab")
    assert wheels.missing_pythons(pin, files, wheels.PYTHONS) == missing
