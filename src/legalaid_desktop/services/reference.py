"""Reference data inside the store: loaded from the shipped files, versioned, used to validate.

The shipped JSON lists (``resources/reference``) are copied into ``reference_items`` when a store
is created, and again whenever the program ships a higher version of a list (HQ later distributes
its own versions in sync bundles; a list from HQ with a higher version wins the same way). Codes
that disappear from a newer version are kept but marked inactive, so old records still display.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.reference import ReferenceCatalog, ReferenceItem, ReferenceList
from legalaid_desktop.reference_data import load_catalog
from legalaid_desktop.store.models import ReferenceItem as ReferenceRow


def install_lists(session: Session, lists: ReferenceCatalog) -> list[str]:
    """Copy every list whose version is newer than the stored one. Returns the kinds updated."""
    stored: dict[str, int] = {}
    for kind, version in session.execute(select(ReferenceRow.kind, ReferenceRow.version)):
        stored[kind] = max(stored.get(kind, 0), version)
    updated: list[str] = []
    for kind, ref_list in lists.items():
        if stored.get(kind, 0) >= ref_list.version:
            continue
        existing = {
            row.code: row
            for row in session.scalars(select(ReferenceRow).where(ReferenceRow.kind == kind))
        }
        for item in ref_list:
            row = existing.pop(item.code, None)
            if row is None:
                row = ReferenceRow(kind=kind, code=item.code)
                session.add(row)
            row.version = ref_list.version
            row.labels = dict(item.labels)
            row.extra = dict(item.extra)
            row.active = True
        for row in existing.values():
            row.version = ref_list.version
            row.active = False
        updated.append(kind)
    session.flush()
    return updated


def install_shipped(session: Session) -> list[str]:
    """Install the reference lists shipped with the program where they are newer."""
    return install_lists(session, load_catalog())


def catalog_from_store(session: Session, include_inactive: bool = False) -> ReferenceCatalog:
    """The reference catalog as stored (what validation and labels use)."""
    rows = session.scalars(select(ReferenceRow).order_by(ReferenceRow.kind)).all()
    by_kind: dict[str, list[ReferenceRow]] = {}
    for row in rows:
        if row.active or include_inactive:
            by_kind.setdefault(row.kind, []).append(row)
    shipped = load_catalog()
    lists = []
    for kind, kind_rows in by_kind.items():
        # Keep the shipped order (it is meaningful: most used first), new codes at the end.
        order = {code: i for i, code in enumerate(shipped[kind].codes())} if kind in shipped else {}
        kind_rows.sort(key=lambda r: (order.get(r.code, len(order)), r.code))
        lists.append(
            ReferenceList(
                kind=kind,
                version=max(r.version for r in kind_rows),
                items=tuple(ReferenceItem(r.code, r.labels, r.extra) for r in kind_rows),
            )
        )
    return ReferenceCatalog(lists)
