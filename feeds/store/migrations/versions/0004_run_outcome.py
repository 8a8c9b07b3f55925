"""How each run ended: completed, lost-lock or database-error.

A run that lost its lock or met a database fault still finishes its row, so the
Sources page and an operator can tell it from a completed run (and from a killed one,
which keeps finished_at NULL).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_runs") as batch:
        batch.add_column(sa.Column("outcome", sa.String(20)))


def downgrade() -> None:
    with op.batch_alter_table("refresh_runs") as batch:
        batch.drop_column("outcome")
