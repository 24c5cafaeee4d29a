"""Run one target of ``fuzztargets.py`` under atheris (libFuzzer), for the ``fuzz_*.py`` scripts.

``--target=NAME`` picks the target; every other argument goes to libFuzzer (``-runs=N``,
``-max_total_time=S``, corpus folders, ...). Only the project's own modules are instrumented for
coverage, so the fuzzer steers by what the readers do, not by what the libraries do.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))


def run(argv: Sequence[str], choices: Sequence[str]) -> None:
    """Fuzz the target named by ``--target=`` (default: the first of ``choices``)."""
    target = choices[0]
    rest = [argv[0]]
    for arg in argv[1:]:
        if arg.startswith("--target="):
            target = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if target not in choices:
        raise SystemExit(f"unknown target {target!r}; choose one of {', '.join(choices)}")
    with atheris.instrument_imports(include=["legalaid_desktop"]):
        import fuzztargets as targets

    import fuzzmutators as mutators

    fixture = targets.load_fixture(targets.work_dir())
    function = targets.TARGETS[target]
    structural = mutators.MUTATORS[target]

    def test_one_input(data: bytes) -> None:
        function(fixture, data)

    def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
        """Half libFuzzer's byte mutations, half a change inside the input's JSON."""
        rng = random.Random(seed)
        if rng.randrange(2):
            return atheris.Mutate(data, max_size)
        return structural(data, rng)[:max_size]

    atheris.Setup(rest, test_one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()
