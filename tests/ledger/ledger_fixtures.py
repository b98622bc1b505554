"""A small registry with every kind of change, for the ledger tests."""

from __future__ import annotations

from pathlib import Path

from registry_helpers import write_manifest


def populated(db_url: str, folder: Path):
    """Register two systems (one twice), record decisions, open and update an incident."""
    from senim.registry import Database, open_incident, record_decision, register, update_incident

    db = Database(db_url)
    register(db, write_manifest(folder, "retail-credit-scoring"))
    register(db, write_manifest(folder, "triage-assistant"))
    register(db, write_manifest(folder, "retail-credit-scoring", "description: second version\n"))
    for i in range(3):
        record_decision(
            db, subject=f"p-{i:04d}", system="retail-credit-scoring", inputs_digest="ab" * 32,
            output={"decision": "declined" if i % 2 else "approved", "score": 0.5 + i / 10},
            reasons=[{"feature": "income", "weight": -0.25}], reviewer=None,
        )
    number = open_incident(db, kind="personal_data_breach", severity="high", systems=["retail-credit-scoring"],
                           summary="Scores exposed in a log file", aware_at="2026-11-02T09:00:00+05:00")
    update_incident(db, number, action="Log file removed", status="reported")
    return db


def drop_triggers(conn) -> None:
    """What an attacker with database access would do first."""
    from sqlalchemy import text

    if conn.dialect.name == "sqlite":
        names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
        for name in names:
            conn.execute(text(f"DROP TRIGGER {name}"))
    else:
        for table in ("ledger_entries", "ledger_checkpoints", "ledger_keys"):
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
