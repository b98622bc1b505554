"""Assessment benchmark: `senim assess --run-checks` on the credit example, and rendering per format.

Yardsticks measured in the same run: the checks the evidence section names,
run on their own with the same parameters (`senim fairness` + `senim explain`),
and `senim classify` of the same manifest; for rendering, `json.dumps` of the
same report.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENIM = str(Path(sys.executable).parent / "senim")
CREDIT = ROOT / "examples" / "credit-scoring"


def wall(commands: list[list[str]], runs: int, env: dict) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for command in commands:
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{command} exited {done.returncode}")
        times.append(time.perf_counter() - start)
    return times


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    home = tempfile.mkdtemp(prefix="senim-bench-assess-")
    os.environ["SENIM_HOME"] = home
    env = {**os.environ}
    env.pop("SENIM_DB", None)
    manifest = str(CREDIT / "senim.yaml")
    runs = 5
    assess = wall([[SENIM, "assess", manifest, "--run-checks", "--format", "json"]], runs, env)
    checks = wall([[SENIM, "fairness", str(CREDIT / "decisions.parquet"), "--target", "repaid", "--prediction", "approved",
                    "--sensitive", "sex", "--score", "score", "--max-difference", "0.1", "--format", "json"],
                   [SENIM, "explain", str(CREDIT / "model.skops"), str(CREDIT / "applicants.csv"), "--repeats", "3"]], runs, env)
    classify = wall([[SENIM, "classify", manifest, "--format", "json"]], runs, env)
    assess_plain = wall([[SENIM, "assess", manifest, "--format", "json"]], runs, env)

    from senim.assessment import assess as run
    from senim.cli.assess import render

    report = run(manifest, run_checks=True)
    floor = timed(lambda: json.dumps(report, ensure_ascii=False, indent=2), 20)
    formats = {fmt: timed(lambda fmt=fmt: render(report, fmt), 3 if fmt == "pdf" else 20)
               for fmt in ("text", "json", "markdown", "html", "sarif", "pdf")}

    print("### Assessment (issue 7)\n")
    print("Command: `make bench` (or `BENCH=assess bash bench/run.sh`). Wall time of whole commands, start-up included; "
          "rendering measured in-process on the credit example's report (with its checks).\n")
    print("| what | runs | median | min | yardstick | yardstick median | ratio |")
    print("|---|---:|---:|---:|---|---:|---:|")
    checks_m = statistics.median(checks)
    rows = [
        ("`senim assess examples/credit-scoring/senim.yaml --run-checks`", assess,
         "`senim fairness` + `senim explain` alone, same parameters", checks_m),
        ("`senim assess` of the same manifest, no checks", assess_plain,
         "`senim classify --format json`", statistics.median(classify)),
    ]
    floor_m = statistics.median(floor)
    for fmt, times in formats.items():
        label = {"json": "JSON, signed (Ed25519 over RFC 8785)", "pdf": "PDF (WeasyPrint)"}.get(fmt, fmt)
        rows.append((f"render {label}", times, "`json.dumps` of the same report", floor_m))
    for name, times, yard, yard_m in rows:
        median = statistics.median(times)
        print(f"| {name} | {len(times)} | {median * 1000:.1f} ms | {min(times) * 1000:.1f} ms | {yard} | "
              f"{yard_m * 1000:.1f} ms | {median / yard_m:.2f} |")
    print()


if __name__ == "__main__":
    main()
