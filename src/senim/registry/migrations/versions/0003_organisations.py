"""Organisations, people, sessions, tokens, jobs, evidence and assessments;
every table of an organisation's data carries its organisation.

Revision ID: 0003
Revises: 0002

Existing rows: each system goes to the organisation of its owner's BIN (the
`owner.bin` of its latest manifest), made here with the owner's name; a
system without a BIN goes to the default organisation (id 1, no BIN).
Decisions follow their system, incidents their first system. System ids
become unique within an organisation, not across the server, so the keys of
systems and system versions gain the organisation; the tables are rebuilt on
SQLite (which cannot change a primary key in place) with foreign keys off,
checked before commit. Ledger entries are never changed: a side table says
which organisation each entry belongs to.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DEFAULT_ORG = 1


def _new_tables() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("bin", sa.String(12), unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("authority", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created", sa.String(40), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created", sa.String(40), nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("expires", sa.Float),
        sa.Column("revoked", sa.String(40)),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, index=True),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("progress", sa.Text),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("started", sa.Float),
        sa.Column("finished", sa.Float),
        sa.Column("claimed_by", sa.Text),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("obligation", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("system_version", sa.Integer, nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("report_sha256", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "ledger_owners",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("organisation_id", sa.Integer, nullable=False, index=True),
    )


def _owner_orgs(conn) -> dict[str, int]:
    """system id -> organisation id, making an organisation per owner BIN."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    conn.execute(sa.text("INSERT INTO organisations (id, bin, name, authority, created) "
                         "VALUES (:id, NULL, 'Default organisation', :f, :now)"), {"id": DEFAULT_ORG, "f": False, "now": now})
    by_bin: dict[str, int] = {}
    owner_of: dict[str, int] = {}
    rows = conn.execute(sa.text(
        "SELECT s.id, v.manifest FROM systems s JOIN system_versions v "
        "ON v.system_id = s.id AND v.version = s.latest_version ORDER BY s.id")).all()
    for system_id, manifest in rows:
        owner = (json.loads(manifest).get("owner") or {})
        bin_ = owner.get("bin")
        if not isinstance(bin_, str) or not bin_:
            owner_of[system_id] = DEFAULT_ORG
            continue
        if bin_ not in by_bin:
            by_bin[bin_] = DEFAULT_ORG + 1 + len(by_bin)
            conn.execute(sa.text("INSERT INTO organisations (id, bin, name, authority, created) "
                                 "VALUES (:id, :bin, :name, :f, :now)"),
                         {"id": by_bin[bin_], "bin": bin_, "name": owner.get("name") or bin_, "f": False, "now": now})
        owner_of[system_id] = by_bin[bin_]
    return owner_of


def _assign(conn, owner_of: dict[str, int]) -> None:
    for system_id, org in owner_of.items():
        for table, column in (("systems", "id"), ("system_versions", "system_id"), ("decisions", "system_id")):
            conn.execute(sa.text(f"UPDATE {table} SET organisation_id = :org WHERE {column} = :s"),
                         {"org": org, "s": system_id})
    for incident_id, record in conn.execute(sa.text("SELECT id, record FROM incidents")).all():
        systems = json.loads(record).get("systems") or []
        org = owner_of.get(systems[0], DEFAULT_ORG) if systems else DEFAULT_ORG
        conn.execute(sa.text("UPDATE incidents SET organisation_id = :org WHERE id = :i"), {"org": org, "i": incident_id})
    # Which organisation each ledger entry so far belongs to (by the system it names).
    incidents = dict(conn.execute(sa.text("SELECT id, organisation_id FROM incidents")).all())
    for seq, text in conn.execute(sa.text("SELECT seq, entry FROM ledger_entries ORDER BY seq")).all():
        data = json.loads(text).get("data") or {}
        org = owner_of.get(data.get("system"))
        if org is None and "incident" in data:
            org = incidents.get(data["incident"])
        conn.execute(sa.text("INSERT INTO ledger_owners (seq, organisation_id) VALUES (:s, :o)"),
                     {"s": seq, "o": org or DEFAULT_ORG})


TABLES_SQLITE = {
    "systems": """CREATE TABLE systems (
        organisation_id INTEGER NOT NULL REFERENCES organisations (id),
        id VARCHAR(200) NOT NULL, name TEXT, latest_version INTEGER NOT NULL, created VARCHAR(40) NOT NULL,
        PRIMARY KEY (organisation_id, id))""",
    "system_versions": """CREATE TABLE system_versions (
        organisation_id INTEGER NOT NULL, system_id VARCHAR(200) NOT NULL, version INTEGER NOT NULL,
        manifest TEXT NOT NULL, manifest_sha256 VARCHAR(64) NOT NULL, source TEXT, classification TEXT NOT NULL,
        kz_risk VARCHAR(20), eu_category VARCHAR(20), registered VARCHAR(40) NOT NULL, ledger_seq BIGINT NOT NULL,
        PRIMARY KEY (organisation_id, system_id, version),
        FOREIGN KEY (organisation_id, system_id) REFERENCES systems (organisation_id, id))""",
    "decisions": """CREATE TABLE decisions (
        id BIGINT NOT NULL PRIMARY KEY, organisation_id INTEGER NOT NULL, subject VARCHAR(200) NOT NULL,
        system_id VARCHAR(200) NOT NULL, system_version INTEGER NOT NULL, record TEXT NOT NULL,
        decided VARCHAR(40) NOT NULL, ledger_seq BIGINT NOT NULL, identity VARCHAR(64),
        FOREIGN KEY (organisation_id, system_id) REFERENCES systems (organisation_id, id))""",
    "incidents": """CREATE TABLE incidents (
        id INTEGER NOT NULL PRIMARY KEY, organisation_id INTEGER NOT NULL REFERENCES organisations (id),
        kind VARCHAR(60) NOT NULL, severity VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL,
        aware_at VARCHAR(40) NOT NULL, record TEXT NOT NULL, ledger_seq BIGINT NOT NULL)""",
    "incident_updates": """CREATE TABLE incident_updates (
        incident_id INTEGER NOT NULL REFERENCES incidents (id), number INTEGER NOT NULL, record TEXT NOT NULL,
        ledger_seq BIGINT NOT NULL, PRIMARY KEY (incident_id, number))""",
}
INDEXES = (
    "CREATE INDEX ix_systems_org ON systems (organisation_id)",
    "CREATE INDEX ix_system_versions_kz_risk ON system_versions (kz_risk)",
    "CREATE INDEX ix_system_versions_eu_category ON system_versions (eu_category)",
    "CREATE INDEX ix_decisions_subject ON decisions (organisation_id, subject)",
    "CREATE UNIQUE INDEX ix_decisions_identity ON decisions (organisation_id, identity)",
    "CREATE INDEX ix_incidents_org ON incidents (organisation_id)",
)


def _rebuild_sqlite(conn) -> None:
    """Copy each table into its new shape (foreign keys are off during migrations)."""
    columns = {}
    for table in TABLES_SQLITE:
        columns[table] = [r[1] for r in conn.execute(sa.text(f"PRAGMA table_info({table})")).all()]
        conn.execute(sa.text(f"ALTER TABLE {table} RENAME TO {table}__0002"))
    for table, ddl in TABLES_SQLITE.items():
        conn.execute(sa.text(ddl))
        names = ", ".join(columns[table])
        conn.execute(sa.text(f"INSERT INTO {table} ({names}) SELECT {names} FROM {table}__0002"))
    for table in reversed(list(TABLES_SQLITE)):
        conn.execute(sa.text(f"DROP TABLE {table}__0002"))
    for ddl in INDEXES:
        conn.execute(sa.text(ddl))
    problems = conn.execute(sa.text("PRAGMA foreign_key_check")).all()
    if problems:
        raise RuntimeError(f"migration 0003: foreign key problems {problems[:3]}")


def _rebuild_postgresql(conn) -> None:
    op.drop_constraint("decisions_system_id_fkey", "decisions", type_="foreignkey")
    op.drop_constraint("system_versions_system_id_fkey", "system_versions", type_="foreignkey")
    op.drop_constraint("system_versions_pkey", "system_versions", type_="primary")
    op.drop_constraint("systems_pkey", "systems", type_="primary")
    for table in ("systems", "system_versions", "decisions", "incidents"):
        op.alter_column(table, "organisation_id", nullable=False)
    op.create_primary_key("systems_pkey", "systems", ["organisation_id", "id"])
    op.create_primary_key("system_versions_pkey", "system_versions", ["organisation_id", "system_id", "version"])
    op.create_foreign_key("system_versions_system_fkey", "system_versions", "systems",
                          ["organisation_id", "system_id"], ["organisation_id", "id"])
    op.create_foreign_key("decisions_system_fkey", "decisions", "systems",
                          ["organisation_id", "system_id"], ["organisation_id", "id"])
    op.create_foreign_key("systems_org_fkey", "systems", "organisations", ["organisation_id"], ["id"])
    op.create_foreign_key("incidents_org_fkey", "incidents", "organisations", ["organisation_id"], ["id"])
    op.drop_index("ix_decisions_identity", table_name="decisions")
    op.drop_index("ix_decisions_subject", table_name="decisions")
    for ddl in INDEXES:
        if "kz_risk" not in ddl and "eu_category" not in ddl:
            conn.execute(sa.text(ddl))


def upgrade() -> None:
    conn = op.get_bind()
    _new_tables()
    for table in ("systems", "system_versions", "decisions", "incidents"):
        op.add_column(table, sa.Column("organisation_id", sa.Integer, nullable=True))
    _assign(conn, _owner_orgs(conn))
    if conn.dialect.name == "sqlite":
        _rebuild_sqlite(conn)
    else:
        _rebuild_postgresql(conn)


def downgrade() -> None:
    raise RuntimeError("schema 0003 cannot be downgraded: system ids are unique only within an organisation")
