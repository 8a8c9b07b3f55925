"""A covering index for the dashboard's window aggregates.

The Overview and Sources pages aggregate risk, sentiment, language and source over a
date window of relevant articles. With every column they read in one index, SQLite
and PostgreSQL answer from the index alone instead of visiting each article row.
It replaces the narrower (relevant, published_day) index.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_articles_day", table_name="articles")
    op.create_index(
        "ix_articles_window", "articles",
        ["relevant", "published_day", "risk_score", "sentiment", "language", "feed_id"],
    )
