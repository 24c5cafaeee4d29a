"""Growing delay after wrong passwords, and the record of attempts made while the store was shut.

A failed login cannot be written to the encrypted audit log (the key is what was missing), so
each attempt is appended to ``login-attempts.json`` beside the vault and moved into the audit
chain at the next successful unlock. The file holds user names and times only.

Delay policy: the first three failures for a user name cost nothing; from the fourth on, each
attempt must wait ``2 ** (failures - 3)`` seconds (capped at five minutes) after the previous
failure. A success resets the count.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalaid_desktop.store.vault import atomic_write

FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300.0
MAX_PENDING = 10_000


def delay_for(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive failures."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY_SECONDS, float(2 ** (failures - FREE_ATTEMPTS)))


@dataclass
class LoginThrottle:
    """Failure counts per user name and pending attempts, persisted at ``path``."""

    path: Path
    clock: Callable[[], float] = time.time
    users: dict[str, dict[str, float]] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path, clock: Callable[[], float] = time.time) -> LoginThrottle:
        throttle = cls(path=path, clock=clock)
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return throttle
        if isinstance(data, dict):
            users = data.get("users")
            pending = data.get("pending")
            if isinstance(users, dict):
                throttle.users = {
                    str(k): v
                    for k, v in users.items()
                    if isinstance(v, dict) and isinstance(v.get("failures"), int | float)
                }
            if isinstance(pending, list):
                throttle.pending = [p for p in pending if isinstance(p, dict)][-MAX_PENDING:]
        return throttle

    def save(self) -> None:
        data = {"users": self.users, "pending": self.pending[-MAX_PENDING:]}
        atomic_write(self.path, json.dumps(data, indent=1).encode("utf-8"))

    def failures(self, username: str) -> int:
        return int(self.users.get(username, {}).get("failures", 0))

    def wait_seconds(self, username: str) -> float:
        """How long ``username`` must still wait before the next attempt (0 if none)."""
        entry = self.users.get(username)
        if not entry:
            return 0.0
        ready_at = float(entry.get("last", 0.0)) + delay_for(int(entry["failures"]))
        return max(0.0, ready_at - self.clock())

    def record(self, username: str, ok: bool, detail: str = "") -> None:
        """Remember one attempt (and save)."""
        now = self.clock()
        self.pending.append({"at": now, "user": username, "ok": ok, "detail": detail})
        if ok:
            self.users.pop(username, None)
        else:
            entry = self.users.setdefault(username, {"failures": 0, "last": now})
            entry["failures"] = int(entry["failures"]) + 1
            entry["last"] = now
        self.save()

    def forget_pending(self, count: int) -> None:
        """Drop the first ``count`` pending attempts once they are safely in the audit log."""
        self.pending = self.pending[count:]
        self.save()
