"""Issue 16: names as Kazakh and Russian people write them, distinct people,
masks that hide enough, a mistyped IIN flagged, custom recognizers, the
library door, the engine from several threads, the detectors' doctests."""

from __future__ import annotations

import doctest
import importlib
import io
import json
import pkgutil
import threading
from pathlib import Path

import pytest
from pd_helpers import jsonl, senim

from senim.checks.personal_data import scan, scan_text
from senim.errors import InputError

IIN = "061211600012"


def _names(text: str) -> list[str]:
    return [f.value for f in scan_text(text, types=["person_name"])]


@pytest.mark.parametrize("text, name", [
    ("Рецензент: Әйгерім Сейтқали, 2026", "Әйгерім Сейтқали"),  # Kazakh spelling, a father's name as surname
    ("reviewer Aigerim Seitkali (bank)", "Aigerim Seitkali"),  # passport transliteration
    ("жауапты Äigerım Seitqali бекітті", "Äigerım Seitqali"),  # the Kazakh Latin alphabet of 2021
    ("өтініш берген Ерлан Нұрлан-ұлы", "Ерлан Нұрлан-ұлы"),  # a hyphenated patronymic
    ("Аты: Әйгерім", "Әйгерім"),  # a given name alone after a word that introduces one
    ("Имя: Айгерим, возраст 30", "Айгерим"),
    ("Dear Aigerim, thank you", "Aigerim"),
])
def test_names_as_people_write_them(text, name):
    assert _names(text) == [name]


@pytest.mark.parametrize("text", [
    "Атырау Әйгерім көшесі",  # 'Аты' only begins 'Атырау'
    "Имя: Москва",  # an introducing word before a word that is no given name
    "Добрый День, Алматы Астана", "Visa Platinum Card",
])
def test_no_name_where_there_is_none(text):
    assert _names(text) == []


def test_a_mistyped_iin_right_after_its_word_is_flagged():
    # 061211600013: the check digit is 2, written 3
    found = scan_text("Менің ЖСН-ым 061211600013, рахмет")
    assert [(f.type, f.valid, f.value) for f in found] == [("kz_iin", False, "061211600013")]
    assert found[0].confidence < 0.5 and found[0].to_dict()["valid"] is False
    assert scan_text("заказ 061211600013") == []  # without the word, twelve digits are nothing


def test_masks_keep_only_what_tells_findings_apart():
    text = (f"ИИН {IIN}; карта 4111 1111 1111 1111; почта aigerim.n@mail.kz; тел +7 701 234 56 78; "
            "IBAN KZ86125KZT5004100100; Иванов Пётр Сергеевич")
    assert [f.masked for f in scan_text(text)] == [
        "**********12", "visa ****1111", "***@mail.kz", "+* *** *** ** 78", "KZ**************0100", "И*** П*** С***"]


def test_distinct_people_join_iin_names_and_contacts(tmp_path):
    path = tmp_path / "people.txt"
    path.write_text(
        f"ИИН {IIN}, Иванов Пётр Сергеевич, тел. +7 701 234 56 78\n"  # one person: IIN, name, phone
        "Иванов Пётр Сергеевич звонил, +7 701 234 56 78\n"  # the same person again
        "Мария Петрова, maria@mail.kz\n"  # a second: a name with an e-mail
        "Серик Ахметов без контактов\n"  # a name alone identifies no one here
        "позвоните +7 702 000 00 00\n",  # a phone alone neither
        encoding="utf-8")
    report = json.loads(senim("scan", str(path), "--format", "json").stdout)["summary"]
    assert report["total"]["distinct_people"] == 2 == report["files"][0]["distinct_people"]
    assert "IIN" in report["total"]["people_counted_by"]


RECOGNIZERS = """
recognizers:
  - name: customer_number
    pattern: 'CUST-[0-9]{8}'
    context: {kk: [клиент нөмірі], ru: [номер клиента], en: [customer]}
    confidence: 0.6
    confidence_with_context: 0.95
  - name: contract_number
    pattern: '[0-9]{16}'
    check: luhn
    context_required: true
    context: [договор, шарт, contract]
    priority: 9  # above payment cards: beside its word, the number is a contract's
  - name: vip
    deny: [ACME-0001]
allow: [noreply@bank.kz]
"""


def test_custom_recognizers_from_a_file_in_the_cli_and_the_library(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RECOGNIZERS, encoding="utf-8")
    text = ("номер клиента CUST-00012345\nещё CUST-99999999; договор 4111111111111111; "
            "\nпросто 4111111111111111; ACME-0001 пишет с noreply@bank.kz и a@mail.kz\n")
    found = [(f.type, f.value, f.confidence) for f in scan_text(text, recognizers=rules)]
    assert found == [
        ("customer_number", "CUST-00012345", 0.95), ("customer_number", "CUST-99999999", 0.6),
        ("contract_number", "4111111111111111", 0.9), ("payment_card", "4111111111111111", 0.9),
        ("vip", "ACME-0001", 1.0), ("email", "a@mail.kz", 0.95)]
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    cli = jsonl(senim("scan", str(path), "--format", "jsonl", "--recognizers", str(rules), "--min-confidence", "0.7"))
    assert [(r["type"], r["value"]) for r in cli] == [
        ("customer_number", "***********45"), ("contract_number", "**************11"), ("payment_card", "visa ****1111"),
        ("vip", "*******01"), ("email", "***@mail.kz")]
    failing = senim("scan", str(path), "--recognizers", str(rules), "--fail-on", "customer_number")
    assert failing.returncode == 1
    # a type the organisation added has no words in the catalogs: its own name, quoted (both
    # CUST- numbers of the text count, as no --min-confidence is given)
    assert failing.stderr.decode().endswith("--fail-on (2 in all): «customer_number»: 2.\n")


def test_a_bad_recognizers_file_is_one_sentence(tmp_path):
    rules = tmp_path / "bad.yaml"
    for body, problem in [
        ("recognizers: [{name: Bad Name, pattern: 'x'}]", "name: lower-case letters"),
        ("recognizers: [{name: kz_iin, pattern: 'x'}]", "is a shipped type"),
        ("recognizers: [{name: a, pattern: 'x', check: crc32}]", "check: one of luhn"),
        ("recognizers: [{name: a, pattern: '(['}]", "pattern cannot be compiled"),
        ("min_confidence: 2", "min_confidence: a number from 0 to 1"),
        ("recognizers: [{name: a, pattern: x, colour: red}]", "unknown key 'colour'"),
    ]:
        rules.write_text(body)
        result = senim("scan", "-", "--recognizers", str(rules), stdin=b"x\n")
        assert result.returncode == 2 and problem in result.stderr.decode(), (body, result.stderr)
        assert "Traceback" not in result.stderr.decode()


def test_library_scans_text_bytes_paths_folders_streams_and_frames(tmp_path):
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    line = f"ИИН {IIN}, тел. +7 701 234 56 78"
    (tmp_path / "d").mkdir()
    file = tmp_path / "d" / "a.txt"
    file.write_text(line + "\n", encoding="utf-8")
    expected = [("kz_iin", 4, 16), ("phone", 23, 39)]
    shape = lambda found: [(f.type, f.start, f.end) for f in found]  # noqa: E731
    assert shape(scan(line)) == shape(scan(line.encode())) == expected
    assert shape(scan(file)) == shape(scan(tmp_path / "d")) == shape(scan(io.BytesIO(line.encode()))) == expected
    assert [f.path for f in scan(file)] == [str(file), str(file)] and next(iter(scan(line))).path == "-"
    with open(file, "rb") as handle:
        assert shape(scan(handle)) == expected
    frame = pl.DataFrame({"note": [line, "ничего"], "n": [1, 2]})
    for table in (frame, frame.to_pandas(), frame.to_arrow()):
        found = list(scan(table))
        assert [(f.row, f.column, f.type) for f in found] == [(1, "note", "kz_iin"), (1, "note", "phone")]
    assert shape(scan(line, types=["phone"])) == [("phone", 23, 39)]
    for bad in (42, {"a": 1}, pd.Series([1])):
        with pytest.raises(InputError):
            list(scan(bad))
    with pytest.raises(InputError, match="binary mode"), open(file, encoding="utf-8") as text_handle:
        list(scan(text_handle))
    with pytest.raises(InputError, match="unknown type"):
        list(scan(line, types=["shoe_size"]))
    assert pa  # frames from PyArrow tables are read through Polars


def test_one_engine_from_many_threads_gives_the_serial_findings():
    from pd_corpus import make_corpus

    from senim.checks.personal_data.engine import TYPES, Engine

    lines, _labels = make_corpus(lines=400, seed=3)
    blocks = ["\n".join(lines[i:i + 50]).encode() for i in range(0, 400, 50)]
    engine = Engine(TYPES)
    serial = [engine.scan(b) for b in blocks]
    results: dict[int, list] = {}

    def work(i: int) -> None:
        for _ in range(5):
            results[i] = engine.scan(blocks[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(blocks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(len(blocks))] == serial and sum(map(len, serial)) > 100


def test_the_detectors_doctests():
    import senim.checks.personal_data.detectors as package
    from senim.checks.personal_data import api

    modules = [importlib.import_module(f"{package.__name__}.{m.name}") for m in pkgutil.iter_modules(package.__path__)]
    tried = 0
    for module in modules + [api]:
        failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert failures == 0, module.__name__
        tried += attempted
    assert tried >= 20


def test_every_detector_declares_what_the_engine_needs():
    from senim.checks.personal_data.detectors import registry

    detectors = registry()
    assert list(detectors) == ["kz_iin", "kz_bin", "iban", "payment_card", "phone", "email", "ip_address",
                               "kz_passport", "kz_id_card", "person_name"]
    for detector in detectors.values():
        assert detector.candidates and detector.description, detector.type
        value = "a1234567890123456789@b.kz" if detector.type == "email" else "Ab1234567890123456789"
        assert detector.mask(value) != value, detector.type


def test_iban_structures_come_from_the_registry_release_python_stdnum_ships():
    from senim.checks.personal_data.detectors import iban

    release, countries = iban.registry()
    assert release.startswith("iban-registry-v") and len(countries) == 89
    assert countries["KZ"][0] == 20 and countries["RU"][0] == 33 and countries["NO"][0] == 15


def test_mass_processing_and_operator_size_use_the_law_packs_thresholds(tmp_path):
    from pd_corpus import Maker

    from senim.law.pack import legal_data

    data = legal_data("personal-data")
    small = next(c["max_subjects"] for c in data["operator_size_classes"]["classes"] if c["size"] == "small")
    assert data["mass_processing_threshold"]["value"] == small  # the flag is the small operator's bound
    maker, iins = Maker(16), set()
    while len(iins) < small + 1:
        iins.add(maker.iin())
    path = tmp_path / "many.txt"
    path.write_text("".join(f"ИИН {i}\n" for i in sorted(iins)), encoding="utf-8")
    total = json.loads(senim("scan", str(path), "--format", "json", "--types", "kz_iin").stdout)["summary"]["total"]
    assert total["distinct_people"] == small + 1
    assert total["mass_processing"] is True and total["operator_size"] == "medium"
