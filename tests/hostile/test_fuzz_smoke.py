"""A short run of the fuzz harnesses (fuzz/, docs/testing.md) inside the test suite.

The seeds are made as ``make fuzz`` makes them: two real stores enrolled with each other, their
enrollment files and the bundles they export. Every target then reads each seed, a fixed set of
structural mutations of it (one value changed inside its JSON) and a fixed set of byte
mutations; the only acceptable outcomes are success and the domain error the readers' callers
catch. Where atheris is installed (a pinned dev dependency on Linux x86-64), each target also
runs a few hundred coverage-guided inputs under it, so that the harness itself keeps working.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FUZZ_DIR = Path(__file__).resolve().parents[2] / "fuzz"
STRUCTURAL_PER_TARGET = 400
BYTES_PER_TARGET = 200


def _fuzz_module(name: str) -> Any:
    if str(FUZZ_DIR) not in sys.path:
        sys.path.insert(0, str(FUZZ_DIR))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-work")
    _fuzz_module("make_corpus").build(folder)
    return folder


@pytest.fixture(scope="module")
def fixture(work: Path) -> Any:
    return _fuzz_module("fuzztargets").load_fixture(work)


def _byte_mutation(data: bytes, rng: random.Random) -> bytes:
    """A flipped, inserted or removed byte, or a cut: the mutations libFuzzer starts with."""
    if not data:
        return bytes([rng.randrange(256)])
    pos = rng.randrange(len(data))
    action = rng.randrange(4)
    if action == 0:
        return data[:pos] + bytes([data[pos] ^ (1 << rng.randrange(8))]) + data[pos + 1 :]
    if action == 1:
        return data[:pos] + bytes([rng.randrange(256)]) + data[pos:]
    if action == 2:
        return data[:pos] + data[pos + 1 :]
    return data[:pos]


def _run(target: Callable[[Any, bytes], None], fx: Any, data: bytes) -> None:
    try:
        target(fx, data)
    except Exception as error:  # the test's whole point: name the input that escaped
        pytest.fail(f"{type(error).__name__}: {error} on input {data[:300]!r}...")


TARGET_NAMES = ("bundle_file", "bundle_contents", "import_parse", "strictjson", "enrollment")


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_seeds_and_mutations_end_in_success_or_a_domain_error(
    name: str, work: Path, fixture: Any
) -> None:
    targets = _fuzz_module("fuzztargets")
    mutators = _fuzz_module("fuzzmutators")
    target = targets.TARGETS[name]
    structural = mutators.MUTATORS[name]
    seeds = sorted((work / "seeds" / name).iterdir())
    assert seeds, f"no seeds for {name}"
    rng = random.Random(f"fuzz-smoke-{name}")
    for seed in seeds:
        data = seed.read_bytes()
        _run(target, fixture, data)
        mutated = data
        for step in range(STRUCTURAL_PER_TARGET // len(seeds) + 1):
            # Chains of a few changes, restarting from the seed now and then.
            mutated = structural(data if step % 4 == 0 else mutated, rng)
            _run(target, fixture, mutated)
        for _ in range(BYTES_PER_TARGET // len(seeds) + 1):
            _run(target, fixture, _byte_mutation(data, rng))


def test_the_seeds_are_accepted(work: Path, fixture: Any) -> None:
    """The harness reaches past the signatures: real seeds open and parse without a refusal."""
    targets = _fuzz_module("fuzztargets")
    from legalaid_desktop.sync import container
    from legalaid_desktop.sync.container import format as bundle_format
    from legalaid_desktop.sync.inbound import parse_bundle

    for seed in sorted((work / "seeds" / "bundle_file").iterdir()):
        opened = fixture.open_real(seed.read_bytes())
        parse_bundle(opened, from_hq=opened.header.sender == "BAK")
    for seed in sorted((work / "seeds" / "bundle_contents").iterdir()):
        data = seed.read_bytes()
        from_hq = bool(data[0] & targets.FLAG_FROM_HQ)
        rest = data[1:]
        if data[0] & targets.FLAG_STANZA:
            rest = rest[bundle_format._STANZA_SIZE :]
        manifest, _sep, body = rest.partition(targets.SEP)
        sender, recipient = fixture.pair(from_hq)
        signature = sender.signing_key.sign(bundle_format._INNER_DOMAIN + manifest)
        plaintext = len(manifest).to_bytes(4, "big") + manifest + signature + body
        sealed = fixture.seal(from_hq, plaintext)
        opened = container.open_bundle(
            io.BytesIO(sealed), me=recipient, sender_keys=fixture.sender_keys
        )
        parse_bundle(opened, from_hq=from_hq)


def test_an_unexpected_exception_escapes_the_harness(
    work: Path, fixture: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness lets through what is not a domain error, so a bug cannot hide in it."""
    targets = _fuzz_module("fuzztargets")
    seeds = (work / "seeds" / "import_parse").iterdir()
    seed = max(seeds, key=lambda path: path.stat().st_size).read_bytes()  # holds records

    def planted_bug(obj: Any, line: int, stamps: Any) -> Any:
        raise KeyError("planted")

    monkeypatch.setattr("legalaid_desktop.sync.inbound.check_record", planted_bug)
    with pytest.raises(KeyError, match="planted"):
        targets.import_parse(fixture, seed)


@pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (it has wheels for Linux x86-64 only)",
)
def test_a_short_coverage_guided_run_finds_nothing(work: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(FUZZ_DIR / "run.py"), "--runs", "200", "--no-seeds", "--work", work],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "crashes in: none" in result.stdout
