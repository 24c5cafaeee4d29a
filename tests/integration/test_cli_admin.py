"""The `legalaid` command as an HQ script drives it: flags, environment, JSON, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop.cli.main import main
from legalaid_desktop.store.store import StorePaths
from legalaid_desktop.store.throttle import LoginThrottle


@pytest.fixture
def cli(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store_with_lawyer))
    monkeypatch.delenv("LEGALAID_USER", raising=False)

    def run(
        *args: str, password: str | None = ADMIN_PASSWORD, new_password: str | None = None
    ) -> tuple[int, str, str]:
        if password is None:
            monkeypatch.delenv("LEGALAID_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("LEGALAID_PASSWORD", password)
        if new_password is None:
            monkeypatch.delenv("LEGALAID_NEW_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("LEGALAID_NEW_PASSWORD", new_password)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_user_commands_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(
        "--user",
        ADMIN,
        "user",
        "add",
        "nigar",
        "--role",
        "manager",
        "--full-name",
        "Rzayeva Nigar Tofiq qızı",
        new_password="Lankaran-tea-2026",
    )
    assert code == 0 and "nigar" in out
    code, out, _ = cli("--user", ADMIN, "--json", "user", "list")
    users = {u["username"]: u for u in json.loads(out)}
    assert (
        code == 0
        and users["nigar"]["role"] == "manager"
        and users["nigar"]["full_name"] == "Rzayeva Nigar Tofiq qızı"
    )
    code, out, _ = cli("--user", ADMIN, "--json", "user", "revoke", "nigar")
    assert code == 0 and json.loads(out)["active"] is False and json.loads(out)["key_epoch"] == 2
    code, _, err = cli("--user", "nigar", "db", "status", password="Lankaran-tea-2026")
    assert code == 3 and err.count("\n") == 1


def test_db_commands(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("--user", ADMIN, "--json", "db", "status")
    status = json.loads(out)
    assert (
        code == 0
        and status["node_code"] == "GNJ"
        and status["schema_revision"] == status["schema_head"]
    )
    code, out, _ = cli("--user", ADMIN, "--json", "db", "verify")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, _ = cli("--user", ADMIN, "--json", "db", "migrate")
    assert code == 0 and json.loads(out)["to"] == status["schema_head"]


def test_passwd_and_recover(cli, store_with_lawyer: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, _ = cli(
        "--user", LAWYER, "passwd", password=LAWYER_PASSWORD, new_password="Xazar-wave-2026"
    )
    assert code == 0
    assert cli("--user", LAWYER, "db", "status", password=LAWYER_PASSWORD)[0] == 3
    assert cli("--user", LAWYER, "db", "status", password="Xazar-wave-2026")[0] == 0
    code, _, err = cli("--user", LAWYER, "passwd", password="Xazar-wave-2026", new_password="short")
    assert code == 4 and "at least" in err


@pytest.mark.parametrize(
    ("user", "password", "expected"),
    [
        (ADMIN, "wrong", 3),
        (ADMIN, "", 3),
        ("nobody", ADMIN_PASSWORD, 3),
        (LAWYER, LAWYER_PASSWORD, 0),
    ],
)
def test_authentication_exit_codes(cli, user: str, password: str, expected: int) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--user", user, "--json", "db", "status", password=password)
    assert code == expected
    if expected:
        assert err.startswith("legalaid: ") and err.count("\n") == 1
        assert json.loads(out)["exit_code"] == expected


def test_lawyer_cannot_add_users(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(
        "--user",
        LAWYER,
        "user",
        "add",
        "x1",
        "--role",
        "lawyer",
        "--full-name",
        "X",
        password=LAWYER_PASSWORD,
        new_password="Xxxx-pass-2026",
    )
    # Not "authentication failed" (3): the lawyer is who they say; their role does not allow it.
    assert code == 5 and err.count("\n") == 1
    assert "Lawyer" in err and "Center manager" in err


def test_the_real_command_prints_no_traceback(store_with_lawyer: Path, tmp_path: Path) -> None:
    env = {**os.environ, "LEGALAID_DATA_DIR": str(store_with_lawyer), "LEGALAID_PASSWORD": "bad"}
    bin_dir = Path(sys.executable).parent
    legalaid = str(bin_dir / "legalaid")
    cases = [
        ([legalaid, "--user", ADMIN, "db", "status"], 3),
        ([legalaid, "--data-dir", str(tmp_path / "none"), "--user", ADMIN, "db", "status"], 1),
        ([legalaid, "frobnicate"], 2),
    ]
    for argv, expected in cases:
        proc = subprocess.run(
            argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        assert proc.returncode == expected, (argv, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_init_prints_the_recovery_key_once(tmp_path: Path) -> None:
    """A real `init` (calibrated key derivation) from the command line."""
    env = {**os.environ, "LEGALAID_NEW_PASSWORD": "Quba-center-2026"}
    legalaid = str(Path(sys.executable).parent / "legalaid")
    target = tmp_path / "quba"
    proc = subprocess.run(
        [
            legalaid,
            "--data-dir",
            str(target),
            "--json",
            "init",
            "--node-code",
            "QBA",
            "--node-name",
            "Quba mərkəzi",
            "--admin",
            "aynur",
        ],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert len(result["recovery_key"].replace("-", "")) >= 52
    assert result["node_code"] == "QBA"
    assert result["recovery_key"] not in (target / "vault.json").read_text()
    again = subprocess.run(
        [
            legalaid,
            "--data-dir",
            str(target),
            "init",
            "--node-code",
            "QBA",
            "--node-name",
            "Q",
            "--admin",
            "aynur",
        ],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert again.returncode == 1 and "already exists" in again.stderr


def _run_without_terminal(
    argv: list[str], env: dict[str, str], stdin: str
) -> subprocess.CompletedProcess[str]:
    legalaid = str(Path(sys.executable).parent / "legalaid")
    return subprocess.run(
        [legalaid, *argv], env=env, input=stdin, capture_output=True, text=True, check=False
    )


def test_a_script_that_gives_no_password_is_told_so_and_no_login_is_tried(
    store_with_lawyer: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGALAID_")}
    env["LEGALAID_DATA_DIR"] = str(store_with_lawyer)
    proc = _run_without_terminal(["--user", ADMIN, "db", "status"], env, "")
    assert proc.returncode == 3
    assert proc.stderr == (
        "legalaid: No password was given: set LEGALAID_PASSWORD or write it on standard input.\n"
    )
    throttle = LoginThrottle.load(StorePaths(store_with_lawyer).attempts)
    assert throttle.failures(ADMIN) == 0 and not throttle.pending  # not a failed attempt
    # The password on standard input works, like the variable.
    proc = _run_without_terminal(["--user", ADMIN, "db", "status"], env, ADMIN_PASSWORD + "\n")
    assert proc.returncode == 0, proc.stderr


def test_a_new_password_given_once_or_not_at_all_on_standard_input(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGALAID_")}
    init = ["--data-dir", str(tmp_path / "s"), "init", "--node-code", "QBA"]
    init += ["--node-name", "Quba mərkəzi", "--admin", "aynur"]
    proc = _run_without_terminal(init, env, "")
    assert proc.returncode == 4 and "No new password was given" in proc.stderr
    proc = _run_without_terminal(init, env, "Quba-center-2026\n")
    assert proc.returncode == 4 and "given only once" in proc.stderr
    assert not (tmp_path / "s" / "vault.json").exists()  # nothing was created
    proc = _run_without_terminal(init, env, "Quba-center-2026\nQuba-center-2026\n")
    assert proc.returncode == 0, proc.stderr
