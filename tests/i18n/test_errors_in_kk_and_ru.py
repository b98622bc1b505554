"""A bad manifest is explained in the reader's language: every problem the
manifest reader finds, said in Kazakh and Russian with no English word or code
outside what the reader must write (ux findings, section 3: `--lang kk` gives
every sentence in Kazakh, errors too)."""

from __future__ import annotations

import json
import pickle
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from senim.errors import InputError
from senim.i18n import catalog
from senim.manifest import load_manifest
from tests.i18n.i18n_scan import CYRILLIC, data_values, findings

VALID = """format: "1.0"
id: retail-scoring
name: Retail scoring
owner: {name: Example Bank JSC, bin: "940140000385"}
markets: [KZ]
uses: [essential_services.creditworthiness]
failure_impact: [moral_or_material_harm]
human_oversight: can_override
"""

VALID_JSON = json.dumps(yaml.safe_load(VALID))
FOLDER = object()  # the manifest's path is a folder with no senim.yaml

# Each manifest problem the catalog can say, and a manifest that has it.
CASES = {
    "errors.field.missing": "format: \"1.0\"\nid: x1\nname: A\n",
    "errors.field.written_twice": VALID + "name: Again\n",
    "errors.field.wrong_kind": VALID.replace("failure_impact: [moral_or_material_harm]", "failure_impact: nope"),
    "errors.field.wrong_kind_quote": VALID.replace('bin: "940140000385"', "bin: 940140000385"),
    "errors.field.not_one_of": VALID.replace("human_oversight: can_override", "human_oversight: maybe"),
    "errors.field.listed_twice": VALID.replace("markets: [KZ]", "markets: [KZ, KZ]"),
    "errors.field.format_unsupported": VALID.replace('format: "1.0"', 'format: "9.9"'),
    "errors.field.pattern.id": VALID.replace("id: retail-scoring", "id: Retail_Scoring"),
    "errors.field.pattern.uses": VALID.replace("[essential_services.creditworthiness]", "[zzz]"),
    "errors.field.pattern.bin": VALID.replace('"940140000385"', '"94014"'),
    "errors.field.no_items": VALID.replace("markets: [KZ]", "markets: []"),
    "errors.field.empty": VALID.replace("name: Retail scoring", 'name: ""'),
    "errors.bin.check_digit": VALID.replace('"940140000385"', '"940140000386"'),  # 9,4,0,1,4,0,0,0,0,3,8 gives 5
    "errors.manifest.not_a_mapping": "- a\n- b\n",
    "errors.manifest.several_documents": VALID + "---\n" + VALID,
    "errors.manifest.yaml_syntax": VALID + "name: [unclosed\n",
    "errors.manifest.json_syntax": '{"format": "1.0",}',
    "errors.manifest.empty": "\n",
    "errors.manifest.binary": "format: \x00\n",
    "errors.file.missing": None,
    "errors.manifest.folder_without_manifest": FOLDER,
    "errors.field.wrong_kind_container": VALID.replace("name: Retail scoring", "name: [a, b]"),
    "errors.field.not_a_date": VALID + 'in_service_from: "2026-13-01"\n',
    "errors.manifest.no_document": "# a comment, and nothing else\n",
    "errors.manifest.not_utf8": VALID.encode() + "name: Қазақ".encode("cp1251", "replace"),  # bytes, not UTF-8
    "errors.field.below_minimum": VALID + "gpai: {training_compute_flops: -1}\n",
    # past what Senim reads or the registry stores (red-team rows R5, R8-R10)
    "errors.manifest.too_long_number": VALID + "extensions: {n: " + "9" * 500 + "}\n",
    "errors.manifest.too_deep": VALID + "extensions: " + "[" * 70 + "]" * 70 + "\n",
    "errors.manifest.nested_too_deeply": "[" * 100_000 + "]" * 100_000,
    "errors.manifest.merges_itself": "a: &a\n  b: 1\n  <<: *a\n",
    "errors.manifest.too_many_aliases": VALID + "a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcd", "bcde")) + "f: [*e, *e]\n",
    "errors.manifest.json_constant": '{"format": "1.0", "x": NaN}',
    "errors.manifest.merge_mapping_only": VALID + "<<: 5\n",
    "errors.field.merge_mapping_only": VALID + "extensions: {<<: [1]}\n",
    "errors.manifest.key_not_plain": VALID + "[a]: 1\n",
    "errors.field.key_not_plain": VALID + "extensions: {[a]: 1}\n",
    "errors.manifest.key_nul": VALID + 'extensions: {}\n"k\\0": 1\n',
    "errors.field.key_nul": VALID + 'extensions: {"a\\0b": 1}\n',
    "errors.manifest.key_surrogate": VALID_JSON[:-1] + ', "k\\ud800": 1}',  # YAML refuses the escape, JSON reads it
    "errors.field.key_surrogate": VALID_JSON[:-1] + ', "extensions": {"a\\ud800": 1}}',
    "errors.field.text_nul": VALID + 'extensions: {t: "x\\0y"}\n',
    "errors.field.text_surrogate": VALID_JSON[:-1] + ', "extensions": {"t": "\\ud800"}}',
    "errors.field.nan": VALID + "extensions: {n: .nan}\n",
    "errors.field.infinity": VALID + "extensions: {n: -.inf}\n",
    "errors.field.past_largest": VALID + "extensions: {n: 90071992547409930}\n",
    "errors.field.past_largest_long": VALID + "extensions: {n: " + "1" * 30 + "}\n",
}


def _errors(tmp_path: Path, key: str) -> tuple[list[InputError], dict]:
    path = tmp_path / "senim.yaml"
    if CASES[key] is FOLDER:
        path = tmp_path
    elif isinstance(CASES[key], bytes):
        path.write_bytes(CASES[key])
    elif CASES[key] is not None:
        path.write_text(CASES[key], encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_manifest(path)
    error = raised.value
    try:
        document = yaml.safe_load(CASES[key]) if isinstance(CASES[key], str) and "\0" not in CASES[key] else {}
    except (yaml.YAMLError, RecursionError):
        document = {}
    return getattr(error, "errors", [error]), document if isinstance(document, (dict, list)) else {}


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_manifest_problem_is_said_in_kazakh_and_russian(tmp_path, key):
    errors, document = _errors(tmp_path, key)
    said = [e for e in errors if e.key == key]
    assert said, [e.key for e in errors]  # the case reaches the sentence it is for
    values = data_values(document) | {"94014"}
    for error in said:
        assert error.problem_in("en") == error.problem
        for lang in ("kk", "ru"):
            problem = error.problem_in(lang)
            assert CYRILLIC.search(problem), (lang, problem)
            assert findings(problem, values) == [], (lang, problem)
            # the place is the same in every language (the field named once, before or in the problem)
            sentence = error.sentence_in(lang)
            place = sentence[: len(sentence) - len(problem)]
            assert sentence.endswith(problem) and place.startswith(str(tmp_path))
            if error.field and error.field not in place:
                assert f"«{error.field}»" in problem and not str(error).startswith(f"{place}{error.field}: ")


def test_english_sentences_are_unchanged():
    """The English wording programs and the tests have read since issue 2."""
    path = Path(__file__)
    error = InputError.said("errors.field.missing", file=path, line=1, field="owner.name")
    assert str(error) == f"{path}:1: owner.name is missing; it is required"
    russian = error.sentence_in("ru")  # the place once, the field named once, inside the Russian problem
    assert russian.startswith(f"{path}:1: ") and russian.count("owner.name") == 1 and "«owner.name»" in russian


@pytest.mark.parametrize(("problems", "russian", "kazakh"), [
    (2, "(и ещё 1 ошибка)", "(және тағы 1 қате)"),      # CLDR: 1 is "one" in Russian
    (3, "(и ещё 2 ошибки)", "(және тағы 2 қате)"),      # 2-4 "few"; Kazakh nouns stay singular after a numeral
    (6, "(и ещё 5 ошибок)", "(және тағы 5 қате)"),      # 5-20 "many"
])
def test_the_count_of_the_other_problems_agrees_with_its_number(tmp_path, problems, russian, kazakh):
    fields = ["markets", "uses", "failure_impact", "human_oversight", "owner"][: problems - 1]
    text = VALID.replace('format: "1.0"', 'format: "9.9"')
    for field in fields:
        text = re.sub(rf"^{field}:.*\n", "", text, flags=re.M)
    path = tmp_path / "senim.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_manifest(path)
    assert len(raised.value.errors) == problems
    assert raised.value.problem_in("ru").endswith(russian)
    assert raised.value.problem_in("kk").endswith(kazakh)


def test_the_command_line_speaks_the_language_of_lang(tmp_path):
    path = tmp_path / "senim.yaml"
    path.write_text(CASES["errors.bin.check_digit"].replace("human_oversight: can_override", "human_oversight: x"),
                    encoding="utf-8")

    def senim(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(Path(sys.executable).with_name("senim")), *args], capture_output=True, text=True,
                              timeout=120)

    english = senim("validate", str(path))
    kazakh = senim("validate", str(path), "--lang", "kk")
    russian = senim("classify", str(path), "--lang=ru")
    assert english.returncode == kazakh.returncode == russian.returncode == 2
    assert "Traceback" not in kazakh.stderr + russian.stderr
    assert len(kazakh.stderr.splitlines()) == len(english.stderr.splitlines()) == 2  # a line per problem
    for line in kazakh.stderr.splitlines():
        problem = re.sub(r"^senim: \S+?:\d+: (?:[\w.\[\]]+: )?", "", line)  # the place: file, line and field
        assert problem != line and CYRILLIC.search(problem) and findings(problem, {"x"}) == [], line
    assert "БИН" in russian.stderr and "(и ещё 1 ошибка)" in russian.stderr  # classify stops at the first
    assert senim("classify", str(tmp_path / "none.yaml"), "--lang", "kk").stderr.strip().endswith("мұндай файл жоқ")


def test_an_error_keeps_its_languages_through_pickling(tmp_path):
    """Dask and process pools send errors back pickled; the reader's language must survive."""
    errors, _ = _errors(tmp_path, "errors.field.not_one_of")
    copy = pickle.loads(pickle.dumps(errors[0]))
    assert copy.problem_in("kk") == errors[0].problem_in("kk") and str(copy) == str(errors[0])


def test_every_error_sentence_has_three_languages_with_the_same_fields():
    names = lambda text: {f for _, f, _, _ in string.Formatter().parse(text) if f}  # noqa: E731
    for key, entry in catalog("errors").items():
        forms = {lang: entry[lang] for lang in ("kk", "ru", "en")}
        texts = {lang: " ".join(v.values()) if isinstance(v, dict) else v for lang, v in forms.items()}
        assert names(texts["kk"]) == names(texts["ru"]) == names(texts["en"]), key


def test_the_web_form_shows_the_problem_in_the_page_language(tmp_path):
    from senim.web.app import _problem

    errors, _ = _errors(tmp_path, "errors.bin.check_digit")
    shown = _problem(errors[0], "kk")
    assert shown["field"] == "owner.bin" and "бақылау цифры" in shown["problem"]
    assert _problem(errors[0])["problem"] == "940140000386 fails the BIN check digit"


def test_the_language_of_errors_is_the_one_the_option_parser_takes():
    from senim.cli.app import asked_language

    assert asked_language(["classify", "x.yaml", "--lang", "kk"]) == "kk"
    assert asked_language(["classify", "--lang", "kk", "x.yaml", "--lang", "ru"]) == "ru"  # click keeps the last
    assert asked_language(["classify", "--", "--lang", "kk"]) == "en"                    # after --, a file name
    assert asked_language(["label", "--lang=kk,ru", "a.png"]) == "kk"
    assert asked_language(["classify", "--lang"]) == "en"


def test_every_manifest_sentence_of_the_catalog_has_a_case():
    keys = {k for k in catalog("errors") if k.startswith(("errors.manifest.", "errors.field.", "errors.bin."))}
    # not_12_digits: a manifest's BIN fails its pattern first (the registry's organisations say it);
    # pattern: every patterned field has a hint of its own
    shared = {"errors.bin.not_12_digits", "errors.field.pattern"}
    assert keys - set(CASES) <= shared, sorted(keys - set(CASES) - shared)
