"""`senim label --lang kk,ru`: one warning carrying both languages (issue 15,
"Labels and verification"; KZ AI Law Art. 21(2): a machine-readable mark and a
perceivable warning).

The expected words are the law's labelling data read as plain YAML; the banner
is read back by Tesseract OCR, the C2PA assertion by the reference reader
(c2pa-python), the HTML by the standard library's parser, the Markdown by
markdown-it-py (CommonMark) and the spoken notice against espeak-ng's own
speech of each sentence.
"""

from __future__ import annotations

import io
import json
import subprocess
import wave
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from provenance_helpers import run_senim
from test_provenance_warnings import ocr, similarity
from senim.provenance import banner, label_file

WORDING = yaml.safe_load(open(Path(__file__).resolve().parents[2] / "src/senim/law/packs/kz/data/labelling.yaml",
                              encoding="utf-8"))
BANNER = WORDING["actions"]["created"]["banner"]
SPOKEN = WORDING["actions"]["created"]["spoken"]
WARNING_LABEL = "kz.senim.warning"


def _assertions(path: Path, mime: str, sidecar: Path | None = None) -> list[dict]:
    import c2pa

    with open(path, "rb") as stream:
        manifest = sidecar.read_bytes() if sidecar else None
        with c2pa.Reader(mime, stream, manifest) as reader:
            assert reader.get_validation_state() == "Valid"  # holds; the local signer is on no trust list
            store = json.loads(reader.json())
    return store["manifests"][store["active_manifest"]]["assertions"]


def _warnings(path: Path, mime: str, sidecar: Path | None = None) -> list[dict]:
    return [a["data"] for a in _assertions(path, mime, sidecar) if a["label"] == WARNING_LABEL]


def test_one_banner_with_a_row_in_each_language(samples, session_key, tmp_path):
    key, _ = session_key
    out = tmp_path / "two.png"
    result = label_file(samples["png"], out, key=key, lang="kk,ru", generator="g")
    assert result["marks"] == ["c2pa", "visible-banner", "xmp"]
    with Image.open(samples["png"]) as before_image, Image.open(out) as after_image:
        before = np.asarray(before_image.convert("RGB"), dtype=np.int16)
        after = np.asarray(after_image.convert("RGB"), dtype=np.int16)
        width, height = after_image.size
        row = banner.band_height(width, height)
        top = height - 2 * row
        rows = [after_image.crop((0, top + n * row, width, top + (n + 1) * row)) for n in range(2)]
        read = [ocr(rows[0], "kk"), ocr(rows[1], "ru")]
    # Above the band the picture is as it was (PNG is lossless); the band is two rows high and one band.
    assert np.array_equal(before[:top], after[:top])
    assert np.any(before[top:] != after[top:], axis=-1).mean() > 0.95
    # Each row reads as the law's data words it, Kazakh first, in the order given.
    assert similarity(read[0], BANNER["kk"]) > 0.85, read
    assert similarity(read[1], BANNER["ru"]) > 0.85, read
    assert similarity(read[0], BANNER["ru"]) < 0.5 and similarity(read[1], BANNER["kk"]) < 0.5
    # The reference reader finds one warning assertion naming both languages and both texts.
    assert _warnings(out, "image/png") == [{"language": ["kk", "ru"], "text": [BANNER["kk"], BANNER["ru"]],
                                            "medium": "image"}]


def test_verify_reports_the_warning_once_with_both_languages(samples, session_key, tmp_path, senim_home):
    key, _ = session_key
    out = tmp_path / "two.jpg"
    label_file(samples["jpg"], out, key=key, lang=("kk", "ru"), generator="g")
    checked = json.loads(run_senim("verify", out, "--format", "json", env_home=senim_home).stdout)[0]
    assert checked["ai_labelled"] and checked["state"] == "untrusted"
    declared = [m for m in checked["marks"] if m["kind"] == "declared-warning"]
    assert declared == [{"kind": "declared-warning", "language": ["kk", "ru"],
                         "text": [BANNER["kk"], BANNER["ru"]], "medium": "image"}]
    done = run_senim("verify", out, env_home=senim_home)
    assert done.returncode == 0
    lines = [line for line in done.stdout.splitlines() if "warning" in line]
    assert len(lines) == 1, done.stdout
    assert "(in Kazakh, in Russian)" in lines[0] and BANNER["kk"] in lines[0] and BANNER["ru"] in lines[0]
    russian = run_senim("verify", out, "--lang", "ru", env_home=senim_home).stdout
    assert "(на казахском, на русском)" in russian


def test_relabelling_a_two_language_picture_in_one_language_leaves_one_banner(samples, session_key, tmp_path):
    from test_provenance_outputs import _letter_mask, _spread

    key, _ = session_key
    first = Path(label_file(samples["png"], tmp_path / "first.png", key=key, lang="kk,ru")["output"])
    again = Path(label_file(first, tmp_path / "again.png", key=key, lang="en")["output"])
    with Image.open(again) as image:
        width, height = image.size
        band = np.asarray(image.convert("RGB").crop(banner.band_box(width, height, rows=2)), dtype=int)
    # Where the English letters are drawn in a band two rows high (widened by two pixels) ...
    mask = _letter_mask(BANNER["en"], width, height, rows=2)
    assert mask.shape == band.shape[:2]
    # ... and outside them both old rows are one flat colour: no trace of the Kazakh or Russian words.
    assert _spread(band, mask) <= 6
    assert _warnings(again, "image/png") == [{"language": "en", "text": BANNER["en"], "medium": "image"}]


def _wav(path) -> tuple[int, np.ndarray]:
    with wave.open(str(path)) as handle:
        return handle.getframerate(), np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)


def test_spoken_notice_in_both_voices_one_after_the_other(samples, session_key, tmp_path):
    key, _ = session_key
    out = tmp_path / "two.wav"
    result = label_file(samples["wav"], out, key=key, lang="kk,ru")
    assert "spoken-notice" in result["marks"] and "notes" not in result
    rate, after = _wav(out)
    _, before = _wav(samples["wav"])
    # espeak-ng's own speech of each sentence, as the law's data words it (22,050 Hz, as the sample)
    speech = {}
    for lang in ("kk", "ru"):
        subprocess.run(["espeak-ng", "-v", lang, "-s", "150", "-w", str(tmp_path / f"{lang}.wav"), SPOKEN[lang]],
                       check=True)
        speech[lang] = _wav(tmp_path / f"{lang}.wav")[1]
    pad = round(0.3 * rate)
    kk, ru = speech["kk"], speech["ru"]
    assert len(after) == len(kk) + pad + len(ru) + pad + len(before)
    # Kazakh, a pause, Russian, a pause, then the sound itself, unchanged.
    assert np.array_equal(after[:len(kk)], kk)
    assert not after[len(kk):len(kk) + pad].any()
    assert np.array_equal(after[len(kk) + pad:len(kk) + pad + len(ru)], ru)
    assert np.array_equal(after[-len(before):], before)
    assert _warnings(out, "audio/wav") == [{"language": ["kk", "ru"], "text": [SPOKEN["kk"], SPOKEN["ru"]],
                                            "medium": "audio"}]


class _Note(HTMLParser):
    """The parts of the first paragraph of class ai-content-warning: (lang, text)."""

    def __init__(self):
        super().__init__()
        self.inside, self.lang, self.parts, self.note_lang = False, None, [], "unset"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p" and attrs.get("class") == "ai-content-warning":
            self.inside, self.note_lang = True, attrs.get("lang")
        elif tag == "span" and self.inside:
            self.lang = attrs.get("lang")

    def handle_endtag(self, tag):
        if tag == "p":
            self.inside = False
        elif tag == "span":
            self.lang = None

    def handle_data(self, data):
        if self.inside and self.lang:
            self.parts.append((self.lang, data))


def test_text_marks_carry_each_part_with_its_language(samples, session_key, tmp_path, senim_home):
    from markdown_it import MarkdownIt

    key, _ = session_key
    html_out = tmp_path / "two.html"
    label_file(samples["html"], html_out, key=key, lang="kk,ru")
    note = _Note()
    note.feed(html_out.read_text(encoding="utf-8"))
    assert note.parts == [("kk", BANNER["kk"]), ("ru", BANNER["ru"])]
    assert note.note_lang is None  # the paragraph holds both: each part names its own language
    md_out = tmp_path / "two.md"
    label_file(samples["md"], md_out, key=key, lang="kk,ru")
    body = md_out.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    rendered = MarkdownIt("commonmark").render(body)
    assert f'<span lang="kk"><strong>{BANNER["kk"]}</strong></span>' in rendered
    assert f'<span lang="ru"><strong>{BANNER["ru"]}</strong></span>' in rendered
    assert rendered.index(BANNER["ru"]) < rendered.index("<h1>Жаңалық</h1>")  # first, before the text
    for out in (html_out, md_out):
        assert _warnings(out, "text/html" if out.suffix == ".html" else "text/markdown",
                         out.with_name(out.name + ".c2pa")) == [
            {"language": ["kk", "ru"], "text": [BANNER["kk"], BANNER["ru"]], "medium": "text"}]
        checked = json.loads(run_senim("verify", out, "--format", "json", env_home=senim_home).stdout)[0]
        assert checked["ai_labelled"], checked
        shown = [m for m in checked["marks"] if m["kind"] == "visible-text"]
        assert shown == [{"kind": "visible-text", "text": [BANNER["kk"], BANNER["ru"]], "language": ["kk", "ru"]}]
    # Labelled again in one language, the page shows that one warning only.
    again = tmp_path / "again.md"
    label_file(md_out, again, key=key, lang="ru")
    text = again.read_text(encoding="utf-8")
    assert BANNER["kk"] not in text and text.count(BANNER["ru"]) == 2  # the front matter's and the first line
    assert text.split("\n---\n", 1)[1].startswith(f"> **{BANNER['ru']}**\n\n# Жаңалық")


def test_video_banner_in_both_languages(samples, session_key, tmp_path):
    key, _ = session_key
    out = tmp_path / "two.mp4"
    label_file(samples["mp4"], out, key=key, lang="ru,kk")
    width, height = 320, 240
    done = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-vf", "select=eq(n\\,5)", "-vframes", "1",
                           "-f", "image2pipe", "-c:v", "png", "-"], capture_output=True, check=True)
    frame = Image.open(io.BytesIO(done.stdout))
    row = banner.band_height(width, height)
    top = height - 2 * row
    assert similarity(ocr(frame.crop((0, top, width, top + row)), "ru"), BANNER["ru"]) > 0.8
    assert similarity(ocr(frame.crop((0, top + row, width, height)), "kk"), BANNER["kk"]) > 0.8
    assert _warnings(out, "video/mp4") == [{"language": ["ru", "kk"], "text": [BANNER["ru"], BANNER["kk"]],
                                            "medium": "video"}]


@pytest.mark.parametrize("value, problem", [
    ("kk,xx", "--lang: 'xx' is not one of kk, ru, en"),
    ("kk,kk", "--lang: 'kk' is given twice; name each language once"),
    ("fr", "--lang: 'fr' is not one of kk, ru, en"),
])
def test_a_bad_language_list_is_one_sentence(samples, tmp_path, senim_home, value, problem):
    out = tmp_path / "out.png"
    done = run_senim("label", samples["png"], "-o", out, "--lang", value, env_home=senim_home)
    assert (done.returncode, done.stderr) == (2, f"senim: {problem}\n")
    assert not out.exists() and not (senim_home / "keys").exists()  # refused before any key or file


def test_the_library_takes_the_same_values(samples, session_key, tmp_path):
    import senim
    from senim.errors import ParameterError

    key, _ = session_key
    done = senim.label(samples["png"], tmp_path / "a.png", lang=["kk", "ru"], key=key.key_path, chain=key.chain_path)
    assert done.extra["warning"] == [BANNER["kk"], BANNER["ru"]]
    done = senim.label(samples["png"], tmp_path / "b.png", lang="kk,ru", key=key.key_path, chain=key.chain_path)
    assert _warnings(tmp_path / "b.png", "image/png")[0]["language"] == ["kk", "ru"]
    one = senim.label(samples["png"], tmp_path / "c.png", lang="kk", key=key.key_path, chain=key.chain_path)
    assert one.extra["warning"] == BANNER["kk"]  # one language: as before, the text alone
    for bad in ("kk,xx", ["ru", "ru"], 7, ""):
        with pytest.raises(ParameterError) as error:
            senim.label(samples["png"], tmp_path / "d.png", lang=bad, key=key.key_path, chain=key.chain_path)
        assert error.value.field == "lang"
    assert not (tmp_path / "d.png").exists()
