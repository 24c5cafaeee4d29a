"""``legalaid-desktop --smoke-test``: the switch package-check gives the frozen program.

Run here on the development install, as a separate process (the switch runs the program's own
event loop and quits it): the login window of a store, the first-run wizard of an empty folder,
Qt's plugins loaded, QtPdf on a PDF, the translations, and the exit code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfgen.canvas import Canvas

from conftest import new_center_store
from legalaid_desktop.gui.main import parse_args
from legalaid_desktop.gui.smoke import PLUGINS


def smoke(data_dir: Path, tmp_path: Path, **env: str) -> tuple[int, dict[str, Any], str]:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(tmp_path),
        **env,
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "legalaid_desktop.gui.main",
            "--data-dir",
            str(data_dir),
            "--smoke-test",
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout), done.stderr


def test_the_login_window_and_qts_parts(tmp_path: Path, data_dir: Path) -> None:
    new_center_store(data_dir).close()
    pdf = tmp_path / "given.pdf"
    canvas = Canvas(str(pdf))
    canvas.drawString(72, 720, "one")
    canvas.showPage()
    canvas.drawString(72, 720, "two")
    canvas.save()
    code, report, stderr = smoke(data_dir, tmp_path, LEGALAID_SMOKE_PDF=str(pdf))
    assert code == 0, (report, stderr)
    assert report["passed"] is True
    assert report["window"] == "login"
    assert report["users"] == ["admin"]  # read from the key file on a worker thread
    assert report["frozen"] is False  # a development install
    assert report["pdf"] == "ok (2 pages)"  # the given PDF, not one of its own
    assert set(report["plugins"]) == {f"{a}/{b}" for a, b in PLUGINS.get(sys.platform, ())}
    assert set(report["plugins"].values()) <= {"ok"}
    assert report["svg_icon"] == "ok"
    assert report["translations"]["qt"]["az"] == ["qtbase_az"]
    assert not (data_dir / "smoke.pdf").exists()  # nothing written into the data folder


def test_an_empty_folder_shows_the_wizard(tmp_path: Path) -> None:
    written = tmp_path / "report.json"
    code, report, stderr = smoke(tmp_path / "empty", tmp_path, LEGALAID_SMOKE_REPORT=str(written))
    assert code == 0, (report, stderr)
    assert json.loads(written.read_text("utf-8")) == report  # for a program without a console
    assert report["window"] == "wizard" and report["users"] == []
    assert report["pdf"] == "ok (1 pages)"  # one it wrote itself with QPdfWriter


def test_a_pdf_qtpdf_cannot_open_fails_the_smoke_test(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a PDF")
    code, report, _stderr = smoke(tmp_path / "empty", tmp_path, LEGALAID_SMOKE_PDF=str(broken))
    assert code == 1
    assert report["passed"] is False and report["pdf"].startswith("QtPdf could not open")


def test_the_switch_is_hidden_from_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_args(["--smoke-test"]).smoke_test is True
    assert parse_args([]).smoke_test is False
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    assert "smoke" not in capsys.readouterr().out
