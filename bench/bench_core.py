"""Core benchmark: `senim classify` start to finish, one manifest and 1,000;
`import senim` and `senim --help`.

Targets (issue 2): one manifest under 0.5 s wall time, start-up included;
1,000 manifests in one call under 5 s. The floor beside them is the Python
interpreter starting and importing nothing. Issue 12: `import senim` and
`senim --help` no slower than before the public API (its names are imported
on first use); the floor for `import senim` is the interpreter with its site
packages (which an installed `senim` needs) importing nothing. Each row is
printed beside the median of the last results written
(`bench/results/core.md`), so that a run shows whether start-up grew; compare
them on a machine as idle as the one that wrote them.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SENIM = str(Path(sys.executable).parent / "senim")
DATA = ROOT / "bench" / "data" / "manifests"
PREVIOUS = ROOT / "bench" / "results" / "core.md"


def previous_medians() -> dict[str, str]:
    """what -> median, from the table of the last results written (empty if none)."""
    found = {}
    text = PREVIOUS.read_text(encoding="utf-8") if PREVIOUS.is_file() else ""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[2].endswith(" s"):
            found[cells[0]] = cells[2]
    return found


def wall(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return times


def make_manifests(count: int) -> list[Path]:
    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    examples = [yaml.safe_load(p.read_text()) for p in sorted(ROOT.glob("examples/*/senim.yaml"))]
    paths = []
    for i in range(count):
        document = dict(examples[i % len(examples)])
        document["id"] = f"{document['id']}-{i}"
        if "in_service_from" in document:
            document["in_service_from"] = str(document["in_service_from"])
        path = DATA / f"system-{i:04d}.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
        paths.append(path)
    return paths


def main() -> None:
    one = "examples/credit-scoring/senim.yaml"
    python = wall([sys.executable, "-S", "-c", "pass"], 15)
    site = wall([sys.executable, "-c", "pass"], 15)
    imported = wall([sys.executable, "-c", "import senim"], 15)
    helptime = wall([SENIM, "--help"], 15)
    single_text = wall([SENIM, "classify", one], 15)
    single_json = wall([SENIM, "classify", one, "--format", "json"], 15)
    paths = make_manifests(1000)
    many = wall([SENIM, "classify", *map(str, paths), "--format", "json"], 7)
    rows = [
        ("Python start-up alone (floor)", python, None),
        ("Python start-up with site packages (floor of `import senim`)", site, None),
        ("`python -c 'import senim'`", imported, None),
        ("`senim --help`", helptime, None),
        ("`senim classify` 1 manifest, text", single_text, 0.5),
        ("`senim classify` 1 manifest, JSON", single_json, 0.5),
        ("`senim classify` 1,000 manifests, JSON", many, 5.0),
    ]
    print("### Classification (issue 2)\n")
    print("Command: `make bench` (or `BENCH=core bash bench/run.sh`); wall time of the whole command, start-up included.\n")
    before = previous_medians()
    print("| what | runs | median | min | target | median / target | previous median |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, times, target in rows:
        median = statistics.median(times)
        ratio = f"{median / target:.2f}" if target else ""
        print(f"| {name} | {len(times)} | {median:.3f} s | {min(times):.3f} s | {f'{target} s' if target else ''} | {ratio} "
              f"| {before.get(name, '')} |")
    per = statistics.median(many) / 1000 * 1000
    print(f"\n1,000 manifests: {per:.2f} ms per manifest including one start-up.\n")


if __name__ == "__main__":
    main()
