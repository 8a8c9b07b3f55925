"""Places as evidence: every place mention, and the places that put an article on the map.

``place_mentions`` keeps each gazetteer match with its kind, province (ISO 3166-2:KH),
role and offsets, like ``actor_mentions``; ``article_places`` is the per-article summary
the dashboard aggregates (its provinces and places). Existing articles get their rows
from ``cambodia-risk rescore``.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "place_mentions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer,
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("province", sa.String(8)),
        sa.Column("matched", sa.Text, nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("counts", sa.Boolean, nullable=False),
    )
    op.create_index("ix_place_mentions_article", "place_mentions", ["article_id"])
    op.create_table(
        "article_places",
        sa.Column("article_id", sa.Integer,
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("place", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("province", sa.String(8), nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
    )
    op.create_index("ix_article_places_province", "article_places",
                    ["province", "article_id"])
    op.create_index("ix_article_places_place", "article_places", ["place", "article_id"])
