"""What a scan found, per file and per column: kinds, counts, share of rows,
distinct people, and whether that passes the mass-processing threshold.

People are counted by joining what identifies one person: an IIN (one IIN,
one person); else a name with a phone number or an e-mail address on the
same line or row. Identifiers that meet on a line or row with one IIN, or
one name, are one person wherever else they appear (a phone seen beside an
IIN on one line and beside a name on another joins them). No value is kept
in the report: only counts.
"""

from __future__ import annotations

from collections import defaultdict

HOW_PEOPLE_ARE_COUNTED = "IIN; else a name with a phone or e-mail on the same line or row"


def mass_threshold_default() -> int:
    """The default threshold, from the law's data (packs/kz/data/personal-data.yaml)."""
    from senim.law.pack import legal_data

    data = legal_data("personal-data")
    entry = data.get("mass_processing_threshold")
    if isinstance(entry, dict) and "value" in entry:
        return int(entry["value"])
    classes = sorted(int(c["value"]) for c in _size_classes(data))
    if not classes:
        raise ValueError("packs/kz/data/personal-data.yaml gives no mass-processing threshold")
    return classes[0]


def _size_classes(data: dict) -> list[dict]:
    """Size classes of processing by number of subjects, if the pack gives them."""
    for key in ("mass_processing", "size_classes", "processing_size_classes"):
        entry = data.get(key)
        if isinstance(entry, dict):
            entry = entry.get("classes") or entry.get("size_classes") or list(entry.values())
        if isinstance(entry, list):
            return [c for c in entry if isinstance(c, dict) and "value" in c]
    return []


def operator_size_classes() -> list[tuple[str, int | None]]:
    """(size, most unique subjects) of the personal-data operators' size
    classes in the law's data (packs/kz/data/personal-data.yaml), smallest first;
    [] when the pack gives none."""
    from senim.law.pack import legal_data

    entry = legal_data("personal-data").get("operator_size_classes") or {}
    classes = [(c["size"], c.get("max_subjects")) for c in entry.get("classes", []) if isinstance(c, dict) and "size" in c]
    return sorted(classes, key=lambda c: float("inf") if c[1] is None else c[1])


def size_of(people: int, classes: list[tuple[str, int | None]]) -> str | None:
    """The size class of an operator processing `people` unique subjects."""
    for size, most in classes:
        if most is None or people <= most:
            return size
    return None


MASS_THRESHOLD = 10_000  # used only if no threshold is given; the CLI reads packs/kz/data/personal-data.yaml


class _People:
    """A union-find over identifiers: its components that hold an IIN, or a
    name and a contact, are people."""

    def __init__(self):
        self.parent: dict = {}
        self.kinds: dict = {}  # root -> set of "iin", "name", "contact"

    def _find(self, node):
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def add(self, node, kind: str):
        if node not in self.parent:
            self.parent[node] = node
            self.kinds[node] = {kind}
        return node

    def join(self, a, b):
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.kinds[ra] |= self.kinds.pop(rb)

    def count(self) -> int:
        return sum(1 for kinds in self.kinds.values() if "iin" in kinds or {"name", "contact"} <= kinds)


class Summary:
    def __init__(self, mass_threshold: int = MASS_THRESHOLD, size_classes: list | None = None):
        from senim.checks.personal_data.detectors import registry

        self.mass_threshold = mass_threshold
        self.size_classes = size_classes or []
        self.counts: dict[tuple[str, str | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.rows_with: dict[tuple[str, str | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._last_row: dict[tuple, int] = {}
        self._detectors = registry()
        self.people: dict[str, _People] = defaultdict(_People)
        self.all_people = _People()
        self._line: list = []
        self._line_key = None

    def add(self, finding) -> None:
        key = (finding.path, finding.column)
        # a likely identifier whose check fails is counted apart from the valid ones
        kind = finding.type if finding.valid else f"{finding.type} (check fails)"
        self.counts[key][kind] += 1
        place = finding.line if finding.row is None else finding.row
        if self._last_row.get((key, kind)) != place:
            self._last_row[(key, kind)] = place
            self.rows_with[key][kind] += 1
        line_key = (finding.path, place)
        if line_key != self._line_key:
            self._close_line()
            self._line_key = line_key
        self._line.append(finding)

    def _close_line(self) -> None:
        if not self._line:
            return
        iins, names, contacts = [], [], []
        for f in self._line:
            detector = self._detectors.get(f.type)
            if detector is None or not f.valid:
                continue
            node = (f.type, detector.compact(f.value))
            if detector.identifies_person:
                iins.append(node)
            elif detector.contact:
                contacts.append(node)
            elif f.type == "person_name":
                names.append(node)
        path = self._line[0].path
        for people in (self.people[path], self.all_people):
            for node in iins:
                people.add(node, "iin")
            anchor = None
            if len(iins) == 1:
                anchor = iins[0]
            elif not iins and len(names) == 1 and contacts:
                anchor = people.add(names[0], "name")
            if anchor is None:
                continue
            for node in (names if iins else []) + contacts:
                people.add(node, "name" if node[0] == "person_name" else "contact")
                people.join(anchor, node)
        self._line = []

    def as_json(self, rows: dict[str, int]) -> dict:
        self._close_line()
        files: dict[str, dict] = {}
        for path, n in rows.items():
            files[path] = {"path": path, "rows": n, "types": {}, "columns": {}}
        for (path, column), counts in self.counts.items():
            entry = files.setdefault(path, {"path": path, "rows": rows.get(path, 0), "types": {}, "columns": {}})
            total = entry["rows"] or 1
            kinds = {}
            for t, n in sorted(counts.items()):
                with_rows = self.rows_with[(path, column)][t]
                kinds[t] = {"count": n, "rows": with_rows, "share_of_rows": round(with_rows / total, 6)}
            if column is None:
                entry["types"] = kinds
            else:
                entry["columns"][column] = kinds
                for t, k in kinds.items():
                    entry["types"].setdefault(t, {"count": 0})["count"] += k["count"]
        for path, entry in files.items():
            entry["columns"] = dict(sorted(entry["columns"].items()))
            people = self.people[path].count() if path in self.people else 0
            entry["distinct_people"] = people
            entry["mass_processing"] = people >= self.mass_threshold
        total_people = self.all_people.count()
        return {
            "files": [files[p] for p in sorted(files, key=lambda p: (p is None, p or ""))],
            "total": {
                "findings": sum(sum(c.values()) for c in self.counts.values()),
                "distinct_people": total_people,
                "people_counted_by": HOW_PEOPLE_ARE_COUNTED,
                "mass_threshold": self.mass_threshold,
                "mass_processing": total_people >= self.mass_threshold,
                **({"operator_size": size_of(total_people, self.size_classes)} if self.size_classes else {}),
            },
        }


def type_words(type_: str, lang: str) -> str:
    """A type of personal data as a person names it ("phone numbers"); a type an
    organisation added (its own recognizers) by its own name, quoted."""
    from senim.i18n import has, text

    key = f"scan.type.{type_}"
    return text(key, lang) if has(key) else f"«{type_}»"


def in_words(report: dict, lang: str) -> list[str]:
    """The lines of a summary (`Summary.as_json`) in the reader's language:
    each file, its columns and kinds with their counts and share of rows, the
    people, the total; counts only, never a value (what `senim scan` prints)."""
    from senim.i18n import text
    from senim.i18n.formats import format_number

    def n(value) -> str:
        return format_number(value, lang)

    def type_line(t: str, k: dict) -> str:
        share = format_number(k["share_of_rows"] * 100, lang, 1, fixed=True) + "%"
        return text("scan.type_line", lang, type=type_words(t, lang), count=n(k["count"]), share=share)

    out = []
    for entry in report["files"]:
        out.append(text("scan.file_line", lang, path=entry["path"], rows=n(entry["rows"])))
        if not entry["types"]:
            out.append(text("scan.nothing", lang))
        if entry["columns"]:
            for column, kinds in entry["columns"].items():
                out.append(text("scan.column_line", lang, column=column))
                out += [type_line(t, k) for t, k in kinds.items()]
        else:
            out += [type_line(t, k) for t, k in entry["types"].items()]
        if entry["distinct_people"]:
            out.append(text("scan.people", lang, people=n(entry["distinct_people"])))
        if entry["mass_processing"]:
            out.append(text("scan.mass", lang, people=n(entry["distinct_people"]),
                            threshold=n(report["total"]["mass_threshold"])))
    total = report["total"]
    out.append(text("scan.total", lang, findings=n(total["findings"]), people=n(total["distinct_people"])))
    if total["mass_processing"]:
        out.append(text("scan.total_mass", lang, threshold=n(total["mass_threshold"])))
    return out
