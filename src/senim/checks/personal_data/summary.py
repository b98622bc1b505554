"""What a scan found, per file and per column: kinds, counts, share of rows,
distinct people (distinct IINs) and whether that passes the mass threshold."""

from __future__ import annotations

from collections import defaultdict



def mass_threshold_default() -> int:
    """The default threshold, from the law's data (packs/personal-data.yaml)."""
    from senim.law.pack import legal_data

    return int(legal_data("personal-data")["mass_processing_threshold"]["value"])


MASS_THRESHOLD = 10_000  # used only if no threshold is given; the CLI reads packs/personal-data.yaml


class Summary:
    def __init__(self, mass_threshold: int = MASS_THRESHOLD):
        self.mass_threshold = mass_threshold
        self.counts: dict[tuple[str, str | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.rows_with: dict[tuple[str, str | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._last_row: dict[tuple, int] = {}
        self.iins: dict[str, set[int]] = defaultdict(set)
        self.all_iins: set[int] = set()

    def add(self, finding) -> None:
        key = (finding.path, finding.column)
        self.counts[key][finding.type] += 1
        place = finding.line if finding.row is None else finding.row
        if self._last_row.get((key, finding.type)) != place:
            self._last_row[(key, finding.type)] = place
            self.rows_with[key][finding.type] += 1
        if finding.type == "kz_iin":
            number = int(finding.value)
            self.iins[finding.path].add(number)
            self.all_iins.add(number)

    def as_json(self, rows: dict[str, int]) -> dict:
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
            people = len(self.iins.get(path, ()))
            entry["distinct_people"] = people
            entry["mass_processing"] = people >= self.mass_threshold
        return {
            "files": [files[p] for p in sorted(files)],
            "total": {
                "findings": sum(sum(c.values()) for c in self.counts.values()),
                "distinct_people": len(self.all_iins),
                "mass_threshold": self.mass_threshold,
                "mass_processing": len(self.all_iins) >= self.mass_threshold,
            },
        }
