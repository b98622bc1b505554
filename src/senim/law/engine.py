"""Manifest + rule packs + date -> classification, obligations and trace.

The engine knows no article and no legal category: it runs each pack's rules
in order, on the manifest's facts and on what earlier rules decided, and
records every rule that fired with its citation and the facts that made it
fire. A pack's gate rule decides whether the law applies at all.
"""

from __future__ import annotations

import copy
from datetime import date
from functools import partial
from typing import Any, Iterable

from senim.i18n import text
from senim.law.pack import Act, Fine, Obligation, Pack, Rule, load_packs


def classify(manifest: Any, as_of: date | None = None, lang: str = "en",
             packs: Iterable[Pack] | None = None) -> dict[str, Any]:
    """The classification of one system (classification.schema.json)."""
    as_of = as_of or date.today()
    packs = tuple(pack.on(as_of) for pack in (packs if packs is not None else load_packs()))
    facts = manifest.data
    results = {pack.name: copy.deepcopy(pack.result) for pack in packs}
    context = {"fact": facts, "result": results}
    say = partial(_say, lang)
    trace: list[dict[str, Any]] = []
    for pack in packs:
        outcome = results[pack.name]
        decided: set[str] = set()
        for rule in pack.rules:
            if not rule.in_force(as_of):
                continue
            if not rule.gate and not outcome.get("applies"):
                break  # the law does not apply: the rest stays null or empty
            if rule.when.test(context) and _apply(rule, outcome, decided):
                trace.append(_trace_entry(rule, context, say, lang))
        owed, upcoming = [], []
        if outcome.get("applies"):
            roles = _roles(facts.get(pack.role_fact), pack.default_role)
            for obligation in pack.obligations:
                mine = [r for r in roles if r in obligation.roles]
                if not mine or (obligation.end and as_of >= obligation.end):
                    continue
                if not obligation.when.test(context):
                    continue
                start = obligation.start_for(context)
                entry = _obligation_entry(obligation, pack, mine, start, facts, as_of, lang)
                if start <= as_of:
                    owed.append(entry)
                    trace.append(_trace_entry(obligation, context, say, lang))
                else:
                    upcoming.append(entry)
        outcome["obligations"] = owed
        outcome["upcoming_obligations"] = upcoming
    return {
        "system": manifest.id,
        "name": manifest.name,
        "as_of": as_of.isoformat(),
        "law_versions": {pack.name: pack.version for pack in packs},
        "law_acts": {pack.name: [_act_entry(act, lang) for act in pack.acts_on(as_of)] for pack in packs},
        **{pack.name: results[pack.name] for pack in packs},
        "trace": trace,
    }


def _roles(given: Any, default: str) -> list[str]:
    """The filing organisation's roles under one law: one code or a list of them."""
    if isinstance(given, list):
        return [str(r) for r in given] or [default]
    return [str(given or default)]


def _act_entry(act: Act, lang: str) -> dict[str, Any]:
    entry = {"act": act.id, "title": act.title[lang], "ref": act.ref, "in_force": act.in_force.isoformat()}
    if act.amends:
        entry["amends"] = act.amends
    return entry


def _apply(rule: Rule, outcome: dict[str, Any], decided: set[str]) -> bool:
    """Apply a rule's `then` to the outcome; False when it changes nothing."""
    changed = not rule.then  # a rule that only explains still fires
    for field, value in rule.then.get("set", {}).items():
        if field not in decided:  # the first rule to decide a field wins
            outcome[field] = value
            decided.add(field)
            changed = True
    for field, value in rule.then.get("add", {}).items():
        items = outcome.setdefault(field, [])
        if value not in items:
            items.append(value)
        changed = True
    for field, prefix in rule.then.get("remove_prefix", {}).items():
        outcome[field] = [v for v in outcome.get(field, []) if not str(v).startswith(prefix)]
        changed = True
    return changed


def _say(lang: str, key: str, **values: Any) -> str:
    """A reason in words: the field and its codes as the reader names them."""
    from senim.i18n.words import field_label, shown_value

    field = values.get("field")
    if field:
        for name in ("value", "operand"):
            if name in values:
                values[name] = shown_value(field, str(values[name]), lang)
        values["field"] = field_label(field, lang)
    return text(f"core.{key}", lang, **values)


def _trace_entry(rule: Rule, context: dict[str, Any], say: Any, lang: str) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "ref": rule.ref,
        "because": "; ".join(rule.when.why(context, say)),
        "confidence": rule.confidence,
        "title": rule.title[lang],
    }


def _obligation_entry(obligation: Obligation, pack: Pack, roles: list[str], start: date,
                      facts: dict[str, Any], as_of: date, lang: str) -> dict[str, Any]:
    entry = {
        "id": obligation.id,
        "ref": obligation.ref,
        "role": roles[0],
        "roles": roles,
        "title": obligation.title[lang],
        "confidence": obligation.confidence,
        "kind": obligation.kind,
        "applies_from": start.isoformat(),
    }
    if obligation.end:
        entry["applies_until"] = obligation.end.isoformat()
    if obligation.what:
        entry["what"] = obligation.what[lang]
    entry.update(obligation.history(lang))
    if obligation.fine:
        entry["fine"] = describe_fine(pack.fines[obligation.fine], pack, facts, max(as_of, start), lang)
    return entry


def describe_fine(fine: Fine, pack: Pack, facts: dict[str, Any], on: date, lang: str) -> dict[str, Any]:
    """What a breach costs, for this owner's size where the scale depends on it."""
    size = (facts.get("owner") or {}).get("size")
    data = fine.data
    out: dict[str, Any] = {"id": fine.id, "ref": fine.ref, "confidence": fine.confidence,
                           "title": fine.title[lang]}
    if "scale" in data:  # amounts in a unit (the MRP) by offender size
        unit = data["unit"]
        unit_value = pack.value_on(data["unit_value"], on) if data.get("unit_value") else None
        sizes = [size] if size in data["scale"] else list(data["scale"])
        amounts = {}
        for s in sizes:
            first, repeat = data["scale"][s]
            amounts[s] = {"first": first, "repeat": repeat, "unit": unit}
            if unit_value:
                amounts[s].update(first_kzt=first * unit_value, repeat_kzt=repeat * unit_value)
        out["amounts"] = amounts
        out["unit_value"] = unit_value
        lines = [
            text("core.fine.scale", lang, size=text(f"core.size.{s}", lang), first=a["first"], repeat=a["repeat"],
                 unit=unit, first_money=_money(a.get("first_kzt"), "KZT"), repeat_money=_money(a.get("repeat_kzt"), "KZT"))
            for s, a in amounts.items()
        ]
        out["text"] = " ".join(lines)
    elif "max_eur" in data:  # EU: a sum or a share of turnover; the lower of the two for the sizes named
        rule = "lower" if size in data.get("lower_for", []) else "higher"
        out.update(max_eur=data["max_eur"], turnover_percent=data.get("turnover_percent"), whichever=rule)
        out["text"] = text("core.fine.eu", lang, amount=_money(data["max_eur"], "EUR"),
                           percent=data.get("turnover_percent"), whichever=text(f"core.fine.{rule}", lang))
    if data.get("extra"):
        out["text"] += " " + data["extra"][lang]
    return out


def _money(amount: float | None, currency: str) -> str:
    if amount is None:
        return ""
    return f"{amount:,.0f}".replace(",", "\u00a0") + f" {currency}"
