"""Reading the packs as a lawyer would: by article, and by what changes when."""

from __future__ import annotations

from datetime import date
from typing import Any

from senim.errors import InputError
from senim.law.pack import Obligation, Rule, load_packs


def _rule_summary(rule: Rule, lang: str) -> dict[str, Any]:
    entry = {
        "id": rule.id, "ref": rule.ref, "article": rule.article, "confidence": rule.confidence,
        "from": rule.start.isoformat(), "until": rule.end.isoformat() if rule.end else None,
        "title": rule.title[lang],
        "type": "obligation" if isinstance(rule, Obligation) else "classification",
    }
    if isinstance(rule, Obligation):
        entry["roles"] = list(rule.roles)
        entry["kind"] = rule.kind
        if rule.applies_from:
            entry["applies_from"] = [d.isoformat() for d, _ in rule.applies_from]
    return entry


def overview(lang: str = "en") -> list[dict[str, Any]]:
    """Each pack with its articles and how many rules cite each."""
    packs = []
    for pack in load_packs():
        counts: dict[str, int] = {}
        for rule in pack.all_rules():
            counts[rule.article or "-"] = counts.get(rule.article or "-", 0) + 1
        packs.append({
            "pack": pack.name, "version": pack.version, "title": pack.title[lang], "source": pack.source[lang],
            "articles": [
                {"article": key, "title": meta["title"][lang], "confidence": meta["confidence"], "rules": counts.get(key, 0)}
                for key, meta in pack.articles.items()
            ],
            "timeline": [{"date": str(e["date"]), "what": e[lang]} for e in pack.timeline],
        })
    return packs


def article(query: str, lang: str = "en") -> list[dict[str, Any]]:
    """The rules citing an article: '17', 'kz 17', 'eu:50', 'EU-50', 'prohibited'."""
    cleaned = query.replace(":", " ").replace("-", " ", 1) if query[:2].lower() in ("kz", "eu") else query
    parts = cleaned.split()
    wanted_pack = parts[0].lower() if len(parts) > 1 and parts[0].lower() in ("kz", "eu") else None
    key = " ".join(parts[1:] if wanted_pack else parts)
    key = key.removeprefix("Art.").removeprefix("art.").strip()
    found = []
    for pack in load_packs():
        if wanted_pack and pack.name != wanted_pack:
            continue
        rules = [r for r in pack.all_rules() if (r.article or "").lower() == key.lower()]
        if not rules and key not in pack.articles:
            continue
        meta = pack.articles.get(key, {})
        found.append({
            "pack": pack.name, "article": key,
            "title": meta.get("title", {}).get(lang), "confidence": meta.get("confidence"),
            "rules": [_rule_summary(r, lang) for r in rules],
        })
    if not found:
        known = sorted({a for p in load_packs() for a in p.articles}, key=lambda a: (not a.isdigit(), a.zfill(4)))
        raise InputError(f"law show: no rule cites article {query!r}; known: {', '.join(known)}")
    return found


def changes(start: date, end: date, lang: str = "en", manifest: Any = None) -> dict[str, Any]:
    """What starts or ends applying between two dates (start exclusive, end inclusive).

    Without a manifest: every rule of every pack whose dates fall between.
    With one: the system's obligations on each date, compared.
    """
    if end < start:
        raise InputError(f"law diff: --to {end} is before --from {start}")
    if manifest is not None:
        from senim.law.engine import classify

        before, after = classify(manifest, start, lang), classify(manifest, end, lang)
        out: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(), "system": manifest.id}
        for law in ("kz", "eu"):
            old = {o["id"]: o for o in before[law]["obligations"]}
            new = {o["id"]: o for o in after[law]["obligations"]}
            out[law] = {
                "applies": [before[law]["applies"], after[law]["applies"]],
                "added": [new[i] for i in new if i not in old],
                "removed": [old[i] for i in old if i not in new],
            }
        return out
    out = {"from": start.isoformat(), "to": end.isoformat()}
    for pack in load_packs():
        added, removed = [], []
        for rule in pack.all_rules():
            dates = {rule.start} | ({d for d, _ in rule.applies_from} if isinstance(rule, Obligation) else set())
            for when in sorted(dates):
                if start < when <= end:
                    added.append({**_rule_summary(rule, lang), "date": when.isoformat()})
            if rule.end and start < rule.end <= end:
                removed.append({**_rule_summary(rule, lang), "date": rule.end.isoformat()})
        out[pack.name] = {"added": added, "removed": removed}
    return out
