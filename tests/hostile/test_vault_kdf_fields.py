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
    with pytest.raises(VaultTampered, match="malformed"):
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)


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
