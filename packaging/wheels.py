"""Does every package the Windows build installs have a wheel for Windows x86-64?

The Windows build machine installs ``requirements.lock`` as it is (``pip install
--require-hashes -r requirements.lock``, packaging/windows/README.md): every pinned package
whose environment marker holds on Windows, development tools included (PyInstaller is one).
A package without a wheel for the machine would have to be compiled there, which a build
machine without a C compiler cannot do, so the check covers all of them, for CPython 3.11,
3.12 and 3.13 on ``win_amd64``: a wheel counts if one of its tags is one such an interpreter
accepts (``cp3X-cp3X-win_amd64``, ``cp3Y-abi3-win_amd64`` with Y <= X, ``py3-none-any``...).

The files of each release are asked of the package index's JSON API
(``https://pypi.org/pypi/NAME/VERSION/json``; ``/pypi/NAME/json`` and its ``releases`` if the
first is not served, as by some caching mirrors). It needs the network, so it runs in
``make package-check``, not in the offline unit tests; an index that cannot be reached is said
so, plainly. Run alone: ``python packaging/wheels.py [--python 3.11 3.12 3.13]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
INDEX = "https://pypi.org/pypi"
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORM = "win_amd64"


@dataclass(frozen=True)
class Pin:
    """One package of the lock file: ``name==version ; marker``."""

    name: str
    version: str
    requirement: Requirement

    def applies(self, python: str) -> bool:
        """Whether the marker holds for CPython ``python`` on 64-bit Windows."""
        marker = self.requirement.marker
        return marker is None or marker.evaluate(windows_environment(python))


@dataclass
class Verdict:
    """What the index said about one pin."""

    pin: Pin
    missing: list[str] = field(default_factory=list)  # Python versions without a wheel
    error: str | None = None


def windows_environment(python: str) -> dict[str, str]:
    """The marker variables of CPython ``python`` (``"3.12"``) on 64-bit Windows."""
    return {
        "os_name": "nt",
        "sys_platform": "win32",
        "platform_system": "Windows",
        "platform_machine": "AMD64",
        "platform_release": "10",
        "platform_version": "10.0.19045",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


def read_lock(path: Path = LOCK) -> list[Pin]:
    """The pins of a lock file written by ``uv pip compile`` (continuation lines joined)."""
    text = path.read_text("utf-8").replace("\\\n", " ")
    pins = []
    for line in text.splitlines():
        line = line.split(" --hash", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            raise ValueError(f"not an exact pin: {line}")
        pins.append(Pin(canonicalize_name(requirement.name), specifiers[0].version, requirement))
    return pins


def accepted_tags(python: str) -> set[Tag]:
    """Every wheel tag CPython ``python`` on ``win_amd64`` installs."""
    major, minor = (int(p) for p in python.split("."))
    version = (major, minor)
    tags = set(cpython_tags(version, abis=[f"cp{major}{minor}"], platforms=[PLATFORM]))
    tags |= set(compatible_tags(version, interpreter=f"cp{major}{minor}", platforms=[PLATFORM]))
    return tags


def wheel_tags(filenames: Iterable[str]) -> list[frozenset[Tag]]:
    """The tags of every wheel among ``filenames``."""
    return [frozenset(parse_wheel_filename(name)[3]) for name in filenames if name.endswith(".whl")]


def missing_pythons(pin: Pin, filenames: Iterable[str], pythons: Iterable[str]) -> list[str]:
    """The Python versions (where the pin applies) for which no wheel among ``filenames`` fits."""
    wheels = wheel_tags(filenames)
    return [
        python
        for python in pythons
        if pin.applies(python) and not any(tags & accepted_tags(python) for tags in wheels)
    ]


def _get_json(url: str) -> dict[str, object]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def release_files(name: str, version: str, get: Callable[[str], dict] = _get_json) -> list[str]:
    """The file names of one release, from the index's JSON API."""
    try:
        document = get(f"{INDEX}/{name}/{version}/json")
        return [str(f["filename"]) for f in document["urls"]]
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            raise
    document = get(f"{INDEX}/{name}/json")
    releases = document.get("releases", {})
    if version not in releases:
        raise LookupError(f"{name} {version} is not on the index")
    return [str(f["filename"]) for f in releases[version]]


def check(
    pins: Iterable[Pin], pythons: Iterable[str] = PYTHONS, get: Callable[[str], dict] = _get_json
) -> list[Verdict]:
    """Ask the index about every pin that applies on Windows for one of ``pythons``."""
    pythons = tuple(pythons)
    wanted = [p for p in pins if any(p.applies(py) for py in pythons)]

    def one(pin: Pin) -> Verdict:
        verdict = Verdict(pin)
        try:
            verdict.missing = missing_pythons(
                pin, release_files(pin.name, pin.version, get), pythons
            )
        except (OSError, LookupError, ValueError, KeyError) as exc:
            verdict.error = f"{type(exc).__name__}: {exc}"
        return verdict

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, wanted))


def index_reachable(get: Callable[[str], dict] = _get_json) -> str | None:
    """``None`` if the index answers, else why not."""
    try:
        get(f"{INDEX}/pip/json")
    except (OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Print a line per package; 0 if every one has its wheels, 1 if not, 3 if offline."""
    parser = argparse.ArgumentParser(description="Windows x86-64 wheels of requirements.lock")
    parser.add_argument("--python", nargs="+", default=list(PYTHONS), metavar="X.Y")
    args = parser.parse_args(argv)
    unreachable = index_reachable()
    if unreachable is not None:
        print(
            f"THE PACKAGE INDEX CANNOT BE REACHED ({unreachable}): "
            "the Windows wheels were NOT checked"
        )
        return 3
    verdicts = check(read_lock(), args.python)
    bad = [v for v in verdicts if v.missing or v.error]
    for v in sorted(verdicts, key=lambda v: v.pin.name):
        state = (
            "ok"
            if not (v.missing or v.error)
            else v.error or "no wheel for " + ", ".join(v.missing)
        )
        print(f"  {v.pin.name}=={v.pin.version}: {state}")
    print(
        f"{len(verdicts)} packages installed by the Windows build checked for "
        f"{PLATFORM} on CPython {', '.join(args.python)}: "
        + (
            "every one has a wheel"
            if not bad
            else f"{len(bad)} without: " + ", ".join(v.pin.name for v in bad)
        )
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
