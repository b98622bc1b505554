"""The fairness result as text (terminal) or HTML (a page to file with evidence).

Every heading and column is in the reader's language; numbers are written
as the reader writes them, intervals to the three decimals an estimate is
read to; each disparity names the groups it lies between; with several
sensitive columns, each column has its own table beside their intersection.
"""

from __future__ import annotations

import html

from senim.checks.fairness.metrics import DISPARITIES, METRICS


def number(value, lang: str = "en", digits: int = 3) -> str:
    """0.365 as '0.365' (en) or '0,365' (kk, ru); '-' for none."""
    if value is None:
        return "-"
    from senim.i18n.formats import format_number

    return format_number(round(float(value), digits), lang, digits, fixed=True)


def metric_name(name: str, lang: str) -> str:
    from senim.i18n import has, text

    key = f"fairness.metric.{name}"
    return text(key, lang) if has(key) else name


def short_name(name: str, lang: str) -> str:
    from senim.i18n import has, text

    key = f"fairness.short.{name}"
    return text(key, lang) if has(key) else name


def interval(ci, lang: str) -> str:
    """'[0.026; 0.130]', rounded outward so the shown interval still holds the true one."""
    if not ci:
        return ""
    import math

    low, high = math.floor(ci[0] * 1000) / 1000, math.ceil(ci[1] * 1000) / 1000
    return f"[{number(low, lang)}; {number(high, lang)}]"


def _cell(row: dict, name: str, lang: str, with_ci: bool = True) -> str:
    ci = (row.get("ci") or {}).get(name)
    if with_ci and ci:
        return f"{number(row[name], lang)} {interval(ci, lang)}"
    return number(row[name], lang)


def _names(result: dict) -> list[str]:
    return list(METRICS) + (["roc_auc"] if result.get("score") else [])


def _verdict(passed, lang) -> str:
    from senim.i18n import text

    return text("fairness.undetermined" if passed is None else ("fairness.passed" if passed else "fairness.failed"), lang)


def group_label(group: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in group.items())


def _extreme_line(name: str, found: dict, lang: str) -> str:
    from senim.i18n import text

    return text("fairness.between", lang, metric=metric_name(found["metric"], lang),
                low=group_label(found["lowest"]["group"]), low_value=number(found["lowest"]["value"], lang),
                high=group_label(found["highest"]["group"]), high_value=number(found["highest"]["value"], lang))


def _check_line(check: dict, lang: str) -> str:
    return f"{_verdict(check['passed'], lang):12} {check['title']} ({metric_name(check['metric'], lang)} = {number(check['value'], lang)})"


def _text_part(part: dict, names: list[str], lang: str, overall: dict | None) -> list[str]:
    from senim.i18n import text

    header = [text("fairness.column.group", lang), "n", *(short_name(n, lang) for n in names)]
    body = [[group_label(row["group"]), str(row["n"]), *(_cell(row, n, lang) for n in names)] for row in part["groups"]]
    if overall is not None:
        body.append([text("fairness.heading_overall", lang), str(overall["n"]), *(_cell(overall, n, lang) for n in names)])
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = []
    for r in [header, *body]:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    lines += ["", text("fairness.heading_disparities", lang)]
    width = max(len(metric_name(n, lang)) for n in DISPARITIES)
    for name in DISPARITIES:
        ci = (part.get("disparities_ci") or {}).get(name)
        extra = f" {interval(ci, lang)}" if ci else ""
        lines.append(f"  {metric_name(name, lang):{width}}  {number(part['disparities'][name], lang)}{extra}")
        found = (part.get("extremes") or {}).get(name)
        if found:
            lines.append(f"  {'':{width}}  {_extreme_line(name, found, lang)}")
    return lines


def to_text(result: dict, lang: str = "en") -> str:
    from senim.i18n import text

    names = _names(result)
    lines = [text("fairness.heading_groups", lang, columns=" × ".join(result["sensitive"])), ""]
    lines += _text_part(result, names, lang, result["overall"])
    for part in result.get("by_column", []):
        lines += ["", text("fairness.heading_column", lang, column=part["sensitive"][0]), ""]
        lines += _text_part(part, names, lang, None)
    lines += ["", text("fairness.heading_checks", lang)]
    lines += [f"  {_check_line(c, lang)}" for c in result["checks"]]
    for part in result.get("by_column", []):
        lines += [f"  {_check_line(c, lang)} · {part['sensitive'][0]}" for c in part["checks"] if c["name"] != "four_fifths_rule"]
    if result["warnings"]:
        lines += ["", text("fairness.heading_warnings", lang)]
        lines += [f"  ! {w['message']}" for w in result["warnings"]]
    lines += ["", text("fairness.legend_short", lang, names="; ".join(
        f"{short_name(n, lang)} = {metric_name(n, lang)}" for n in names))]
    return "\n".join(lines) + "\n"


CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 1.5em auto; max-width: 74em; color: #212121; line-height: 1.4; }
table { border-collapse: collapse; margin: .4em 0 1em; font-size: 10pt; }
td, th { border: 1px solid #ccc; padding: .25em .45em; text-align: right; vertical-align: top; }
th { background: #f1f1f1; } td:first-child, th:first-child { text-align: left; }
td .ci { display: block; color: #555; font-size: 8.5pt; white-space: nowrap; }
tr.warn { background: #fff3cd; } .legend { font-size: 9pt; color: #555; }
.legend .swatch { display: inline-block; width: 1em; height: 1em; background: #fff3cd; border: 1px solid #ccc; vertical-align: middle; }
.wrap { overflow-x: auto; } .chart { margin: .5em 0 1em; } .passed { color: #2e7d32; } .failed { color: #c62828; }
"""


def _html_part(part: dict, names: list[str], lang: str, overall: dict | None, e) -> str:
    from senim.i18n import text

    head = "".join(f"<th>{e(h)}</th>" for h in [text("fairness.column.group", lang), "n", *(short_name(n, lang) for n in names)])
    rows = []
    for row in [*part["groups"], *([{**overall, "group": None}] if overall is not None else [])]:
        label = text("fairness.heading_overall", lang) if row["group"] is None else group_label(row["group"])
        cls = ' class="warn"' if row.get("warnings") else ""
        cells = "".join(
            f"<td>{e(number(row[n], lang))}<span class=\"ci\">{e(interval((row.get('ci') or {}).get(n), lang))}</span></td>"
            for n in names)
        rows.append(f"<tr{cls}><td>{e(label)}</td><td>{row['n']}</td>{cells}</tr>")
    disp = "".join(
        f"<tr><td>{e(metric_name(n, lang))}</td><td>{e(number(part['disparities'][n], lang))}</td>"
        f"<td>{e(interval((part.get('disparities_ci') or {}).get(n), lang))}</td>"
        f"<td>{e(_extreme_line(n, part['extremes'][n], lang) if n in (part.get('extremes') or {}) else '')}</td></tr>"
        for n in DISPARITIES)
    disp_head = "".join(f"<th>{e(text(k, lang))}</th>" for k in (
        "fairness.column.disparity", "fairness.column.value", "fairness.column.interval", "fairness.column.between"))
    from senim.report import svg

    chart_title = text("fairness.chart", lang, columns=" × ".join(part["sensitive"]))
    groups = [{"label": group_label(g["group"]), "n": g["n"], "value": g.get("selection_rate"),
               "ci": (g.get("ci") or {}).get("selection_rate")} for g in part["groups"]]
    chart = svg.intervals(groups, chart_title, overall=(overall or {}).get("selection_rate"),
                          overall_label=text("fairness.heading_overall", lang), width=760, label_width=300)
    return (f'<div class="wrap"><table><tr>{head}</tr>{"".join(rows)}</table></div>'
            f'<div class="chart"><h3>{e(chart_title)}</h3>{chart}</div>'
            f"<h3>{e(text('fairness.heading_disparities', lang))}</h3>"
            f'<div class="wrap"><table><tr>{disp_head}</tr>{disp}</table></div>')


def to_html(result: dict, lang: str = "en") -> str:
    from senim.i18n import text

    e = html.escape
    names = _names(result)
    parts = [_html_part(result, names, lang, result["overall"], e)]
    for part in result.get("by_column", []):
        parts.append(f"<h2>{e(text('fairness.heading_column', lang, column=part['sensitive'][0]))}</h2>"
                     + _html_part(part, names, lang, None, e))

    def check_item(c: dict, where: str = "") -> str:
        cls = "" if c["passed"] is None else (' class="passed"' if c["passed"] else ' class="failed"')
        return (f"<li><b{cls}>{e(_verdict(c['passed'], lang))}</b> {e(c['title'])} "
                f"({e(metric_name(c['metric'], lang))} = {e(number(c['value'], lang))}){e(where)}</li>")

    checks = "".join(check_item(c) for c in result["checks"])
    checks += "".join(check_item(c, f" · {part['sensitive'][0]}") for part in result.get("by_column", [])
                      for c in part["checks"] if c["name"] != "four_fifths_rule")
    warns = "".join(f"<li>{e(w['message'])}</li>" for w in result["warnings"])
    legend = e(text("fairness.legend_short", lang, names="; ".join(f"{short_name(n, lang)} = {metric_name(n, lang)}" for n in names)))
    warn_legend = (f'<p class="legend"><span class="swatch"></span> {e(text("fairness.legend_warn", lang))}</p>'
                   if any(g.get("warnings") for g in result["groups"]) else "")
    title = e(text("fairness.title", lang))
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>{CSS}</style>
</head><body><h1>{title}</h1>
<h2>{e(text("fairness.heading_groups", lang, columns=" × ".join(result["sensitive"])))}</h2>
{parts[0]}
<p class="legend">{legend}</p>{warn_legend}
{''.join(parts[1:])}
<h2>{e(text("fairness.heading_checks", lang))}</h2><ul>{checks}</ul>
{f'<h2>{e(text("fairness.heading_warnings", lang))}</h2><ul>{warns}</ul>' if warns else ''}
</body></html>
"""
