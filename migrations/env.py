"""Alembic environment. The store hands over an open, keyed connection; nothing here opens one."""

from __future__ import annotations

from alembic import context

from legalaid_desktop.store.migrate import include_name
from legalaid_desktop.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Migrations run through `legalaid db migrate` (the store is encrypted; "
        "plain `alembic upgrade` cannot open it)."
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
