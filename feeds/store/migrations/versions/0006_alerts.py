"""Alerts: fired alerts, their cool-downs, and the delivery outbox with retry state;
an index for when each feed last brought something new.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Silence rules ask when each feed last brought something new.
    op.create_index("ix_article_feeds_seen", "article_feeds", ["feed_id", "first_seen_at"])
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("fired_at", sa.DateTime, nullable=False),
        sa.Column("window_start", sa.DateTime, nullable=False),
        sa.Column("window_end", sa.DateTime, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("link", sa.Text),
    )
    op.create_index("ix_alert_events_fired", "alert_events", ["fired_at"])
    op.create_table(
        "alert_cooldowns",
        sa.Column("rule", sa.String(120), primary_key=True),
        sa.Column("subject", sa.String(300), primary_key=True),
        sa.Column("fired_at", sa.DateTime, nullable=False),
        sa.Column("until", sa.DateTime, nullable=False),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer,
                  sa.ForeignKey("alert_events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("destination", sa.String(120), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("ix_alert_deliveries_due", "alert_deliveries",
                    ["status", "next_attempt_at"])
    op.create_index("ix_alert_deliveries_event", "alert_deliveries", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_article_feeds_seen", table_name="article_feeds")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_cooldowns")
    op.drop_index("ix_alert_events_fired", table_name="alert_events")
    op.drop_table("alert_events")
