"""Fuzzing benchmark (issue 17): the test suite's fuzz harness (tests/fuzz/harness.py)
run with its long profile, 32 s on each of the four readers of outside input
(manifest, decision records, ledger bundle, Markdown front matter): 2 min 8 s
in all. Prints a Markdown section: the seconds, batches and examples on each
reader, and whether any input made a reader fail other than with a sentence.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz.harness import BATCH, PROFILES, READERS, fuzz  # noqa: E402


def main() -> int:
    seconds = PROFILES["bench"]
    rows, failed = [], []
    for name in READERS:
        start = time.monotonic()
        try:
            batches = fuzz(name, seconds)
            verdict = "no traceback"
        except Exception as error:  # Hypothesis's report of the smallest failing input
            batches, verdict = 0, f"FAILED: {type(error).__name__}"
            failed.append((name, "".join(traceback.format_exception_only(type(error), error))[-2000:]))
        rows.append((name, time.monotonic() - start, batches, verdict))
    print("## Fuzzing the readers of outside input\n")
    print(f"Hypothesis, {BATCH} examples a batch, each batch its own seed; target: at least 2 minutes in all "
          "with no traceback.\n")
    print("| reader | seconds | batches | examples | result |")
    print("|---|---:|---:|---:|---|")
    for name, spent, batches, verdict in rows:
        print(f"| {name} | {spent:.0f} | {batches} | {batches * BATCH} | {verdict} |")
    total = sum(r[1] for r in rows)
    print(f"\nIn all: {total:.0f} s ({'target met' if total >= 120 and not failed else 'target not met'}).")
    for name, text in failed:
        print(f"\n### {name}\n\n```\n{text}\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
