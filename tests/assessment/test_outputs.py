"""The demo's reports: PDF text and fonts, the HTML drawn by Chromium, the signed JSON."""

from __future__ import annotations

import base64
import io
import json
import subprocess

from tests.assessment.assess_helpers import CREDIT, run

KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def test_demo_command_writes_every_format(credit_reports):
    stem = credit_reports["stem"]
    for ext in ("json", "md", "html", "pdf", "sarif"):
        target = stem.parent / f"{stem.name}.{ext}"
        assert target.is_file() and target.stat().st_size > 1000, target
        assert str(target) in credit_reports["stderr"]  # says where the report is


def test_pdf_has_kazakh_headings_and_embedded_fonts(credit_reports):
    pdf = credit_reports["dir"] / "retail-credit-scoring.kk.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    words = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # Headings in Kazakh (assessment, gaps, all obligations, charts).
    for heading in ("Сәйкестікті бағалау", "Олқылықтар", "Барлық міндеттер", "Диаграммалар"):
        assert heading in " ".join(words.split()), heading
    # Every Kazakh letter the page uses comes back out of the PDF: no glyph was lost.
    html = (credit_reports["dir"] / "retail-credit-scoring.kk.html").read_text(encoding="utf-8")
    used = {c for c in html if c in KAZAKH_ONLY}
    assert used and used <= set(words), used - set(words)
    assert "\ufffd" not in words
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts, "the PDF has no fonts"
    for row in fonts:
        columns = row.split()
        emb = columns[-5]  # name type... encoding emb sub uni object-id(2)
        assert emb == "yes", row


def test_html_renders_with_charts_in_chromium(credit_reports):
    import polars as pl
    from PIL import Image
    from playwright.sync_api import sync_playwright

    html = credit_reports["dir"] / "retail-credit-scoring.kk.html"
    assert "http://" not in html.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")  # self-contained
    log = pl.read_parquet(CREDIT / "decisions.parquet")
    rates = {row["sex"]: row["approved"] for row in log.group_by("sex").agg(pl.col("approved").mean()).to_dicts()}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(html.as_uri())
            svgs = page.locator("svg")
            assert svgs.count() >= 2  # obligations by status, fairness by group
            for i in range(svgs.count()):
                box = svgs.nth(i).bounding_box()
                assert box and box["width"] > 300 and box["height"] > 40
            assert page.locator("svg rect.bar").count() == 5  # one bar per status
            points = page.locator("svg circle.point")
            assert points.count() == log["sex"].n_unique()
            assert page.locator("svg line.ci").count() == points.count()
            # The group with the lower approval rate (worked from the log) is drawn further left.
            xs = [points.nth(i).bounding_box()["x"] for i in range(points.count())]
            order = sorted(rates, key=rates.get)
            assert (xs[0] < xs[1]) == (order[0] == "female")  # rows are sorted by group: female, male
            shot = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("RGB")
        finally:
            browser.close()
    colours = shot.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50
    white = max(count for count, colour in colours if colour == (255, 255, 255))
    assert white < 0.97 * shot.width * shot.height


def _flip(blob: bytes, at: int) -> bytes:
    changed = bytearray(blob)
    changed[at] = changed[at] ^ 0x01 if changed[at] not in (0x20,) else 0x09
    return bytes(changed)


def test_signed_json_verifies_and_one_changed_byte_fails(credit_reports, tmp_path):
    import rfc8785
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    signed = credit_reports["dir"] / "retail-credit-scoring.kk.json"
    home = credit_reports["home"]
    done = run("report", "verify", signed, home=home)
    assert done.returncode == 0, done.stderr
    blob = signed.read_bytes()
    document = json.loads(blob)
    signature = document.pop("signature")
    # Independently: the key the organisation holds, RFC 8785 by the rfc8785 package, Ed25519 by cryptography.
    public = load_pem_public_key(signature["public_key"].encode())
    public.verify(base64.b64decode(signature["value"]), rfc8785.dumps(document))
    key_pem = (home / "keys" / "ledger-ed25519.pem").read_bytes()
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    assert load_pem_private_key(key_pem, None).public_key().public_bytes_raw() == public.public_bytes_raw()
    places = {
        "a Kazakh letter": blob.index("ә".encode()) + 1,  # ә becomes Ә: still valid UTF-8 and JSON
        "a digit of a count": blob.index(b'"met": ') + len(b'"met": '),
        "white space": blob.index(b'\n  "') + 1,
        "the signature": blob.index(b'"value": "') + len(b'"value": "') + 3,
        "the last byte": len(blob) - 1,
    }
    for what, at in places.items():
        changed = tmp_path / "changed.json"
        changed.write_bytes(_flip(blob, at))
        done = run("report", "verify", changed, home=home)
        assert done.returncode == 1, (what, done.stdout)
        assert "senim:" in done.stderr
    assert run("report", "verify", signed, "--key-id", "00" * 8, home=home).returncode == 1
    # The organisation publishes its public key; a report re-signed with another key is refused.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    published = tmp_path / "org.pem"
    published.write_bytes(public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert run("report", "verify", signed, "--key", published, home=home).returncode == 0
    other = Ed25519PrivateKey.generate().public_key()
    published.write_bytes(other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    done = run("report", "verify", signed, "--key", published, home=home)
    assert done.returncode == 1 and "not the expected" in done.stderr
    assert run("report", "verify", tmp_path / "none.json", home=home).returncode == 2


def test_sarif_points_at_the_evidence_line(credit_reports):
    sarif = json.loads((credit_reports["dir"] / "retail-credit-scoring.kk.sarif").read_text())
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    risk = results["kz.owner.risk_management"]  # answered "partly" in the example
    lines = (CREDIT / "senim.yaml").read_text().splitlines()
    start = risk["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert lines[start - 1].strip() == "kz.owner.risk_management:"
    assert risk["level"] == "warning"
