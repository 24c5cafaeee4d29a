"""Mutation testing of the code where a silent bug exposes a person or loses a record.

`make mutate` and `make mutate-quick` call this script.

Runs mutmut (pinned in the ``dev`` extra) over one module at a time, each with only the tests
that exercise it (:data:`TARGETS`): mutmut then narrows further, per function, to the tests that
actually call it, so a mutant costs seconds rather than a run of the whole suite.

Each module gets its own work folder ``build/mutate/<module>/`` (links to ``src``, ``tests``,
``resources``, ``migrations`` and a generated ``pyproject.toml``); mutmut keeps its results there,
so a second run only re-tests what changed in the module. mutmut cannot see a change in the
tests: when the module's test files (or the shared helpers beside them) change, its earlier
results are dropped and every mutant is tested again. Usage::

    python scripts/mutate.py                        # every module of TARGETS
    python scripts/mutate.py src/legalaid_desktop/domain/roles.py
    python scripts/mutate.py --changed main         # the TARGETS a change since `main` touched
    python scripts/mutate.py --show src/legalaid_desktop/domain/roles.py   # survivors' diffs

An equivalent mutant (one no test can tell from the original, because the behavior is the same)
is marked on its line with ``# pragma: no mutate (equivalent: <why>)``; see docs/testing.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutate"

_H = "tests/hostile/"
_I = "tests/integration/"
_U = "tests/unit/"

TARGETS: dict[str, list[str]] = {
    # Smallest and fastest first: `make mutate` runs them in this order.
    "src/legalaid_desktop/domain/roles.py": [_U + "test_role_table.py", _H + "test_roles.py"],
    "src/legalaid_desktop/services/user_rules.py": [
        _U + "test_role_table.py",
        _H + "test_roles.py",
        _H + "test_last_admin.py",
        _H + "test_refusal_records.py",
    ],
    # With the organizations' tests: their names are retrieved and scored by rules of their own.
    "src/legalaid_desktop/search/conflicts.py": [
        _U + "test_conflict_queries.py",
        _U + "test_conflict_name_forms.py",
        _I + "test_conflicts.py",
        _I + "test_conflict_scores.py",
        _I + "test_names_as_written.py",
        _I + "test_organization_clients.py",
        _I + "test_group_retrieval.py",
        _I + "test_conflict_retrieval.py",
    ],
    "src/legalaid_desktop/search/conflict_scores.py": [
        _U + "test_group_scores.py",
        _U + "test_conflict_name_forms.py",
        _I + "test_conflicts.py",
        _I + "test_conflict_scores.py",
        _I + "test_names_as_written.py",
        _I + "test_organization_clients.py",
    ],
    "src/legalaid_desktop/store/audit.py": [_I + "test_audit_chain.py", _I + "test_login_audit.py"],
    # What reaches donors: a small cell given back by a total names a person in a small center.
    "src/legalaid_desktop/statistics/suppression.py": [
        _U + "test_statistics_core.py",
        _I + "test_statistics_cli.py",
    ],
    "src/legalaid_desktop/statistics/table.py": [
        _U + "test_statistics_core.py",
        _I + "test_statistics_cli.py",
        _I + "test_statistics.py",
    ],
    "src/legalaid_desktop/reports/fonts.py": [
        _U + "test_reports.py",
        _U + "test_report_fonts.py",
        _U + "test_font_search.py",
    ],
    "src/legalaid_desktop/store/kdf.py": [
        _H + "test_vault_kdf_fields.py",
        _I + "test_vault.py",
        _H + "test_planted_vault.py",
    ],
    "src/legalaid_desktop/store/keywrap.py": [
        _H + "test_keywrap_vectors.py",
        _I + "test_vault.py",
        _H + "test_planted_vault.py",
    ],
    "src/legalaid_desktop/sync/ownership.py": [
        _U + "test_case_number_node.py",
        _H + "test_sync_ownership.py",
    ],
    "src/legalaid_desktop/sync/merge.py": [
        _U + "test_merge_rules.py",
        _U + "test_merge_outcomes.py",
        _I + "test_sync.py",
        _H + "test_sync_ownership.py",
        _U + "test_hlc.py",
    ],
    "src/legalaid_desktop/sync/history.py": [
        _U + "test_merge_rules.py",
        _U + "test_merge_outcomes.py",
        _I + "test_merge_history.py",
        _I + "test_sync.py",
        _H + "test_sync_ownership.py",
    ],
    # Without test_cli_admin.py and test_login_audit.py (its commands and the login's audit):
    # they add seconds to each mutant; the rules of adding, revoking and changing users are
    # tested by the files below.
    "src/legalaid_desktop/services/users.py": [
        _H + "test_roles.py",
        _H + "test_revocation_backups.py",
        _H + "test_user_changes.py",
        _H + "test_last_admin.py",
        _H + "test_refusal_records.py",
    ],
    # With test_backup_file.py: a restore is what calls install_key and wrap_mac_keys (74
    # mutants had no test among the files above). test_vault_file_refusals.py reads each
    # refusal of load and unlock (no store: it kills most of their mutants in milliseconds).
    "src/legalaid_desktop/store/vault.py": [
        _H + "test_vault_file_refusals.py",
        _I + "test_vault.py",
        _H + "test_planted_vault.py",
        _H + "test_recovery_rotation.py",
        _I + "test_backup_file.py",
    ],
    # Without test_recovery_rotation.py: the known answers of test_slot_vectors.py pin the
    # recovery key pair, and each rotation test would add seconds to every mutant.
    "src/legalaid_desktop/store/slots.py": [
        _H + "test_slot_vectors.py",
        _I + "test_vault.py",
        _H + "test_planted_vault.py",
    ],
    # `db verify` and `db status`: a damaged store reported sound, or a wrong count of key holders.
    "src/legalaid_desktop/store/inspection.py": [
        _I + "test_db_inspection.py",
        _I + "test_audit_chain.py",
        _I + "test_login_audit.py",
        _I + "test_cli_admin.py",
        _I + "test_consultation_figures.py",  # the statistics' table faked, verify fails
    ],
    "src/legalaid_desktop/store/store.py": [
        _I + "test_store_create.py",
        _I + "test_store.py",
        _I + "test_vault.py",
        _H + "test_planted_vault.py",
        _H + "test_storage_failures.py",
        # The open path also throttles and audits logins, upgrades (with a backup first) and
        # finishes interrupted revocations: the tests of those are this module's tests too.
        _H + "test_login_attempts.py",
        _I + "test_login_audit.py",
        _I + "test_migrations.py",
        _H + "test_revocation_backups.py",
        _H + "test_key_changed.py",  # errors translated on the engine a rotation replaced
        _H + "test_recovery_rotation.py",  # rotate_recovery_key
    ],
    # The backup file on a USB stick: one that is called verified and does not restore, or
    # that a revoked user's password still opens, loses or exposes every record.
    # test_backup_file_refusals.py hands read() files that fail one check each (no key needed).
    "src/legalaid_desktop/store/backup_file.py": [
        _H + "test_backup_file_refusals.py",
        _H + "test_backup_database_part.py",
        _I + "test_backup_file_writing.py",
        _I + "test_backup_file.py",
        _H + "test_backup_outside.py",
    ],
    # The header's and manifest's checks one by one (test_bundle_fields.py) and whole bundles
    # through the reader; without test_bundle_import.py and test_sync.py, whose imports and round
    # trips add seconds to each mutant and test no field check the two files below leave out.
    "src/legalaid_desktop/sync/container/format.py": [
        _H + "test_bundle_fields.py",
        _H + "test_container.py",
    ],
    # Without test_bundle_import.py and test_sync.py: a mutant of the reader's loop ran their
    # round trips for about 50 s; test_chunk_stream.py reads a real body piece by piece.
    "src/legalaid_desktop/sync/container/stream.py": [
        _U + "test_chunk_stream.py",
        _H + "test_container.py",
    ],
    # The container's writer and reader: whole bundles written and read (hostile ones crafted
    # from the writer's pieces); the import and sync round trips add seconds to each mutant.
    "src/legalaid_desktop/sync/container/writer.py": [
        _U + "test_bundle_writer.py",
        _H + "test_container.py",
        _U + "test_chunk_stream.py",
    ],
    "src/legalaid_desktop/sync/container/reader.py": [
        _H + "test_bundle_refusals.py",
        _H + "test_container.py",
        _H + "test_bundle_fields.py",
        _U + "test_chunk_stream.py",
    ],
    # With test_retention_sync.py: an import screens out the values of anonymized or erased
    # persons (screen_removed had no test among the other files); test_import_check_reasons.py
    # reads why each record was set aside (a record whose parent was); test_bundle_acks.py, which
    # of our bundles an acknowledgement marks.
    "src/legalaid_desktop/sync/importer.py": [
        _I + "test_bundle_acks.py",
        _I + "test_import_index.py",  # the counts, and HQ's search after a deletion or rename
        _I + "test_reference_editor.py",  # HQ's reference lists installed at a center
        _I + "test_transfer_requests.py",  # the transfer rows a center records
        _H + "test_import_clock.py",  # stamps far ahead set aside, the clock observed, progress
        _H + "test_import_check_reasons.py",
        _H + "test_bundle_import.py",
        _H + "test_sync_ownership.py",
        _H + "test_attachment_names.py",
        _I + "test_sync.py",
        _I + "test_retention_sync.py",
        _I + "test_sync_consent.py",  # HQ's placeholders kept out at a center; a withdrawal at HQ
        _H + "test_audit_anchor.py",  # the sender's audit anchor accepted, or its alert
    ],
    # Without test_sync.py: its round trips add minutes per mutant and check no rule here.
    "src/legalaid_desktop/sync/import_checks.py": [
        _H + "test_import_check_reasons.py",
        _H + "test_sync_ownership.py",
        _H + "test_bundle_import.py",
    ],
    # The parse phase part by part (test_bundle_parts.py, no store) and the channel and trust on
    # a real store; without test_sync.py and test_sync_ownership.py, whose round trips add
    # seconds to each mutant and test the merge and ownership rules, not these.
    "src/legalaid_desktop/sync/inbound.py": [
        _U + "test_bundle_parts.py",
        _I + "test_bundle_channel.py",
        _H + "test_bundle_import.py",
        _H + "test_attachment_names.py",
    ],
}
"""Each critical module and the test files that exercise it (no GUI tests: mutmut forks)."""

_LINKS = ("src", "tests", "resources", "migrations", "alembic.ini")


def _slug(module: str) -> str:
    return module.removeprefix("src/legalaid_desktop/").removesuffix(".py").replace("/", ".")


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


def _workspace(module: str) -> Path:
    """The work folder of ``module``: links to the checkout and a pyproject.toml for mutmut."""
    work = WORK / _slug(module)
    work.mkdir(parents=True, exist_ok=True)
    for name in _LINKS:
        link = work / name
        if (ROOT / name).exists() and not link.is_symlink():
            link.symlink_to(ROOT / name)
    pytest_ini = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]
    opts = pytest_ini["ini_options"]
    config = "\n".join(
        [
            "[tool.mutmut]",
            'source_paths = ["src"]',
            f"only_mutate = {_toml_list([module])}",
            'also_copy = ["resources", "migrations", "alembic.ini"]',
            'pytest_add_cli_args = ["-p", "no:cacheprovider"]',
            f"pytest_add_cli_args_test_selection = {_toml_list(TARGETS[module])}",
            "",
            "[tool.pytest.ini_options]",
            f'testpaths = ["tests"]\naddopts = "{opts["addopts"]}"',
            f"markers = {_toml_list(opts['markers'])}",
            f'qt_api = "{opts["qt_api"]}"',
            "",
        ]
    )
    target = work / "pyproject.toml"
    if not target.exists() or target.read_text("utf-8") != config:
        target.write_text(config, "utf-8")  # mutmut re-runs what a changed config can affect
    return work


def _tests_fingerprint(module: str) -> str:
    """A hash of the tests that judge ``module``: its test files and the shared helpers."""
    tests = ROOT / "tests"
    files = sorted(
        {ROOT / t for t in TARGETS[module]}
        | {p for p in tests.rglob("*.py") if not p.name.startswith("test_")}
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _forget_if_tests_changed(module: str, work: Path) -> None:
    """Drop mutmut's results in ``work`` when the tests changed since they were recorded."""
    stamp = work / "tests.sha256"
    now = _tests_fingerprint(module)
    if stamp.exists() and stamp.read_text("utf-8") != now:
        print("   the tests changed since the last run: every mutant is tested again", flush=True)
        shutil.rmtree(work / "mutants", ignore_errors=True)
    stamp.write_text(now, "utf-8")


def _mutmut(work: Path, *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)  # mutmut puts its mutated copy of src/ first on the path itself
    return subprocess.run(
        [mutmut, *args], cwd=work, env=env, text=True, capture_output=capture, check=False
    )


def _score(work: Path) -> tuple[int, int, list[str]]:
    """(killed, total, the names of the mutants not killed) of the last run in ``work``."""
    out = _mutmut(work, "results", "--all", "true", capture=True).stdout
    found = re.findall(r"^\s*(\S+__mutmut_\d+): (.+)$", out, re.MULTILINE)
    dead = ("killed", "caught by type check")
    killed = [name for name, status in found if status.strip() in dead]
    alive = [f"{name}: {status.strip()}" for name, status in found if name not in set(killed)]
    return len(killed), len(found), alive


def _changed(ref: str) -> list[str]:
    out = subprocess.run(
        ["git", "diff", "--name-only", ref, "--", "src"],
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=True,
    ).stdout.split()
    out += subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "src"],
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=True,
    ).stdout.split()
    skipped = sorted({p for p in out if p.endswith(".py") and p not in TARGETS})
    if skipped:
        print("not in the mutation targets (see TARGETS in scripts/mutate.py):", *skipped)
    return [m for m in TARGETS if m in out]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("modules", nargs="*", help="paths under src/ (default: every target)")
    parser.add_argument("--changed", metavar="REF", help="only the targets changed since REF")
    parser.add_argument("--show", action="store_true", help="print the surviving mutants' diffs")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested in parallel")
    args = parser.parse_args(argv)

    modules = [m.removeprefix("./") for m in args.modules] or list(TARGETS)
    if args.changed:
        modules = _changed(args.changed)
        if not modules:
            print("no mutation target changed since", args.changed)
            return 0
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        print("no tests are mapped for", *unknown, "- add them to TARGETS in scripts/mutate.py")
        return 2

    rows = []
    for module in modules:
        work = _workspace(module)
        if args.show:
            for line in _score(work)[2]:
                name = line.split(":")[0]
                print(_mutmut(work, "show", name, capture=True).stdout)
            continue
        print(f"== {module} (tests: {' '.join(TARGETS[module])})", flush=True)
        _forget_if_tests_changed(module, work)
        start = time.monotonic()
        run = _mutmut(work, "run", "--max-children", str(args.jobs), capture=True)
        seconds = time.monotonic() - start
        if run.returncode != 0:
            print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
            print(f"mutmut failed on {module}")
            return 1
        killed, total, alive = _score(work)
        rows.append((module, killed, total, seconds))
        for line in alive:
            print("   ", line)
    if rows:
        print(f"\n{'module':50} {'killed/total':>14} {'score':>6} {'time':>7}")
        for module, killed, total, seconds in rows:
            pct = 100 * killed / total if total else 100.0
            print(f"{module:50} {killed:>6}/{total:<7} {pct:5.0f}% {seconds / 60:5.1f}min")
        print(f"survivors: python scripts/mutate.py --show <module>  (work in {WORK})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
