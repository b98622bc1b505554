"""Reading personal data is recorded too: who read which person's decisions.

The ledger entry names the subject as the registry stores it (an IIN only as
its keyed pseudonym, never the number) and the decisions read.
"""

from __future__ import annotations

from senim.registry import subjects
from senim.registry.decisions import decisions_about, explain
from senim.registry.tenancy import Actor, ledger


def explanation_letter(db, subject: str, lang: str, actor: Actor) -> str:
    """The Art. 16 letter for one person, its reading ledgered in the same transaction."""
    letter = explain(db, subject, lang, actor=actor)
    numbers = [d["decision"] for d in decisions_about(db, subject, actor=actor)]
    with db.write() as conn:
        ledger(conn, "disclosure.letter_read", {"subject": subjects.for_lookup(subject), "decisions": numbers,
                                              "lang": lang}, actor.org, actor)
    return letter


def decisions_read(db, subject: str, actor: Actor) -> list[dict]:
    """A person's decision records, their reading ledgered."""
    found = decisions_about(db, subject, actor=actor)
    if not found:
        return found
    with db.write() as conn:
        ledger(conn, "disclosure.records_read", {"subject": subjects.for_lookup(subject),
                                               "decisions": [d["decision"] for d in found]}, actor.org, actor)
    return found
