"""Growing delay after wrong passwords, and the record of attempts made while the store was shut.

A failed login cannot be written to the encrypted audit log (the key is what was missing), so
each failed attempt is appended to ``login-attempts.json`` beside the vault and moved into the
audit chain at the next successful unlock.

That file is plaintext and unauthenticated: anyone who can write to the data folder can edit it.
So nothing read from it is trusted:

- Its entries go into the audit log as ``login_failed_unverified`` (an unverified report of a
  failed attempt), stamped with the time they were *recorded*; the time the file claims is kept
  in the details only when it is a plausible one. A report is never a ``login`` event.
- A user name that is not one of the vault's users is never written to the file or to the audit
  log (it may be a password typed into the wrong field): it becomes :data:`UNKNOWN_USER`, and all
  unknown names share one delay.
- A malformed file, or a malformed entry, is ignored and counted (:attr:`LoginThrottle.ignored`);
  the store audits that count as ``login_attempts_ignored`` at the next unlock. Nothing in the
  file can make a login fail or wait longer than :data:`MAX_DELAY_SECONDS`.

The file holds user names of the vault, counts and times only.

Delay policy: the first three failures for a user name cost nothing; from the fourth on, each
attempt must wait ``2 ** (failures - 3)`` seconds (capped at five minutes) after the previous
failure. A success resets the count.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import LegalAidError
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.store.audit import append_event
from legalaid_desktop.store.vault import Vault

FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300.0
MAX_PENDING = 10_000
MAX_FILE_SIZE = 4 * 1024 * 1024
"""A larger attempts file is ignored unread (this program writes well under 1 MiB)."""
MAX_FAILURES = 1_000_000
"""A failure count above this is not one this program wrote: the entry is ignored."""
UNKNOWN_USER = "unknown user"
"""Stored instead of a typed user name that is not a user of the vault."""
_MAX_NAME = 200
SOURCE = "login-attempts.json"
VAULT_NAME = "vault.json"
"""The vault beside the attempts file (as in ``StorePaths``)."""

log = logging.getLogger(__name__)


def delay_for(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive failures."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    if failures - FREE_ATTEMPTS >= 9:  # 2 ** 9 > MAX_DELAY_SECONDS: no huge power computed
        return MAX_DELAY_SECONDS
    return min(MAX_DELAY_SECONDS, float(2 ** (failures - FREE_ATTEMPTS)))


def known_usernames(vault_path: Path) -> frozenset[str]:
    """The user names of the vault at ``vault_path`` (empty if it cannot be read)."""
    try:
        return frozenset(Vault.load(vault_path).usernames())
    except (LegalAidError, OSError, ValueError):
        return frozenset()


def _time(value: object) -> float | None:
    """A finite, non-negative number of seconds since 1970 (no bools), else ``None``."""
    if type(value) not in (int, float):
        return None
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or number < 0 or number > 253_402_300_799:  # year 9999
        return None
    return number


@dataclass
class LoginThrottle:
    """Failure counts per user name and pending failed attempts, persisted at ``path``.

    Attributes:
        known: The user names of the vault; any other name is kept as :data:`UNKNOWN_USER`.
        ignored: How many entries of the file were malformed and dropped when it was loaded
            (a file that is not JSON at all counts as one).
    """

    path: Path
    clock: Callable[[], float] = time.time
    known: Collection[str] = frozenset()
    users: dict[str, dict[str, float]] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)
    ignored: int = 0

    @classmethod
    def load(
        cls,
        path: Path,
        clock: Callable[[], float] = time.time,
        known: Collection[str] | None = None,
    ) -> LoginThrottle:
        """Read the file, keeping only well-formed entries about known users (never raises).

        Args:
            known: The vault's user names; by default read from ``vault.json`` beside the file.
        """
        if known is None:
            known = known_usernames(path.with_name(VAULT_NAME))
        throttle = cls(path=path, clock=clock, known=frozenset(known))
        try:
            with path.open("rb") as f:
                raw = f.read(MAX_FILE_SIZE + 1)
        except FileNotFoundError:
            return throttle
        except OSError:
            throttle.ignored = 1
            return throttle
        if len(raw) > MAX_FILE_SIZE:  # not one this program wrote: never parse a huge file
            throttle.ignored = 1
            return throttle
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            throttle.ignored = 1
            return throttle
        if not isinstance(data, dict):
            throttle.ignored = 1
            return throttle
        users = data.get("users", {})
        pending = data.get("pending", [])
        if not isinstance(users, dict):
            throttle.ignored += 1
            users = {}
        if not isinstance(pending, list):
            throttle.ignored += 1
            pending = []
        now = clock()
        for name, entry in users.items():
            clean = throttle._user_entry(entry, now)
            if clean is None:
                throttle.ignored += 1
                continue
            key = throttle.key(name)
            if key in throttle.users:  # several unknown names: keep the larger count
                if throttle.users[key]["failures"] >= clean["failures"]:
                    continue
            throttle.users[key] = clean
        for item in pending[-MAX_PENDING:]:
            attempt = throttle._pending_entry(item)
            if attempt is None:
                throttle.ignored += 1
            else:
                throttle.pending.append(attempt)
        throttle.ignored += max(0, len(pending) - MAX_PENDING)
        return throttle

    @staticmethod
    def _user_entry(entry: object, now: float) -> dict[str, float] | None:
        if not isinstance(entry, dict):
            return None
        failures = entry.get("failures")
        if type(failures) is not int or not 0 <= failures <= MAX_FAILURES:
            return None
        last = _time(entry.get("last", 0.0))
        if last is None:
            return None
        # A "last failure" in the future would make the user wait for ever: count it as now.
        return {"failures": failures, "last": min(last, now)}

    def _pending_entry(self, item: object) -> dict[str, Any] | None:
        if not isinstance(item, dict) or item.get("ok", False) is not False:
            return None  # only failed attempts are ever written; a "success" is not believed
        user = item.get("user")
        if not isinstance(user, str) or len(user) > _MAX_NAME:
            return None
        return {"at": _time(item.get("at")), "user": self.key(user), "ok": False}

    def key(self, username: str) -> str:
        """``username`` if it is a user of the vault, else :data:`UNKNOWN_USER`."""
        return username if username in self.known else UNKNOWN_USER

    def save(self) -> None:
        data = {"users": self.users, "pending": self.pending[-MAX_PENDING:]}
        atomic_write(self.path, json.dumps(data, indent=1).encode("utf-8"))

    def failures(self, username: str) -> int:
        return int(self.users.get(self.key(username), {}).get("failures", 0))

    def wait_seconds(self, username: str) -> float:
        """How long ``username`` must still wait before the next attempt (0 if none)."""
        entry = self.users.get(self.key(username))
        if not entry:
            return 0.0
        ready_at = float(entry.get("last", 0.0)) + delay_for(int(entry["failures"]))
        return min(MAX_DELAY_SECONDS, max(0.0, ready_at - self.clock()))

    def record(self, username: str, ok: bool) -> None:
        """Remember one attempt (and save): a failure is counted and kept for the audit log;
        a success resets the count."""
        now = self.clock()
        key = self.key(username)
        if ok:
            self.users.pop(key, None)
        else:
            self.pending.append({"at": now, "user": key, "ok": False})
            entry = self.users.setdefault(key, {"failures": 0, "last": now})
            entry["failures"] = min(MAX_FAILURES, int(entry["failures"]) + 1)
            entry["last"] = now
        self.save()

    def forget_pending(self, count: int) -> None:
        """Drop the first ``count`` pending attempts once they are safely in the audit log."""
        self.pending = self.pending[count:]
        self.ignored = 0
        self.save()


def audit_attempts(session: Session, throttle: LoginThrottle) -> int:
    """Write the file's pending attempts into the audit log (inside the caller's transaction).

    Each becomes ``login_failed_unverified`` by the user it names (a user of the vault, or
    :data:`UNKNOWN_USER`), stamped now; the time the file claims is in the details. Malformed
    entries that were dropped are audited once as ``login_attempts_ignored`` and logged.

    Returns:
        How many pending attempts were written (pass it to :meth:`LoginThrottle.forget_pending`).
    """
    pending = list(throttle.pending)
    for attempt in pending:
        at = attempt.get("at")
        reported = None
        if isinstance(at, float):
            try:
                stamp = datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")
            except (OverflowError, OSError, ValueError):
                stamp = None
            reported = stamp.replace("+00:00", "Z") if stamp else None
        append_event(
            session,
            actor=str(attempt["user"]),
            action="login_failed_unverified",
            details={"reported_at": reported, "source": SOURCE},
        )
    if throttle.ignored:
        log.warning("%s: %d malformed entries were ignored", SOURCE, throttle.ignored)
        append_event(
            session,
            actor="",
            action="login_attempts_ignored",
            details={"ignored": throttle.ignored, "source": SOURCE},
        )
    return len(pending)
