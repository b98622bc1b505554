"""The manifest facts behind an obligation: where in senim.yaml a gap is about.

An obligation fires on facts (`human_oversight`) or on what earlier rules
decided (`kz.high_autonomy_permitted`). Following each decision back to the
rule that made it, through the classification's trace, reaches the facts the
user wrote. The nearest of those is the key a report points at: for the grid
optimiser's prohibition, `human_oversight: none`, not the top of the file.
"""

from __future__ import annotations

from typing import Any

from senim.law.conditions import All, Any_, Condition, Leaf, Not


def _leaves(condition: Condition, context: dict[str, Any]) -> list[Leaf]:
    """The leaves that made a condition hold, in the order they are written."""
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, Any_):  # only the branches that hold are why it holds
        held = [p for p in condition.parts if p.test(context)] or condition.parts
        return [leaf for part in held for leaf in _leaves(part, context)]
    if isinstance(condition, All):
        return [leaf for part in condition.parts for leaf in _leaves(part, context)]
    if isinstance(condition, Not):
        return _leaves(condition.inner, context)
    return []  # Always: no fact involved


def facts_behind(rule_id: str, classification: dict[str, Any], manifest: Any,
                 packs: Any = None) -> list[str]:
    """The dotted manifest facts an obligation (or rule) fired on, nearest first.

    The rule's own facts come first; then the facts of the rules that decided
    the results it reads, one step further back at a time.
    """
    from senim.law.pack import load_packs

    packs = tuple(packs) if packs is not None else load_packs()
    by_id = {rule.id: rule for pack in packs for rule in pack.all_rules()}
    if rule_id not in by_id:
        return []
    fired = [by_id[step["rule"]] for step in classification.get("trace", []) if step["rule"] in by_id]
    context = {"fact": manifest.data, "result": {pack.name: classification.get(pack.name) or {} for pack in packs}}

    found: list[str] = []
    visited = {rule_id}
    level = [by_id[rule_id]]
    while level:
        following = []
        for rule in level:
            for leaf in _leaves(rule.when, context):
                if leaf.source == "fact":
                    if leaf.path not in found:
                        found.append(leaf.path)
                    continue
                for decider in _deciders(leaf.path, fired):
                    if decider.id not in visited:
                        visited.add(decider.id)
                        following.append(decider)
        level = following
    return found


def _deciders(result: str, fired: list[Any]) -> list[Any]:
    """The fired rules that gave `pack.field` its value: the first that set it, every one that added to it."""
    pack, _, name = result.partition(".")
    name = name.split(".")[0]
    out = []
    for rule in fired:
        if rule.pack != pack:
            continue
        if name in rule.then.get("set", {}):
            if not any(name in r.then.get("set", {}) for r in out):  # the first to decide a field wins
                out.append(rule)
        elif name in rule.then.get("add", {}):
            out.append(rule)
    return out


def written(manifest: Any, dotted: str) -> bool:
    """Whether the user wrote this fact (or a key above it) in the manifest."""
    parts: list[Any] = [int(p) if p.isdigit() else p for p in dotted.split(".") if p]
    return any(tuple(parts[:n]) in manifest.lines for n in range(len(parts), 0, -1))
