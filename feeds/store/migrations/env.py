"""Alembic environment: migrations always run on a connection handed in by feeds.store.

The project never runs Alembic from an ini file; ``feeds.store.migrate`` builds the
configuration in code, so the database URL comes from ``--db`` / ``CAMBODIA_RISK_DB``
like every other command.
"""

from alembic import context

from feeds.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
