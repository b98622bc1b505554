"""Public system pages: what an owner chooses to publish about a system,
in kk/ru/en, at a random address (/p/{slug}); off until published, and an
unpublished or unknown page is "not found" in the same words.

The fields are law data (`law/packs/public-page.yaml`): a superset of the
EU database's Annex VIII Sections A-C, each field naming the points it
answers, so that `annex_viii` turns a page into the EU database's sections
without another table. The slug is 96 random bits: a page is found by its
link, not by guessing a system's id; it never changes once made, so a
link printed on a letter keeps working.
"""

from __future__ import annotations

import json
import secrets
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, select, update

from senim.errors import InputError
from senim.ledger.canonical import canonical
from senim.registry.models import Organisation, System
from senim.registry.public_models import PublicPage
from senim.registry.records import form_text, iso, utc_now
from senim.registry.tenancy import Actor, NotFound, ledger

LANGS = ("kk", "ru", "en")
MAX_TEXT = 4000


@lru_cache(maxsize=1)
def law() -> dict[str, Any]:
    from senim.law.pack import legal_data

    return legal_data("public-page")


def fields() -> list[dict[str, Any]]:
    return law()["fields"]


def _clean(value: Any, field: dict[str, Any]) -> Any:
    name, kind = field["id"], field["kind"]

    def text(item: Any, where: str) -> str | None:
        return form_text(item, where, MAX_TEXT, required=False, no_iin="holds an IIN; a public page names no person")

    if kind == "words":
        if value is None:
            return None
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict) or set(value) - set(LANGS):
            raise InputError("expected the text in kk, ru and en", field=name)
        found = {lang: text(value.get(lang), f"{name}.{lang}") for lang in LANGS}
        return {k: v for k, v in found.items() if v} or None
    if kind == "list":
        if value is None:
            return None
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list):
            raise InputError("expected a list", field=name)
        return [t for t in (text(i, name) for i in items) if t] or None
    if kind == "choice":
        value = text(value, name)
        if value is not None and value not in field["choices"]:
            raise InputError(f"{value!r} is not one of {', '.join(field['choices'])}", field=name)
        return value
    value = text(value, name)
    if kind == "url" and value is not None:
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc:
            raise InputError("expected an https:// link", field=name)
    return value


def _row(conn, actor: Actor, system: str):
    if conn.execute(select(System.id).where(System.organisation_id == actor.org, System.id == system)).first() is None:
        raise NotFound(f"system: {system!r} is not registered")
    return conn.execute(select(PublicPage).where(PublicPage.organisation_id == actor.org,
                                                 PublicPage.system_id == system)).first()


def settings(db, actor: Actor, system: str) -> dict[str, Any]:
    """The page as its owner sees it (unpublished and without a slug until first saved)."""
    with db.read() as conn:
        row = _row(conn, actor, system)
    if row is None:
        return {"system": system, "slug": None, "published": False, "fields": {}, "updated": None}
    return {"system": system, "slug": row.slug, "published": bool(row.published), "fields": json.loads(row.fields),
            "updated": row.updated}


def save(db, actor: Actor, system: str, *, published: bool, values: dict[str, Any]) -> dict[str, Any]:
    """Save what the owner publishes (unknown fields refused); ledgered."""
    if not isinstance(values, dict):
        raise InputError("expected the fields as an object", field="fields")
    known = {f["id"]: f for f in fields()}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InputError(f"{unknown[0]!r} is not a field of a public page", field="fields")
    clean = {name: _clean(values.get(name), field) for name, field in known.items()}
    clean = {k: v for k, v in clean.items() if v is not None}
    moment = iso(utc_now())
    with db.write() as conn:
        row = _row(conn, actor, system)
        slug = row.slug if row is not None else secrets.token_urlsafe(12)
        entry = ledger(conn, "public_page.saved", {"system": system, "slug": slug, "published": bool(published),
                                                   "fields": clean}, actor.org, actor)
        values_row = {"published": bool(published), "fields": canonical(clean).decode(), "updated": moment,
                      "ledger_seq": entry.seq}
        if row is None:
            conn.execute(insert(PublicPage).values(organisation_id=actor.org, system_id=system, slug=slug,
                                                   **values_row))
        else:
            conn.execute(update(PublicPage).where(PublicPage.organisation_id == actor.org,
                                                  PublicPage.system_id == system).values(**values_row))
    return settings(db, actor, system)


def public_page(db, slug: str) -> dict[str, Any]:
    """A published page by its slug, with the owner's name and BIN; NotFound otherwise."""
    if not isinstance(slug, str) or not 8 <= len(slug) <= 40:
        raise NotFound("page: not found")
    with db.read() as conn:
        row = conn.execute(
            select(PublicPage, System.name.label("system_name"), Organisation.name.label("owner"),
                   Organisation.bin.label("bin"))
            .join(System, (System.organisation_id == PublicPage.organisation_id) & (System.id == PublicPage.system_id))
            .join(Organisation, Organisation.id == PublicPage.organisation_id)
            .where(PublicPage.slug == slug, PublicPage.published.is_(True))).first()
    if row is None:
        raise NotFound("page: not found")
    page = {"slug": row.slug, "system": row.system_id, "system_name": row.system_name, "owner": row.owner,
            "owner_bin": row.bin, "fields": json.loads(row.fields), "updated": row.updated}
    page["annex_viii"] = annex_viii(page["fields"])
    return page


def annex_viii(values: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The page's fields as the EU database's Annex VIII sections: {"A": [{point, field, value}], "B": …, "C": …}."""
    sections: dict[str, list[dict[str, Any]]] = {"A": [], "B": [], "C": []}
    for field in fields():
        if field["id"] not in values:
            continue
        for point in field["annex"]:
            section, number = point.split(".")
            sections[section].append({"point": int(number), "field": field["id"], "value": values[field["id"]]})
    for items in sections.values():
        items.sort(key=lambda item: item["point"])
    return sections
