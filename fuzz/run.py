"""Run every fuzz target in turn for a share of a time budget (what ``make fuzz`` calls).

It makes the seeds (``make_corpus.py``), then runs each target of ``fuzztargets.py`` under atheris,
one process at a time, keeping the growing corpus in ``<work>/corpus/<target>`` and any input
that raised an unexpected exception in ``<work>/crashes/``. At the end it prints how many inputs
each target ran and in how long, and exits with 1 if any target found a crash.

Usage::

    PYTHONPATH=src python fuzz/run.py --seconds 600 [--targets a,b] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    "bundle_file": "fuzz_bundle.py",
    "bundle_contents": "fuzz_bundle.py",
    "import_parse": "fuzz_bundle.py",
    "strictjson": "fuzz_bundle.py",
    "enrollment": "fuzz_enrollment.py",
}
_DONE = re.compile(rb"Done (\d+) runs in (\d+) second")
_STATUS = re.compile(rb"^#(\d+)\s", re.MULTILINE)


def run_target(target: str, work: Path, seconds: int, runs: int | None) -> tuple[int, float, int]:
    """Fuzz one target; return (inputs run, seconds taken, exit status)."""
    corpus = work / "corpus" / target
    crashes = work / "crashes"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(HERE / SCRIPTS[target]),
        f"--target={target}",
        f"-artifact_prefix={crashes}/{target}-",
        "-print_final_stats=1",
        "-max_len=65536",
        "-rss_limit_mb=4096",
        str(corpus),
        str(work / "seeds" / target),
    ]
    command.insert(4, f"-runs={runs}" if runs is not None else f"-max_total_time={seconds}")
    env = dict(os.environ, FUZZ_WORK=str(work))
    log = work / f"{target}.log"
    started = time.monotonic()
    with open(log, "wb") as out:
        status = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    elapsed = time.monotonic() - started
    text = log.read_bytes()
    done = _DONE.search(text)
    if done is not None:
        count = int(done.group(1))
    else:  # a crash ends the run early: take the last status line
        steps = _STATUS.findall(text)
        count = int(steps[-1]) if steps else 0
    return count, elapsed, status


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="the whole budget, shared")
    parser.add_argument("--runs", type=int, default=None, help="inputs per target instead")
    parser.add_argument("--targets", default=",".join(SCRIPTS))
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--no-seeds", action="store_true", help="keep the existing seeds")
    args = parser.parse_args(argv[1:])
    names = [name for name in args.targets.split(",") if name]
    unknown = [name for name in names if name not in SCRIPTS]
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)}")
    work: Path = args.work.resolve()
    if not args.no_seeds or not (work / "keys.json").exists():
        subprocess.check_call([sys.executable, str(HERE / "make_corpus.py"), str(work)])
    share = max(1, args.seconds // len(names))
    total_runs = 0
    total_time = 0.0
    failed = []
    for name in names:
        count, elapsed, status = run_target(name, work, share, args.runs)
        total_runs += count
        total_time += elapsed
        verdict = "ok" if status == 0 else f"FOUND A CRASH (exit {status}), see {work}/{name}.log"
        print(f"{name}: {count} inputs in {elapsed:.0f} s: {verdict}", flush=True)
        if status != 0:
            failed.append(name)
    print(f"total: {total_runs} inputs in {total_time:.0f} s; crashes in: {failed or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
