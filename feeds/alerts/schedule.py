"""When a scheduled rule (the weekly brief) is due: "every Monday 07:00 Asia/Phnom_Penh"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from feeds.alerts.rules import Schedule


def last_occurrence(schedule: Schedule, now: datetime) -> datetime | None:
    """The latest scheduled time at or before ``now``, both naive UTC.

    The schedule is read in its own zone, so "07:00 Asia/Phnom_Penh" stays 07:00 there
    whatever the server's zone (and across daylight-saving changes where zones have them).
    """
    zone = ZoneInfo(schedule.zone)
    local_now = now.replace(tzinfo=UTC).astimezone(zone)
    for back in range(8):
        day = (local_now - timedelta(days=back)).date()
        if schedule.weekday is not None and day.weekday() != schedule.weekday:
            continue
        due = datetime.combine(day, schedule.at, tzinfo=zone)
        if due <= local_now:
            return due.astimezone(UTC).replace(tzinfo=None)
    return None
