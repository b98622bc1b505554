"""The small language in which rule packs say when a rule fires.

A condition is YAML:

    {fact: failure_impact, contains_any: [life_health, emergency]}
    {result: kz.risk, equals: high}
    {fact: in_service_from, before: 2026-08-02}
    {all: [...]}, {any: [...]}, {not: {...}}

`fact` reads the manifest (schema defaults filled in; an absent fact is null),
`result` reads what earlier rules decided. Conditions are compiled once when a
pack is loaded; each can say, in three languages, why it holds or fails.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from senim.errors import PackError

LEAF_OPERATORS = (
    "equals", "in", "contains", "contains_any", "contains_prefix", "present",
    "nonempty", "greater_than", "before", "on_or_after",
)

Context = dict[str, Any]  # {"fact": manifest data, "result": {"kz": {...}, "eu": {...}}}


def lookup(tree: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(tree, dict):
            return None
        tree = tree.get(part)
    return tree


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) if value else "[]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _day(value: Any) -> date | None:
    """A date fact as written (YYYY-MM-DD, or a YAML date); anything else is no date."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


class Condition:
    def test(self, ctx: Context) -> bool:
        raise NotImplementedError

    def why(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        """Reasons it holds (call only when it does)."""
        raise NotImplementedError

    def why_not(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        """Reasons it fails (call only when it does)."""
        raise NotImplementedError

    def facts(self) -> set[str]:
        """The manifest facts this condition reads."""
        return set()


class Always(Condition):
    def test(self, ctx: Context) -> bool:
        return True

    def why(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        return [say("cond.always")]

    why_not = why


class Leaf(Condition):
    def __init__(self, source: str, path: str, operator: str, operand: Any):
        self.source, self.path, self.operator, self.operand = source, path, operator, operand
        self._test = getattr(self, f"_{operator}")

    def value(self, ctx: Context) -> Any:
        return lookup(ctx[self.source], self.path)

    def test(self, ctx: Context) -> bool:
        return self._test(self.value(ctx))

    def facts(self) -> set[str]:
        return {self.path} if self.source == "fact" else set()

    # operators -----------------------------------------------------------
    def _equals(self, value: Any) -> bool:
        if self.operand is False and self.source == "fact":  # an absent fact counts as false
            return value in (False, None)
        return value == self.operand

    def _in(self, value: Any) -> bool:
        return value in self.operand

    def _contains(self, value: Any) -> bool:
        return isinstance(value, list) and self.operand in value

    def _contains_any(self, value: Any) -> bool:
        return isinstance(value, list) and any(v in value for v in self.operand)

    def _contains_prefix(self, value: Any) -> bool:
        return isinstance(value, list) and any(str(v).startswith(self.operand) for v in value)

    def _present(self, value: Any) -> bool:
        given = value is not None and not (isinstance(value, str) and not value.strip())
        return given == bool(self.operand)

    def _nonempty(self, value: Any) -> bool:
        return bool(value) == bool(self.operand)

    def _greater_than(self, value: Any) -> bool:
        # Compare the numbers as written: 1e25 is 10^25, not the binary float above it.
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value != value:
            return False  # not a number, or NaN
        from decimal import Decimal

        return Decimal(repr(value)) > Decimal(repr(self.operand))

    def _before(self, value: Any) -> bool:
        day = _day(value)
        return day is not None and day < self.operand

    def _on_or_after(self, value: Any) -> bool:
        day = _day(value)
        return day is not None and day >= self.operand

    # reasons -------------------------------------------------------------
    def _matched(self, value: Any) -> Any:
        if self.operator == "contains_any":
            return [v for v in self.operand if v in value]
        if self.operator == "contains_prefix":
            return [v for v in value if str(v).startswith(self.operand)]
        if self.operator == "contains":
            return self.operand
        return value

    def why(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        value = self.value(ctx)
        key = f"cond.{self.operator}"
        if self.operator in ("present", "nonempty") and not self.operand:
            key += ".not"
        return [say(key, field=self.path, value=_show(self._matched(value)), operand=_show(self.operand))]

    def why_not(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        value = self.value(ctx)
        key = f"cond.{self.operator}.not"
        if self.operator in ("present", "nonempty") and not self.operand:
            key = f"cond.{self.operator}"
        return [say(key, field=self.path, value=_show(value), operand=_show(self.operand))]


class All(Condition):
    def __init__(self, parts: list[Condition]):
        self.parts = parts

    def test(self, ctx: Context) -> bool:
        return all(p.test(ctx) for p in self.parts)

    def why(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        return [reason for p in self.parts for reason in p.why(ctx, say)]

    def why_not(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        return next(p.why_not(ctx, say) for p in self.parts if not p.test(ctx))

    def facts(self) -> set[str]:
        return set().union(*(p.facts() for p in self.parts))


class Any_(All):
    def test(self, ctx: Context) -> bool:
        return any(p.test(ctx) for p in self.parts)

    def why(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        return [reason for p in self.parts if p.test(ctx) for reason in p.why(ctx, say)]

    def why_not(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        return [reason for p in self.parts for reason in p.why_not(ctx, say)]


class Not(Condition):
    def __init__(self, inner: Condition):
        self.inner = inner

    def test(self, ctx: Context) -> bool:
        return not self.inner.test(ctx)

    def why(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        return self.inner.why_not(ctx, say)

    def why_not(self, ctx: Context, say: Callable[..., str]) -> list[str]:
        return self.inner.why(ctx, say)

    def facts(self) -> set[str]:
        return self.inner.facts()


def compile_condition(spec: Any, where: str) -> Condition:
    """Compile a condition written in a pack; `where` names it in errors."""
    if spec is None or spec == "always" or spec == {"always": True}:
        return Always()
    if not isinstance(spec, dict):
        raise PackError(f"{where}: a condition is a mapping, not {spec!r}")
    if "all" in spec or "any" in spec:
        key = "all" if "all" in spec else "any"
        parts = spec[key]
        if not isinstance(parts, list) or not parts or len(spec) != 1:
            raise PackError(f"{where}: '{key}' takes a non-empty list and nothing beside it")
        compiled = [compile_condition(p, f"{where}.{key}[{i}]") for i, p in enumerate(parts)]
        return All(compiled) if key == "all" else Any_(compiled)
    if "not" in spec:
        if len(spec) != 1:
            raise PackError(f"{where}: 'not' takes one condition and nothing beside it")
        return Not(compile_condition(spec["not"], f"{where}.not"))
    sources = [s for s in ("fact", "result") if s in spec]
    operators = [o for o in LEAF_OPERATORS if o in spec]
    if len(sources) != 1 or len(operators) != 1 or len(spec) != 2:
        raise PackError(
            f"{where}: a condition names one of fact/result and one operator of "
            f"{', '.join(LEAF_OPERATORS)}; got {sorted(spec)}"
        )
    operator = operators[0]
    operand = spec[operator]
    if operator in ("in", "contains_any") and not isinstance(operand, list):
        raise PackError(f"{where}: '{operator}' takes a list")
    if operator == "greater_than" and not isinstance(operand, (int, float)):
        raise PackError(f"{where}: 'greater_than' takes a number")
    if operator in ("before", "on_or_after"):
        operand = _day(operand)
        if operand is None:
            raise PackError(f"{where}: '{operator}' takes a date YYYY-MM-DD")
    return Leaf(sources[0], str(spec[sources[0]]), operator, operand)
