"""Issue 17's rows on outputs: R11 (Markdown escapes what manifests and
evidence say) and R34 (SARIF artifact URIs are percent-encoded)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt  # CommonMark, the reader's side (installed with rich)

from tests.assessment.assess_helpers import BASE, run, write

HOSTILE_NAME = "Loan <script>alert(1)</script> [pay here](http://evil.example) **x** | y"
HOSTILE_NOTE = "<img src=x onerror=alert(2)> see [docs](javascript:alert(3)) `code` ![i](http://evil.example/i.png)"


def test_r11_markdown_escapes_html_and_markdown_from_manifest_and_evidence(tmp_path):
    text = BASE.replace("name: Loan screening", f"name: {json.dumps(HOSTILE_NAME)}") + (
        "evidence:\n  kz.owner.risk_management:\n    answer: partly\n    by: \"Risk <b>officer</b> _x_\"\n"
        f"    on: 2026-10-01\n    note: {json.dumps(HOSTILE_NOTE)}\n")
    done = run("assess", write(tmp_path, text), "--format", "markdown", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    html = MarkdownIt("commonmark").enable("table").render(done.stdout)
    for made in ("<script", "<img", "<a ", "<b>", "<strong>x", "<em>x", "<code>code"):
        assert made not in html, made
    # The text itself is still there for a person to read, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "onerror=alert(2)" in html
    # Table rows keep their five cells: the pipe in the name did not cut a cell.
    for row in [line for line in done.stdout.splitlines() if line.startswith("| ")][2:]:
        cells = row.replace("\\|", "").count("|")
        assert cells == 6, row


def test_r34_sarif_artifact_uris_are_percent_encoded(tmp_path):
    folder = tmp_path / "my systems #1" / "100% ready"
    folder.mkdir(parents=True)
    manifest = write(folder, BASE)
    sarif = json.loads(run("assess", manifest, "--format", "sarif", home=tmp_path / "home").stdout)
    run_ = sarif["runs"][0]
    uris = [run_["artifacts"][0]["location"]["uri"]] + [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]]
    for uri in uris:
        assert " " not in uri and "#" not in uri and "%25" in uri, uri
        parts = urlsplit(uri)
        assert parts.fragment == "" and parts.query == ""
        assert Path(unquote(parts.path)) == Path(manifest).resolve() or unquote(uri) == str(manifest)
