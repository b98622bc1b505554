"""Small inline SVG charts for the reports: no script, no external file.

Each function returns one `<svg>` element as text; WeasyPrint and browsers
draw them alike. Labels are escaped; sizes come from the data.
"""

from __future__ import annotations

from html import escape

FONT = "DejaVu Sans, Arial, sans-serif"
STATUS_COLOURS = {"met": "#2e7d32", "partly_met": "#f9a825", "not_met": "#c62828", "not_assessed": "#8e24aa",
                  "not_applicable": "#9e9e9e"}


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12">'
            f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def bars(items: list[tuple[str, float, str]], title: str, *, width: int = 640, label_width: int = 220,
         integer: bool = True) -> str:
    """Horizontal bars: (label, value, colour) per row."""
    row = 24
    height = row * max(len(items), 1) + 16
    top = max((v for _, v, _ in items), default=0) or 1
    span = width - label_width - 60
    body = []
    for i, (label, value, colour) in enumerate(items):
        y = 8 + i * row
        length = span * value / top
        shown = f"{value:.0f}" if integer else f"{value:.3f}"
        body.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                    f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{colour}"/>'
                    f'<text x="{label_width + length + 4:.1f}" y="{y + 15}">{shown}</text>')
    return _svg(width, height, body, title)


def intervals(groups: list[dict], title: str, *, overall: float | None = None, overall_label: str = "overall",
              width: int = 640, label_width: int = 220) -> str:
    """A point and its 95% interval per group on a 0..1 axis, with the overall value as a line."""
    row = 26
    height = row * max(len(groups), 1) + 40
    span = width - label_width - 30

    def x(v: float) -> float:
        return label_width + span * min(max(v, 0.0), 1.0)

    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        body.append(f'<line x1="{x(tick):.1f}" y1="6" x2="{x(tick):.1f}" y2="{height - 24}" stroke="#ddd"/>'
                    f'<text x="{x(tick):.1f}" y="{height - 8}" text-anchor="middle">{tick:g}</text>')
    if overall is not None:
        body.append(f'<line x1="{x(overall):.1f}" y1="6" x2="{x(overall):.1f}" y2="{height - 24}" stroke="#555" '
                    f'stroke-dasharray="4 3"><title>{escape(overall_label)} {overall:.3f}</title></line>')
    for i, group in enumerate(groups):
        y = 8 + i * row + row / 2
        label = f"{group['label']} (n={group['n']})"
        body.append(f'<text x="{label_width - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>')
        if group.get("ci"):
            low, high = group["ci"]
            body.append(f'<line class="ci" x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" stroke="#1565c0" stroke-width="2"/>'
                        f'<line x1="{x(low):.1f}" y1="{y - 5:.1f}" x2="{x(low):.1f}" y2="{y + 5:.1f}" stroke="#1565c0"/>'
                        f'<line x1="{x(high):.1f}" y1="{y - 5:.1f}" x2="{x(high):.1f}" y2="{y + 5:.1f}" stroke="#1565c0"/>')
        if group.get("value") is not None:
            body.append(f'<circle class="point" cx="{x(group["value"]):.1f}" cy="{y:.1f}" r="4.5" fill="#0d47a1">'
                        f'<title>{group["value"]:.3f}</title></circle>')
    return _svg(width, height, body, title)
