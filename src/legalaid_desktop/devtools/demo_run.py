"""``make run``: open the program on a demo store, creating it on first use.

The demo store lives in ``demo-data/`` of the checkout (ignored by git); its login is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from legalaid_desktop import app
from legalaid_desktop.store.store import StorePaths

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-Gence-2026"


def ensure_demo_store(data_dir: Path) -> None:
    if StorePaths(data_dir).exists():
        return
    print(f"Creating a demo store in {data_dir} (first run) ...", flush=True)
    session, recovery = app.create(
        data_dir,
        node_code="GNJ",
        node_name="Gəncə hüquqi yardım mərkəzi",
        hq=False,
        admin_username=DEMO_USER,
        admin_full_name="Demo İstifadəçi",
        admin_password=DEMO_PASSWORD,
    )
    (data_dir / "DEMO-RECOVERY-KEY.txt").write_text(recovery + "\n", "utf-8")
    session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Open LegalAid Desktop on a demo store.")
    parser.add_argument("--data-dir", default="demo-data")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    ensure_demo_store(data_dir)
    print(f"Demo login: user '{DEMO_USER}', password '{DEMO_PASSWORD}'  (data: {data_dir})")
    session = app.login(data_dir, DEMO_USER, DEMO_PASSWORD)
    try:
        for key, value in session.maintenance.status().items():
            print(f"  {key}: {value}")
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
