"""Scoring: per-article scores and the evidence tables behind them.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _article_fk():
    return sa.Column("article_id", sa.Integer,
                     sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("relevant", sa.Boolean))
        batch.add_column(sa.Column("relevance_terms", sa.Text))
        batch.add_column(sa.Column("sentiment", sa.Float))
        batch.add_column(sa.Column("sentiment_pos", sa.Float))
        batch.add_column(sa.Column("sentiment_neg", sa.Float))
        batch.add_column(sa.Column("sentiment_neu", sa.Float))
        batch.add_column(sa.Column("sentence_count", sa.Integer))
        batch.add_column(sa.Column("risk_score", sa.Float))
        batch.add_column(sa.Column("scored_at", sa.DateTime))
        batch.add_column(sa.Column("lexicon_version", sa.String(64)))
    op.create_index("ix_articles_day", "articles", ["relevant", "published_day"])

    op.create_table(
        "term_matches",
        sa.Column("id", sa.Integer, primary_key=True),
        _article_fk(),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("term", sa.String(200), nullable=False),
        sa.Column("matched", sa.Text, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
    )
    op.create_index("ix_term_matches_article", "term_matches", ["article_id"])
    op.create_table(
        "article_categories",
        sa.Column("article_id", sa.Integer,
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("category", sa.String(60), primary_key=True),
        sa.Column("matches", sa.Integer, nullable=False),
        sa.Column("points", sa.Float, nullable=False),
    )
    op.create_index("ix_article_categories_category", "article_categories",
                    ["category", "article_id"])
    op.create_table(
        "actor_mentions",
        sa.Column("id", sa.Integer, primary_key=True),
        _article_fk(),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("alias", sa.Text, nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("sentiment", sa.Float),
    )
    op.create_index("ix_actor_mentions_article", "actor_mentions", ["article_id"])
    op.create_table(
        "article_actors",
        sa.Column("article_id", sa.Integer,
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("actor", sa.String(200), primary_key=True),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("sentiment", sa.Float),
    )
    op.create_index("ix_article_actors_actor", "article_actors", ["actor", "article_id"])
    op.create_table(
        "unlisted_names",
        sa.Column("article_id", sa.Integer,
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("example", sa.Text, nullable=False),
    )
    op.create_index("ix_unlisted_names_name", "unlisted_names", ["name"])
