"""Letters to the person a decision is about, fit to be sent.

Both `senim explain` (a decision the model makes now) and `senim decisions
explain` (decisions recorded in the registry) write the same letter:

- who decided (the owner's name from the manifest) and with which system;
- the decision in words, and when, in Kazakhstan's time;
- the main reasons in plain words with their units (₸, years, months), the
  feature names from the owner's label table, never a column name;
- what the person can do: ask for a person to review the decision, object
  under the Personal Data Law within its period, complain to the authorised
  body, and the owner's contact;
- a separate "for the record" part with the hashes and ledger numbers.

The label table is a YAML file the owner writes beside the model
(`model.labels.yaml` beside `model.skops`):

    features:
      monthly_income:
        label: {kk: айлық табысыңыз, ru: ваш ежемесячный доход, en: your monthly income}
        unit: thousand_kzt          # kzt, thousand_kzt, years, months, days, percent, times, count, ratio
      region:
        label: {kk: тұратын өңіріңіз, ru: ваш регион, en: your region}
        sensitive: true             # also: sex, age, region, ... (explanation-letter.yaml)
        values: {Shymkent: {kk: Шымкент, ru: Шымкент, en: Shymkent}}
    outcomes:                       # words for the system's outputs
      declined: {kk: қабылданбады, ru: отклонена, en: declined}

The legal parts (the rights, the objection period, the authority, the
attributes that are sensitive) are data: `law/packs/kz/data/explanation-letter.yaml`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from senim.errors import InputError, Word
from senim.i18n import LANGUAGES, text

UNITS = ("kzt", "thousand_kzt", "years", "months", "days", "percent", "times", "count", "ratio")


def t(lang: str, key: str, **values: Any) -> str:
    return text(f"letters.{key}", lang, **values)


@lru_cache(maxsize=1)
def legal() -> dict[str, Any]:
    from senim.law.pack import legal_data

    return legal_data("explanation-letter")


@dataclass
class Labels:
    """The owner's words for a model's features and outputs."""

    path: str | None = None
    features: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)

    def missing(self, names: list[str]) -> list[str]:
        return [n for n in names if n not in self.features]

    def name(self, feature: str, lang: str) -> str:
        return self.features[feature]["label"][lang]

    def value(self, feature: str, value: Any, lang: str) -> str:
        """A feature's value as the person reads it: with its unit, or the owner's word for a category."""
        from senim.i18n.formats import format_number, format_unit

        spec = self.features.get(feature, {})
        words = (spec.get("values") or {}).get(str(value))
        if words:
            return words[lang]
        unit = spec.get("unit")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        if unit == "kzt":
            return format_unit(value, "KZT", lang)
        if unit:
            return format_unit(value, unit, lang)
        return format_number(value, lang, None if isinstance(value, int) else 2)

    def sensitive(self, feature: str) -> bool:
        return bool(self.features.get(feature, {}).get("sensitive"))


def load_labels(path: str | Path) -> Labels:
    """Read and check a label table; problems name the file and the place."""
    import yaml

    from senim.reading import LIMITS, read_bounded

    path = Path(path)
    if not os.path.lexists(path):
        raise InputError(f"{path}: no such label table")
    blob = read_bounded(path, LIMITS["labels"], Word("errors.what.label_table"))  # a FIFO or a device: refused, never waited on
    try:
        data = yaml.safe_load(blob.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        raise InputError(f"{path}: not a readable YAML label table ({type(error).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), dict):
        raise InputError(f"{path}: features: expected a mapping of column names to their labels")

    def words(value: Any, where: str) -> dict[str, str]:
        if not isinstance(value, dict) or any(not isinstance(value.get(l), str) or not value[l].strip() for l in LANGUAGES):
            raise InputError(f"{path}: {where}: expected the words in kk, ru and en")
        return {l: value[l] for l in LANGUAGES}

    features = {}
    for name, spec in data["features"].items():
        where = f"features.{name}"
        if not isinstance(spec, dict):
            raise InputError(f"{path}: {where}: expected label, and optionally unit, sensitive, values")
        unknown = set(spec) - {"label", "unit", "sensitive", "values"}
        if unknown:
            raise InputError(f"{path}: {where}.{sorted(unknown)[0]}: not a field of a label (label, unit, sensitive, values)")
        entry = {"label": words(spec.get("label"), f"{where}.label")}
        if "unit" in spec:
            if spec["unit"] not in UNITS:
                raise InputError(f"{path}: {where}.unit: {spec['unit']!r} is not one of {', '.join(UNITS)}")
            entry["unit"] = spec["unit"]
        if "sensitive" in spec:
            if not isinstance(spec["sensitive"], bool):
                raise InputError(f"{path}: {where}.sensitive: expected true or false")
            entry["sensitive"] = spec["sensitive"]
        if "values" in spec:
            if not isinstance(spec["values"], dict):
                raise InputError(f"{path}: {where}.values: expected a mapping of values to their words")
            entry["values"] = {str(k): words(v, f"{where}.values.{k}") for k, v in spec["values"].items()}
        features[str(name)] = entry
    outcomes = {str(k): words(v, f"outcomes.{k}") for k, v in (data.get("outcomes") or {}).items()}
    return Labels(str(path), features, outcomes)


def labels_beside(model: str | Path) -> Path:
    """Where the label table of a model is looked for: model.labels.yaml beside model.skops."""
    model = Path(model)
    return model.with_name(model.name.split(".")[0] + ".labels.yaml")


def require_labels(labels: Labels | None, names: list[str], where: str) -> None:
    """A letter names every reason in words: refuse one whose features have no label."""
    if labels is None:
        raise InputError(f"{where}: no label table; a letter names each feature in words, so write "
                         "one beside the model (model.labels.yaml, see docs/letters.md) or give --labels FILE")
    gaps = labels.missing(names)
    if gaps:
        raise InputError(f"{labels.path}: features: no label for {', '.join(gaps)}; "
                         "a letter names each feature in words, never by its column name")


# ----------------------------------------------------------- who and when


def owner_of(manifest: dict[str, Any] | None) -> dict[str, str | None]:
    owner = (manifest or {}).get("owner") or {}
    return {"name": owner.get("name"), "bin": owner.get("bin"), "contact": owner.get("contact"),
            "system": (manifest or {}).get("name"), "id": (manifest or {}).get("id")}


_OUTCOME_WORDS = {"approved": "approved", "accepted": "approved", "granted": "approved", "positive": "approved",
                  "declined": "declined", "rejected": "declined", "refused": "declined", "denied": "declined",
                  "negative": "declined"}


def outcome(output: Any, labels: Labels | None, lang: str) -> str:
    """A system's output in words: the owner's word, a known word, else the value as given (never JSON)."""
    if isinstance(output, dict):
        output = next((output[k] for k in ("decision", "outcome", "result", "output") if k in output),
                      ", ".join(f"{k}: {v}" for k, v in output.items()))
    if isinstance(output, bool):
        output = "approved" if output else "declined"
    key = str(output)
    if labels is not None and key in labels.outcomes:
        return labels.outcomes[key][lang]
    if key.lower() in _OUTCOME_WORDS:
        return t(lang, f"outcome.{_OUTCOME_WORDS[key.lower()]}")
    return key


# ----------------------------------------------------------- reasons


def sensitive_in(features: list[str], labels: Labels | None, marked: list[str] = ()) -> list[str]:
    """The reasons' features that are sensitive: by name (explanation-letter.yaml), in
    the label table, or marked sensitive in the manifest (its fairness checks)."""
    names = {n.lower() for n in legal()["sensitive_attributes"]["names"]}
    marked = {m.lower() for m in marked}
    out = []
    for feature in features:
        plain = feature.lower()
        if plain in names or plain in marked or any(plain.startswith(n + "_") for n in names) or (
                labels is not None and labels.sensitive(feature)):
            out.append(feature)
    return out


def sensitive_warning(features: list[str], labels: Labels | None, lang: str, who: str) -> str:
    """The warning to the owner before a letter whose reasons include a sensitive attribute."""
    from senim.law.pack import load_packs
    from senim.report.classification import citation

    principle = next((o for p in load_packs() for o in p.obligations
                      if o.id == legal()["sensitive_attributes"]["principle"]), None)
    shown = ", ".join(labels.name(f, lang) if labels is not None and f in labels.features else f for f in features)
    ref = citation(principle.ref, lang) if principle else ""
    title = principle.title[lang] if principle else ""
    return t(lang, "sensitive_warning", who=who, features=shown, principle=title, ref=ref)


# ----------------------------------------------------------- the person's options


def options(lang: str, contact: str | None, owner: str | None) -> list[str]:
    """What the person can do, each with its legal basis and period."""
    from senim.i18n.formats import format_unit

    data = legal()
    review = data["human_review"]
    objection = data["objection"]
    complaint = data["complaint"]
    reach = t(lang, "reach", contact=contact) if contact else t(lang, "reach_owner", owner=owner or t(lang, "the_owner"))
    period = objection["answer_within"]
    days = format_unit(period["business_days"], "business_days", lang)
    return [
        t(lang, "option_review", ref=review["ref"][lang], reach=reach),
        t(lang, "option_object", ref=objection["ref"][lang], days=days),
        t(lang, "option_explain", ref=review["ref"][lang]),
        t(lang, "option_complain", authority=complaint["authority"][lang], ref=complaint["ref"][lang]),
    ]


def record_part(lang: str, items: list[tuple[str, Any]]) -> list[str]:
    """The "for the record" part: identifiers and hashes a person does not need to read."""
    lines = ["", t(lang, "for_the_record")]
    lines += [f"  {t(lang, 'record.' + key)}: {value}" for key, value in items if value not in (None, "")]
    return lines
