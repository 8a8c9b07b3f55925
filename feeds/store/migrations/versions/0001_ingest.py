"""Ingest tables: feeds, refresh runs, articles and which feeds carried them.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_attempt_at", sa.DateTime),
        sa.Column("last_success_at", sa.DateTime),
        sa.Column("status", sa.String(20), nullable=False, server_default="new"),
        sa.Column("last_error", sa.Text),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime),
        sa.Column("latency_ms", sa.Integer),
        sa.Column("item_count", sa.Integer),
    )
    op.create_table(
        "refresh_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("feeds_ok", sa.Integer, nullable=False, server_default="0"),
        sa.Column("feeds_failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("feeds_unchanged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("feeds_skipped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("new_articles", sa.Integer, nullable=False, server_default="0"),
        sa.Column("kind", sa.String(20), nullable=False, server_default="refresh"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id"), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("published_at", sa.DateTime, nullable=False),
        sa.Column("published_day", sa.Date, nullable=False),
        sa.Column("published_estimated", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
        sa.Column("language", sa.String(12)),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("text_source", sa.String(12), nullable=False, server_default="summary"),
    )
    op.create_index("ix_articles_published", "articles", ["published_at"])
    op.create_index("ix_articles_fingerprint", "articles", ["fingerprint"])
    op.create_index("ix_articles_feed", "articles", ["feed_id", "published_day"])
    op.create_table(
        "article_feeds",
        sa.Column("article_id", sa.Integer,
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id"), primary_key=True),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("guid", sa.Text),
        sa.Column("first_seen_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_article_feeds_guid", "article_feeds", ["feed_id", "guid"])
