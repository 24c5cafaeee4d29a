"""A rogue or misconfigured center's clock, and a large bundle's progress, at HQ (real stores).

Every field group of a record carries the stamp of its last edit, and the newest stamp wins a
merge. A center whose stamps lie a year ahead (a laptop set to the wrong year, or a program
with the center's keys) would win every later edit made anywhere, for a year. A record with a
stamp more than a day ahead of HQ's clock is set aside alone (kept in the quarantine with the
reason); the bundle's other records apply, and HQ's clock does not jump.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.store.models import Client, QuarantineEntry
from sync_support import (
    channel,
    client_record,
    hq_and_center,
    jsonl,
    node_keys,
    parts_with,
    pinned,
    send_crafted,
    stamp,
    sync,
    write,
)

HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    with hq_and_center(tmp_path) as nodes:
        yield nodes


def _crafted(
    hq: app.AppSession, gnj: app.AppSession, folder: Path, records: list[dict[str, Any]]
) -> Any:
    """GNJ's next bundle to HQ, made by hand with GNJ's keys, imported at HQ."""
    return send_crafted(gnj, hq, folder, parts_with(jsonl(records), "GNJ"))


def test_a_record_stamped_more_than_a_day_ahead_is_set_aside_alone(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    near = client_record("GNJ", c=stamp("GNJ", ahead_ms=23 * HOUR))  # a clock a little fast
    far = client_record("GNJ", c=stamp("GNJ", ahead_ms=DAY + HOUR), name="Gələcək Adam")
    now = client_record("GNJ", name="Bu Günkü Adam")
    result = _crafted(hq, gnj, tmp_path, [near, far, now])
    assert (result.inserted, result.quarantined) == (2, 1)
    with hq.ws.read() as s:
        assert s.get(Client, near["id"]) is not None
        assert s.get(Client, far["id"]) is None
        (entry,) = s.scalars(select(QuarantineEntry)).all()
        assert entry.reason == "its clock is more than a day ahead of this computer's"
        assert (entry.peer, entry.record["id"]) == ("GNJ", far["id"])
    # HQ's clock moved past the newest accepted stamp (HQ's next edit must win over it), and
    # not to the one set aside.
    accepted = HLC.decode(near["g"]["identity"]["c"])
    next_stamp = hq.ws.clock.now()
    assert accepted < next_stamp
    assert next_stamp.wall_ms < accepted.wall_ms + HOUR


def test_one_group_ahead_sets_aside_the_whole_record(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """A record whose identity is stamped now but one other group a year ahead: the record is
    set aside, not its other groups applied."""
    hq, gnj = pair
    record = client_record("GNJ")
    record["g"]["contact"]["c"] = stamp("GNJ", ahead_ms=365 * DAY)
    result = _crafted(hq, gnj, tmp_path, [record])
    assert (result.inserted, result.quarantined) == (0, 1)
    with hq.ws.read() as s:
        assert s.get(Client, record["id"]) is None


def test_a_large_bundle_reports_its_progress_every_thousand_records(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    records = [client_record("GNJ", name=f"Müştəri {n:04d}") for n in range(2_500)]
    seq, prev = channel(hq, "GNJ")
    path = write(
        tmp_path / "large.bundle",
        node_keys(gnj).private,
        pinned(gnj, "BAK"),
        parts_with(jsonl(records), "GNJ"),
        seq=seq + 1,
        prev_hash=prev,
    )
    reported: list[tuple[int, int]] = []
    result = sync(hq).import_bundle(
        path, progress=lambda done, total: reported.append((done, total))
    )
    assert result.inserted == 2_500
    assert [r for r in reported if r[1] == 2_500] == [(1_000, 2_500), (2_000, 2_500)]
