"""The README's tour runs as written from the repository root: every file or
folder its commands name exists in the repository, or an earlier command of
the tour writes it; a few of them are run."""

from __future__ import annotations

import glob
import re
import shlex

from tests.assessment.assess_helpers import ROOT, run

WRITES = ("-o", "--output", "--report", "--evidence", ">")


def _tour() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", tour, re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line and not line.startswith("#"):
                for part in line.split("&&"):
                    lines.append(shlex.split(part, comments=True))
    return lines


def test_every_path_in_the_tour_exists_or_is_written_before():
    written: set[str] = set()
    commands = _tour()
    assert len(commands) > 20
    for words in commands:
        if words[:3] == ["senim", "ledger", "export"]:
            written.add(words[3])
        assert "…" not in words and "..." not in " ".join(words), words
        for i, word in enumerate(words):
            if i and words[i - 1] in WRITES or word.startswith(">"):
                written.add(word.lstrip(">").strip().rstrip("/"))
                continue
            looks_like_path = "/" in word or re.search(r"\.(yaml|jsonl|json|parquet|csv|skops|key)$", word)
            if not looks_like_path or word.startswith(("http", "postgresql")) or i == 0:
                continue
            known = glob.glob(str(ROOT / word)) or any(word.rstrip("/") == w or word.startswith(w + "/") for w in written)
            assert known, f"README: {' '.join(words)}: {word} does not exist"
        if words[:2] == ["senim", "label"] or words[:2] == ["senim", "redact"]:
            written.add(words[words.index("-o") + 1])


def test_some_tour_commands_run_as_written(tmp_path):
    for words in _tour():
        if words[:2] in (["senim", "classify"], ["senim", "obligations"], ["senim", "validate"]) or words[:3] == ["senim", "law", "show"]:
            args = [a for w in words[1:] for a in (sorted(glob.glob(w, root_dir=ROOT)) if "*" in w else [w])]  # as a shell expands them
            done = run(*args, home=tmp_path / "home")
            assert done.returncode == 0, (words, done.stderr)
