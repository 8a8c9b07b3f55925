"""A search column: each article's title and text case-folded beyond ASCII.

The dashboard's text search compared ``lower(title)`` and ``lower(text)`` with a
lower-cased query, and SQLite's ``lower()`` folds ASCII only, so "Élection" found no
"élection" there (PostgreSQL folded it). ``articles.search`` holds
``feeds.store.search_text(title, text)``, written with every article; the query is
folded the same way in Python, so both databases answer alike. Existing articles are
filled in here, in batches by id.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from feeds.store.rows import search_text

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("search", sa.Text, nullable=False, server_default=""))
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("title", sa.Text),
                        sa.column("text", sa.Text), sa.column("search", sa.Text))
    conn = op.get_bind()
    update = (sa.update(articles).where(articles.c.id == sa.bindparam("b_id"))
              .values(search=sa.bindparam("b_search")))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(articles.c.id, articles.c.title, articles.c.text)
            .where(articles.c.id > last).order_by(articles.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(update, [{"b_id": r.id, "b_search": search_text(r.title, r.text)}
                              for r in rows])
        last = rows[-1].id
