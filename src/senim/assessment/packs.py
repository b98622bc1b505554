"""Application packs: drafts of the documents a regulator asks for, from the assessment.

    files = build_pack("trusted-list", report, manifest, out_dir, lang="kk")

What each document must contain is data (`law/packs/*/data/application-packs.yaml`, with citations);
this module fills in what Senim knows from the manifest and the assessment
and marks, in the reader's language, every place a person must write.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from senim.i18n import text
from senim.report.classification import autonomy_word, value_word as _word

KINDS = {"trusted-list": "trusted_list", "eu-annex-iv": "eu_annex_iv", "fria": "fria"}


@lru_cache(maxsize=1)
def packs() -> dict[str, Any]:
    from senim.law.pack import legal_data

    return legal_data("application-packs")


def _t(lang: str, key: str, **values: Any) -> str:
    return text(f"assess.pack.{key}", lang, **values)


def _todo(lang: str, what: str) -> str:
    return f"> ✍ {_t(lang, 'to_write')}: {what}"


def _value(lang: str, value: Any, field: str = "") -> str:
    """A manifest value in words: codes by the catalog (words.yaml), dates as the reader writes them."""
    from senim.i18n.words import value_label

    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return text("assess.yes" if value else "assess.no", lang)
    if isinstance(value, list):
        return ", ".join(value_label(field, v, lang) for v in value)
    if field == "in_service_from":
        from senim.i18n.formats import format_date

        return format_date(str(value), lang)
    if isinstance(value, int):
        from senim.i18n.formats import format_number

        return format_number(value, lang)
    return value_label(field, value, lang)


def _cite(ref: str, lang: str) -> str:
    from senim.report.classification import citation

    return citation(ref, lang)


def _obligation(report: dict[str, Any], *ids: str) -> list[dict[str, Any]]:
    return [o for o in report["obligations"] if o["id"] in ids]


def _status_lines(report: dict[str, Any], lang: str, *ids: str) -> list[str]:
    return [f"- {o['title']} ({_cite(o['ref'], lang)}): **{text('assess.status.' + o['status'], lang)}**. {o['reason']}"
            for o in _obligation(report, *ids)]


def _fairness_lines(report: dict[str, Any], lang: str) -> list[str]:
    lines = []
    for o in report["obligations"]:
        for e in o["evidence"]:
            if e.get("check") == "fairness" and e.get("result"):
                inputs = ", ".join(f"`{v['path']}` (sha256 `{v['sha256']}`)" for v in e["inputs"].values())
                lines.append(f"- {_t(lang, 'fairness_on', inputs=inputs)}")
                from senim.checks.fairness.render import metric_name, number

                for check in e["result"]["checks"]:
                    passed = text("assess.yes" if check.get("passed") else "assess.no", lang)
                    lines.append(f"  - {check['title']}: {metric_name(check['metric'], lang)} = {number(check['value'], lang)} "
                                 f"({_t(lang, 'threshold')} {number(check['threshold'], lang)}; {_t(lang, 'passed')}: {passed})")
            if e.get("check") == "explain" and e.get("result"):
                lines.append(f"- {_t(lang, 'explained', model=e['result']['model_type'], features=', '.join(e['result']['top_features']))}")
            if e.get("check") == "scan" and e.get("result"):
                lines.append(f"- {_t(lang, 'scanned', count=e['result']['findings'])}")
    return lines


# ------------------------------------------------------------ fill-ins


def _fill(name: str, report: dict[str, Any], data: dict[str, Any], lang: str, extra: dict[str, Any]) -> list[str]:
    c = report["classification"]
    owner = data.get("owner") or {}
    if name in ("general_description", "application"):
        lines = [f"- {_t(lang, 'system')}: {data.get('name')} (`{data.get('id')}`), {_t(lang, 'version')} {_value(lang, data.get('version'))}",
                 f"- {_t(lang, 'owner')}: {owner.get('name')}" + (f", {_t(lang, 'bin')} {owner['bin']}" if owner.get("bin") else ""),
                 f"- {_t(lang, 'purpose')}: {_value(lang, data.get('description'))}",
                 f"- {_t(lang, 'uses')}: {_value(lang, data.get('uses'), 'uses')}",
                 f"- {_t(lang, 'markets')}: {_value(lang, data.get('markets'), 'markets')}",
                 f"- {_t(lang, 'in_service')}: {_value(lang, data.get('in_service_from'), 'in_service_from')}"]
        if name == "general_description":
            return lines + ["", _todo(lang, _t(lang, "todo.general"))]
        from senim.report.assessment import verdict

        kz = c["kz"]
        risk, autonomy = _word(lang, kz.get("risk")), autonomy_word(lang, kz.get("autonomy"))
        from senim.i18n.formats import format_date

        lines.append(f"- {_t(lang, 'kz_class', risk=risk, autonomy=autonomy, date=format_date(report['as_of'], lang))}")
        if kz.get("risk") != "high":
            lines.append(f"- ⚠ {_t(lang, 'not_high', risk=risk)}")
        lines.append(f"- {_t(lang, 'assessment', verdict=verdict(report), gaps=len(report['gaps']), met=report['summary']['met'])}")
        return lines + ["", _todo(lang, _t(lang, "todo.application"))]
    if name == "audit_report":
        files = ", ".join(f"`{f}`" for f in extra.get("report_files", []))
        return [f"- {_t(lang, 'audit_files', files=files)}", "", _todo(lang, _t(lang, "todo.audit"))]
    if name == "development":
        return _fairness_lines(report, lang) + ["", _todo(lang, _t(lang, "todo.development"))]
    if name == "oversight":
        from senim.i18n.words import field_label

        return [f"- {field_label('human_oversight', lang)}: {_value(lang, data.get('human_oversight'), 'human_oversight')}",
                f"- {_t(lang, 'autonomy')}: {autonomy_word(lang, c['kz'].get('autonomy'))}",
                "", _todo(lang, _t(lang, "todo.oversight"))]
    if name == "metrics":
        return _fairness_lines(report, lang) + ["", _todo(lang, _t(lang, "todo.metrics"))]
    if name == "obligations":  # the status of the obligations the section is about
        section = extra["section"]
        return _status_lines(report, lang, *section["obligations"]) + ["", _todo(lang, _t(lang, "todo." + section["todo"]))]
    if name == "processes":
        return [f"- {_t(lang, 'purpose')}: {_value(lang, data.get('description'))}",
                f"- {_t(lang, 'uses')}: {_value(lang, data.get('uses'), 'uses')}", "", _todo(lang, _t(lang, "todo.processes"))]
    if name == "period":
        return [f"- {_t(lang, 'in_service')}: {_value(lang, data.get('in_service_from'), 'in_service_from')}", "",
                _todo(lang, _t(lang, "todo.period"))]
    if name == "persons":
        from senim.i18n.words import field_label

        pd = data.get("personal_data") or {}
        return [f"- {field_label('affects_natural_persons', lang)}: {_value(lang, data.get('affects_natural_persons'))}",
                f"- {_t(lang, 'pd_categories')}: {_value(lang, pd.get('categories'), 'personal_data.categories')}",
                f"- {_t(lang, 'pd_subjects')}: {_value(lang, pd.get('subjects'))}", "", _todo(lang, _t(lang, "todo.persons"))]
    if name == "risks":
        by_id = {o["id"]: o for o in report["obligations"]}
        lines = [f"- {by_id[g]['title']} ({_cite(by_id[g]['ref'], lang)}): {text('assess.status.' + by_id[g]['status'], lang)}"
                 for g in report["gaps"][:10]]
        return lines + _fairness_lines(report, lang) + ["", _todo(lang, _t(lang, "todo.risks"))]
    raise KeyError(name)


# ------------------------------------------------------------- the packs


def _date(day: str, lang: str) -> str:
    from senim.i18n.formats import format_date

    return format_date(day, lang)


def _timeline(spec: list[dict[str, Any]], submit_on: date, lang: str) -> list[str]:
    from senim.registry.deadlines import add_business_days

    done: dict[str, date] = {}
    lines = [f"| {_t(lang, 'step')} | {_t(lang, 'working_days')} | {_t(lang, 'due')} |", "|---|---:|---|"]
    for step in spec:
        start = done.get(step.get("after"), submit_on)
        done[step["id"]] = add_business_days(start, step["working_days"], "KZ")
        lines.append(f"| {step['title'][lang]} | {step['working_days']} | {_date(done[step['id']].isoformat(), lang)} |")
    return lines


def build_pack(kind: str, report: dict[str, Any], manifest: Any, out_dir: Path, *, lang: str = "en",
               submit_on: date | None = None, report_files: list[str] | None = None) -> str:
    """The pack's main document as Markdown."""
    spec = packs()[KINDS[kind]]
    data = manifest.data
    extra = {"report_files": report_files or []}
    out = [f"# {spec['title'][lang]}", "",
           f"*{_cite(spec['ref'], lang)} — {text('assess.col.confidence', lang)}: {text('assess.confidence.' + spec['confidence'], lang)}*", "",
           f"{_t(lang, 'draft_note', date=_date(report['as_of'], lang), system=data.get('name'))}", ""]
    if kind == "trusted-list":
        for n, document in enumerate(spec["documents"], 1):
            out += [f"## {n}. {document['title'][lang]}", ""]
            if document.get("fill"):
                out += _fill(document["fill"], report, data, lang, extra)
            else:
                out.append(_todo(lang, _t(lang, "todo.copyright")))
            out.append("")
        out += [f"## {_t(lang, 'timeline')}", "", _t(lang, "timeline_from", date=_date((submit_on or date.today()).isoformat(), lang)), ""]
        out += _timeline(spec["timeline"], submit_on or date.today(), lang)
    else:
        for section in spec["sections"]:
            out += [f"## {section['id']}. {section['title'][lang]}", ""]
            filled = _fill(section["fill"], report, data, lang, {**extra, "section": section}) if section.get("fill") else None
            out += filled or [_todo(lang, section["title"][lang])]
            out.append("")
        if spec.get("notice"):
            out += [f"**{spec['notice'][lang]}**"]
    return "\n".join(out).rstrip() + "\n"
