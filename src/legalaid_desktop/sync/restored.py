"""A store restored from a backup, on its sync channels (docs/sync.md §4, "After a restore").

A backup may be older than the last bundle the lost store sent: the restored store's
``out_seq`` is then behind what the peer has imported, and its next bundle would repeat a
sequence number with other content, a fork the peer refuses as a security alert. The restore
marks the store (``meta`` row ``restored_from``, :mod:`legalaid_desktop.store.restore`) with the
peers whose channels it held. Until a peer is heard from:

* :func:`check_export` refuses a bundle for it (``ExportAfterRestore``, one line: the bundles
  sent after the backup are unknown here; import the peer's latest bundle first), unless the
  person says none was sent since the backup (``bundle export --after-restore``);
* :func:`adopt`, run inside the import of that peer's bundle (already verified with the peer's
  pinned keys and signature), takes the peer's acknowledgement of our channel when it names a
  sequence number beyond ours, or ours with another hash, as our ``out_seq`` and
  ``out_last_hash``: the next export continues the chain the peer holds. Once a bundle the peer
  made after the restore has been imported, the peer is no longer waited for.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import ExportAfterRestore
from legalaid_desktop.i18n import _
from legalaid_desktop.store.models import Meta, SyncChannel
from legalaid_desktop.store.restore import RESTORED_KEY
from legalaid_desktop.sync.inbound import ParsedBundle


def mark(session: Session) -> dict[str, Any] | None:
    """The restore mark, or None for a store that was never restored."""
    row = session.get(Meta, RESTORED_KEY)
    if row is None or not row.value:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def waiting_for(session: Session) -> list[str]:
    """The peers not heard from since the restore (empty: none, or never restored)."""
    value = mark(session)
    peers = value.get("peers") if value else None
    return [str(p) for p in peers] if isinstance(peers, list) else []


def _when(stamp: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def check_export(session: Session, peer: str, *, after_restore: bool) -> None:
    """Refuse a bundle for ``peer`` while the restored store has not heard from it.

    Raises:
        ExportAfterRestore: see the module's docstring.
    """
    if after_restore or peer not in waiting_for(session):
        return
    value = mark(session) or {}
    when = _when(str(value.get("made_at", "")))
    made = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "?"
    raise ExportAfterRestore(
        _(
            "This data store was restored from a backup made on {date}: bundles sent to {peer} "
            "after that are unknown here. Import the latest bundle from {peer} first."
        ).format(date=made, peer=peer)
    )


def adopt(session: Session, parsed: ParsedBundle, me: str) -> int:
    """Take the peer's acknowledgement of our channel (see the module's docstring).

    Runs inside the import's transaction, after the bundle was verified with the peer's pinned
    keys. Returns the sequence number adopted (0: nothing adopted).
    """
    value = mark(session)
    peers = waiting_for(session)
    if value is None or parsed.peer not in peers:
        return 0
    adopted = 0
    channel = session.get(SyncChannel, parsed.peer)
    for ack in parsed.acks:
        if ack.node != me or channel is None:
            continue
        beyond = ack.seq > channel.out_seq
        forked = ack.seq == channel.out_seq and ack.hash != channel.out_last_hash
        if beyond or forked:
            channel.out_seq = ack.seq
            channel.out_last_hash = ack.hash
            adopted = ack.seq
    created, restored = _when(parsed.created), _when(str(value.get("restored_at", "")))
    if created is not None and restored is not None:
        if created >= restored.replace(microsecond=0):
            value["peers"] = [p for p in peers if p != parsed.peer]
            row = session.get(Meta, RESTORED_KEY)
            assert row is not None
            row.value = json.dumps(value, sort_keys=True)
    session.flush()
    return adopted
