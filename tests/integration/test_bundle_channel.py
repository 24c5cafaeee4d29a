"""The channel check and the trust an import starts from, on a real HQ store (sync/inbound.py).

docs/sync.md §4 "Channels": a replay is "already imported" and changes nothing; an older number, or
the same number with another bundle, is a rollback or a fork and a security alert; the next
number must name the last bundle imported; a gap is fine (exports are cumulative). The bundles
HQ has imported are told apart from those it sent, from another center's and from refused ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.domain.errors import (
    AlreadyImported,
    ChannelViolation,
    NotEnrolled,
    UnknownSender,
)
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.store.models import Node, SyncBundle, SyncChannel
from legalaid_desktop.sync.container import OpenedBundle, bundle_hash, read_header
from legalaid_desktop.sync.inbound import Trust, check_channel, verify_and_parse
from sync_support import add_case, make_node, node_keys, sync, three_nodes

H = {n: f"{n:02x}" * 32 for n in range(10)}
"""Bundle hashes, by a number used only to tell them apart."""


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[app.AppSession]:
    """HQ with GNJ's channel at number 3 and the bundles it has on record."""
    session = make_node(tmp_path, "BAK", hq=True)
    with session.ws.write() as s:
        s.add(SyncChannel(peer="GNJ", in_seq=3, in_last_hash=H[3]))
        for direction, peer, seq, digest, status in [
            ("in", "GNJ", 2, H[2], "imported"),  # imported: a replay of it changes nothing
            # Each of these differs from a bundle imported from GNJ as no. 1 with H[1] in one
            # column, so none of them makes that bundle "already imported".
            ("out", "GNJ", 1, H[1], "exported"),
            ("out", "GNJ", 1, H[1], "imported"),
            ("in", "QBA", 1, H[1], "imported"),
            ("in", "GNJ", 2, H[1], "imported"),
            ("in", "GNJ", 1, H[0], "imported"),
            ("in", "GNJ", 1, H[1], "rejected"),
        ]:
            s.add(
                SyncBundle(
                    id=new_id(),
                    direction=direction,
                    peer=peer,
                    seq=seq,
                    bundle_hash=digest,
                    created="2026-12-01T10:00:00Z",
                    processed_at="2026-12-01T10:05:00Z",
                    status=status,
                )
            )
    yield session
    session.close()


def _check(
    session: app.AppSession, seq: int, prev: str | None, digest: str, peer: str = "GNJ"
) -> None:
    with session.ws.read() as s:
        check_channel(s, peer, seq, prev, digest)


def _refusal(session: app.AppSession, kind: type[Exception], *args: object) -> str:
    with pytest.raises(kind) as refused:
        _check(session, *args)  # type: ignore[arg-type]
    return str(refused.value)


def test_a_replay_of_the_last_or_an_earlier_imported_bundle(hq: app.AppSession) -> None:
    assert _refusal(hq, AlreadyImported, 3, H[2], H[3]) == (
        "This bundle (GNJ no. 3) was already imported. Nothing was changed."
    )
    assert _refusal(hq, AlreadyImported, 2, H[1], H[2]) == (
        "This bundle (GNJ no. 2) was already imported. Nothing was changed."
    )


def test_a_bundle_only_like_an_imported_one_is_a_rollback(hq: app.AppSession) -> None:
    """Sent, from another center, refused, at another number, with another hash: none of these
    records makes GNJ's no. 1 with H[1] a replay."""
    assert _refusal(hq, ChannelViolation, 1, None, H[1]) == (
        "Security alert: this bundle from GNJ is number 1, older than number 3 already "
        "imported (a rollback). It was refused. Tell HQ."
    )


def test_another_bundle_with_the_last_number_is_a_fork(hq: app.AppSession) -> None:
    assert _refusal(hq, ChannelViolation, 3, H[2], H[9]) == (
        "Security alert: GNJ sent two different bundles numbered 3 (a fork). It was refused. "
        "Tell HQ: the sender's data may have been copied or restored from an old backup."
    )


@pytest.mark.parametrize("prev", [None, H[2], H[9]], ids=["none", "older", "made-up"])
def test_the_next_number_must_name_the_last_bundle(hq: app.AppSession, prev: str | None) -> None:
    assert _refusal(hq, ChannelViolation, 4, prev, H[4]) == (
        "Security alert: bundle number 4 from GNJ does not follow the bundle imported before "
        "it (a fork). It was refused. Tell HQ."
    )


def test_the_next_bundle_and_a_gap_pass(hq: app.AppSession) -> None:
    _check(hq, 4, H[3], H[4])
    _check(hq, 6, None, H[6])  # a gap: exports are cumulative (docs/sync.md)


def test_a_new_channel_starts_at_one_with_no_previous_bundle(hq: app.AppSession) -> None:
    _check(hq, 1, None, H[5], peer="QBA2")
    assert _refusal(hq, ChannelViolation, 1, H[1], H[5], "QBA2") == (
        "Security alert: bundle number 1 from QBA2 does not follow the bundle imported before "
        "it (a fork). It was refused. Tell HQ."
    )
    _check(hq, 2, H[1], H[5], peer="QBA2")  # a gap from the start


# --- what the import trusts and the one verify-and-parse path -------------------------------------


def test_a_center_not_yet_enrolled_trusts_nobody(tmp_path: Path) -> None:
    center = make_node(tmp_path, "GNJ")
    with center.ws.read() as s:
        trust = Trust.load(s, "GNJ")
    assert (trust.me, trust.keys, dict(trust.pins), trust.revoked, trust.hq) == (
        "GNJ",
        None,
        {},
        frozenset(),
        False,
    )
    center.close()


def test_hq_trusts_its_enrolled_centers_and_knows_the_revoked(tmp_path: Path) -> None:
    with three_nodes(tmp_path) as world:
        with world.hq.ws.write() as s:
            s.scalars(select(Node).where(Node.code == "QBA")).one().enrollment = "revoked"
        with world.hq.ws.read() as s:
            trust = Trust.load(s, "BAK")
        assert (trust.me, trust.hq, trust.revoked) == ("BAK", True, frozenset({"QBA"}))
        assert trust.keys is not None and trust.keys.public() == node_keys(world.hq).public
        assert dict(trust.pins) == {"GNJ": node_keys(world.gnj).public}


def test_verify_and_parse_opens_checks_the_channel_first_and_parses(tmp_path: Path) -> None:
    with three_nodes(tmp_path) as world:
        add_case(world.gnj)
        path = sync(world.gnj).export(tmp_path / "up.bundle").path
        header = read_header(path)
        with world.hq.ws.read() as s:
            trust = Trust.load(s, "BAK")
        seen: list[OpenedBundle] = []
        parsed = verify_and_parse(path, header, trust, before_parse=seen.append)
        [opened] = seen
        assert opened.header == header and opened.bundle_hash == bundle_hash(path)
        assert (parsed.peer, parsed.seq, parsed.bundle_hash) == ("GNJ", 1, bundle_hash(path))
        assert {r.spec.name for r in parsed.records} >= {"clients", "cases"}
        # What the channel check raises stops the parse.
        with pytest.raises(AlreadyImported):
            verify_and_parse(path, header, trust, before_parse=_replayed)
        # A center reads HQ's bundle as HQ's: its roster is parsed.
        down_path = sync(world.hq).export(tmp_path / "down.bundle", to="GNJ").path
        with world.gnj.ws.read() as s:
            center_trust = Trust.load(s, "GNJ")
        from_hq = verify_and_parse(down_path, read_header(down_path), center_trust)
        assert from_hq.roster is not None
        assert {n.code for n in from_hq.roster.nodes} >= {"BAK", "GNJ", "QBA"}


def _replayed(opened: OpenedBundle) -> None:
    raise AlreadyImported("replayed")


def test_a_revoked_sender_is_refused_before_anything_else(tmp_path: Path) -> None:
    with three_nodes(tmp_path) as world:
        path = sync(world.gnj).export(tmp_path / "up.bundle").path
        header = read_header(path)
        revoked = Trust(me="BAK", keys=None, pins={}, revoked=frozenset({"GNJ"}), hq=True)
        with pytest.raises(UnknownSender) as refused:
            verify_and_parse(path, header, revoked)
        assert "which was revoked" in str(refused.value)
        without_keys = Trust(me="BAK", keys=None, pins={}, revoked=frozenset(), hq=True)
        with pytest.raises(NotEnrolled) as not_enrolled:
            verify_and_parse(path, header, without_keys)
        assert str(not_enrolled.value) == "This node has no sync keys yet: enroll it first."
