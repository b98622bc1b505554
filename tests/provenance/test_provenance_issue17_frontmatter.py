"""Issue 17, rows R27 and R28: Markdown front matter is untrusted input.

R27: a key Senim reads holding a list, a number or a mapping crashed `verify`
(`TypeError: unhashable type`). R28: a 600-byte YAML alias bomb hung `verify`
and exhausted memory in `label`. Both must be one sentence and exit 2.
"""

from __future__ import annotations

import pytest
from provenance_helpers import run_senim
from test_provenance_bad_input import assert_clean_refusal


def _alias_bomb(levels: int = 9) -> str:
    # The red team's shape: each anchor a list of ten of the one before, 10**9 strings once expanded.
    lines = ['a0: &a0 ["lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    lines.append(f"ai_warning: *a{levels - 1}")
    return "---\n" + "\n".join(lines) + "\n---\nx\n"


@pytest.mark.parametrize("front, key", [
    ("c2pa_manifest: [a, b]", "c2pa_manifest"),
    ("c2pa_manifest: 12", "c2pa_manifest"),
    ("digital_source_type: {a: 1}", "digital_source_type"),
    ("ai_warning: [1, 2]", "ai_warning"),
])
def test_r27_front_matter_of_unexpected_type(tmp_path, senim_home, front, key):
    page = tmp_path / "d.md"
    page.write_text(f"---\n{front}\n---\nx\n", encoding="utf-8")
    done = run_senim("verify", page, env_home=senim_home)
    assert_clean_refusal(done, "d.md:2", key, "must be text")
    # The folder audit names it unreadable (a failure), and does not crash either.
    audit = run_senim("verify", "--report", tmp_path, "--format", "json", env_home=senim_home)
    assert audit.returncode == 1, audit.stderr
    assert "Traceback" not in audit.stderr
    assert "d.md:2" in audit.stdout


def test_r27_front_matter_that_is_not_a_mapping(tmp_path, senim_home):
    page = tmp_path / "list.md"
    page.write_text("---\n- a\n- b\n---\nx\n", encoding="utf-8")
    assert_clean_refusal(run_senim("verify", page, env_home=senim_home), "list.md:2", "not a YAML mapping")


def test_r28_yaml_alias_bomb_in_front_matter(tmp_path, senim_home):
    page = tmp_path / "fm_bomb2.md"
    page.write_text(_alias_bomb(), encoding="utf-8")
    assert len(page.read_bytes()) < 700  # the bomb is as small as the red team's
    assert_clean_refusal(run_senim("verify", page, env_home=senim_home), "fm_bomb2.md:2", "aliases")
    out = tmp_path / "out"
    out.mkdir()
    assert_clean_refusal(run_senim("label", page, "-o", out / "fm_bomb2.md", env_home=senim_home),
                         "fm_bomb2.md:2", "aliases")
    assert list(out.iterdir()) == []


def test_r28_deeply_nested_front_matter(tmp_path, senim_home):
    page = tmp_path / "deep.md"
    page.write_text("---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\nx\n", encoding="utf-8")
    assert_clean_refusal(run_senim("verify", page, env_home=senim_home), "deep.md:2", "nested")


def test_r28_front_matter_over_the_size_limit(tmp_path, senim_home):
    page = tmp_path / "big.md"
    page.write_text("---\ntitle: " + "x" * 70_000 + "\n---\nx\n", encoding="utf-8")
    assert_clean_refusal(run_senim("verify", page, env_home=senim_home), "big.md:2", "bytes")


def test_ordinary_front_matter_with_an_alias_still_labels(tmp_path, senim_home):
    page = tmp_path / "post.md"
    page.write_text("---\ntitle: &t Жаңалық\nog_title: *t\n---\n# Жаңалық\n", encoding="utf-8")
    done = run_senim("label", page, "-o", tmp_path / "out.md", env_home=senim_home)
    assert done.returncode == 0, done.stderr
    checked = run_senim("verify", tmp_path / "out.md", env_home=senim_home)
    assert checked.returncode == 0, checked.stdout + checked.stderr
