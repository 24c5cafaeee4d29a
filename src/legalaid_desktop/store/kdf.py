"""Argon2id parameters of a key slot: the floor, calibration, derivation."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from legalaid_desktop.domain.errors import VaultTampered
from legalaid_desktop.i18n import _


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters of one slot: memory in KiB, iterations, lanes."""

    memory_kib: int
    iterations: int
    lanes: int

    def to_dict(self) -> dict[str, int]:
        return {"m": self.memory_kib, "t": self.iterations, "p": self.lanes}

    @classmethod
    def from_dict(cls, data: object) -> KdfParams:
        if not isinstance(data, dict) or set(data) != {"m", "t", "p"}:
            raise VaultTampered(_("The key file is malformed."))
        values = [data["m"], data["t"], data["p"]]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise VaultTampered(_("The key file is malformed."))
        return cls(memory_kib=values[0], iterations=values[1], lanes=values[2])

    def below_floor(self) -> bool:
        return (
            self.memory_kib < FLOOR.memory_kib
            or self.iterations < FLOOR.iterations
            or self.lanes < FLOOR.lanes
        )

    def derive(self, password: str, salt: bytes) -> bytes:
        """Stretch ``password`` into a 256-bit key."""
        secret = password.encode("utf-8")  # pragma: no mutate (equivalent: "UTF-8", same codec)
        return Argon2id(
            salt=salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        ).derive(secret)

    @classmethod
    def calibrate(cls, target_seconds: float = 0.5, max_memory_kib: int = 1024 * 1024) -> KdfParams:
        """Parameters that take about ``target_seconds`` on this machine, never below the floor.

        Memory is doubled from the floor while one derivation stays under the target; then one
        more iteration is added for each whole iteration's time left under the target.
        """
        params = FLOOR
        # Only the time of these derivations is used: any salt length would do.
        salt = secrets.token_bytes(16)  # pragma: no mutate (equivalent: only the time is used)
        elapsed = _time_derive(params, salt)
        while elapsed * 2 <= target_seconds and params.memory_kib * 2 <= max_memory_kib:
            params = KdfParams(params.memory_kib * 2, params.iterations, params.lanes)
            elapsed = _time_derive(params, salt)
        per_iteration = elapsed / params.iterations
        extra = int((target_seconds - elapsed) / max(per_iteration, 1e-6))
        return KdfParams(params.memory_kib, params.iterations + max(0, extra), params.lanes)


def _time_derive(params: KdfParams, salt: bytes) -> float:
    start = time.perf_counter()
    # Any password takes the same time.
    params.derive("calibration", salt)  # pragma: no mutate (equivalent: only the time is used)
    return time.perf_counter() - start


FLOOR = KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4)
"""The weakest parameters any slot may have (RFC 9106's 64 MiB / t=3 / p=4)."""
