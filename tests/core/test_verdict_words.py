"""The verdict line of `senim classify` says in words what the EU category,
the Art. 50 duties and the kind of general-purpose model are, in each language."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SENIM = Path(sys.executable).parent / "senim"


def _verdict(example: str, lang: str) -> str:
    out = subprocess.run([str(SENIM), "classify", str(ROOT / "examples" / example / "senim.yaml"), "--lang", lang],
                         capture_output=True, text=True, check=True).stdout
    return out.splitlines()[3]  # title, blank, Kazakhstan, EU


def test_russian_category_agrees_with_its_noun_and_codes_become_words():
    line = _verdict("kazakh-llm", "ru")
    assert "категория: ограниченный риск" in line
    assert "уведомление о взаимодействии с ИИ" in line and "машиночитаемая маркировка" in line
    assert "art50" not in line
    assert line.endswith("модель общего назначения")


def test_kazakh_and_english_verdicts_have_no_codes():
    for lang in ("kk", "en"):
        line = _verdict("deepfake-video", lang)
        assert "art50" not in line, (lang, line)
    assert "deepfake disclosure" in _verdict("deepfake-video", "en")
