"""Enrollment use cases (DESIGN.md §6): request, accept, complete, revoke, the node list."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from legalaid_desktop.domain.errors import EnrollmentRejected, InputRejected, NotFound
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.i18n import _
from legalaid_desktop.services.sync.base import SyncBase
from legalaid_desktop.services.sync.results import (
    EnrollmentAccepted,
    EnrollmentCompleted,
    EnrollmentPeek,
    EnrollmentRequested,
    NodeInfo,
    node_info,
)
from legalaid_desktop.store.models import Node, SyncChannel
from legalaid_desktop.store.recovery_text import format_recovery_key
from legalaid_desktop.sync import enrollment
from legalaid_desktop.sync.keys import encode_b64, new_recovery_secret, recovery_keypair
from legalaid_desktop.sync.nodes import (
    RECOVERY_META,
    apply_roster,
    build_roster,
    bump_roster_version,
    ensure_node_keys,
    get_meta,
    is_hq,
    load_node_keys,
    node_public_keys,
    pin_node,
    set_meta,
)


def _read_file(path: Path, limit: int) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise EnrollmentRejected(_("The enrollment file is too large."))
    return data


class EnrollmentUseCases(SyncBase):
    """Enroll a center with HQ (both sides), revoke one, list the nodes."""

    def enroll_peek(self, path: Path) -> EnrollmentPeek:
        """Read an enrollment request or response to show its fingerprint (trusts nothing).

        Raises:
            EnrollmentRejected: The file is neither, or it was changed after it was written.
        """
        data = _read_file(Path(path), enrollment.MAX_FILE_SIZE)
        try:
            request = enrollment.parse_request(data)
        except EnrollmentRejected:
            response = enrollment.parse_response(data)
            return EnrollmentPeek(
                "response", response.hq_code, response.hq_name, response.fingerprint
            )
        return EnrollmentPeek("request", request.code, request.name, request.fingerprint)

    def enroll_request(self, path: Path) -> EnrollmentRequested:
        """Write this center's enrollment request (making its sync keys if it has none)."""
        self._require_enroll()
        with self.ws.write() as s:
            if is_hq(s):
                raise InputRejected(_("HQ enrolls centers; it does not send a request itself."))
            keys = ensure_node_keys(s, self.ws.node_code, self._stamp(), self.ws.actor.username)
            own = self._own_node(s)
            data = enrollment.build_request(keys, own.name, own.kind)
            fingerprint = keys.public().fingerprint()
            self.ws.audit(
                s, "enrollment_requested", "node", self.ws.node_code, {"fingerprint": fingerprint}
            )
        atomic_write(Path(path), data)
        return EnrollmentRequested(Path(path), self.ws.node_code, fingerprint)

    def enroll_accept(
        self, request_path: Path, response_path: Path, confirm_fingerprint: str | None
    ) -> EnrollmentAccepted:
        """HQ: enroll the center whose request this is, once its fingerprint was confirmed.

        Args:
            request_path: The center's request.
            response_path: Where to write HQ's signed response.
            confirm_fingerprint: The fingerprint the person compared with the center by phone.

        Raises:
            FingerprintNotConfirmed: No fingerprint, or another one, was confirmed.
            EnrollmentRejected: The request is not valid, or the center's code is taken by other
                keys (revoke the old enrollment first) or by revoked keys.
        """
        self._require_enroll()
        request = enrollment.parse_request(_read_file(Path(request_path), enrollment.MAX_FILE_SIZE))
        enrollment.require_fingerprint(request.fingerprint, confirm_fingerprint, request.code)
        recovery_text: str | None = None
        with self.ws.write() as s:
            if not is_hq(s):
                raise InputRejected(_("Only HQ can accept enrollment requests."))
            if request.code == self.ws.node_code:
                raise EnrollmentRejected(_("The request carries this node's own code."))
            stamp = self._stamp()
            actor = self.ws.actor.username
            hq_keys = ensure_node_keys(s, self.ws.node_code, stamp, actor)
            if get_meta(s, RECOVERY_META) is None:
                secret = new_recovery_secret()
                set_meta(s, RECOVERY_META, encode_b64(recovery_keypair(secret).public_bytes))
                recovery_text = format_recovery_key(secret)
                self.ws.audit(s, "bundle_recovery_key_created", "node", self.ws.node_code)
            existing = s.scalar(select(Node).where(Node.code == request.code))
            if existing is not None:
                pinned = node_public_keys(existing)
                if existing.enrollment == "enrolled" and pinned not in (None, request.keys):
                    raise EnrollmentRejected(
                        _(
                            "{node} is already enrolled with other keys. Revoke it first if "
                            "the center was reinstalled."
                        ).format(node=request.code)
                    )
                if existing.enrollment == "revoked" and pinned == request.keys:
                    raise EnrollmentRejected(
                        _(
                            "These keys of {node} were revoked; they cannot be enrolled again."
                        ).format(node=request.code)
                    )
                if pinned != request.keys:
                    channel = s.get(SyncChannel, request.code)
                    if channel is not None:
                        s.delete(channel)
            pin_node(
                s,
                code=request.code,
                name=request.name,
                kind="center",
                keys=request.keys,
                enrollment="enrolled",
                stamp=stamp,
                actor=actor,
                origin=self.ws.node_code,
            )
            bump_roster_version(s)
            s.flush()
            own = self._own_node(s)
            data = enrollment.build_response(hq_keys, own.name, request, build_roster(s))
            self.ws.audit(
                s,
                "node_enrolled",
                "node",
                request.code,
                {"fingerprint": request.fingerprint},
            )
            hq_fingerprint = hq_keys.public().fingerprint()
        atomic_write(Path(response_path), data)
        return EnrollmentAccepted(
            node_code=request.code,
            name=request.name,
            fingerprint=request.fingerprint,
            hq_fingerprint=hq_fingerprint,
            response_path=Path(response_path),
            recovery_key=recovery_text,
        )

    def enroll_complete(
        self, response_path: Path, confirm_fingerprint: str | None
    ) -> EnrollmentCompleted:
        """A center: pin HQ from its response, once HQ's fingerprint was confirmed.

        Raises:
            FingerprintNotConfirmed: No fingerprint, or another one, was confirmed.
            EnrollmentRejected: The response is not valid, answers another center or other keys,
                or names another HQ than the one already pinned.
        """
        self._require_enroll()
        response = enrollment.parse_response(
            _read_file(Path(response_path), enrollment.MAX_FILE_SIZE)
        )
        with self.ws.read() as s:
            keys = load_node_keys(s)
        if response.center != self.ws.node_code:
            raise EnrollmentRejected(
                _("This response is for {node}, not for this center ({me}).").format(
                    node=response.center, me=self.ws.node_code
                )
            )
        if keys is None or not enrollment.fingerprints_match(
            keys.public().fingerprint(), response.center_fingerprint
        ):
            raise EnrollmentRejected(
                _("This response answers a request with other keys than this center's.")
            )
        enrollment.require_fingerprint(response.fingerprint, confirm_fingerprint, response.hq_code)
        with self.ws.write() as s:
            if is_hq(s):
                raise InputRejected(_("HQ does not complete an enrollment."))
            other = s.scalar(select(Node).where(Node.kind == "hq", Node.enrollment == "enrolled"))
            if other is not None and (
                other.code != response.hq_code or node_public_keys(other) != response.hq_keys
            ):
                raise EnrollmentRejected(
                    _("This center is already enrolled with {node} under other keys.").format(
                        node=other.code
                    )
                )
            stamp = self._stamp()
            actor = self.ws.actor.username
            pin_node(
                s,
                code=response.hq_code,
                name=response.hq_name,
                kind="hq",
                keys=response.hq_keys,
                enrollment="enrolled",
                stamp=stamp,
                actor=actor,
                origin=response.hq_code,
            )
            apply_roster(
                s,
                response.roster,
                me=self.ws.node_code,
                hq=response.hq_code,
                stamp=stamp,
                actor=actor,
            )
            self.ws.audit(
                s,
                "enrollment_completed",
                "node",
                response.hq_code,
                {"fingerprint": response.fingerprint},
            )
        return EnrollmentCompleted(response.hq_code, response.hq_name, response.fingerprint)

    def revoke_node(self, node_code: str) -> NodeInfo:
        """HQ: revoke a center. Its bundles are refused from now on (as a security alert), and
        the centers learn it with the roster."""
        self._require_enroll()
        code = node_code.strip().upper()
        with self.ws.write() as s:
            if not is_hq(s):
                raise InputRejected(_("Only HQ can revoke a node."))
            row = s.scalar(select(Node).where(Node.code == code))
            if row is None or code == self.ws.node_code:
                raise NotFound(_("There is no enrolled node {node}.").format(node=code))
            if row.enrollment == "revoked":
                raise InputRejected(_("{node} is already revoked.").format(node=code))
            row.enrollment = "revoked"
            row.clocks = {**(row.clocks or {}), "profile": self._stamp()}
            row.updated_by = self.ws.actor.username
            version = bump_roster_version(s)
            self.ws.audit(s, "node_revoked", "node", code, {"roster_version": version})
            return node_info(row)

    def nodes(self) -> list[NodeInfo]:
        """Every node this store knows, with its enrollment state and fingerprint."""
        self.ws.require(Permission.SYNC)
        with self.ws.read() as s:
            return [node_info(r) for r in s.scalars(select(Node).order_by(Node.code))]
