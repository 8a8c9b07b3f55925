"""Backfill: checkpoints per feed and history method, and how each article arrived.

``backfill_windows`` holds each finished date window, so a resumed run skips them and
a rerun over finished windows fetches nothing; ``backfill_state`` holds the walk's state
per feed and method (and the page cursor of paged feeds). ``articles.arrival`` says
whether an article came from a refresh (``feed``) or from one of the history methods.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("arrival", sa.String(12), nullable=False,
                                   server_default="feed"))
    op.create_table(
        "backfill_state",
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id"), primary_key=True),
        sa.Column("method", sa.String(20), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("cursor", sa.Integer),
        sa.Column("reached", sa.DateTime),
        sa.Column("articles", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "backfill_windows",
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id"), primary_key=True),
        sa.Column("method", sa.String(20), primary_key=True),
        sa.Column("window_start", sa.DateTime, primary_key=True),
        sa.Column("window_end", sa.DateTime, nullable=False),
        sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
    )
