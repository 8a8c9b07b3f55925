"""Evaluate rules against the database: what would fire now, with the evidence.

Evaluation only reads. Each ``Firing`` carries the subject its cool-down is keyed on,
the sentence that says why, the figures behind it and up to five articles; ``run``
decides what is actually recorded and sent.

"New" always means first stored (``articles.fetched_at``) inside the rule's window AND
published inside it: a backfill stores old news today, and that must never fire.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import Connection, String, cast, exists, false, func, literal, or_, select, true

from feeds.alerts.rules import Rule, RuleSet
from feeds.alerts.schedule import last_occurrence
from feeds.alerts.surge import surge_counts, surge_table
from feeds.store import schema
from feeds.store.dimensions import DimensionUnavailable, dimension

A = schema.articles
F = schema.feeds
MAX_ARTICLES = 5  # articles a message lists
MAX_CANDIDATES = 200  # new articles one watch or high-risk rule looks at per run
ARTICLE_COOLDOWN = timedelta(days=3650)  # an article alerts once per rule, for good
BRIEF_GRACE = timedelta(hours=6)  # a scheduled brief missed by more than this is skipped


@dataclass
class Firing:
    rule: Rule
    subject: str  # the cool-down key: "category:arrests_legal", "feed:VOA Khmer", ...
    title: str
    reason: str
    window_start: datetime
    window_end: datetime
    figures: dict = field(default_factory=dict)
    articles: list[dict] = field(default_factory=list)
    link: str | None = None
    claims: tuple[str, ...] = ()  # cool-down subjects to claim; default (subject,)
    cooldown: timedelta | None = None

    def evidence(self) -> dict:
        return {"figures": self.figures, "articles": self.articles}


# ``cooling(rule, subjects)`` returns the subjects still in their cool-down.
Cooling = Callable[[str, list[str]], set[str]]


@dataclass
class _Run:
    """One evaluation: the connection, the moment, and what rules can share."""

    conn: Connection
    now: datetime
    public_url: str | None
    cooling: Cooling
    counts: dict = field(default_factory=dict)  # surge counts by (by, window, baseline, only)


def dashboard_link(public_url: str | None, start: date, end: date, **filters) -> str | None:
    """The Articles page for these filters (names as in ``dashboard.filters``)."""
    if not public_url:
        return None
    params: list[tuple[str, str]] = [("start", start.isoformat()), ("end", end.isoformat())]
    for key, values in filters.items():
        for value in [values] if isinstance(values, str) else values:
            params.append((key, value))
    return f"{public_url.rstrip('/')}/articles?{urlencode(params)}"


def _article_rows(conn: Connection, conds: list, limit: int) -> list[dict]:
    rows = conn.execute(
        select(A.c.id, A.c.title, A.c.source, A.c.link, A.c.published_at, A.c.risk_score)
        .where(*conds)
        .order_by(A.c.risk_score.desc().nulls_last(), A.c.published_at.desc())
        .limit(limit)
    ).all()
    return [_article(r) for r in rows]


def _article(r) -> dict:
    return {"id": r.id, "title": r.title, "source": r.source, "link": r.link,
            "published": r.published_at.isoformat(timespec="minutes"),
            "risk": None if r.risk_score is None else round(r.risk_score, 1)}


def _new(since: datetime, now: datetime) -> list:
    """Relevant, first stored and published since ``since``. The published_day bounds
    repeat the time bounds so the window index is range-scanned on both databases."""
    return [A.c.relevant == true(), A.c.fetched_at >= since, A.c.published_at >= since,
            A.c.published_at <= now, A.c.published_day >= since.date(),
            A.c.published_day <= now.date()]


def _top_by_key(conn, by: str, keys: list[str], start: datetime, now: datetime) -> dict:
    """Up to MAX_ARTICLES new articles per subject, riskiest first, in one query."""
    table, key = dimension(by)
    rank = func.row_number().over(
        partition_by=key, order_by=(A.c.risk_score.desc().nulls_last(), A.c.published_at.desc()))
    ranked = (select(key.label("key"), A.c.title, A.c.source, A.c.link, A.c.published_at,
                     A.c.risk_score, A.c.id, rank.label("rank"))
              .select_from(A.join(table, table.c.article_id == A.c.id))
              .where(*_new(start, now), key.in_(keys)).subquery())
    out: dict[str, list[dict]] = {}
    for r in conn.execute(select(ranked).where(ranked.c.rank <= MAX_ARTICLES)
                          .order_by(ranked.c.key, ranked.c.rank)).all():
        out.setdefault(r.key, []).append(_article(r))
    return out


def _surge(run: _Run, rule: Rule) -> list[Firing]:
    now = run.now
    start = now - rule.window
    shared = (rule.by, rule.window, rule.baseline, rule.only)
    if shared not in run.counts:  # rules that differ only in thresholds share one query
        run.counts[shared] = surge_counts(
            run.conn, rule.by, recent_from=start, end=now, baseline_from=start - rule.baseline,
            first_seen_from=start, only=rule.only)
    table = surge_table(run.counts[shared], baseline_periods=rule.baseline / rule.window,
                        min_ratio=rule.min_ratio, min_count=rule.min_count,
                        measure=rule.measure)
    if table.empty:
        return []
    subjects = [f"{rule.by}:{k}" for k in table["key"]]
    cool = run.cooling(rule.name, subjects)
    table = table[[s not in cool for s in subjects]]
    if table.empty:
        return []
    articles = _top_by_key(run.conn, rule.by, list(table["key"]), start, now)
    out = []
    for row in table.itertuples():
        ratio = "new (no baseline)" if row.ratio == float("inf") else f"{row.ratio:.1f}×"
        if rule.measure == "mean_risk":
            reason = (f"mean risk {row.recent_mean_risk:.1f} over {row.recent} articles in the "
                      f"last {_span(rule.window)} vs {row.baseline_mean_risk:.1f} in the "
                      f"{_span(rule.baseline)} before ({ratio})")
        else:
            reason = (f"{row.recent} articles in the last {_span(rule.window)} vs a baseline "
                      f"of {row.baseline:.2f} per {_span(rule.window)} over the "
                      f"{_span(rule.baseline)} before ({ratio})")
        out.append(Firing(
            rule, f"{rule.by}:{row.key}", f"Surge: {rule.by} {row.key}", reason, start, now,
            figures={"by": rule.by, "key": row.key, "recent": int(row.recent),
                     "baseline": round(float(row.baseline), 3),
                     "ratio": None if row.ratio == float("inf") else round(row.ratio, 2),
                     "recent_mean_risk": round(float(row.recent_mean_risk), 1),
                     "baseline_mean_risk": round(float(row.baseline_mean_risk), 1)},
            articles=articles.get(row.key, []),
            link=dashboard_link(run.public_url, start.date(), now.date(), **{rule.by: row.key}),
        ))
    return out


def _per_article(run: _Run, rule: Rule, conds: list, title: str, why: str,
                 link_filters: dict) -> list[Firing]:
    conn, now, public_url = run.conn, run.now, run.public_url
    start = now - rule.window
    # Articles this rule already sent are left out in SQL, so a busy day cannot hide
    # the next run's new articles behind MAX_CANDIDATES old ones.
    cd = schema.alert_cooldowns
    unsent = ~exists().where(cd.c.rule == rule.name,
                             cd.c.subject == literal("article:") + cast(A.c.id, String))
    rows = _article_rows(conn, _new(start, now) + conds + [unsent], MAX_CANDIDATES)
    if not rows:
        return []
    subjects = [f"article:{r['id']}" for r in rows]
    subject = subjects[0] if len(rows) == 1 else f"{subjects[0]}+{len(rows) - 1}"
    reason = f"{len(rows)} new article{'s' if len(rows) != 1 else ''} {why}"
    return [Firing(
        rule, subject, title, reason, start, now, figures={"new_articles": len(rows)},
        articles=rows[:MAX_ARTICLES],
        link=dashboard_link(public_url, start.date(), now.date(), **link_filters),
        claims=tuple(subjects), cooldown=ARTICLE_COOLDOWN,
    )]


def _watch(run: _Run, rule: Rule) -> list[Firing]:
    aa = schema.article_actors
    matches = []
    if rule.actors:
        matches.append(exists().where(aa.c.article_id == A.c.id,
                                      aa.c.actor.in_(rule.actors)).correlate(A))
    for term in rule.terms:  # the text contains it, as the dashboard's text search does
        escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        matches += [func.lower(A.c.title).like(pattern, escape="\\"),
                    func.lower(A.c.text).like(pattern, escape="\\")]
    if rule.provinces:
        try:
            table, ac = dimension("province")
            matches.append(exists().where(table.c.article_id == A.c.id,
                                          ac.in_(rule.provinces)).correlate(A))
        except DimensionUnavailable:
            pass  # no place data yet: the other lists still watch
    if rule.sources:
        matches.append(A.c.source.in_(rule.sources))
    conds = [or_(*matches)] if matches else [false()]
    if rule.min_risk:
        conds.append(A.c.risk_score >= rule.min_risk)
    watched = ", ".join([*rule.actors, *rule.terms, *rule.provinces, *rule.sources])
    why = f"matching the watchlist ({watched})" + (
        f" with risk at least {rule.min_risk:g}" if rule.min_risk else "")
    # The view that reproduces it: the Articles page filters by actor or source (any of
    # them); a lone term becomes the text search.
    link: dict = {"actor": list(rule.actors)} if rule.actors else (
        {"source": list(rule.sources)} if rule.sources else
        {"province": list(rule.provinces)} if rule.provinces else {})
    if not link and len(rule.terms) == 1 and not rule.provinces:
        link = {"q": rule.terms[0]}
    return _per_article(run, rule, conds, f"Watch: {rule.name}", why, link)


def _high_risk(run: _Run, rule: Rule) -> list[Firing]:
    conds = [A.c.risk_score >= rule.threshold]
    if rule.sources:
        conds.append(A.c.source.in_(rule.sources))
    link = {"source": list(rule.sources)} if rule.sources else {}
    return _per_article(run, rule, conds,
                        f"High risk: {rule.name}",
                        f"scoring at least {rule.threshold:g} for risk", link)


def _silence(run: _Run, rule: Rule) -> list[Firing]:
    conn, now, public_url, cooling = run.conn, run.now, run.public_url, run.cooling
    af = schema.article_feeds
    last_new = (select(func.max(af.c.first_seen_at)).where(af.c.feed_id == F.c.id)
                .scalar_subquery())
    query = select(F.c.name, F.c.status, F.c.last_error, F.c.last_success_at,
                   F.c.last_attempt_at, last_new.label("last_new"))
    if rule.feeds:
        query = query.where(F.c.name.in_(rule.feeds))
    cutoff = now - rule.after
    # A feed that never succeeded or never brought anything is silent only once the
    # monitor itself has been running for longer than `after`.
    rr = schema.refresh_runs
    watching_since = conn.execute(select(func.min(rr.c.started_at))
                                  .where(rr.c.kind == "refresh")).scalar() or now
    found = []
    for row in conn.execute(query).all():
        if row.last_attempt_at is None:
            continue  # never tried yet: nothing to be silent about
        if row.status in ("failed", "waiting") and (row.last_success_at or
                                                    watching_since) < cutoff:
            since = row.last_success_at
            found.append((row.name, "failing since "
                          + (f"its last success at {since:%Y-%m-%d %H:%M} UTC" if since
                             else "it was added") + f": {row.last_error or 'no error recorded'}"))
        elif (row.last_new or watching_since) < cutoff:
            when = f"{row.last_new:%Y-%m-%d %H:%M} UTC" if row.last_new else "ever"
            found.append((row.name, f"nothing new since {when}"))
    subjects = [f"feed:{name}" for name, _ in found]
    cool = cooling(rule.name, subjects)
    return [
        Firing(rule, subject, f"Silent feed: {name}",
               f"{why} (longer than {_span(rule.after)})", cutoff, now,
               figures={"feed": name},
               link=(f"{public_url.rstrip('/')}/sources" if public_url else None),
               cooldown=rule.cooldown or timedelta(hours=24))
        for (name, why), subject in zip(found, subjects, strict=True) if subject not in cool
    ]


def _brief(run: _Run, rule: Rule) -> list[Firing]:
    now, public_url, cooling = run.now, run.public_url, run.cooling
    due = last_occurrence(rule.schedule, now)
    if due is None or now - due > BRIEF_GRACE:
        return []
    subject = f"brief:{due.isoformat(timespec='minutes')}"
    if cooling(rule.name, [subject]):
        return []
    since = due - timedelta(days=7)
    return [Firing(rule, subject, "Weekly brief", f"scheduled {rule.schedule}", since, due,
                   figures={"since": since.isoformat(), "until": due.isoformat()},
                   link=dashboard_link(public_url, since.date(), (due - timedelta(days=1)).date()),
                   cooldown=ARTICLE_COOLDOWN)]


_KINDS = {"surge": _surge, "watch": _watch, "high_risk": _high_risk, "silence": _silence,
          "brief": _brief}


def evaluate(conn: Connection, rules: RuleSet | Iterable[Rule], now: datetime, *,
             public_url: str | None = None, cooling: Cooling | None = None,
             errors: list[str] | None = None) -> list[Firing]:
    """Every firing of every enabled rule at ``now``. A rule that cannot be evaluated
    (a province surge before place data exists) is reported in ``errors`` and skipped."""
    run = _Run(conn, now, public_url, cooling or (lambda _rule, _subjects: set()))
    out: list[Firing] = []
    for rule in getattr(rules, "rules", rules):
        if not rule.enabled:
            continue
        try:
            out += _KINDS[rule.kind](run, rule)
        except DimensionUnavailable as exc:
            if errors is not None:
                errors.append(f"rule {rule.name!r}: {exc}")
    return out


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}" if n != 1 else unit
    return f"{seconds} seconds"
