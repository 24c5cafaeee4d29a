"""``make run``: open the desktop program on a demo store, creating it on first use.

The demo store lives in ``demo-data/`` of the checkout (ignored by git) and is filled with
realistic, generated data (``legalaid demo``); its login is printed before the window opens.
On a machine without a display (a server, CI) the window cannot open: the store's status is
printed instead, with the command to use on a desktop.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from legalaid_desktop import app
from legalaid_desktop.store.store import StorePaths

DEMO_USER = "demo"
DEMO_PASSWORD = "Gence-river-2026"  # must not contain the user name "demo"
DEMO_CLIENTS = 400


def ensure_demo_store(data_dir: Path) -> None:
    """Create the demo store with generated data, unless it exists."""
    if StorePaths(data_dir).exists():
        return
    print(f"Creating a demo store in {data_dir} (first run, a few seconds) ...", flush=True)
    session, recovery = app.create(
        data_dir,
        node_code="GNJ",
        node_name="Gəncə hüquqi yardım mərkəzi",
        hq=False,
        admin_username=DEMO_USER,
        admin_full_name="Demo İstifadəçi",
        admin_password=DEMO_PASSWORD,
    )
    try:
        from legalaid_desktop.devtools.demo import generate_demo

        summary = generate_demo(
            session.ws, clients=DEMO_CLIENTS, seed=1, lawyer_password=DEMO_PASSWORD
        )
        print(f"  {summary}", flush=True)
    finally:
        session.close()
    (data_dir / "DEMO-RECOVERY-KEY.txt").write_text(recovery + "\n", "utf-8")


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "") not in ("", "xcb", "wayland"):
        return True  # an explicit platform (offscreen, windows, cocoa ...) was chosen
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Open LegalAid Desktop on a demo store.")
    parser.add_argument("--data-dir", default="demo-data")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    ensure_demo_store(data_dir)
    print(f"Demo login: user '{DEMO_USER}', password '{DEMO_PASSWORD}'  (data: {data_dir})")
    if not _has_display():
        print("No display here, so the window cannot open. The demo store:")
        session = app.login(data_dir, DEMO_USER, DEMO_PASSWORD)
        try:
            for key, value in session.maintenance.status().items():
                print(f"  {key}: {value}")
        finally:
            session.close()
        print("On a desktop, `make run` opens the program; under Xvfb: xvfb-run make run")
        return 0
    from legalaid_desktop.gui.main import main as gui_main

    return gui_main(["--data-dir", str(data_dir)])


if __name__ == "__main__":
    sys.exit(main())
