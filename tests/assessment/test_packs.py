"""Application packs: the KZ trusted-list application, EU Annex IV and Art. 27 FRIA drafts."""

from __future__ import annotations

import re

from tests.assessment.assess_helpers import CREDIT, ROOT, run


def test_trusted_list_application_with_timeline_worked_by_hand(tmp_path):
    out, home = tmp_path / "pack", tmp_path / "home"
    done = run("pack", "trusted-list", ROOT / "examples/hospital-triage/senim.yaml", "-o", out, "--lang", "kk",
               "--submit-on", "2026-12-14", home=home)
    assert done.returncode == 0, done.stderr
    text = (out / "application.kk.md").read_text(encoding="utf-8")
    # Filed Monday 14 Dec 2026. Kazakh holidays: 16 Dec (Independence Day), 1-2 Jan (New Year),
    # 7 Jan (Orthodox Christmas). Review: 10 working days -> 15, 17, 18, 21, 22, 23, 24, 25, 28, 29 Dec.
    # Publication: 5 more -> 30, 31 Dec, 5, 6, 8 Jan. Resubmission: 5 -> 15, 17, 18, 21, 22 Dec.
    # The dates as a Kazakh reader writes them (CLDR's long form: year, "ж.", day, month).
    rows = re.findall(r"\| (\d+) \| (\d{4} ж\. \d+ \w+) \|", text.replace("\u202f", " "))
    assert rows == [("10", "2026 ж. 29 желтоқсан"), ("5", "2027 ж. 8 қаңтар"), ("5", "2026 ж. 22 желтоқсан")]
    # The three documents the Order asks for: application, copyright certificate (a person adds it), audit report.
    sections = re.findall(r"^## (\d)\. ", text, re.M)
    assert sections == ["1", "2", "3"]
    copyright_part = text.split("## 2. ")[1].split("## 3. ")[0]
    assert "✍" in copyright_part
    assert "Emergency department triage" in text and "жоғары" in text  # high risk, in Kazakh
    for ext in ("json", "html", "pdf"):
        assert (out / f"audit-report.kk.{ext}").stat().st_size > 1000
    assert run("report", "verify", out / "audit-report.kk.json", home=home).returncode == 0


def test_annex_iv_draft_has_every_heading_filled_or_marked(tmp_path):
    out = tmp_path / "pack"
    done = run("pack", "eu-annex-iv", CREDIT / "senim.yaml", "-o", out, home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    text = (out / "annex-iv.en.md").read_text()
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    assert [p.split(".")[0] for p in parts] == [str(n) for n in range(1, 10)]  # Annex IV points 1-9
    for words in ("general description", "risk management system", "harmonised standards",
                  "EU declaration of conformity", "post-market"):
        assert words in text, words
    assert "Retail credit scoring" in parts[0] and "940140000385" in parts[0]  # filled from the manifest
    for part in parts:
        assert "✍" in part  # every point still needs a person's words
    assert "Chief Risk Officer" in parts[4]  # the risk-management answer of the evidence section


def test_fria_draft_in_russian(tmp_path):
    out = tmp_path / "pack"
    done = run("pack", "fria", CREDIT / "senim.yaml", "-o", out, "--lang", "ru", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    text = (out / "fria.ru.md").read_text(encoding="utf-8")
    assert re.findall(r"^## ([a-f])\. ", text, re.M) == list("abcdef")  # Art. 27(1)(a)-(f)
    assert "27(3)" in text and "финансовые данные" in text  # personal-data categories of the manifest, in words
