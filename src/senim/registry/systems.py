"""Registering AI systems: every manifest version is kept and ledgered."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import bindparam, func, insert, select, update

from senim.errors import Codes, InputError, ParameterError, Written
from senim.law import regimes
from senim.ledger.canonical import canonical
from senim.registry.db import Database
from senim.registry.models import System, SystemVersion, UpcomingObligation
from senim.registry.records import iso, jsonable, place, shown, storable_number, utc_now
from senim.registry.tenancy import Actor, NotFound, ledger, org_for_manifest, scoped


# The Kazakh risk levels a system is registered with (`kz_risk`).
KZ_RISKS = ("minimal", "medium", "high")


def _classify(manifest: Any, as_of: date | None) -> dict:
    try:
        from senim.law import classify
    except ImportError:  # the law package may not re-export it
        from senim.law.engine import classify
    return classify(manifest, as_of=as_of)


def register(db: Database, manifest_path: str | Path | None = None, *, as_of: date | None = None,
             actor: Actor | None = None, manifest: Any = None) -> dict:
    """Add a system, or a new version of a known one when its manifest changed.

    `manifest_path` is a file; or give `manifest`, a loaded Manifest (the web
    door parses what it was sent). `actor` is who registers it, for its own
    organisation (None: the CLI, see senim.registry.tenancy).
    Returns {"system", "version", "status": added|new_version|unchanged, "ledger_seq"}.
    """
    from senim.manifest import load_manifest

    if manifest is None:
        manifest = load_manifest(manifest_path)
    where = str(manifest_path if manifest_path is not None else manifest.path)
    data = jsonable(manifest.data, where)
    classification = jsonable(_classify(manifest, as_of), f"{where}: classification")
    digest = hashlib.sha256(canonical(data)).hexdigest()
    kz = classification.get("kz") or {}
    eu = classification.get("eu") or {}
    with db.write() as conn:
        org = org_for_manifest(conn, data, actor)
        mine = (System.organisation_id == org) & (System.id == manifest.id)
        known = conn.execute(select(System).where(mine)).first()
        if known is not None:
            latest = conn.execute(
                select(SystemVersion.manifest_sha256, SystemVersion.ledger_seq).where(
                    SystemVersion.organisation_id == org,
                    SystemVersion.system_id == manifest.id, SystemVersion.version == known.latest_version
                )
            ).first()
            if latest is not None and latest.manifest_sha256 == digest:
                return {"system": manifest.id, "version": known.latest_version, "status": "unchanged",
                        "ledger_seq": latest.ledger_seq}
        version = known.latest_version + 1 if known else 1
        now = iso(utc_now())
        entry = ledger(
            conn,
            "system.registered" if version == 1 else "system.new_version",
            {
                "system": manifest.id,
                "version": version,
                "manifest": data,
                "manifest_sha256": digest,
                "classification": classification,
            },
            org, actor,
        )
        if known is None:
            conn.execute(insert(System).values(organisation_id=org, id=manifest.id, name=data.get("name"),
                                               latest_version=1, created=now))
        else:
            conn.execute(update(System).where(mine).values(latest_version=version, name=data.get("name")))
        conn.execute(
            insert(SystemVersion).values(
                organisation_id=org,
                system_id=manifest.id,
                version=version,
                manifest=canonical(data).decode(),
                manifest_sha256=digest,
                source=str(Path(manifest_path).resolve()) if manifest_path is not None else None,
                classification=canonical(classification).decode(),
                kz_risk=kz.get("risk"),
                kz_autonomy=kz.get("autonomy"),
                eu_category=eu.get("category"),
                registered=now,
                ledger_seq=entry.seq,
            )
        )
        later = upcoming_rows(org, manifest.id, version, classification)
        if later:
            conn.execute(insert(UpcomingObligation), later)
    return {"system": manifest.id, "version": version, "status": "added" if version == 1 else "new_version",
            "ledger_seq": entry.seq}


def register_all(db: Database | str | None, manifest_paths: list[str | Path], *,
                 as_of: date | None = None) -> list[dict]:
    """`register` each manifest file in turn, once every one of them is valid
    (a bad file anywhere stores nothing, and makes no registry); one result
    each, as `register`'s. `db`: a Database, or the path or URL of one."""
    from senim.manifest import load_manifest
    from senim.registry.db import opened

    manifests = [load_manifest(path) for path in manifest_paths]
    db = opened(db)
    return [register(db, path, as_of=as_of, manifest=manifest) for path, manifest in zip(manifest_paths, manifests)]


def upcoming_rows(org: int, system: str, version: int, classification: dict) -> list[dict]:
    """The rows of `upcoming_obligations` for a version: each obligation of its
    classification that starts applying later, with the day it starts."""
    found = []
    for law in regimes():
        for item in (classification.get(law) or {}).get("upcoming_obligations") or []:
            found.append({"organisation_id": org, "system_id": system, "version": version, "law": law,
                          "obligation": item["id"], "applies_from": item.get("applies_from"),
                          "ref": json.dumps(item.get("ref"), ensure_ascii=False),
                          "title": json.dumps(item.get("title"), ensure_ascii=False)})
    return found


def list_systems(db: Database, *, risk: str | None = None, eu_category: str | None = None,
                 actor: Actor | None = None, limit: int | None = None, after: str | None = None) -> list[dict]:
    """The latest version of every system (of the actor's organisation),
    filtered on its stored classification, in the order of their ids.

    `limit` and `after` read one page (keyset pagination, for an actor's
    organisation): at most `limit` systems whose id sorts after `after`.
    Ask for one more than a page holds to learn whether another follows."""
    if risk is not None and risk not in KZ_RISKS:
        raise ParameterError.said("errors.field.not_one_of", field="risk", shown=shown(risk), options=Codes(KZ_RISKS))
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ParameterError.said("errors.registry.limit", field="limit", shown=repr(limit))
    query = _list_query(actor is not None, bool(risk), bool(eu_category), after is not None, limit is not None)
    values = {"org": actor.org if actor is not None else None, "risk": risk, "eu_category": eu_category,
              "after": after, "limit": limit}
    with db.read() as conn:
        return [
            {"id": id_, "name": name, "version": version, "kz_risk": kz_risk, "eu_category": eu,
             "registered": registered, "manifest_sha256": digest}
            for id_, name, version, kz_risk, eu, registered, digest in conn.execute(query, values)
        ]


# The queries every page and API call asks are built once for each shape and
# their values bound at each execute (building a query costs more than running it).
@lru_cache(maxsize=32)
def _list_query(of_actor: bool, risk: bool, eu_category: bool, after: bool, limit: bool):
    query = (
        select(System.id, System.name, System.latest_version, SystemVersion.kz_risk, SystemVersion.eu_category,
               SystemVersion.registered, SystemVersion.manifest_sha256)
        .join(SystemVersion, (SystemVersion.organisation_id == System.organisation_id)
              & (SystemVersion.system_id == System.id) & (SystemVersion.version == System.latest_version))
        .order_by(System.id, System.organisation_id)
    )
    if of_actor:
        query = query.where(System.organisation_id == bindparam("org"))
    if risk:
        query = query.where(SystemVersion.kz_risk == bindparam("risk"))
    if eu_category:
        query = query.where(SystemVersion.eu_category == bindparam("eu_category"))
    if after:
        query = query.where(System.id > bindparam("after"))
    if limit:
        query = query.limit(bindparam("limit"))
    return query


@lru_cache(maxsize=2)
def _system_query(of_actor: bool):
    query = select(System).where(System.id == bindparam("system"))
    return query.where(System.organisation_id == bindparam("org")) if of_actor else query


@lru_cache(maxsize=1)
def _version_queries():
    this = (SystemVersion.organisation_id == bindparam("org"), SystemVersion.system_id == bindparam("system"))
    return (select(SystemVersion).where(*this, SystemVersion.version == bindparam("version")),
            select(SystemVersion.version, SystemVersion.registered, SystemVersion.ledger_seq).where(*this)
            .order_by(SystemVersion.version))


def _one(conn, system_id: str, actor: Actor | None, missing: Callable[[], InputError],
         several: Callable[[int], InputError]):
    """The system row of that id (of the actor's organisation); the error
    `missing()` if none, `several(count)` if organisations share the id."""
    rows = conn.execute(_system_query(actor is not None),
                        {"system": system_id, "org": actor.org if actor is not None else None}).all()
    if not rows:
        raise missing()
    if len(rows) > 1:  # only the CLI reads across organisations
        raise several(len(rows))
    return rows[0]


def cited_in(where: str, system_id: str) -> tuple[Callable[[], InputError], Callable[[int], InputError]]:
    """`_one`'s errors for a system that a record at `where` cites ("FILE:LINE: system: 'x' is not registered")."""
    at = place(where, "system")
    return (lambda: NotFound.said("errors.registry.not_registered", **at, system=Written(system_id)),
            lambda count: InputError.said("errors.registry.several_owners_of", **at, system=Written(system_id),
                                          count=count))


def show(db: Database, system_id: str, version: int | None = None, *, actor: Actor | None = None) -> dict:
    with db.read() as conn:
        return show_in(conn, system_id, version, actor=actor, where=db.display)


def show_in(conn, system_id: str, version: int | None = None, *, actor: Actor | None = None,
            where: str = "the registry") -> dict:
    """`show` within a transaction the caller holds (`where`: the registry's name, for the sentence)."""
    known = _one(conn, system_id, actor,
                 lambda: NotFound.said("errors.registry.not_registered_in", file=system_id, field="system", registry=where),
                 lambda count: InputError.said("errors.registry.several_owners", file=system_id, field="system",
                                               count=count))
    org = known.organisation_id
    wanted = version or known.latest_version
    if not storable_number(wanted):
        raise ParameterError.said("errors.registry.no_version", file=system_id, field="version", wanted=wanted,
                                  latest=known.latest_version)
    version_query, versions_query = _version_queries()
    row = conn.execute(version_query, {"org": org, "system": system_id, "version": wanted}).first()
    if row is None:
        raise ParameterError.said("errors.registry.no_version", file=system_id, field="version", wanted=wanted,
                                  latest=known.latest_version)
    versions = conn.execute(versions_query, {"org": org, "system": system_id}).all()
    return {
        "id": system_id,
        "name": known.name,
        "version": row.version,
        "latest_version": known.latest_version,
        "registered": row.registered,
        "manifest_sha256": row.manifest_sha256,
        "source": row.source,
        "ledger_seq": row.ledger_seq,
        "kz_risk": row.kz_risk,
        "eu_category": row.eu_category,
        "manifest": json.loads(row.manifest),
        "classification": json.loads(row.classification),
        "versions": [{"version": v.version, "registered": v.registered, "ledger_seq": v.ledger_seq} for v in versions],
    }


def system_version(conn, system_id: str, version: int | None, where: str,
                   actor: Actor | None = None) -> tuple[int, dict]:
    """The version to cite (latest when not given) and that version's manifest."""
    known = _one(conn, system_id, actor, *cited_in(where, system_id))
    wanted = version or known.latest_version
    if not storable_number(wanted):
        raise InputError.said("errors.registry.system_has_no_version", **place(where, "system_version"),
                              system=Written(system_id), wanted=wanted)
    manifest = conn.execute(
        select(SystemVersion.manifest).where(SystemVersion.organisation_id == known.organisation_id,
                                             SystemVersion.system_id == system_id, SystemVersion.version == wanted)
    ).scalar()
    if manifest is None:
        raise InputError.said("errors.registry.system_has_no_version", **place(where, "system_version"),
                              system=Written(system_id), wanted=wanted)
    return wanted, json.loads(manifest)


def count(db: Database, actor: Actor | None = None) -> int:
    with db.read() as conn:
        return conn.execute(scoped(select(func.count()).select_from(System), System.organisation_id, actor)).scalar_one()


# ------------------------------------------------------------------ in words
# What `senim register`, `senim systems` and `senim show` print: every word in
# kk, ru or en (the codes stay in --format json and csv).


def registered_text(results: list[dict], lang: str = "en") -> str:
    """One line a `register` result: the system, its version, what was done, its ledger entry."""
    from senim.i18n import text

    return "".join(text("registry.registered_line", lang, system=r["system"], version=r["version"],
                        status=text(f"registry.registered_{r['status']}", lang), seq=r["ledger_seq"]) + "\n"
                   for r in results)


def risk_words(risk: str | None, lang: str = "en") -> str:
    """The Kazakh risk level in words ("medium risk"). Where the Kazakh law applies
    its rules always set one, so none means it does not apply."""
    from senim.i18n import text
    from senim.i18n.words import value_label

    if not risk:
        return text("registry.kz_not_applicable", lang)
    return text("registry.risk_words", lang, risk=value_label("kz.risk", risk, lang))


def category_words(category: str | None, lang: str = "en") -> str:
    """The EU category in words. Where the AI Act applies its rules always set
    one (minimal at least), so none means it does not apply."""
    from senim.i18n import text
    from senim.i18n.words import value_label

    if not category:
        return text("registry.eu_not_applicable", lang)
    return value_label("eu.category", category, lang)


def systems_text(rows: list[dict], lang: str = "en") -> str:
    """`list_systems` rows, one line each: id, version, both classifications in words, name."""
    from senim.i18n import text

    return "".join(text("registry.systems_line", lang, id=r["id"], version=r["version"],
                        risk=risk_words(r["kz_risk"], lang), category=category_words(r["eu_category"], lang),
                        name=f"«{r['name']}»" if r["name"] else "") + "\n" for r in rows)


def systems_count(rows: list[dict], lang: str = "en") -> str:
    from senim.i18n import text

    return text("registry.systems_count", lang, count=len(rows))


def systems_csv(rows: list[dict]) -> str:
    """`list_systems` rows as CSV with a header (the codes, as the JSON has them)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = ["id", "name", "version", "kz_risk", "eu_category", "registered"]
    writer.writerow(columns)
    writer.writerows([r[c] for c in columns] for r in rows)
    return out.getvalue()


def system_text(record: dict, lang: str = "en") -> str:
    """A `show` record in words: name, version, digest, classifications, versions."""
    from senim.i18n import text
    from senim.i18n.formats import format_datetime

    t = lambda key, **kw: text(f"registry.{key}", lang, **kw)  # noqa: E731

    def when(moment: str | None) -> str:
        try:
            return format_datetime(moment, lang)
        except (TypeError, ValueError):  # a stored time Senim cannot read is shown as stored
            return str(moment)

    out = [
        f"{record['id']}: «{record['name']}»" if record["name"] else record["id"],
        t("show_version", version=record["version"], latest=record["latest_version"],
          registered=when(record["registered"]), seq=record["ledger_seq"]),
        t("show_digest", digest=record["manifest_sha256"]),
        t("show_classes", risk=risk_words(record["kz_risk"], lang), category=category_words(record["eu_category"], lang)),
        t("show_versions"),
    ]
    out += ["  " + t("show_version_item", version=v["version"], registered=when(v["registered"]))
            for v in record["versions"]]
    return "\n".join(out) + "\n"
