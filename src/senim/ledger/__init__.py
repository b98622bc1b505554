"""The tamper-evident record: a hash chain of canonical JSON entries, a
Merkle tree over them (RFC 9162) and checkpoints signed with Ed25519.

`chain` appends inside a caller's transaction, `store` verifies, proves and
reads from the database, `bundle` exports and verifies without one.
"""

from senim.ledger.canonical import canonical, is_canonical
from senim.ledger.verify import Verdict, verify_rows

__all__ = ["canonical", "is_canonical", "Verdict", "verify_rows"]
