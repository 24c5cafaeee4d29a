"""Benchmark of the GUI shell (DESIGN.md §9: speed is measured here, not in tests).

Prints

* cold start: from launching ``python`` to the login window shown (in a fresh subprocess, so
  imports, QApplication, fonts and the background read of the key file are all counted);
* login to a usable main window, *excluding* the key derivation: from the login task's result
  to the main window built, shown and showing the dashboard's first figures, with the login
  window shown before as in the program (the Argon2id time is printed separately);
* the case list's first paint at HQ scale (100,000 clients, about 150,000 cases), from switching
  to the Cases screen to its first rows painted; then when its exact count is shown (it is
  asked for after the first rows, in the background) and how long scrolling to the end of the
  loaded rows takes to bring the next page;
* the dashboard's figures at HQ scale: the service call alone, first (cold cache, in a fresh
  process, as at login) and again (as when coming back to the dashboard).

Targets: cold start ≤ 1.0 s, main window ≤ 0.5 s, case list ≤ 0.2 s, dashboard figures within
the main window's 0.5 s.

``--hq-store`` may also point at a store built otherwise (e.g. with ``bench_search.py``'s
``populate``), as long as it has the user ``bench`` (password ``Bench-pass-2026``) with
cases, deadlines and follow-ups assigned. The load average is printed with the figures: other
processes on the machine change them.

Run offscreen: ``QT_QPA_PLATFORM=offscreen python bench/bench_gui.py [--hq-store DIR]``. The HQ
store takes a few minutes to build; with ``--hq-store`` it is kept in DIR and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from legalaid_desktop import app
from legalaid_desktop.store.vault import FLOOR

USER = "bench"
PASSWORD = "Bench-pass-2026"
TARGETS = {"cold": 1.0, "main": 0.5, "cases": 0.2, "dashboard": 0.5}

CHILD = """
import sys, time
started = float(sys.argv[1])
from legalaid_desktop.gui.main import start
qapp, launcher = start(["--data-dir", sys.argv[2]])
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    qapp.processEvents()
    login = launcher.login
    if login is not None and login.isVisible() and login.windowHandle().isExposed():
        login.repaint()
        break
print(time.time() - started)
launcher.tasks.wait()
"""


def make_store(data_dir: Path, *, clients: int, hq: bool = False) -> None:
    session, _key = app.create(
        data_dir,
        node_code="BAK" if hq else "GNJ",
        node_name="Bakı" if hq else "Gəncə",
        hq=hq,
        admin_username=USER,
        admin_full_name="Bench İstifadəçi",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    try:
        if clients:
            from legalaid_desktop.devtools.demo import generate_demo

            generate_demo(session.ws, clients=clients, seed=11, lawyer_password=PASSWORD)
    finally:
        session.close()


def cold_start(data_dir: Path, runs: int) -> list[float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    times = []
    with tempfile.TemporaryDirectory() as config:
        env["XDG_CONFIG_HOME"] = config  # the GUI preferences of the run, thrown away
        for _ in range(runs):
            started = time.time()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, repr(started), str(data_dir)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            times.append(float(out.strip().splitlines()[-1]))
    return times


def _wait(qapp: object, predicate: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        qapp.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)  # an idle event loop sleeps too; spinning would starve the workers
        if time.monotonic() > deadline:
            raise TimeoutError("the GUI did not get there in time")


def measure(data_dir: Path, *, cases: bool, dashboard: bool = False) -> dict[str, float]:
    """:func:`in_process` (or :func:`dashboard_call`) in a fresh interpreter.

    Each measurement starts from scratch: no page of the store is in SQLCipher's cache.
    """
    args = [sys.executable, __file__, "--measure", str(data_dir)]
    args += ["--cases"] if cases else []
    args += ["--dashboard"] if dashboard else []
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def dashboard_call(data_dir: Path) -> dict[str, float]:
    """The dashboard service call after login: first (cold cache), then twice more."""
    from legalaid_desktop.gui.session_loader import open_session

    opened = open_session(data_dir, USER, PASSWORD)
    try:
        agenda = opened.services.agenda
        times = []
        for _ in range(3):
            started = time.perf_counter()
            agenda.dashboard()
            times.append(time.perf_counter() - started)
    finally:
        opened.services.close()
    return {"first": times[0], "again": min(times[1:])}


def load() -> str:
    """The machine's load average (1, 5, 15 minutes), for reading the figures."""
    return "load " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def in_process(data_dir: Path, *, cases: bool) -> dict[str, float]:
    """Login (key derivation), main window + dashboard, and optionally the case list."""
    from PySide6.QtCore import QSettings

    from legalaid_desktop.gui.application import apply_appearance, create_application
    from legalaid_desktop.gui.login import LoginWindow
    from legalaid_desktop.gui.main_window import MainWindow
    from legalaid_desktop.gui.session_loader import open_session
    from legalaid_desktop.gui.tasks import TaskRunner
    from legalaid_desktop.gui.ui_settings import UiSettings

    with tempfile.TemporaryDirectory() as config:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, config)
        qapp = create_application(["bench"])
        apply_appearance(qapp, theme="light", font_size=10)
        tasks = TaskRunner(qapp)
        # as in the program, the login window is up (and closed) before the main window
        login_window = LoginWindow(data_dir, tasks, UiSettings(), language="az")
        login_window.show()
        _wait(qapp, lambda: login_window.username.count() > 0)
        started = time.perf_counter()
        opened = open_session(data_dir, USER, PASSWORD)  # what the login task runs
        login = time.perf_counter() - started

        started = time.perf_counter()
        login_window.close()
        window = MainWindow(opened, data_dir, tasks, UiSettings())
        window.resize(1280, 800)
        window.show()
        qapp.processEvents()
        result_build = time.perf_counter() - started
        dashboard = window.page("dashboard")
        _wait(qapp, lambda: getattr(dashboard, "data", None) is not None)
        window.repaint()
        main = time.perf_counter() - started
        result = {"login": login, "main": main, "build": result_build}

        if cases and any(spec.key == "cases" for spec in window.specs):
            started = time.perf_counter()
            window.go("cases")
            model = getattr(window.page("cases"), "model", None)
            _wait(qapp, lambda: model is not None and model.rowCount() > 0)
            window.repaint()
            result["cases"] = time.perf_counter() - started
            assert model is not None
            _wait(qapp, lambda: bool(getattr(model, "total_exact", True)))
            result["cases_counted"] = time.perf_counter() - started
            result["cases_total"] = float(getattr(model, "total", 0) or 0)
            # scrolling: each time the view reaches the last loaded row, the next page comes
            table = getattr(window.page("cases"), "table", None)
            pages = []
            for _ in range(5):
                rows = model.rowCount()
                if table is None or not model.canFetchMore():
                    break
                started = time.perf_counter()
                table.scrollToBottom()
                _wait(qapp, lambda rows=rows: model.rowCount() > rows)
                window.repaint()
                pages.append(time.perf_counter() - started)
            if pages:
                result["cases_scroll"] = statistics.median(pages)
        window.close()
        tasks.wait()
        return result


def verdict(name: str, seconds: float) -> str:
    target = TARGETS[name]
    return f"{seconds:6.3f} s  (target ≤ {target:.1f} s: {'ok' if seconds <= target else 'SLOW'})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts to time (median)")
    parser.add_argument("--center-clients", type=int, default=2000)
    parser.add_argument("--hq-clients", type=int, default=100_000)
    parser.add_argument("--hq-store", type=Path, help="keep (and reuse) the HQ store here")
    parser.add_argument("--skip-hq", action="store_true")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cases", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dashboard", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.measure:
        if args.dashboard:
            print(json.dumps(dashboard_call(args.measure)))
        else:
            print(json.dumps(in_process(args.measure, cases=args.cases)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-gui-") as folder:
        center = Path(folder) / "center"
        print(f"building a center store with {args.center_clients} clients ...", flush=True)
        make_store(center, clients=args.center_clients)
        cold = cold_start(center, args.runs)
        print(
            f"cold start to login window: {verdict('cold', statistics.median(cold))}"
            f"  [runs: {', '.join(f'{t:.3f}' for t in cold)}]  ({load()})"
        )
        figures = measure(center, cases=False)
        print(f"login (key derivation, floor parameters here): {figures['login']:6.3f} s")
        print(f"main window built and shown: {figures['build']:6.3f} s")
        print(f"main window + first dashboard data: {verdict('main', figures['main'])}")

        if args.skip_hq:
            return 0
        hq = args.hq_store or Path(folder) / "hq"
        if not (hq / "vault.json").exists():
            print(
                f"building an HQ-scale store with {args.hq_clients} clients (takes minutes) ...",
                flush=True,
            )
            started = time.perf_counter()
            make_store(hq, clients=args.hq_clients, hq=True)
            print(f"  built in {time.perf_counter() - started:.0f} s")
        figures = measure(hq, cases=True)
        print(f"HQ scale, main window built and shown: {figures['build']:6.3f} s  ({load()})")
        print(f"HQ scale, main window + dashboard: {verdict('main', figures['main'])}")
        if "cases" in figures:
            print(
                f"HQ scale, case list first paint ({figures['cases_total']:.0f} cases): "
                f"{verdict('cases', figures['cases'])}"
            )
            print(f"HQ scale, case list count shown: {figures['cases_counted']:6.3f} s")
            if "cases_scroll" in figures:
                print(
                    f"HQ scale, case list next page on scrolling (median of 5): "
                    f"{figures['cases_scroll']:6.3f} s"
                )
        else:
            print("HQ scale, case list: the Cases screen is not available")
        calls = measure(hq, cases=False, dashboard=True)
        print(
            f"dashboard figures at HQ scale (service call): first "
            f"{verdict('dashboard', calls['first'])}, again {calls['again']:6.3f} s  ({load()})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
