"""Reading the packs as a lawyer would: by article, and by what changes when."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from senim.errors import InputError
from senim.law import regimes
from senim.law.pack import Act, Obligation, Pack, Rule, load_packs


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
    entry.update(rule.history(lang))
    return entry


def _act_summary(act: Act, lang: str) -> dict[str, Any]:
    entry = {"act": act.id, "title": act.title[lang], "ref": act.ref, "in_force": act.in_force.isoformat(),
             "confidence": act.confidence}
    for key in ("adopted", "published"):
        if getattr(act, key):
            entry[key] = getattr(act, key).isoformat()
    if act.amends:
        entry["amends"] = act.amends
    if act.note:
        entry["note"] = act.note[lang]
    return entry


def versions(lang: str = "en") -> list[dict[str, Any]]:
    """Each pack's acts, base act first, with the rules each amending act changed or inserted."""
    out = []
    for pack in load_packs():
        acts = []
        for act in pack.acts:
            entry = _act_summary(act, lang)
            entry["changed"] = sorted(r.id for r in pack.all_rules() if any(a.act == act.id for a in r.amendments))
            entry["inserted"] = sorted(r.id for r in pack.all_rules() if r.added_by == act.id)
            entry["fines_changed"] = sorted(f.id for f in pack.fines.values() if any(a.act == act.id for a in f.amendments))
            acts.append(entry)
        out.append({"pack": pack.name, "version": pack.version, "title": pack.title[lang], "acts": acts})
    return out


def _dates(rule: Rule) -> list[str]:
    found = {rule.start} | ({d for d, _ in rule.applies_from} if isinstance(rule, Obligation) else set())
    return [d.isoformat() for d in sorted(found)]


def _what_changed(before: Rule, after: Rule) -> dict[str, list[Any]]:
    """Field -> [before, after] for what a reader of the law sees move."""
    changed: dict[str, list[Any]] = {}
    if _dates(before) != _dates(after):
        changed["dates"] = [_dates(before), _dates(after)]
    for field in ("confidence", "ref", "kind"):
        if getattr(before, field, None) != getattr(after, field, None):
            changed[field] = [getattr(before, field, None), getattr(after, field, None)]
    if before.title != after.title:
        changed["title"] = [before.title.get("en"), after.title.get("en")]
    if isinstance(before, Obligation) and (before.what or {}) != (after.what or {}):
        changed["what"] = [(before.what or {}).get("en"), (after.what or {}).get("en")]
    if isinstance(before, Obligation) and before.fine != after.fine:
        changed["fine"] = [before.fine, after.fine]
    return changed


def amendments(pack: Pack, start: date, end: date, lang: str) -> list[dict[str, Any]]:
    """What each act coming into force in (start, end] changed in the pack, rule by rule."""
    out = []
    for act in pack.acts:
        if not (start < act.in_force <= end) or act.amends is None:
            continue
        before, after = pack.on(act.in_force - timedelta(days=1)), pack.on(act.in_force)
        old = {r.id: r for r in before.all_rules()}
        for rule in after.all_rules():
            point = next((a.point for a in rule.amendments if a.act == act.id), None)
            if rule.added_by == act.id:
                point = rule.added_point
            if rule.id not in old:
                change, fields = "inserted", {"dates": [[], _dates(rule)]}
            elif point is not None or rule.added_by == act.id:
                change, fields = "amended", _what_changed(old[rule.id], rule)
            else:
                continue
            out.append({**_rule_summary(rule, lang), "change": change, "act": act.id, "act_title": act.title[lang],
                        "point": point, "date": act.in_force.isoformat(), "changed": fields})
        for fine in after.fines.values():
            point = next((a.point for a in fine.amendments if a.act == act.id), None)
            if point is not None:
                was = before.fines[fine.id].data if fine.id in before.fines else {}
                fields = {k: [was.get(k), v] for k, v in fine.data.items() if was.get(k) != v}
                out.append({"id": fine.id, "ref": fine.ref, "title": fine.title[lang], "confidence": fine.confidence,
                            "type": "fine", "change": "amended", "act": act.id, "act_title": act.title[lang],
                            "point": point, "date": act.in_force.isoformat(), "changed": fields})
    return out


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
    regime = next((name for name in regimes() if query[:len(name)].lower() == name), None)
    cleaned = query.replace(":", " ").replace("-", " ", 1) if regime else query
    parts = cleaned.split()
    wanted_pack = parts[0].lower() if len(parts) > 1 and parts[0].lower() in regimes() else None
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
        found = _topic(key.lower(), wanted_pack, lang)
    if not found:
        from senim.i18n import text

        packs = [p for p in load_packs() if p.name == wanted_pack] if wanted_pack else list(load_packs())
        known = sorted({a for p in packs for a in p.articles}, key=_article_order)
        listed = ", ".join(known if lang == "en" else (f"«{a}»" for a in known))  # codes stay quoted in kk/ru
        raise InputError(text("core.law_show.unknown_in" if wanted_pack else "core.law_show.unknown", lang,
                              article=key, pack=(wanted_pack or "").upper(), articles=listed))
    return found


def _topic(word: str, wanted_pack: str | None, lang: str) -> list[dict[str, Any]]:
    """The rules of a topic named in their ids (`prohibited` for kz.prohibited.* and eu.prohibited.*)."""
    found = []
    for pack in load_packs():
        if wanted_pack and pack.name != wanted_pack:
            continue
        rules = [r for r in pack.all_rules() if word in r.id.split(".")[1:-1]]
        if rules:
            from senim.i18n import catalog, text

            key = f"core.law_show.topic.{word}"
            title = text(key, lang) if key in catalog("core") else word
            found.append({"pack": pack.name, "article": None, "topic": word, "title": title, "confidence": None,
                          "rules": [_rule_summary(r, lang) for r in rules]})
    return found


def _article_order(article: str) -> tuple[bool, str]:
    """Numbered articles first, by number ('4-5' with 4); then the named ones (PDL, CoAO 641-1)."""
    number = article.split("-")[0]
    return (not number.isdigit(), number.zfill(4) + article if number.isdigit() else article)


def changes(start: date, end: date, lang: str = "en", manifest: Any = None) -> dict[str, Any]:
    """What starts or ends applying between two dates (start exclusive, end inclusive).

    Without a manifest: every rule of every pack whose dates fall between.
    With one: the system's obligations on each date, compared.
    """
    if end < start:
        raise InputError(f"law diff: --to {end} is before --from {start}")
    packs = {p.name: p for p in load_packs()}
    if manifest is not None:
        from senim.law.engine import classify

        before, after = classify(manifest, start, lang), classify(manifest, end, lang)
        out: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(), "system": manifest.id,
                               "law_versions": [before["law_versions"], after["law_versions"]]}
        for law in regimes():
            old = {o["id"]: o for o in before[law]["obligations"]}
            new = {o["id"]: o for o in after[law]["obligations"]}
            coming_old = {o["id"]: o for o in before[law]["upcoming_obligations"]}
            coming_new = {o["id"]: o for o in after[law]["upcoming_obligations"]}
            acts = {a["id"]: a for a in amendments(packs[law], start, end, lang)} if law in packs else {}
            moved = []
            for i, o in {**coming_new, **new}.items():
                was = coming_old.get(i) or old.get(i)
                if was and was["applies_from"] != o["applies_from"]:
                    act = acts.get(i, {})
                    moved.append({**o, "was_from": was["applies_from"], "act": act.get("act"), "point": act.get("point")})
            out[law] = {
                "applies": [before[law]["applies"], after[law]["applies"]],
                "added": [_by(new[i], acts) for i in new if i not in old],
                "removed": [_by(old[i], acts) for i in old if i not in new],
                "moved": moved,
            }
        return out
    out = {"from": start.isoformat(), "to": end.isoformat()}
    for name, pack in packs.items():
        current = pack.on(end)  # the dates as the law reads at the end of the period
        added, removed = [], []
        for rule in current.all_rules():
            for when in _dates(rule):
                if start.isoformat() < when <= end.isoformat():
                    added.append({**_rule_summary(rule, lang), "date": when, "act": _act_of(rule, current, end)})
            if rule.end and start < rule.end <= end:
                removed.append({**_rule_summary(rule, lang), "date": rule.end.isoformat(), "act": _act_of(rule, current, end)})
        out[name] = {"version": [pack.on(start).version, current.version], "added": added, "removed": removed,
                     "amended": amendments(pack, start, end, lang)}
    return out


def _act_of(rule: Rule, pack: Pack, on: date) -> str | None:
    """The act that gave the rule its present wording: the last amending act in force, else the base act."""
    applied = {a.id for a in pack.acts_on(on)}
    changed = [a.act for a in rule.amendments if a.act in applied]
    if rule.added_by in applied:
        changed.append(rule.added_by)
    if changed:
        return max(changed, key=lambda i: pack.act(i).in_force)
    base = next((a for a in pack.acts if a.amends is None), None)
    return base.id if base else None


def _by(obligation: dict[str, Any], acts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    found = acts.get(obligation["id"])
    return {**obligation, "act": found["act"], "point": found["point"]} if found else obligation
