"""The registry of AI systems, decisions and incidents, on SQLite or PostgreSQL.

Every change is ledgered (senim.ledger) in the transaction that makes it.

    db = Database("senim.db")              # or a postgresql:// URL; migrated on first use
    register(db, "examples/bank/senim.yaml")
    record_decision(db, subject="p-7f3a", system="retail-credit-scoring",
                    inputs_digest="sha256:...", output="declined", reasons=["income"])
"""

from senim.registry.db import Database, resolve_url
from senim.registry.decisions import decisions_about, explain, record_decision, record_decisions
from senim.registry.incidents import get_incident, list_incidents, open_incident, update_incident
from senim.registry.systems import list_systems, register, show

__all__ = [
    "Database", "resolve_url", "register", "list_systems", "show",
    "record_decision", "record_decisions", "decisions_about", "explain",
    "open_incident", "update_incident", "get_incident", "list_incidents",
]
