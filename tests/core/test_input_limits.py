"""The manifest reader's limits and refusals (issue 17, rows R8-R10, R30-R33):
each test reproduces a red-team finding first (`shared/findings/redteam-2026-12.md`)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
import yaml

from senim.errors import InputError
from senim.manifest import MAX_NODES, load_manifest, parse_manifest
from tests.conftest import run_cli

BASE = {"format": "1.0", "id": "m-1", "name": "M", "owner": {"name": "O"}, "markets": ["EU"],
        "uses": ["other.x"], "failure_impact": [], "human_oversight": "decides"}
BASE_YAML = yaml.safe_dump(BASE, sort_keys=False)


def _one_sentence(result, path) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"senim: {path}"), lines[0]
    return lines[0]


def test_R8_merge_keys_of_empty_mappings_count_against_the_node_limit():
    # x0 is empty; each level merges the one before ten times: 10^6 merges at level 6,
    # far past the 100,000 values the docs promise, though no value is ever written
    levels = ["x0: &x0 {}"] + [f"x{i}: &x{i} {{<<: [{', '.join([f'*x{i - 1}'] * 10)}]}}" for i in range(1, 7)]
    text = BASE_YAML + "\n".join(levels) + "\n"
    assert 10 ** 6 > MAX_NODES
    with pytest.raises(InputError, match="too large once its aliases are expanded"):
        parse_manifest(text.encode(), "bomb_merge.yaml")


def test_R8_a_mapping_that_merges_itself_is_a_sentence():
    text = BASE_YAML + "loop: &l {a: 1, <<: *l}\n"
    with pytest.raises(InputError) as caught:
        parse_manifest(text.encode(), "loop.yaml")
    assert str(caught.value).startswith("loop.yaml")


def test_R8_merged_numbers_do_not_override_what_is_written_here():
    # the merged mapping's 5 must not replace the explicit text of the same key
    text = BASE_YAML + "src: &s {subjects: 5}\npersonal_data: {<<: *s, subjects: many}\n"
    with pytest.raises(InputError, match="personal_data.subjects: expected a whole number, got text 'many'"):
        parse_manifest(text.encode(), "m.yaml")


def test_R9_a_json_integer_of_thousands_of_digits_is_a_sentence(tmp_path):
    path = tmp_path / "hugeint.json"
    path.write_text(json.dumps(BASE)[:-1] + ', "gpai": {"training_compute_flops": ' + "9" * 5000 + "}}")
    line = _one_sentence(run_cli("classify", path), path)
    assert "more than 400 characters" in line and len(line) < 300


def test_R9_a_yaml_integer_of_thousands_of_digits_is_a_sentence(tmp_path):
    path = tmp_path / "hugeint.yaml"
    path.write_text(BASE_YAML + "gpai:\n  training_compute_flops: " + "9" * 5000 + "\n")
    line = _one_sentence(run_cli("validate", path), path)
    assert f"{path}:" in line and len(line) < 300


def test_R10_a_merged_mapping_and_an_explicit_key_of_other_shapes(tmp_path):
    path = tmp_path / "shape.yaml"
    path.write_text(BASE_YAML + "src: &s {categories: {n: 5}}\n"
                    "personal_data: {<<: *s, categories: abc, subjects: 10, legal_basis: consent}\n")
    line = _one_sentence(run_cli("classify", path), path)
    assert "personal_data.categories: expected a list, got text 'abc'" in line


@pytest.mark.parametrize("written, words", [
    (".nan", "NaN is not a number a manifest can hold"),
    (".inf", "infinity is not a number a manifest can hold"),
    ("-.inf", "infinity is not a number a manifest can hold"),
    ("1e999", "infinity is not a number a manifest can hold"),
    (str(2 ** 53), "past the largest whole number"),
    ("9" * 390, "a whole number of 390 digits is past the largest whole number"),
])
def test_R30_validate_refuses_what_register_cannot_store(tmp_path, written, words):
    path = tmp_path / "gpai.yaml"
    path.write_text(BASE_YAML + f"gpai: {{training_compute_flops: {written}}}\n")
    line = _one_sentence(run_cli("validate", path), path)
    assert words in line and "training_compute_flops" in line and len(line) < 300
    # register says the same, before it stores anything
    db = tmp_path / "reg.db"
    assert words in _one_sentence(run_cli("register", path, "--db", db), path)


def test_R30_the_largest_exact_integer_and_a_float_exponent_are_valid(tmp_path):
    # 2^53 - 1 is the largest whole number RFC 8785 (I-JSON) holds exactly; 5e20 is a float
    for written in (str(2 ** 53 - 1), "5e20", "3e25"):
        path = tmp_path / "ok.yaml"
        path.write_text(BASE_YAML + f"gpai: {{training_compute_flops: {written}}}\n")
        assert run_cli("validate", path).returncode == 0


@pytest.mark.parametrize("text, words", [
    ('"a\\u0000b"', "holds a NUL character"),
    ('"a\\ud800b"', "lone UTF-16 surrogate"),
])
def test_R30_sibling_text_the_registry_cannot_store(tmp_path, text, words):
    path = tmp_path / "nul.json"
    path.write_text(json.dumps(BASE)[:-1] + f', "description": {text}}}')
    line = _one_sentence(run_cli("validate", path), path)
    assert words in line and "description" in line


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_R31_the_json_nan_message_names_the_file(tmp_path, word):
    path = tmp_path / "nan.json"
    text = json.dumps(BASE, indent=1)[:-2] + f',\n "gpai": {{"training_compute_flops": {word}}}\n}}'
    path.write_text(text)
    line_no = text.splitlines().index(f' "gpai": {{"training_compute_flops": {word}}}') + 1
    line = _one_sentence(run_cli("classify", path), path)
    assert line.startswith(f"senim: {path}:{line_no}: JSON: {word} is not a number"), line


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_R32_a_device_is_refused_without_a_wrong_size(device):
    line = _one_sentence(run_cli("classify", device), device)
    assert "is a device, not a regular file" in line and "0.0 MB" not in line


def test_R32_a_fifo_fed_three_megabytes_is_refused_by_kind(tmp_path):
    fifo = tmp_path / "fed.yaml"
    os.mkfifo(fifo)
    writer = threading.Thread(target=_feed, args=(fifo, b"x" * (3 << 20)), daemon=True)
    writer.start()
    line = _one_sentence(run_cli("classify", fifo), fifo)
    assert "is a FIFO (named pipe), not a regular file" in line


def _feed(fifo: Path, data: bytes) -> None:
    try:
        fd = os.open(fifo, os.O_WRONLY)  # blocks until a reader opens it, or for ever if none does
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError:
        pass  # the reader refused the FIFO and closed it: a broken pipe


def test_R33_a_fifo_manifest_with_no_writer_is_refused(tmp_path):
    fifo = tmp_path / "senim.yaml"
    os.mkfifo(fifo)
    for command in ("validate", "classify"):
        _one_sentence(run_cli(command, fifo), fifo)
    with pytest.raises(InputError, match="FIFO"):
        load_manifest(tmp_path)  # a folder whose senim.yaml is a FIFO


def test_R33_a_growing_regular_file_is_read_no_further_than_the_bound(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * ((1 << 20) + 1))
    line = _one_sentence(run_cli("validate", path), path)
    assert "at most 1 MB" in line
