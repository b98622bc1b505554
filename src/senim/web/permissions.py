"""Who may do what: one table, role -> verbs per resource, checked by one
dependency. Every route declares either `permission(resource, verb)` or
`public()`; a test walks the route table and fails on a route with neither.

An auditor reads everything of its organisation and changes nothing. Decision
records and letters are personal data: only the roles that answer people
read them; citizens' requests hold a person's words and contact, so they
go to the same roles. The regulator (a person of an authority organisation) has none
of an owner's resources: it reads the registry-wide views (`registry`:
every organisation's systems and incidents, imported bundles) and reviews
trusted-list applications (`reviews`); decisions and letters stay 403.
"""

from __future__ import annotations

READ, WRITE = "read", "write"
RESOURCES = ("systems", "evidence", "assessments", "incidents", "decisions", "letters", "ledger", "people", "jobs",
             "requests", "literacy", "applications")
# An authority's resources: no owner's role has them, whatever RESOURCES gives it.
AUTHORITY_RESOURCES = ("registry", "reviews")

PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    "admin": {r: frozenset({READ, WRITE}) for r in RESOURCES},
    "compliance": {
        "systems": frozenset({READ, WRITE}), "evidence": frozenset({READ, WRITE}),
        "assessments": frozenset({READ, WRITE}), "incidents": frozenset({READ, WRITE}),
        "decisions": frozenset({READ, WRITE}), "letters": frozenset({READ}),
        "ledger": frozenset({READ}), "jobs": frozenset({READ}),
        "requests": frozenset({READ, WRITE}), "literacy": frozenset({READ, WRITE}), "applications": frozenset({READ, WRITE}),
    },
    "engineer": {
        "systems": frozenset({READ, WRITE}), "evidence": frozenset({READ, WRITE}),
        "assessments": frozenset({READ, WRITE}), "incidents": frozenset({READ}),
        "decisions": frozenset({WRITE}), "ledger": frozenset({READ}), "jobs": frozenset({READ}),
        "literacy": frozenset({READ}), "applications": frozenset({READ}),
    },
    "auditor": {r: frozenset({READ}) for r in RESOURCES},
    "regulator": {"registry": frozenset({READ, WRITE}), "reviews": frozenset({READ, WRITE})},
}


def allowed(role: str | None, resource: str, verb: str) -> bool:
    return verb in PERMISSIONS.get(role or "", {}).get(resource, frozenset())
