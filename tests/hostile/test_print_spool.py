"""A printed case summary must not stay readable in the print spool.

A private CUPS scheduler runs in a temporary folder with one queue (``file:///dev/null``); the
program prints a case summary to it through the real path (``QPrinter`` in native mode, Qt's
CUPS engine, ``print_pdf``) in a child process that knows only that server. CUPS keeps a
finished job's document in its spool (``d<job>-001``) for a day by default: after the job is
printed, ours must be purged, and another program's job left alone.

Skipped where ``cupsd`` is not installed (``apt-get install cups-daemon cups-client``).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.i18n.dates import today

CUPSD = shutil.which("cupsd") or "/usr/sbin/cupsd"
LPADMIN = shutil.which("lpadmin") or "/usr/sbin/lpadmin"
LP = shutil.which("lp") or "/usr/bin/lp"
SRC = Path(__file__).resolve().parents[2] / "src"

pytestmark = pytest.mark.skipif(
    not (Path(CUPSD).exists() and Path(LPADMIN).exists() and Path(LP).exists()),
    reason="cupsd, lpadmin and lp are not installed",
)

PRINT = """
import json, sys
from PySide6.QtWidgets import QApplication
from PySide6.QtPrintSupport import QPrinter
from legalaid_desktop.gui.print_spool import job_title, spool_purger
from legalaid_desktop.gui.printing import print_pdf
from legalaid_desktop.gui.recovery_sheet import print_sheet

qapp = QApplication([])
printer = QPrinter(QPrinter.PrinterMode.HighResolution)
printer.setPrinterName("vault")
if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat or printer.printerName() != "vault":
    print(json.dumps({"error": "Qt does not see the queue"}))
    sys.exit(3)
if sys.argv[1] == "summary":
    printer.setDocName(job_title("GNJ-2026-0001"))
    pages = print_pdf(sys.stdin.buffer.read(), printer)
else:
    key = sys.stdin.read()
    print_sheet(printer, key=key, node_code="GNJ", node_name="Gəncə mərkəzi")
    pages = 1
done = spool_purger().wait(120)
print(json.dumps({"pages": pages, "watching_done": done, "purged": spool_purger().purged}))
"""


@dataclass
class Cups:
    root: Path
    env: dict[str, str]

    @property
    def spool(self) -> Path:
        return self.root / "spool"

    def spooled(self) -> list[str]:
        return sorted(p.name for p in self.spool.iterdir() if p.is_file())

    def log(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def private_cups() -> Iterator[Cups]:
    # a short path: a Unix socket's path is limited to about 100 bytes
    root = Path(tempfile.mkdtemp(prefix="lacups-", dir="/tmp"))
    root.chmod(0o755)
    for name in ("etc", "etc/ppd", "etc/ssl", "spool", "spool/tmp", "cache", "state", "log"):
        (root / name).mkdir(exist_ok=True)
    if os.geteuid() == 0:  # cupsd refuses to run its jobs as root
        user = "lp"
        group = "lp"
    else:
        user = pwd.getpwuid(os.getuid()).pw_name
        group = str(os.getgid())
    (root / "etc" / "cups-files.conf").write_text(
        f"ServerRoot {root}/etc\nRequestRoot {root}/spool\nTempDir {root}/spool/tmp\n"
        f"CacheDir {root}/cache\nStateDir {root}/state\nErrorLog {root}/log/error_log\n"
        f"AccessLog {root}/log/access_log\nPageLog {root}/log/page_log\n"
        "ServerBin /usr/lib/cups\nDataDir /usr/share/cups\nFileDevice Yes\n"
        f"Printcap {root}/printcap\n"
        f"User {user}\nGroup {group}\nSystemGroup root\nSandboxing Relaxed\n"
    )
    (root / "etc" / "cupsd.conf").write_text(
        f"Listen {root}/sock\nLogLevel info\nBrowsing No\nWebInterface No\n"
        "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    if os.geteuid() == 0:
        for name in ("spool", "spool/tmp", "cache", "state", "log"):
            shutil.chown(root / name, user, group)
    server = subprocess.Popen(
        [CUPSD, "-f", "-c", f"{root}/etc/cupsd.conf", "-s", f"{root}/etc/cups-files.conf"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "CUPS_SERVER": f"{root}/sock"}
    cups = Cups(root, env)
    try:
        deadline = time.monotonic() + 30
        while not (root / "sock").exists() and server.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if not (root / "sock").exists():
            pytest.skip(f"a private cupsd did not start here:\n{cups.log()[-2000:]}")
        subprocess.run(
            [LPADMIN, "-p", "vault", "-E", "-v", "file:///dev/null"],
            env=env,
            check=True,
            capture_output=True,
        )
        yield cups
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(root, ignore_errors=True)


def _summary(session: app.AppSession) -> bytes:
    client = session.clients.register(
        ClientInput(full_name="Qasımova Gülnarə Şahin qızı", gender="female", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    case = session.cases.open(
        CaseInput(client_id=client.id, legal_area="family", summary="Aliment tələbi")
    )
    session.records.add_consultation(
        case.number, ConsultationInput(notes="Məişət zorakılığı barədə şikayət.", minutes=30)
    )
    return session.reports.case_summary_document(case.number, lang="az").data


def _wait_finished(cups: Cups, job: int) -> None:
    """Until the scheduler reports the job completed (it has printed)."""
    deadline = time.monotonic() + 60
    while f"[Job {job}] Job completed" not in cups.log():
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job} never completed:\n{cups.log()[-2000:]}")
        time.sleep(0.2)


def test_a_printed_summary_is_purged_from_the_spool(
    private_cups: Cups, admin_session: app.AppSession, tmp_path: Path
) -> None:
    # another program's job first: CUPS keeps its document, and we must not touch it
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4\n%%EOF\n")
    queued = subprocess.run(
        [LP, "-d", "vault", "-t", "Someone else's letter", str(other)],
        env=private_cups.env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "vault-1" in queued.stdout
    _wait_finished(private_cups, 1)
    assert "d00001-001" in private_cups.spooled()  # CUPS keeps a finished job's document

    qt_temp = tmp_path / "qt-temp"
    qt_temp.mkdir()
    report = _print(private_cups, qt_temp, "summary", _summary(admin_session))
    assert report["pages"] >= 1 and report["watching_done"], report
    assert report["purged"] == [2], (report, private_cups.log()[-3000:])
    assert "[Job 2] Job completed" in private_cups.log()  # it did go to the printer
    assert "[Job 2] Purged" in private_cups.log()

    # nothing of ours is left in the spool; the other program's files are still there
    left = private_cups.spooled()
    assert "d00001-001" in left
    assert [name for name in left if name.startswith(("d00002", "c00002"))] == [], left
    assert list(qt_temp.iterdir()) == []  # Qt's own temporary copy was removed too

    # the recovery-key sheet, printed from the first-run wizard, goes the same way
    key = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789-ABCD-EFGH-JKLM-NPQR-STUV-WXYZ"
    report = _print(private_cups, qt_temp, "sheet", key.encode())
    assert report["purged"] == [3], (report, private_cups.log()[-3000:])
    assert "[Job 3] Job completed" in private_cups.log()
    left = private_cups.spooled()
    assert [name for name in left if name.startswith(("d00003", "c00003"))] == [], left
    assert list(qt_temp.iterdir()) == []


def _print(cups: Cups, qt_temp: Path, what: str, data: bytes) -> dict[str, object]:
    """Print ``what`` in a child process that knows only the private server; its report."""
    env = {
        **cups.env,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(SRC),
        "TMPDIR": str(qt_temp),
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT, what],
        input=data,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()[-3000:]
    report: dict[str, object] = json.loads(result.stdout.decode().strip().splitlines()[-1])
    return report
