"""Date windows: how a history walk is cut, so that a killed run resumes.

Windows lie on a fixed grid (weeks from a Monday, or calendar months), so two runs with
different ``--since`` dates still name the same windows, and a window finished by one
run (``feeds.store.backfill``) is skipped by the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

# Weekly windows start on Mondays; this Monday anchors every grid.
_ANCHOR = datetime(2000, 1, 3)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d}..{self.end - timedelta(seconds=1):%Y-%m-%d}"


def grid(since: datetime, until: datetime, days: int) -> list[Window]:
    """The windows of ``days`` days (calendar months for 28 or more) that cover
    [since, until), newest first."""
    windows: list[Window] = []
    if days >= 28:
        start = since.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        while start < until:
            end = (start + timedelta(days=32)).replace(day=1)
            windows.append(Window(start, end))
            start = end
    else:
        step = timedelta(days=days)
        start = _ANCHOR + step * ((since - _ANCHOR) // step)
        while start < until:
            windows.append(Window(start, start + step))
            start += step
    return windows[::-1]


def pending(windows: list[Window], finished: set[datetime]) -> Iterator[Window]:
    return (w for w in windows if w.start not in finished)
