"""What the dashboard counts, kept beside each registered version so that the
database counts it: the version's Kazakh autonomy level (as `kz_risk` is
kept already) and the obligations that start applying later, with the day
they start.

Revision ID: 0006
Revises: 0005

Both are read from the classification each version already stores (a
registered version never changes), so nothing stored before is changed:
a new column and a new table, filled from what is there, and indexes for
the queries of the system page and the dashboard.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("system_versions", sa.Column("kz_autonomy", sa.String(20), nullable=True))
    upcoming = op.create_table(
        "upcoming_obligations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", sa.Integer, nullable=False),
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("law", sa.String(8), nullable=False),
        sa.Column("obligation", sa.String(200), nullable=False),
        sa.Column("applies_from", sa.String(10), nullable=True),
        sa.Column("ref", sa.Text, nullable=True),    # JSON: a citation, or one in each language
        sa.Column("title", sa.Text, nullable=True),  # JSON: the pack's title in kk/ru/en
        sa.ForeignKeyConstraint(["organisation_id", "system_id", "version"],
                                ["system_versions.organisation_id", "system_versions.system_id",
                                 "system_versions.version"]),
    )
    op.create_index("ix_upcoming_obligations_org_from", "upcoming_obligations", ["organisation_id", "applies_from"])
    # what the system page and the dashboard ask for: a system's evidence and
    # assessments, the latest assessment of each system, the open incidents
    # the dashboard's GROUP BY reads only this index, never the versions' large manifest and classification
    op.create_index("ix_system_versions_counts", "system_versions",
                    ["organisation_id", "system_id", "version", "kz_risk", "kz_autonomy"])
    op.create_index("ix_evidence_org_system", "evidence", ["organisation_id", "system_id"])
    op.create_index("ix_assessments_org_system", "assessments", ["organisation_id", "system_id", "id"])
    op.create_index("ix_incidents_org_status", "incidents", ["organisation_id", "status"])
    conn = op.get_bind()
    versions = sa.table("system_versions", sa.column("organisation_id"), sa.column("system_id"),
                        sa.column("version"), sa.column("classification"), sa.column("kz_autonomy"))
    rows = conn.execute(sa.select(versions.c.organisation_id, versions.c.system_id, versions.c.version,
                                  versions.c.classification)).all()
    batch = []
    for org, system, version, stored in rows:
        classification = json.loads(stored)
        autonomy = (classification.get("kz") or {}).get("autonomy")
        if autonomy is not None:
            conn.execute(sa.update(versions).where(versions.c.organisation_id == org, versions.c.system_id == system,
                                                   versions.c.version == version).values(kz_autonomy=autonomy))
        batch += upcoming_rows(org, system, version, classification)
        if len(batch) >= 5000:
            conn.execute(sa.insert(upcoming), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(upcoming), batch)


def upcoming_rows(org, system, version, classification) -> list[dict]:
    """The rows of a version's later obligations (the same as registering writes)."""
    found = []
    for law in ("kz", "eu"):
        for item in (classification.get(law) or {}).get("upcoming_obligations") or []:
            found.append({"organisation_id": org, "system_id": system, "version": version, "law": law,
                          "obligation": item["id"], "applies_from": item.get("applies_from"),
                          "ref": json.dumps(item.get("ref"), ensure_ascii=False),
                          "title": json.dumps(item.get("title"), ensure_ascii=False)})
    return found


def downgrade() -> None:
    op.drop_index("ix_incidents_org_status", "incidents")
    op.drop_index("ix_assessments_org_system", "assessments")
    op.drop_index("ix_evidence_org_system", "evidence")
    op.drop_index("ix_system_versions_counts", "system_versions")
    op.drop_index("ix_upcoming_obligations_org_from", "upcoming_obligations")
    op.drop_table("upcoming_obligations")
    op.drop_column("system_versions", "kz_autonomy")
