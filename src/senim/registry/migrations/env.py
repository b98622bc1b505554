"""Alembic environment: runs on the connection senim.registry.db passes in,
inside the caller's (locked) transaction, so no alembic.ini is needed."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
