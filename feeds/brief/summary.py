"""The brief's opening paragraph, written from the figures (no language model).

It says which numbers moved and which articles drove them, in a fixed order: volume,
mean risk, high-risk articles, the category and actor that moved most, and the
highest-risk story. Every number in it appears elsewhere in the brief.
"""

from __future__ import annotations

from feeds.brief.data import Figures, movers


def _pct(now: float, before: float) -> str:
    if before == 0:
        return "new this period" if now else "unchanged"
    change = (now - before) / before * 100
    if abs(change) < 0.5:
        return "unchanged"
    return f"{'up' if change > 0 else 'down'} {abs(change):.0f}%"


def _points(now: float, before: float) -> str:
    diff = now - before
    if abs(diff) < 0.05:
        return "unchanged"
    return f"{'up' if diff > 0 else 'down'} {abs(diff):.1f} points"


def _n(count: int, word: str = "article") -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def paragraph(fig: Figures) -> str:
    now, before = fig.now, fig.before
    period = f"{fig.start:%d %b} to {fig.end:%d %b %Y}"
    if not now["articles"]:
        return (f"From {period} no relevant articles were stored "
                f"(the period before had {before['articles']:,}).")
    parts = [
        f"From {period} the monitor stored {_n(now['articles'], 'relevant article')}, "
        f"{_pct(now['articles'], before['articles'])} on the period before "
        f"({before['articles']:,}).",
        f"Mean risk was {now['mean_risk']:.1f}, {_points(now['mean_risk'], before['mean_risk'])}"
        f", and {_n(now['high_risk'])} scored as high-risk (against "
        f"{before['high_risk']:,}).",
    ]
    rising, falling = movers(fig.categories)
    if not rising.empty:
        top = rising.iloc[0]
        parts.append(f"The largest rise was in {top['label']} ({_n(top['now'])}, "
                     f"+{top['change']}).")
    if not falling.empty:
        low = falling.iloc[0]
        parts.append(f"{low['label']} fell most ({_n(low['now'])}, {low['change']}).")
    up, _ = movers(fig.actors, 1)
    if not up.empty:
        parts.append(f"{up.iloc[0]['key']} was the fastest-rising actor "
                     f"({_n(up.iloc[0]['now'])}, +{up.iloc[0]['change']}).")
    if fig.stories:
        story = fig.stories[0]
        parts.append(f"The highest-risk story was “{story['title']}” ({story['source']}, "
                     f"risk {story['risk']:.0f}).")
    if fig.gaps:
        parts.append(f"{len(fig.gaps)} feed{'s' if len(fig.gaps) != 1 else ''} had coverage "
                     "gaps (listed below).")
    return " ".join(parts)
