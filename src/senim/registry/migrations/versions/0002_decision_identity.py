"""Decisions get an identity, so that recording the same decision twice adds nothing.

Revision ID: 0002
Revises: 0001

Decisions recorded before keep a NULL identity: nothing stored is changed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("decisions", sa.Column("identity", sa.String(64), nullable=True))
    op.create_index("ix_decisions_identity", "decisions", ["identity"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_decisions_identity", table_name="decisions")
    op.drop_column("decisions", "identity")
