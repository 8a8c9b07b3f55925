"""What a backfill run reports: a line for logs, or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from feeds.ingest.backfill.context import FeedReport


@dataclass
class BackfillSummary:
    started_at: datetime
    since: datetime
    until: datetime
    finished_at: datetime | None = None
    feeds: list[FeedReport] = field(default_factory=list)
    requests: int = 0

    @property
    def new_articles(self) -> int:
        return sum(f.new_articles for f in self.feeds)

    @property
    def seconds(self) -> float:
        end = self.finished_at or self.started_at
        return (end - self.started_at).total_seconds()

    def lines(self) -> list[str]:
        """One line per feed, then the total."""
        out = []
        for f in self.feeds:
            text = (f"{f.name}: {f.method or '-'} {f.state}, {f.new_articles} new, "
                    f"{f.windows_fetched} windows fetched, {f.windows_skipped} already done")
            if f.detail:
                text += f" ({f.detail})"
            out.append(text)
        out.append(f"backfill {self.since:%Y-%m-%d}..{self.until:%Y-%m-%d}: "
                   f"{self.new_articles} new articles, {self.requests} requests "
                   f"in {self.seconds:.1f}s")
        return out

    def to_json(self) -> str:
        return json.dumps({
            "since": self.since.isoformat(), "until": self.until.isoformat(),
            "started_at": self.started_at.isoformat() + "Z",
            "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
            "seconds": round(self.seconds, 3), "requests": self.requests,
            "new_articles": self.new_articles,
            "feeds": [asdict(f) for f in self.feeds],
        }, ensure_ascii=False)
