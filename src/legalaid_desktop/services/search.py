"""Global search and the conflict-of-interest check, with role checks and audit."""

from __future__ import annotations

from collections.abc import Collection

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.domain.search import ConflictHit, SearchHit
from legalaid_desktop.search import conflicts as conflict_check
from legalaid_desktop.search import query as search_query
from legalaid_desktop.services.workspace import Workspace


class SearchService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def search(
        self, text: str, *, limit: int = 20, kinds: Collection[str] | None = None
    ) -> list[SearchHit]:
        """Clients, cases, consultations and parties matching ``text``, best first."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.read() as s:
            return search_query.search(s, text, limit=limit, kinds=kinds)

    def conflicts(
        self,
        name: str,
        *,
        birth_year: int | None = None,
        phone: str | None = None,
        exclude_client_id: str | None = None,
        audit: bool = True,
        kind: str = "person",
    ) -> list[ConflictHit]:
        """Possible conflicts of interest for ``name``, scored, with reasons and case numbers.

        ``audit=False`` is for the live warning while a name is being typed (one audit event per
        keystroke would drown the log); an explicit check is audited. ``kind``: the name is a
        person's, or an organization's or initiative group's (``client_kinds``).
        """
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.read() as s:
            hits = conflict_check.check_conflicts(
                s,
                name,
                birth_year=birth_year,
                phone=phone,
                exclude_client_id=exclude_client_id,
                kind=kind,
            )
        if audit:
            with self.ws.write() as s:
                self.ws.audit(s, "conflict_check", details={"hits": len(hits)})
        return hits
