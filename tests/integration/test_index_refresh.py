"""One path for "a row changed": :func:`refresh_rows` knows what depends on what."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session
from test_search import World, ids_in, scratch, world

from legalaid_desktop.search.refresh import refresh_rows

__all__ = ["scratch", "world"]  # the fixtures this module uses


def test_a_renamed_client_reindexes_its_cases(world: World, scratch: Session) -> None:
    scratch.execute(
        text("UPDATE clients SET full_name = 'Rzayev Rəşad İsmayıl oğlu' WHERE id = :id"),
        {"id": world.rashad.id},
    )
    refresh_rows(scratch, {"clients": {world.rashad.id: {"full_name"}}})
    assert ids_in(scratch, "Rzayev") == {world.rashad.id, world.case.id}
    assert ids_in(scratch, "Əliyev") == set()


def test_a_client_change_without_the_name_leaves_the_cases(world: World, scratch: Session) -> None:
    scratch.execute(
        text("UPDATE clients SET full_name = 'Rzayev Rəşad İsmayıl oğlu' WHERE id = :id"),
        {"id": world.rashad.id},
    )
    refresh_rows(scratch, {"clients": {world.rashad.id: {"phone"}}})
    assert ids_in(scratch, "Rzayev") == {world.rashad.id}


def test_a_tombstoned_row_leaves_the_index(world: World, scratch: Session) -> None:
    assert world.party.id in ids_in(scratch, "Qasımov")
    scratch.execute(
        text("UPDATE parties SET deleted_hlc = 'y' WHERE id = :id"), {"id": world.party.id}
    )
    refresh_rows(scratch, {"parties": {world.party.id: ()}})
    count = scratch.execute(
        text("SELECT count(*) FROM search_index_refs WHERE ref_id = :id"), {"id": world.party.id}
    ).scalar()
    assert count == 0


def test_tables_without_a_search_entry_are_ignored(world: World, scratch: Session) -> None:
    refresh_rows(scratch, {"deadlines": {"no-such-row": ()}, "cases": {}})
    assert world.rashad.id in ids_in(scratch, "Əliyev")
