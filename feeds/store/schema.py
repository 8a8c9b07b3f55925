"""The database schema: the one definition every reader and writer shares.

Alembic migrations in ``feeds/store/migrations/versions`` build exactly these tables; a test
compares the migrated database with this metadata so the two cannot drift apart.

Conventions
-----------
* Times are UTC, stored naive (SQLite has no time zones). ``published_day`` repeats the
  date part of ``published_at`` so daily aggregates group on an indexed column on both
  SQLite and PostgreSQL.
* Feed content (titles, summaries, text) is stored as received text. Nothing here is
  trusted HTML; the dashboard escapes it on display.
* ``articles.search`` holds ``feeds.store.search_text(title, text)``: SQLite's
  ``lower()`` folds ASCII only, so the search compares folded text with a folded query
  instead, the same way on both databases.
* ``articles.relevant`` is NULL until the article is scored, then true or false. Irrelevant
  articles stay in the table so a lexicon edit plus ``rescore`` can re-admit them.

Tables
------
feeds            one row per configured feed: HTTP validators and health.
refresh_runs     one row per refresh run.
articles         one row per distinct story (canonical URL unique).
article_feeds    which feeds carried which article, with each feed's own link and GUID.
term_matches     every risk-term match: category, term, weight, sentence, offsets.
article_categories  per article and risk category: matches and the category's points.
actor_mentions   every sentence that mentions an actor, with that sentence's sentiment.
article_actors   per article and actor: mention count and mean sentence sentiment.
unlisted_names   capitalised names not in the actor file, per article (candidates).
backfill_state   per feed and history method: how far ``backfill`` got and how it ended.
backfill_windows per feed and method: each date window ``backfill`` finished (checkpoints).
place_mentions   every gazetteer place named: kind, province, role, sentence, offsets.
article_places   per article, the places that put it on the map (counting mentions):
                 place, kind, province (ISO 3166-2:KH) and mention count. An article's
                 provinces are the distinct ``province`` values of its rows here.

Offsets in ``term_matches``, ``actor_mentions`` and ``place_mentions`` are character
offsets within the sentence ``sentence_index`` of ``feeds.score.sentences(title, text)``,
which the dashboard calls to re-split an article and highlight its evidence.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from feeds.config import MAX_NAME_CHARS as MAX_FEED_NAME
from feeds.lexicon.model import MAX_CATEGORY_CHARS, MAX_NAME_CHARS

metadata = MetaData()

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(MAX_FEED_NAME), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_attempt_at", DateTime),
    Column("last_success_at", DateTime),
    # new | ok | unchanged | failed | waiting (backing off after failures)
    Column("status", String(20), nullable=False, server_default="new"),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime),  # backoff or Retry-After; NULL = any time
    Column("latency_ms", Integer),
    Column("item_count", Integer),  # entries in the last successful fetch
)

refresh_runs = Table(
    "refresh_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),  # NULL while running, or if the run was killed
    Column("feeds_ok", Integer, nullable=False, server_default="0"),
    Column("feeds_failed", Integer, nullable=False, server_default="0"),
    Column("feeds_unchanged", Integer, nullable=False, server_default="0"),
    Column("feeds_skipped", Integer, nullable=False, server_default="0"),
    Column("new_articles", Integer, nullable=False, server_default="0"),
    # refresh, demo, rescore or backfill
    Column("kind", String(20), nullable=False, server_default="refresh"),
    # completed | lost-lock | database-error; NULL while running, or if the run was killed
    Column("outcome", String(20)),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),  # canonical URL
    Column("link", Text, nullable=False),  # the link as the first feed gave it
    Column("fingerprint", String(64), nullable=False),  # hash of the normalised title
    Column("title", Text, nullable=False, server_default=""),
    Column("feed_id", Integer, ForeignKey("feeds.id"), nullable=False),  # first carrier
    Column("source", String(MAX_FEED_NAME), nullable=False),  # that feed's name, for display
    Column("published_at", DateTime, nullable=False),
    Column("published_day", Date, nullable=False),
    Column("published_estimated", Boolean, nullable=False, server_default="0"),
    Column("fetched_at", DateTime, nullable=False),
    Column("language", String(12)),
    Column("summary", Text, nullable=False, server_default=""),  # raw, as the feed sent it
    Column("text", Text, nullable=False, server_default=""),  # clean plain text for scoring
    Column("text_source", String(12), nullable=False, server_default="summary"),
    # The title and text as the dashboard's text search reads them: case-folded
    # beyond ASCII (feeds.text.search_key), written with the article (migration 0008).
    Column("search", Text, nullable=False, server_default=""),
    # How the article arrived: feed (refresh) | wordpress | feed-pages | sitemap | gdelt
    Column("arrival", String(12), nullable=False, server_default="feed"),
    # Scoring (NULL until scored; see feeds/score).
    Column("relevant", Boolean),
    Column("relevance_terms", Text),  # JSON list of the terms that decided relevance
    Column("sentiment", Float),  # mean sentence compound, -1..1; NULL = not scored
    Column("sentiment_pos", Float),
    Column("sentiment_neg", Float),
    Column("sentiment_neu", Float),
    Column("sentence_count", Integer),
    Column("risk_score", Float),  # 0..100
    Column("scored_at", DateTime),
    Column("lexicon_version", String(64)),
)
# Covers the dashboard's window aggregates (migration 0003).
Index("ix_articles_window", articles.c.relevant, articles.c.published_day,
      articles.c.risk_score, articles.c.sentiment, articles.c.language, articles.c.feed_id)
Index("ix_articles_published", articles.c.published_at)
Index("ix_articles_fingerprint", articles.c.fingerprint)
Index("ix_articles_feed", articles.c.feed_id, articles.c.published_day)

article_feeds = Table(
    "article_feeds",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id"), primary_key=True),
    Column("link", Text, nullable=False),
    Column("guid", Text),
    Column("first_seen_at", DateTime, nullable=False),
)
Index("ix_article_feeds_guid", article_feeds.c.feed_id, article_feeds.c.guid)
# When each feed last brought something new: the silence alerts (migration 0006).
Index("ix_article_feeds_seen", article_feeds.c.feed_id, article_feeds.c.first_seen_at)

term_matches = Table(
    "term_matches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False),
    Column("category", String(MAX_CATEGORY_CHARS), nullable=False),
    Column("term", String(MAX_NAME_CHARS), nullable=False),  # the lexicon's canonical term
    Column("matched", Text, nullable=False),  # the text as it appeared
    Column("weight", Float, nullable=False),
    Column("sentence_index", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)
Index("ix_term_matches_article", term_matches.c.article_id)

article_categories = Table(
    "article_categories",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
    Column("category", String(MAX_CATEGORY_CHARS), primary_key=True),
    Column("matches", Integer, nullable=False),
    Column("points", Float, nullable=False),  # the category's contribution before scaling
)
Index("ix_article_categories_category", article_categories.c.category,
      article_categories.c.article_id)

actor_mentions = Table(
    "actor_mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False),
    Column("actor", String(MAX_NAME_CHARS), nullable=False),  # canonical name, actors.toml
    Column("alias", Text, nullable=False),  # the text as it appeared
    Column("sentence_index", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("sentiment", Float),  # that sentence's compound; NULL when not scored
)
Index("ix_actor_mentions_article", actor_mentions.c.article_id)

article_actors = Table(
    "article_actors",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
    Column("actor", String(MAX_NAME_CHARS), primary_key=True),
    Column("mentions", Integer, nullable=False),
    Column("sentiment", Float),  # mean over the sentences that mention the actor
)
Index("ix_article_actors_actor", article_actors.c.actor, article_actors.c.article_id)

unlisted_names = Table(
    "unlisted_names",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("mentions", Integer, nullable=False),
    Column("example", Text, nullable=False),  # one sentence that uses the name
)
Index("ix_unlisted_names_name", unlisted_names.c.name)

backfill_state = Table(
    "backfill_state",
    metadata,
    Column("feed_id", Integer, ForeignKey("feeds.id"), primary_key=True),
    Column("method", String(20), primary_key=True),  # wordpress | feed-pages | ...
    # in_progress | done | refused (the site said no) | unsupported | failed
    Column("state", String(20), nullable=False),
    Column("detail", Text),  # the last error or note, in plain words
    Column("cursor", Integer),  # feed-pages: the next page to fetch
    Column("reached", DateTime),  # the oldest time the walk has covered
    Column("articles", Integer, nullable=False, server_default="0"),  # new, all runs
    Column("updated_at", DateTime, nullable=False),
)

backfill_windows = Table(
    "backfill_windows",
    metadata,
    Column("feed_id", Integer, ForeignKey("feeds.id"), primary_key=True),
    Column("method", String(20), primary_key=True),
    Column("window_start", DateTime, primary_key=True),
    Column("window_end", DateTime, nullable=False),
    Column("articles", Integer, nullable=False),  # new articles the window stored
    Column("finished_at", DateTime, nullable=False),
)

place_mentions = Table(
    "place_mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False),
    Column("place", String(200), nullable=False),  # canonical name from places.toml
    Column("kind", String(40), nullable=False),
    Column("province", String(8)),  # ISO 3166-2:KH code; NULL: the place has none
    Column("matched", Text, nullable=False),  # the text as it appeared
    Column("sentence_index", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("role", String(12), nullable=False),  # dateline place list address support
    Column("counts", Boolean, nullable=False),  # puts the article in ``province``
)
Index("ix_place_mentions_article", place_mentions.c.article_id)

article_places = Table(
    "article_places",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
    Column("place", String(200), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("province", String(8), nullable=False),
    Column("mentions", Integer, nullable=False),  # its counting mentions in the article
)
Index("ix_article_places_province", article_places.c.province, article_places.c.article_id)
Index("ix_article_places_place", article_places.c.place, article_places.c.article_id)

SCORE_TABLES = (term_matches, article_categories, actor_mentions, article_actors,
                unlisted_names, place_mentions, article_places)

# --- alerts (feeds/alerts; migration 0006) -------------------------------------------------
# alert_events      one row per alert that fired: what, why (evidence JSON) and the link.
# alert_cooldowns   per rule and subject, until when it may not fire again. The row is
#                   claimed with a conditional write, so two schedulers never both send.
# alert_deliveries  one row per event and destination: the outbox with its retry state.
#                   Destinations are stored by name; their URLs (secrets) never are.

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule", String(120), nullable=False),
    Column("kind", String(20), nullable=False),  # surge | watch | high_risk | silence | brief
    Column("subject", String(300), nullable=False),  # what fired: "category:arrests_legal"
    Column("fired_at", DateTime, nullable=False),
    Column("window_start", DateTime, nullable=False),
    Column("window_end", DateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("reason", Text, nullable=False),  # the counts against the baseline, in words
    Column("evidence", Text, nullable=False),  # JSON: figures and up to 5 articles
    Column("link", Text),  # the dashboard view that reproduces it
)
Index("ix_alert_events_fired", alert_events.c.fired_at)

alert_cooldowns = Table(
    "alert_cooldowns",
    metadata,
    Column("rule", String(120), primary_key=True),
    Column("subject", String(300), primary_key=True),
    Column("fired_at", DateTime, nullable=False),
    Column("until", DateTime, nullable=False),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", Integer, ForeignKey("alert_events.id", ondelete="CASCADE"),
           nullable=False),
    Column("destination", String(120), nullable=False),  # a name, never the URL
    Column("status", String(12), nullable=False, server_default="pending"),  # sent, expired
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime, nullable=False),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    Column("last_error", Text),  # masked: no destination URL or secret ever lands here
)
Index("ix_alert_deliveries_due", alert_deliveries.c.status, alert_deliveries.c.next_attempt_at)
Index("ix_alert_deliveries_event", alert_deliveries.c.event_id)
