"""Dates as the centers live them: Baku time (UTC+4, no daylight saving since 2016)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

BAKU = timezone(timedelta(hours=4), "Asia/Baku")


def now_baku() -> datetime:
    return datetime.now(UTC).astimezone(BAKU)


def today() -> date:
    """Today's date in Baku."""
    return now_baku().date()


def to_iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def from_iso(value: str | None) -> date | None:
    return None if not value else date.fromisoformat(value)


def display(value: date | None) -> str:
    """``dd.MM.yyyy`` (DESIGN.md §8)."""
    return "" if value is None else value.strftime("%d.%m.%Y")
