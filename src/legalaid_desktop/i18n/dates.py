"""Dates as the centers live them: Baku time (UTC+4, no daylight saving since 2016).

The clock people read is part of their locale, so it sits in ``i18n`` beside the formatting of
dates (:mod:`legalaid_desktop.i18n.formatting`, which writes them ``dd.MM.yyyy``): everything
that needs "today" or "now" in Baku (the domain's validators, the services, both front ends)
takes it from here, and ``i18n`` needs nothing of the layers above it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

BAKU = timezone(timedelta(hours=4), "Asia/Baku")


def now_baku() -> datetime:
    """The current moment in Baku time (an aware datetime)."""
    return datetime.now(UTC).astimezone(BAKU)


def today() -> date:
    """Today's date in Baku."""
    return now_baku().date()


def from_iso(value: str | None) -> date | None:
    """The date of an ISO ``yyyy-mm-dd`` string as stored; ``None`` for ``None`` or ``""``."""
    return None if not value else date.fromisoformat(value)


def local_date(stamp: str | None) -> date | None:
    """The Baku date of a stored UTC timestamp (``2026-03-01T21:30:00.000Z`` → 2 March);
    ``None`` for ``None``, ``""`` or a value that is not a timestamp."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BAKU).date()
