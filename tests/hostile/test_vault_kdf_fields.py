"""A key slot's Argon2id parameters as read from the key file, and the key they derive.

The parameters sit in vault.json, which anyone with the folder can edit: a slot whose `kdf` is not
exactly {m, t, p} with whole numbers is refused as a damaged key file (not "wrong password"), and
the key derived from the parameters must stay the same from one version to the next, or old
stores stop opening. (Found by mutation testing, see docs/testing.md.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.errors import VaultTampered
from legalaid_desktop.i18n import language
from legalaid_desktop.store import kdf as kdf_module
from legalaid_desktop.store.kdf import FLOOR, KdfParams
from legalaid_desktop.store.store import StorePaths

_M, _T, _P = FLOOR.memory_kib, FLOOR.iterations, FLOOR.lanes


@pytest.mark.parametrize(
    "kdf",
    [
        {"m": _M, "t": _T},  # a field missing
        {"m": _M, "t": _T, "p": _P, "x": 1},  # one too many
        {"m": _M, "t": True, "p": _P},  # a boolean is not a number here
        {"m": str(_M), "t": _T, "p": _P},
        {"m": _M, "t": _T, "p": float(_P)},
        [_M, _T, _P],
    ],
)
def test_a_malformed_kdf_field_is_a_damaged_key_file(store_with_lawyer: Path, kdf: Any) -> None:
    vault = StorePaths(store_with_lawyer).vault
    data = json.loads(vault.read_text())
    next(s for s in data["slots"] if s["user"] == LAWYER)["kdf"] = kdf
    vault.write_text(json.dumps(data))
    with language("en"), pytest.raises(VaultTampered) as refused:
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    assert str(refused.value) == "The key file is malformed."


def test_parameters_round_trip_and_derive_a_stable_key() -> None:
    params = KdfParams(memory_kib=_M + 8, iterations=_T + 1, lanes=_P)
    assert params.to_dict() == {"m": _M + 8, "t": _T + 1, "p": _P}
    assert KdfParams.from_dict(params.to_dict()) == params
    salt = bytes(range(16))
    expected = Argon2id(
        salt=salt, length=32, iterations=_T + 1, lanes=_P, memory_cost=_M + 8
    ).derive("Şəki-çay-2026".encode())
    assert params.derive("Şəki-çay-2026", salt) == expected


def test_calibration_never_goes_below_the_floor_nor_above_the_memory_cap() -> None:
    # No time to spend: the floor itself.
    assert KdfParams.calibrate(target_seconds=0.0) == FLOOR
    # Memory never above the cap (here the floor's), whatever the time allows.
    params = KdfParams.calibrate(target_seconds=0.3, max_memory_kib=_M)
    assert params.memory_kib == _M and params.lanes == _P and params.iterations >= _T


def _cost_model(seconds_at_floor: float) -> Any:
    """A machine on which one derivation takes time in proportion to memory × iterations."""

    def timed(params: KdfParams, _salt: bytes) -> float:
        return seconds_at_floor * (params.memory_kib / _M) * (params.iterations / _T)

    return timed


@pytest.mark.parametrize(
    ("at_floor", "target", "cap", "expected"),
    [
        # Memory doubles while twice the time stays within the target, up to the cap (inclusive):
        # 0.03, 0.06, 0.12, 0.24, 0.48 s at 16 × the floor; 0.48 s is close enough to the target.
        (0.03, 0.5, 16 * _M, KdfParams(16 * _M, _T, _P)),
        # Exactly at the target counts as within: 0.25 × 2 = 0.5 doubles once.
        (0.25, 0.5, 16 * _M, KdfParams(2 * _M, _T, _P)),
        # The cap keeps the floor's memory; iterations fill the time left:
        # 0.0625 s per iteration, (1.0 - 0.1875) / 0.0625 = 13 more.
        (0.1875, 1.0, _M, KdfParams(_M, _T + 13, _P)),
        # A slow machine keeps the floor, never less.
        (0.8, 0.5, 16 * _M, FLOOR),
        # Time left for exactly one more iteration (0.125 s each): it is added.
        (0.375, 0.5, 16 * _M, KdfParams(_M, _T + 1, _P)),
        # Time left, but less than one iteration's: nothing is added.
        (0.45, 0.5, 16 * _M, FLOOR),
    ],
)
def test_calibration_follows_the_machines_speed(
    monkeypatch: pytest.MonkeyPatch,
    at_floor: float,
    target: float,
    cap: int,
    expected: KdfParams,
) -> None:
    monkeypatch.setattr(kdf_module, "_time_derive", _cost_model(at_floor))
    assert KdfParams.calibrate(target_seconds=target, max_memory_kib=cap) == expected


def test_a_timed_derivation_returns_the_time_it_took(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter([1000.0, 1000.25])
    monkeypatch.setattr(kdf_module.time, "perf_counter", lambda: next(ticks))
    assert kdf_module._time_derive(FLOOR, bytes(16)) == pytest.approx(0.25)


def test_calibration_aims_at_half_a_second_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # 0.05, 0.1, 0.2, 0.4 s: doubling again would take 0.8 s, over the half second.
    monkeypatch.setattr(kdf_module, "_time_derive", _cost_model(0.05))
    assert KdfParams.calibrate() == KdfParams(8 * _M, _T, _P)


def test_a_real_calibration_doubles_the_memory_and_fills_the_time() -> None:
    """No stand-in for Argon2id: two real derivations, at the floor and at twice its memory."""
    params = KdfParams.calibrate(target_seconds=60.0, max_memory_kib=2 * _M)
    assert params.memory_kib == 2 * _M and params.lanes == _P
    assert params.iterations > _T
