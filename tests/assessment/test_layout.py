"""Layouts people read: the Russian PDF's table cells do not overlap (word
boxes read by pdftotext, Poppler), and the fairness HTML page shows every
column and its charts at 1,280 px in Chromium."""

from __future__ import annotations

import re
import subprocess

from tests.assessment.assess_helpers import CREDIT, run

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _overlaps(pdf) -> list[tuple[str, str]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for page in html.split("<page ")[1:]:
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in WORD.findall(page)]
        for i, (x0, y0, x1, y1, w) in enumerate(words):
            for a0, b0, a1, b1, v in words[i + 1:]:
                if x0 < a1 - 0.5 and a0 < x1 - 0.5 and y0 < b1 - 0.5 and b0 < y1 - 0.5:
                    found.append((w, v))
    return found


def test_russian_and_kazakh_pdf_table_cells_do_not_overlap(tmp_path):
    for lang in ("ru", "kk"):
        pdf = tmp_path / f"report.{lang}.pdf"
        done = run("assess", CREDIT / "senim.yaml", "--lang", lang, "--format", "pdf", "-o", pdf, home=tmp_path / "home")
        assert done.returncode == 0, done.stderr
        assert _overlaps(pdf) == [], lang


def test_fairness_html_at_1280_px_shows_every_column_and_its_charts(tmp_path):
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "fairness.kk.html"
    done = run("fairness", CREDIT / "decisions.parquet", "--target", "repaid", "--prediction", "approved",
               "--sensitive", "sex,region", "--score", "score", "--bootstrap", "100", "--format", "html", "--lang", "kk",
               home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    page_file.write_text(done.stdout, encoding="utf-8")
    assert "0.02592" not in done.stdout and not re.search(r"\d[.,]\d{5,}", done.stdout)  # intervals rounded
    assert "selection_rate" not in done.stdout and "true_positive_rate" not in done.stdout  # headings in Kazakh
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_file.as_uri())
            width = page.evaluate("document.documentElement.clientWidth")
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
            cells = page.locator("table th")
            assert cells.count() >= 9
            for i in range(cells.count()):  # every heading is drawn inside the window
                box = cells.nth(i).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, cells.nth(i).inner_text()
            for table in page.locator("table").all():  # no table is wider than its frame
                frame = page.evaluate("(t) => [t.scrollWidth, t.parentElement.clientWidth]", table.element_handle())
                assert frame[0] <= frame[1] + 1, frame
            # one chart per table: the intersection, then each column alone
            assert page.locator("svg").count() == 3
            assert page.locator("svg circle.point").count() == 12 + 2 + 6
            # no empty "Warnings" heading: there is one only with warnings under it
            headings = page.locator("h2").filter(has_text="Ескертулер")
            assert headings.count() == 0 or page.locator("h2:has-text('Ескертулер') + ul > li").count() > 0
        finally:
            browser.close()
