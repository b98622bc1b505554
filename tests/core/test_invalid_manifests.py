"""Every broken manifest gets one line naming the file, the line and the field,
exit code 2 and no traceback (issue: at least 30 broken documents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_senim

INVALID = Path(__file__).parent / "invalid"

# file -> (line in the message or None, words the message must contain)
EXPECTED = {
    "01-bad-bin.yaml": (4, "owner.bin: 940140000386 fails the BIN check digit"),
    "02-bin-number.yaml": (4, 'owner.bin: expected text, got a number 940140000385; write it in quotes'),
    "03-bin-short.yaml": (4, "owner.bin: '94014000038' must be 12 digits"),
    "04-holder-bad-bin.yaml": (9, "holder.bin: 990140004655 fails the BIN check digit"),
    "05-missing-id.yaml": (1, "id is missing"),
    "06-missing-owner-name.yaml": (4, "owner.name is missing"),
    "07-missing-markets.yaml": (1, "markets is missing"),
    "08-empty-markets.yaml": (5, "markets: must list at least one item"),
    "09-unknown-market.yaml": (5, "markets[1]: 'US' is not one of KZ, EU"),
    "10-duplicate-market.yaml": (5, "markets[1]: 'KZ' is listed twice"),
    "11-markets-string.yaml": (5, "markets: expected a list, got text 'KZ'"),
    "12-unknown-use.yaml": (6, "uses[0]: 'credit_scoring' is not a known use"),
    "13-bad-other-use.yaml": (6, "uses[0]: 'other.Customer Support' is not a known use"),
    "14-unknown-failure-impact.yaml": (7, "failure_impact[0]: 'catastrophic' is not one of"),
    "15-oversight-enum.yaml": (8, "human_oversight: 'sometimes' is not one of decides, can_override, none"),
    "16-oversight-bool.yaml": (8, "human_oversight: true is not one of"),
    "17-format-version.yaml": (1, "format: '2.0' is not supported"),
    "18-format-number.yaml": (1, "format: 1.0 is not supported"),
    "19-id-uppercase.yaml": (2, "id: 'Bad System' must be a slug"),
    "20-empty-name.yaml": (3, "name: must not be empty"),
    "21-owner-size.yaml": (4, "owner.size: 'huge' is not one of individual, small, medium, small_mid_cap, large"),
    "22-unknown-capability.yaml": (9, "capabilities[0]: 'mind_reading' is not one of"),
    "23-emotion-no-context.yaml": (9, "emotion_recognition.context is missing"),
    "24-emotion-consent-string.yaml": (9, "emotion_recognition.consent: expected true or false, got text 'maybe'"),
    "25-sensitive-trait.yaml": (9, "biometric_categorisation.sensitive_traits[0]: 'height' is not one of"),
    "26-gpai-flops-text.yaml": (9, "gpai.training_compute_flops: expected a number, got text 'lots'"),
    "27-gpai-flops-negative.yaml": (9, "gpai.training_compute_flops: -1e+20 is below the minimum, 0"),
    "28-subjects-float.yaml": (9, "personal_data.subjects: expected a whole number, got a number 12.5"),
    "29-legal-basis.yaml": (9, "personal_data.legal_basis: 'legitimate_interest' is not one of"),
    "30-derogation.yaml": (9, "derogation: 'small_task' is not one of"),
    "31-exception.yaml": (9, "biometric_identification.exception: 'terrorism' is not one of"),
    "32-in-service-date.yaml": (9, "in_service_from: '2026-02-30' is not a date"),
    "33-synthetic-media.yaml": (9, "synthetic_content.media: must list at least one item"),
    "34-yaml-syntax.yaml": (4, "YAML syntax error"),
    "35-yaml-tab.yaml": (3, "YAML syntax error"),
    "36-list-document.yaml": (1, "a manifest is a mapping of fields, not a list"),
    "37-scalar-document.yaml": (1, "a manifest is a mapping of fields, not text"),
    "38-empty.yaml": (None, "the file is empty"),
    "39-comments-only.yaml": (None, "holds no document"),
    "40-duplicate-key.yaml": (9, "markets is written twice"),
    "41-two-documents.yaml": (10, "holds several YAML documents"),
    "42-json-syntax.json": (1, "JSON syntax error"),
    "43-json-types.json": (1, "failure_impact: expected a list, got text 'minimal'"),
    "44-kz-role.yaml": (9, "kz_role: 'developer' is not one of owner, holder, user"),
    "45-affects-string.yaml": (9, "affects_natural_persons: expected true or false"),
    "46-not-utf8.yaml": (2, "is not UTF-8 text"),
}


def _check(result, path: Path, line: int | None, words: str) -> None:
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert result.stdout == b""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    place = f"{path}:{line}: " if line else f"{path}: "
    assert lines[0].startswith("senim: " + place), lines[0]
    assert words in lines[0], lines[0]


def test_the_set_is_complete():
    assert len(EXPECTED) >= 30
    assert sorted(EXPECTED) == sorted(p.name for p in INVALID.iterdir())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_manifest(name):
    path = INVALID / name
    line, words = EXPECTED[name]
    _check(run_senim("classify", path, cwd=Path.cwd()), path, line, words)


def test_binary_file(tmp_path):
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _check(run_senim("classify", path), path, None, "is a binary file, not a YAML or JSON manifest")


def test_fifty_megabyte_file(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.write(b'format: "1.0"\ndescription: "')
        handle.write(b"x" * (50 * 1024 * 1024))
        handle.write(b'"\n')
    _check(run_senim("classify", path), path, None, "the file is 52.4 MB; a manifest is a short text of at most 1 MB")


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    _check(run_senim("classify", path), path, None, "no such file")


def test_one_bad_manifest_among_good_ones_stops_before_any_output():
    good = Path("examples/credit-scoring/senim.yaml")
    bad = INVALID / "01-bad-bin.yaml"
    result = run_senim("classify", good, bad, "--format", "json")
    _check(result, bad, 4, "fails the BIN check digit")


def test_validate_reports_each_file_and_exits_2():
    result = run_senim("validate", "examples/credit-scoring/senim.yaml", INVALID / "09-unknown-market.yaml",
                       INVALID / "15-oversight-enum.yaml")
    assert result.returncode == 2
    assert "valid (retail-credit-scoring)" in result.stdout.decode()
    assert len(result.stderr.decode().strip().splitlines()) == 2


def test_bad_date_option():
    result = run_senim("classify", "examples/credit-scoring/senim.yaml", "--as-of", "2026-13-01")
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "senim: --as-of: '2026-13-01' is not a date written YYYY-MM-DD"


# Seven mistakes, one per line, written by hand; the line numbers are the file's own.
MANY_MISTAKES = """\
format: "1.0"
id: Bad_Id
name: ""
owner:
  name: Example Bank JSC
  bin: "940140000386"
markets: [KZ, US]
uses: [other.support]
failure_impact: [catastrophic]
human_oversight: sometimes
markets: [EU]
"""


def test_validate_shows_every_problem_of_a_file_in_line_order(tmp_path):
    bad = tmp_path / "many.yaml"
    bad.write_text(MANY_MISTAKES)
    result = run_senim("validate", "examples/credit-scoring/senim.yaml", bad)
    assert result.returncode == 2
    assert "valid (retail-credit-scoring)" in result.stdout.decode()
    err = result.stderr.decode()
    assert "Traceback" not in err
    expected = [
        (2, "id: 'Bad_Id' must be a slug"),
        (3, "name: must not be empty"),
        (6, "owner.bin: 940140000386 fails the BIN check digit"),
        (7, "markets[1]: 'US' is not one of KZ, EU"),
        (9, "failure_impact[0]: 'catastrophic' is not one of"),
        (10, "human_oversight: 'sometimes' is not one of decides, can_override, none"),
        (11, "markets is written twice"),
    ]
    lines = err.strip().splitlines()
    assert len(lines) == len(expected), lines
    for got, (line, words) in zip(lines, expected):
        assert got.startswith(f"senim: {bad}:{line}: "), got
        assert words in got, got
        assert "more problem" not in got, got


def test_classify_still_names_the_first_problem_and_counts_the_rest(tmp_path):
    bad = tmp_path / "many.yaml"
    bad.write_text(MANY_MISTAKES)
    _check(run_senim("classify", bad), bad, 2, "id: 'Bad_Id' must be a slug")
    assert "(and 6 more problems)" in run_senim("classify", bad).stderr.decode()


def test_validate_of_a_syntax_error_stays_one_line():
    path = INVALID / "34-yaml-syntax.yaml"
    _check(run_senim("validate", path), path, 4, "YAML syntax error")


def test_validate_json_key_written_twice_is_checked_as_first_written(tmp_path):
    path = tmp_path / "twice.json"
    path.write_text('{"format": "1.0", "id": "ok-id", "name": "N", "owner": {"name": "O"},\n'
                    '"markets": ["KZ"], "uses": ["other.x"], "failure_impact": [], "human_oversight": "decides",\n'
                    '"id": "Not A Slug"}\n')
    result = run_senim("validate", path)
    assert result.returncode == 2
    assert result.stderr.decode().strip().splitlines() == [f"senim: {path}:3: id is written twice"]
