"""``make package-check``: try the BUILT program as a center would, far from the checkout.

The Linux tarball made by ``make package`` is unpacked into a new temporary folder outside the
checkout, and its two programs run there with a clean environment (no ``PYTHONPATH``, ``HOME``
and the working folder in that temporary folder, ``PATH=/usr/bin:/bin``). As root with
``unshare`` at hand, every run is in its own mount namespace where an empty tmpfs covers the
checkout and the build Python's standard library, so that any read of the source tree, of
``resources/`` or ``migrations/`` in it, or of a module outside the bundle fails; the PDF run
also hides the system's font folders, so the font must be the bundle's. Otherwise the output
says plainly that nothing was hidden.

What is tried (each step timed):

* the layout: one top folder, the programs, desktop entry, AppStream metadata of this version,
  icons, README and install scripts, the revisions, the font, no translation sources;
* every library in the bundle finds what it links against (``ldd``);
* ``legalaid --version`` (the version of pyproject.toml and the head of migrations/);
* an HQ and a center store made with ``legalaid init``, enrolled with each other; a client and a
  case at the center, the case's PDF summary (``%PDF``, the Azerbaijani text read back, the
  bundle's DejaVu Sans embedded), an XLSX export, a bundle exported, inspected and imported at
  HQ; ``db verify`` in Azerbaijani and Russian; a common password refused (the shipped list);
  the reference lists; a client list in XLSX imported (python-calamine); a backup file written to
  a folder, restored into a new data folder and verified; 10,000 demo clients
  (the demo's second process is this frozen program started again);
* the desktop program with ``QT_QPA_PLATFORM=offscreen --smoke-test`` on the center's store (the
  login window, Qt's plugins, QtPdf on the case's PDF, translations) and on an empty folder (the
  first-run wizard); it must exit with 0;
* nothing was written into the program's folder by all of the above;
* the Windows installer script compiles with ``makensis`` against a staged folder of the
  frozen layout (tests/unit/test_packaging_files.py does the same; here it is required);
* every package the Windows build installs has a wheel for Windows x86-64 on CPython 3.11-3.13
  (packaging/wheels.py; needs the network: an index that cannot be reached is reported, and
  does not fail the check).

Run: ``python packaging/check.py [--keep] [--no-nsis] [--no-wheels]``; 0 when everything passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
sys.path.insert(0, str(PACKAGING))

import build  # noqa: E402 - packaging/build.py, beside this file

PASSWORD = "Qala-tower-2026"
CLIENT = "Əliyev Rəşad İsmayıl oğlu"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
AZ_LETTERS = set("əğıİşçöüƏĞŞÇÖÜ")


class CheckFailed(Exception):
    """One step found the built program wrong."""


def expected_schema_revision() -> str:
    """The head of the checkout's revisions, as the frozen program must report it."""
    sys.path.insert(0, str(ROOT / "src"))
    from legalaid_desktop.version import heads, revision_graph

    return "+".join(heads(revision_graph(ROOT / "migrations" / "versions")))


class Sandbox:
    """Runs the unpacked programs with a clean environment, the checkout out of reach."""

    def __init__(self, program: Path, work: Path) -> None:
        self.program = program
        self.work = work
        self.home = work / "home"
        self.cwd = work / "cwd"
        for folder in (self.home, self.cwd, work / "tmp", work / "run"):
            folder.mkdir(parents=True, exist_ok=True)
        (work / "run").chmod(0o700)
        paths = sysconfig.get_paths()
        hidden = {ROOT, *(Path(paths[k]) for k in ("stdlib", "platstdlib", "purelib", "platlib"))}
        hidden = {p for p in hidden if p.is_dir() and not work.is_relative_to(p)}
        # the outermost folders only: a folder under a hidden one is gone already
        self.hidden = sorted(
            p for p in hidden if not any(p != q and p.is_relative_to(q) for q in hidden)
        )
        self.hiding, self.why_not = self._can_hide()

    def _can_hide(self) -> tuple[bool, str]:
        if not sys.platform.startswith("linux"):
            return False, "not Linux"
        if os.geteuid() != 0:
            return False, "not running as root"
        if not shutil.which("unshare"):
            return False, "no unshare command"
        probe = self._wrap(["/bin/sh", "-c", f'! test -e "{ROOT}/pyproject.toml"'], ())
        done = subprocess.run(probe, capture_output=True, text=True)
        if done.returncode != 0:
            return False, f"unshare/mount failed: {(done.stderr or done.stdout).strip()[:200]}"
        return True, ""

    def _wrap(self, command: Sequence[str], extra: Sequence[str]) -> list[str]:
        script = (
            'while [ "$1" != "--" ]; do '
            'mount -t tmpfs -o size=64k,mode=0555 legalaid-hidden "$1" || exit 97; shift; done; '
            'shift; exec "$@"'
        )
        folders = [str(p) for p in self.hidden] + [p for p in extra if Path(p).is_dir()]
        return ["unshare", "-m", "--propagation", "private", "/bin/sh", "-c", script, "sh",
                *folders, "--", *command]  # fmt: skip

    def env(self, **extra: str) -> dict[str, str]:
        base = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "TMPDIR": str(self.work / "tmp"),
            "XDG_RUNTIME_DIR": str(self.work / "run"),
        }
        return {**base, **extra}

    def run(
        self,
        program: str,
        *args: str,
        env: dict[str, str] | None = None,
        hide_fonts: bool = False,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        command = [str(self.program / program), *args]
        if self.hiding:
            command = self._wrap(command, FONT_DIRS if hide_fonts else ())
        return subprocess.run(
            command,
            cwd=self.cwd,
            env=env or self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def cli(self, *args: str, expect: int = 0, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        env = self.env(LEGALAID_PASSWORD=PASSWORD, LEGALAID_NEW_PASSWORD=PASSWORD)
        env.update(kwargs.pop("extra_env", {}))
        done = self.run("legalaid", *args, env=env, **kwargs)
        if done.returncode != expect:
            raise CheckFailed(
                f"legalaid {' '.join(args)} exited with {done.returncode} (wanted {expect}):\n"
                f"{done.stderr.strip()[-2000:]}"
            )
        return done

    def cli_json(self, *args: str, **kwargs: Any) -> Any:
        return json.loads(self.cli("--json", *args, **kwargs).stdout)


class Report:
    def __init__(self) -> None:
        self.steps: list[tuple[str, str, float]] = []
        self.failed = False

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        except (CheckFailed, AssertionError, subprocess.TimeoutExpired, OSError, KeyError) as exc:
            seconds = time.perf_counter() - started
            self.steps.append((name, f"FAIL: {exc}", seconds))
            self.failed = True
            print(f"FAIL {name} ({seconds:.1f} s): {exc}", flush=True)
            raise StopChecks from exc
        seconds = time.perf_counter() - started
        self.steps.append((name, "ok", seconds))
        print(f"ok   {name} ({seconds:.1f} s)", flush=True)

    def note(self, text: str) -> None:
        print(f"NOTE {text}", flush=True)


class StopChecks(Exception):
    """A step failed; the steps after it depend on it."""


def require(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# -- the steps ------------------------------------------------------------------------------------


def unpack(tarball: Path, work: Path, version: str) -> Path:
    with tarfile.open(tarball) as tar:
        tops = {m.name.split("/", 1)[0] for m in tar.getmembers()}
        require(tops == {f"legalaid-desktop-{version}"}, f"top folders of the tarball: {tops}")
        tar.extractall(work / "unpacked", filter="data")
    return work / "unpacked" / f"legalaid-desktop-{version}"


def check_layout(program: Path, version: str) -> None:
    internal = program / "_internal"
    for name in ("legalaid", "legalaid-desktop", "install.sh", "uninstall.sh"):
        require(os.access(program / name, os.X_OK), f"{name} is missing or not executable")
    desktop = program / "share" / "applications" / build.DESKTOP_FILE
    require("Exec=legalaid-desktop" in desktop.read_text("utf-8"), "the desktop entry")
    metainfo = (program / "share" / "metainfo" / f"{build.APP_ID}.metainfo.xml").read_text()
    require(f'<release version="{version}"' in metainfo, "the metainfo's release version")
    icon = program / "share" / "icons" / "hicolor" / "256x256" / "apps" / "legalaid-desktop.png"
    require(icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "the 256 px icon")
    require(version in (program / "README.txt").read_text("utf-8"), "the README's version")
    shipped = internal / "legalaid_desktop"
    revisions = sorted(p.name for p in (shipped / "_migrations" / "versions").glob("*.py"))
    expected = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    require(revisions == expected, f"revisions shipped {revisions} != {expected}")
    for part in ("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "fonts/DejaVu-LICENSE.txt",
                 "passwords/common-passwords.txt", "reference/regions.json",
                 "locale/az/LC_MESSAGES/legalaid.mo", "locale/qt/qtbase_az.qm",
                 "icons/legalaid-desktop.svg", "demo/names.json"):  # fmt: skip
        require((shipped / "_resources" / part).is_file(), f"_resources/{part} is missing")
    sources = [p.name for p in shipped.rglob("*.po*")]
    require(not sources, f"translation sources shipped: {sources}")


def check_libraries(program: Path) -> str:
    """Every ELF file of the bundle finds every library it links against; returns the newest
    glibc symbol version the bundle needs (the oldest Linux it runs on)."""
    if not sys.platform.startswith("linux"):
        return ""
    internal = program / "_internal"
    elves = [
        p
        for p in internal.rglob("*.so*")
        if p.is_file() and not p.is_symlink() and p.open("rb").read(4) == b"\x7fELF"
    ]
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    missing: dict[str, list[str]] = {}
    for path in elves:
        out = subprocess.run(["ldd", str(path)], env=env, capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "not found" in line:
                missing.setdefault(line.split("=>")[0].strip(), []).append(path.name)
    require(not missing, f"libraries not found: {missing}")
    versions = {
        tuple(int(n) for n in found.split(b"."))
        for path in [program / "legalaid", *elves]
        for found in re.findall(rb"GLIBC_(2\.[0-9]+)", path.read_bytes())
    }
    return "glibc " + ".".join(map(str, max(versions))) if versions else ""


def check_version(box: Sandbox, version: str, revision: str) -> None:
    out = box.cli("--version").stdout.splitlines()
    require(
        out == [f"LegalAid Desktop {version}", f"Schema revision: {revision}"],
        f"--version printed {out}",
    )
    document = json.loads(box.cli("--json", "--version").stdout)
    require(document == {"version": version, "schema_revision": revision}, str(document))


def make_stores(box: Sandbox, revision: str) -> None:
    box.cli("--data-dir", "hq", "init", "--node-code", "BAK", "--node-name", "Bakı Baş ofisi",
            "--admin", "admin", "--hq")  # fmt: skip
    box.cli("--data-dir", "gnj", "init", "--node-code", "GNJ", "--node-name", "Gəncə mərkəzi",
            "--admin", "admin")  # fmt: skip
    status = box.cli_json("--data-dir", "gnj", "db", "status")
    require(status["schema_revision"] == revision, f"the store is at {status['schema_revision']}")


def enroll(box: Sandbox) -> None:
    request = box.cli_json("--data-dir", "gnj", "enroll", "request", "-o", "request.json")
    accepted = box.cli_json("--data-dir", "hq", "enroll", "accept", "request.json", "-o",
                            "response.json", "--fingerprint", request["fingerprint"])  # fmt: skip
    done = box.cli_json("--data-dir", "gnj", "enroll", "complete", "response.json",
                        "--fingerprint", accepted["hq_fingerprint"])  # fmt: skip
    require(done["hq_code"] == "BAK", str(done))


def add_client_and_case(box: Sandbox) -> str:
    client = box.cli_json("--data-dir", "gnj", "client", "add", "--full-name", CLIENT,
                          "--gender", "male", "--birth-year", "1980", "--region", "AZ-GA",
                          "--phone", "+994 50 123 45 67",
                          "--consent", "store_process,share_hq")  # fmt: skip
    require(client["full_name"] == CLIENT, str(client))
    case = box.cli_json("--data-dir", "gnj", "case", "open", "--client", client["number"],
                        "--area", "family", "--summary", "Alimentlə bağlı məsləhət")  # fmt: skip
    return str(case["number"])


def check_pdf(box: Sandbox, case: str) -> Path:
    pdf = box.cwd / "case.pdf"
    box.cli("--data-dir", "gnj", "pdf", "case", case, "-o", "case.pdf", "--lang", "az",
            hide_fonts=True)  # fmt: skip
    data = pdf.read_bytes()
    require(data.startswith(b"%PDF-"), "not a PDF")
    from pypdf import PdfReader  # the checker's own tool, from the build environment

    reader = PdfReader(str(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    for words in (CLIENT, "Gəncə mərkəzi", "İşin xülasəsi"):
        require(words in text, f"{words!r} is not in the PDF's text")
    fonts: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts.update(str(f.get_object()["/BaseFont"]) for f in resources["/Font"].values())
    require(any(f.endswith("+DejaVuSans") for f in fonts), f"fonts embedded: {fonts}")
    # With the system's font folders hidden (below), the font can only be the bundle's.
    return pdf


def exchange_bundle(box: Sandbox) -> None:
    box.cli("--data-dir", "gnj", "bundle", "export", "-o", "gnj.bundle")
    inspected = box.cli("--data-dir", "hq", "bundle", "inspect", "gnj.bundle").stdout
    require("GNJ" in inspected and "verified" in inspected, inspected)
    imported = box.cli_json("--data-dir", "hq", "bundle", "import", "gnj.bundle")
    require(imported["inserted"] >= 3 and imported["refused"] == 0, str(imported))


def check_languages(box: Sandbox) -> None:
    english = box.cli("--lang", "en", "--data-dir", "gnj", "db", "verify").stdout
    azerbaijani = box.cli("--lang", "az", "--data-dir", "gnj", "db", "verify").stdout
    russian = box.cli("--lang", "ru", "--data-dir", "gnj", "db", "verify").stdout
    require(english != azerbaijani and AZ_LETTERS & set(azerbaijani), f"az: {azerbaijani!r}")
    require(re.search("[А-Яа-я]", russian), f"ru: {russian!r}")
    regions = box.cli_json("--data-dir", "gnj", "reference", "list", "regions")
    labels = {item["code"]: item["labels"]["az"] for item in regions["items"]}
    require(labels.get("AZ-GA", "").startswith("Gəncə"), f"AZ-GA: {labels.get('AZ-GA')}")


def check_password_list(box: Sandbox) -> None:
    done = box.cli("--data-dir", "gnj", "user", "add", "leyla", "--role", "lawyer",
                   "--full-name", "Hüseynova Leyla Əli qızı", expect=4,
                   extra_env={"LEGALAID_NEW_PASSWORD": "Sunshine2026!!"})  # fmt: skip
    require("common" in done.stderr, done.stderr)


def check_export(box: Sandbox) -> None:
    box.cli("--data-dir", "gnj", "export", "clients", "-o", "clients.xlsx")
    require((box.cwd / "clients.xlsx").read_bytes()[:2] == b"PK", "the XLSX export")


def check_spreadsheet_import(box: Sandbox) -> None:
    """A center's list in XLSX, read by python-calamine (a native extension) and imported."""
    import xlsxwriter  # the checker's own tool, from the build environment

    rows = [
        ["Ad, soyad, ata adı", "Cins", "Doğum ili", "Bölgə", "Telefon"],
        ["Məmmədova Leyla Əli qızı", "Qadın", 1985, "Gəncə", "050 222 33 44"],
        ["Quliyev Orxan Rauf oğlu", "Kişi", 1979, "Quba", "055 765 43 21"],
    ]
    book = xlsxwriter.Workbook(str(box.cwd / "list.xlsx"))
    sheet = book.add_worksheet("Müştərilər")
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    box.cli("--data-dir", "gnj", "import", "mapping", "list.xlsx", "-o", "mapping.json")
    done = box.cli_json("--data-dir", "gnj", "import", "clients", "list.xlsx",
                        "--mapping", "mapping.json")  # fmt: skip
    require(done["counts"]["created"] == 2, str(done["counts"]))


def check_backup(box: Sandbox) -> None:
    """A backup file written to a folder (a USB stick), restored into a new data folder."""
    (box.cwd / "stick").mkdir()
    made = box.cli_json("--data-dir", "gnj", "db", "backup", "-o", "stick")
    box.cli("--user", "admin", "db", "restore", made["path"], "--data-dir", "restored")
    verified = box.cli("--data-dir", "restored", "db", "verify").stdout
    require(verified.strip(), "db verify of the restored store printed nothing")


def check_demo(box: Sandbox) -> None:
    box.cli("--data-dir", "demo", "init", "--node-code", "QBA", "--node-name", "Quba mərkəzi",
            "--admin", "admin")  # fmt: skip
    summary = box.cli_json("--data-dir", "demo", "demo", "--clients", "10000",
                           "--create-lawyers", timeout=600)  # fmt: skip
    require(summary["clients"] == 10000, str(summary))


def smoke_gui(box: Sandbox, data: str, pdf: Path | None) -> dict[str, Any]:
    extra = {"QT_QPA_PLATFORM": "offscreen"}
    if pdf is not None:
        extra["LEGALAID_SMOKE_PDF"] = str(pdf)
    done = box.run("legalaid-desktop", "--data-dir", data, "--smoke-test",
                   env=box.env(**extra), timeout=180)  # fmt: skip
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise CheckFailed(
            f"exit {done.returncode}, no report:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}"
        ) from None
    require(done.returncode == 0 and report.get("passed"), json.dumps(report, indent=1))
    return report


def check_gui(box: Sandbox, program: Path, pdf: Path, version: str, revision: str) -> None:
    report = smoke_gui(box, str(box.cwd / "gnj"), pdf)
    require(report["window"] == "login" and report["users"] == ["admin"], str(report))
    require(report["frozen"] and report["version"] == version, str(report))
    require(report["schema_revision"] == revision, str(report))
    internal = str(program / "_internal")
    require(report["resources"].startswith(internal), f"resources: {report['resources']}")
    require(report["migrations"].startswith(internal), f"migrations: {report['migrations']}")
    empty = box.work / "empty-data"
    empty.mkdir()
    report = smoke_gui(box, str(empty), None)
    require(report["window"] == "wizard", f"an empty folder opened {report['window']}")


def snapshot(program: Path) -> dict[str, tuple[int, int]]:
    """Every file of the unpacked program with its size and modification time."""
    return {
        str(p.relative_to(program)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in program.rglob("*")
    }


def check_unchanged(program: Path, before: dict[str, tuple[int, int]]) -> None:
    """The programs wrote nothing into their own folder (no bytecode cache, no settings)."""
    after = snapshot(program)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    require(not changed, f"written into the program's folder: {changed[:20]}")


def check_nsis(work: Path, version: str) -> None:
    if not shutil.which("makensis"):
        raise CheckFailed("makensis is not installed (Debian: apt-get install nsis)")
    staged = work / "nsis-stage"
    (staged / "_internal").mkdir(parents=True)
    for name in ("legalaid-desktop.exe", "legalaid.exe", "_internal/python311.dll"):
        (staged / name).write_bytes(b"MZ stand-in")
    output = work / build.installer_name(version)
    icon = build.STAGE / "icons" / "legalaid-desktop.ico"  # staged by `make package`
    command = build.makensis_command(staged, output, version, icon if icon.is_file() else None)
    command.insert(1, "-WX")
    done = subprocess.run(command, capture_output=True, text=True)
    require(done.returncode == 0, f"makensis: {done.stdout[-1500:]}{done.stderr[-1500:]}")
    require(output.read_bytes()[:2] == b"MZ", "no installer written")


def check_wheels(report: Report) -> None:
    import wheels

    unreachable = wheels.index_reachable()
    if unreachable is not None:
        report.note(
            f"THE PACKAGE INDEX CANNOT BE REACHED ({unreachable}): the Windows wheels were "
            "NOT checked"
        )
        return
    verdicts = wheels.check(wheels.read_lock())
    bad = [v for v in verdicts if v.missing or v.error]
    detail = "; ".join(f"{v.pin.name}=={v.pin.version}: {v.error or v.missing}" for v in bad)
    require(not bad, f"without a Windows x86-64 wheel: {detail}")
    report.note(f"{len(verdicts)} packages have Windows x86-64 wheels for CPython 3.11-3.13")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Try the built program (make package-check).")
    parser.add_argument("--tarball", type=Path, help="default: dist/'s of this version")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--no-nsis", action="store_true", help="skip the installer script")
    parser.add_argument("--no-wheels", action="store_true", help="skip the index (offline)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    version = build.project_version()
    revision = expected_schema_revision()
    tarball = args.tarball or build.DIST / build.tarball_name(version)
    if not tarball.is_file():
        print(f"{tarball} does not exist: run `make package` first")
        return 1
    base = Path(tempfile.gettempdir()).resolve()
    if base.is_relative_to(ROOT):
        base = Path("/tmp")
    work = Path(tempfile.mkdtemp(prefix="legalaid-package-check-", dir=base))
    report = Report()
    print(f"== checking {tarball.name} in {work}")
    try:
        with report.step("unpack"):
            program = unpack(tarball, work, version)
        box = Sandbox(program, work)
        unpacked = snapshot(program)
        if box.hiding:
            print(f"== hidden from the program: {', '.join(map(str, box.hidden))}")
        else:
            report.note(
                f"the checkout is NOT hidden ({box.why_not}): a read of the source tree by the "
                "frozen program would go unnoticed, and the PDF's font may be the system's; "
                "the environment and the folders are clean"
            )
        with report.step("layout"):
            check_layout(program, version)
        with report.step("libraries"):
            glibc = check_libraries(program)
        if glibc:
            report.note(f"the build runs on Linux with {glibc} or newer (the build machine's)")
        with report.step("legalaid --version"):
            check_version(box, version, revision)
        with report.step("init an HQ and a center store"):
            make_stores(box, revision)
        with report.step("enroll the center with HQ"):
            enroll(box)
        with report.step("a client and a case"):
            case = add_client_and_case(box)
        with report.step("the case's PDF"):
            pdf = check_pdf(box, case)
        with report.step("bundle export, inspect, import"):
            exchange_bundle(box)
        with report.step("translations and reference lists"):
            check_languages(box)
        with report.step("the common-password list"):
            check_password_list(box)
        with report.step("XLSX export"):
            check_export(box)
        with report.step("spreadsheet import (XLSX)"):
            check_spreadsheet_import(box)
        with report.step("backup to a folder, restore, verify"):
            check_backup(box)
        with report.step("demo data, 10,000 clients (a second process)"):
            check_demo(box)
        with report.step("desktop program --smoke-test"):
            check_gui(box, program, pdf, version, revision)
        with report.step("nothing written into the program's folder"):
            check_unchanged(program, unpacked)
        if not args.no_nsis:
            with report.step("the Windows installer script compiles"):
                check_nsis(work, version)
        if not args.no_wheels:
            with report.step("Windows x86-64 wheels of the lock file"):
                check_wheels(report)
    except StopChecks:
        pass
    finally:
        if args.keep or report.failed:
            print(f"== the temporary folder is kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    verdict = "FAILED" if report.failed else "passed"
    print(f"== package-check {verdict}: {len(report.steps)} steps in {seconds:.1f} s")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
