"""Every database read the dashboard makes: SQL in, small DataFrames out.

Rules that keep the dashboard fast at a million articles:

* Aggregate in SQL; no function here loads every article. Lists are capped.
* Only relevant articles (``relevant = true``) are shown, and every window filter goes
  through the ``(relevant, published_day)`` index; daily series group by
  ``published_day``.
* Category and actor filters are correlated ``EXISTS`` probes on the score tables'
  primary keys; source filters go through ``feed_id``.
* SQLAlchemy Core only, so the same code runs on SQLite and PostgreSQL.

Functions take a ``Connection`` and ``Filters``, return DataFrames (or small dicts) and
know nothing about Streamlit; the page scripts call them through the cached wrappers in
``dashboard.data``. Shaping that needs no database (KPIs, rolling series, weekly
roll-ups, alert tables) lives in ``dashboard.series``.

One module per page (``overview``, ``actors``, ``places``, ``articles``, ``sources`` and
its ``coverage``, ``alerts``), plus
``state`` (what every page checks first) and ``common`` (tables, thresholds, the
filters as SQL). This package is their public face: import from here.
"""

from dashboard.queries.actors import (
    actor_timeline,
    candidates,
    comentions,
    top_actors,
)
from dashboard.queries.alerts import (
    alert_choices,
    alert_detail,
    fired_alerts,
)
from dashboard.queries.articles import (
    ARTICLE_COLUMNS,
    article_count,
    article_detail,
    article_list,
    export_csv,
)
from dashboard.queries.common import (
    ARTICLE_LIMIT,
    HIGH_RISK,
    NEGATIVE,
    REQUIRED_TABLES,
    conditions,
    filtered_ids,
)
from dashboard.queries.coverage import (
    BACKFILL_LABELS,
    daily_volume,
    source_coverage,
)
from dashboard.queries.overview import (
    alerts,
    category_daily,
    coverage,
    daily_stats,
)
from dashboard.queries.places import (
    PLACE_COLUMNS,
    PROVINCE_COLUMNS,
    place_articles,
    place_daily,
    place_stats,
    province_daily,
    province_stats,
)
from dashboard.queries.sources import (
    FEED_COLUMNS,
    RUN_COLUMNS,
    feed_health,
    feed_stats,
    refresh_runs,
    source_stats,
    sources_page,
)
from dashboard.queries.state import (
    DbStatus,
    data_version,
    db_status,
    freshness,
    known_values,
    window_languages,
)

__all__ = [
    "BACKFILL_LABELS",
    "daily_volume",
    "source_coverage",
    "HIGH_RISK",
    "NEGATIVE",
    "ARTICLE_LIMIT",
    "REQUIRED_TABLES",
    "conditions",
    "filtered_ids",
    "DbStatus",
    "db_status",
    "data_version",
    "freshness",
    "known_values",
    "window_languages",
    "coverage",
    "daily_stats",
    "category_daily",
    "alerts",
    "alert_choices",
    "alert_detail",
    "fired_alerts",
    "top_actors",
    "actor_timeline",
    "comentions",
    "candidates",
    "article_count",
    "ARTICLE_COLUMNS",
    "article_list",
    "article_detail",
    "export_csv",
    "PROVINCE_COLUMNS",
    "PLACE_COLUMNS",
    "province_stats",
    "place_stats",
    "province_daily",
    "place_daily",
    "place_articles",
    "FEED_COLUMNS",
    "feed_stats",
    "feed_health",
    "source_stats",
    "sources_page",
    "RUN_COLUMNS",
    "refresh_runs",
]
