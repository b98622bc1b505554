"""The dashboard's figures, counted by the database (schema 0006), against the
same figures worked out here from each system's stored classification."""

from __future__ import annotations

from collections import Counter
from datetime import date

from registry_helpers import MANIFESTS

TODAY, UNTIL = date(2027, 10, 1), date(2027, 12, 31)  # the EU's high-risk duties start on 2 Dec 2027


def _world(db_url, tmp_path):
    from senim.manifest import load_manifest
    from senim.registry import open_incident, register, update_incident
    from senim.registry.db import Database
    from senim.registry.tenancy import Actor, add_organisation

    db = Database(db_url)
    bank = Actor(org=add_organisation(db, "Example Bank JSC", "940140000385")["id"], user="a@bank.kz", via="session")
    other = Actor(org=add_organisation(db, "Example Clinic LLP", "111140000018")["id"], user="b@clinic.kz",
                  via="session")
    for name, text in MANIFESTS.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        register(db, manifest=load_manifest(path), actor=bank)
    changed = tmp_path / "v2.yaml"  # a second version: only the latest counts
    changed.write_text(MANIFESTS["retail-credit-scoring"].replace("[moral_or_material_harm]", "[life_health]"))
    register(db, manifest=load_manifest(changed), actor=bank)
    register(db, manifest=load_manifest(tmp_path / "triage-assistant.yaml"), actor=other)
    kept = open_incident(db, kind="malfunction", severity="high", systems=["triage-assistant"], summary="down",
                         aware_at="2025-11-30T10:00:00+05:00", actor=bank)
    closed = open_incident(db, kind="misuse", severity="low", systems=["support-assistant"], summary="misuse",
                           aware_at="2025-11-30T11:00:00+05:00", actor=bank)
    update_incident(db, closed, status="closed", by="a@bank.kz", actor=bank)
    open_incident(db, kind="malfunction", severity="low", systems=["triage-assistant"], summary="other org",
                  aware_at="2025-11-30T10:00:00+05:00", actor=other)
    return db, bank, kept


def _expected(db, actor):
    """The figures from each latest version's classification, one system at a time."""
    from senim.registry import list_systems, show

    risk, autonomy, coming = Counter(), Counter(), []
    for listed in list_systems(db, actor=actor):
        record = show(db, listed["id"], actor=actor)
        kz = record["classification"].get("kz") or {}
        risk[kz.get("risk") or "none"] += 1
        autonomy[kz.get("autonomy") or "none"] += 1
        for law in ("kz", "eu"):
            for item in (record["classification"].get(law) or {}).get("upcoming_obligations") or []:
                if item.get("applies_from") and TODAY.isoformat() <= item["applies_from"] <= UNTIL.isoformat():
                    coming.append((item["applies_from"], record["id"], item["id"], law))
    return dict(risk), dict(autonomy), sorted(coming)


def test_the_dashboard_counts_what_the_classifications_say(db_url, tmp_path):
    from senim.registry.dashboard import dashboard

    db, bank, kept = _world(db_url, tmp_path)
    risk, autonomy, coming = _expected(db, bank)
    found = dashboard(db, bank, TODAY, UNTIL)
    assert found["systems"] == 3
    # Art. 17(1): harm to life or health (v2 of the credit scoring, the triage assistant) is high risk
    assert found["by_risk"] == risk == {"high": 2, "medium": 1}
    assert found["by_autonomy"] == autonomy
    assert sum(found["grid"].values()) == 3
    assert coming, "the manifests have obligations that start applying in the window"
    assert [(c["applies_from"], c["system"], c["id"], c["law"]) for c in found["coming"]] == coming
    assert found["coming_total"] == len(coming)
    assert all(c["system_name"] and c["title"] for c in found["coming"])
    assert [i["id"] for i in found["incidents"]] == [kept]  # the closed one and the other organisation's left out
    db.dispose()


def test_the_migration_fills_the_counts_from_what_was_stored(db_url, tmp_path):
    """Schema 0006 reads the autonomy and the coming obligations from the stored
    classifications: back to 0005 and up again gives the same dashboard."""
    from alembic import command

    from senim.registry.dashboard import dashboard
    from senim.registry.db import _alembic_config

    db, bank, _ = _world(db_url, tmp_path)
    before = dashboard(db, bank, TODAY, UNTIL)
    for target in ("0005", "head"):
        with db.engine.connect() as conn:
            with conn.begin():
                (command.downgrade if target == "0005" else command.upgrade)(_alembic_config(conn), target)
    assert dashboard(db, bank, TODAY, UNTIL) == before
    db.dispose()


def test_a_page_of_systems_follows_from_the_last_id(db_url, tmp_path):
    from senim.registry import list_systems

    db, bank, _ = _world(db_url, tmp_path)
    every = [s["id"] for s in list_systems(db, actor=bank)]
    assert every == sorted(MANIFESTS)
    pages, after = [], None
    while True:
        page = list_systems(db, actor=bank, limit=2, after=after)
        if not page:
            break
        pages.append([s["id"] for s in page])
        after = page[-1]["id"]
    assert pages == [every[:2], every[2:]]
    db.dispose()
