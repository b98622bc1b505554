"""The regulator's side: trusted-list applications (Art. 19) and the bundles
imported from organisations that run their own Senim.

Revision ID: 0005
Revises: 0004

Only new tables: nothing stored before is changed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trusted_applications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("system_version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(40), nullable=False, index=True),
        sa.Column("record", sa.Text, nullable=False),  # documents and steps, canonical JSON
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),  # the latest step's entry
    )
    op.create_table(
        "imported_bundles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("source_bin", sa.String(12), index=True),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("bundle_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("exported", sa.String(40), nullable=False),
        sa.Column("imported", sa.String(40), nullable=False),
        sa.Column("content", sa.Text, nullable=False),  # the verified bundle itself, so that it can be checked again
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("imported_bundles")
    op.drop_table("trusted_applications")
