"""The fairness result as text (terminal) or HTML (a page to file with evidence)."""

from __future__ import annotations

import html

from senim.checks.fairness.metrics import DISPARITIES, METRICS

SHORT = {
    "selection_rate": "sel", "true_positive_rate": "TPR", "false_positive_rate": "FPR",
    "false_negative_rate": "FNR", "accuracy": "acc", "precision": "prec", "roc_auc": "AUC",
}


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _cell(row: dict, name: str, with_ci: bool = True) -> str:
    ci = (row.get("ci") or {}).get(name)
    if with_ci and ci:
        return f"{_fmt(row[name])} [{_fmt(ci[0])}, {_fmt(ci[1])}]"
    return _fmt(row[name])


def _names(result: dict) -> list[str]:
    return list(METRICS) + (["roc_auc"] if result.get("score") else [])


def _verdict(passed, lang) -> str:
    from senim.i18n import text

    return text("fairness.undetermined" if passed is None else ("fairness.passed" if passed else "fairness.failed"), lang)


def to_text(result: dict, lang: str = "en") -> str:
    from senim.i18n import text

    names = _names(result)
    header = ["group", "n", *(SHORT[n] for n in names)]
    body = []
    for row in result["groups"]:
        label = ", ".join(f"{k}={v}" for k, v in row["group"].items())
        body.append([label, str(row["n"]), *(_cell(row, n) for n in names)])
    overall = result["overall"]
    body.append([text("fairness.heading_overall", lang), str(overall["n"]), *(_cell(overall, n) for n in names)])
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = [text("fairness.heading_groups", lang), ""]
    for r in [header, *body]:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    lines += ["", text("fairness.heading_disparities", lang)]
    for name in DISPARITIES:
        ci = (result.get("disparities_ci") or {}).get(name)
        extra = f" [{_fmt(ci[0])}, {_fmt(ci[1])}]" if ci else ""
        lines.append(f"  {name:32} {_fmt(result['disparities'][name])}{extra}")
    lines += ["", text("fairness.heading_checks", lang)]
    for check in result["checks"]:
        lines.append(f"  {_verdict(check['passed'], lang):12} {check['title']} ({check['metric']} = {_fmt(check['value'])})")
    if result["warnings"]:
        lines += ["", text("fairness.heading_warnings", lang)]
        lines += [f"  ! {w['message']}" for w in result["warnings"]]
    return "\n".join(lines) + "\n"


def to_html(result: dict, lang: str = "en") -> str:
    from senim.i18n import text

    e = html.escape
    names = _names(result)
    head = "".join(f"<th>{e(n)}</th>" for n in ["group", "n", *names])
    rows = []
    for row in [*result["groups"], {**result["overall"], "group": {"": text("fairness.heading_overall", lang)}}]:
        label = ", ".join(f"{k}={v}" if k else v for k, v in row["group"].items())
        cls = ' class="warn"' if row.get("warnings") else ""
        cells = "".join(f"<td>{e(_cell(row, n))}</td>" for n in names)
        rows.append(f"<tr{cls}><td>{e(label)}</td><td>{row['n']}</td>{cells}</tr>")
    disp = "".join(
        f"<tr><td>{e(n)}</td><td>{_fmt(result['disparities'][n])}</td>"
        f"<td>{e(str((result.get('disparities_ci') or {}).get(n) or ''))}</td></tr>" for n in DISPARITIES
    )
    checks = "".join(
        f"<li><b>{e(_verdict(c['passed'], lang))}</b> {e(c['title'])} ({e(c['metric'])} = {_fmt(c['value'])})</li>"
        for c in result["checks"]
    )
    warns = "".join(f"<li>{e(w['message'])}</li>" for w in result["warnings"])
    title = e(text("fairness.title", lang))
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right}}td:first-child{{text-align:left}}tr.warn{{background:#fff3cd}}</style>
</head><body><h1>{title}</h1>
<h2>{e(text("fairness.heading_groups", lang))}</h2><table><tr>{head}</tr>{''.join(rows)}</table>
<h2>{e(text("fairness.heading_disparities", lang))}</h2><table>{disp}</table>
<h2>{e(text("fairness.heading_checks", lang))}</h2><ul>{checks}</ul>
<h2>{e(text("fairness.heading_warnings", lang))}</h2><ul>{warns}</ul>
</body></html>
"""
