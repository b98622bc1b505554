"""The public side: citizens' requests, reports of unlabelled synthetic
content, the AI literacy register and public system pages.

Revision ID: 0004
Revises: 0003

Only new tables: nothing stored before is changed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("tracking_sha256", sa.String(64), nullable=False, unique=True),  # the code itself is never stored
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("received", sa.String(40), nullable=False),
        sa.Column("due", sa.String(10), index=True),
        sa.Column("answer", sa.Text),
        sa.Column("answer_kind", sa.String(20)),
        sa.Column("answered", sa.String(40)),
        sa.Column("delivered", sa.String(40)),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "label_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("received", sa.String(40), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "literacy_trainings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("person", sa.String(320), nullable=False, index=True),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "literacy_operators",
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), primary_key=True),
        sa.Column("system_id", sa.String(200), primary_key=True),
        sa.Column("person", sa.String(320), primary_key=True),
        sa.Column("since", sa.String(10), nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "public_pages",
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), primary_key=True),
        sa.Column("system_id", sa.String(200), primary_key=True),
        sa.Column("slug", sa.String(40), nullable=False, unique=True),
        sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("updated", sa.String(40), nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("public_pages", "literacy_operators", "literacy_trainings", "label_reports", "citizen_requests"):
        op.drop_table(table)
