"""Assessment reports in Kazakh and Russian cite the law in those languages."""

import re

from tests.assessment.assess_helpers import CREDIT, run

ENGLISH = re.compile(r"\b(Art\.|Annex|point|Law No\.|AI Act Art)")


def _assess(fmt: str, lang: str, home) -> str:
    result = run("assess", CREDIT, "--format", fmt, "--lang", lang, home=home)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_markdown_and_html_cite_in_kazakh_and_russian(tmp_path):
    for lang, article in (("kk", "-бап"), ("ru", "ст. ")):
        for fmt in ("markdown", "html"):
            out = _assess(fmt, lang, tmp_path)
            assert article in out, (lang, fmt)
            assert not ENGLISH.search(out), (lang, fmt, ENGLISH.search(out).group(0))


def test_english_report_keeps_the_english_citations(tmp_path):
    assert "Art. " in _assess("markdown", "en", tmp_path)
