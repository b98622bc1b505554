"""The perceivable warning: a banner that is really there, on images and on every video frame,
a spoken notice before audio, and a visible first line in text.

Text presence is judged by Tesseract OCR (Debian tesseract-ocr with the kaz,
rus and eng packs), not by Senim; the expected wording is the data file.
"""

from __future__ import annotations

import difflib
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from senim.provenance import banner, label_file

WORDING = yaml.safe_load(open(Path(__file__).resolve().parents[2] / "src/senim/law/packs/kz/data/labelling.yaml", encoding="utf-8"))
OCR_LANG = {"kk": "kaz", "ru": "rus", "en": "eng"}
KAZAKH_LETTERS = "әғқңөұүһі" + "ӘҒҚҢӨҰҮҺІ"


def ocr(image: Image.Image, lang: str) -> str:
    big = image.convert("L").resize((image.width * 3, image.height * 3), Image.LANCZOS)
    done = subprocess.run(["tesseract", "stdin", "stdout", "-l", OCR_LANG[lang], "--psm", "6"],
                          input=_png(big), capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def _png(image: Image.Image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_banner_on_image_is_there_and_readable(samples, session_key, tmp_path, lang):
    key, _ = session_key
    out = tmp_path / f"banner-{lang}.png"
    label_file(samples["png"], out, key=key, lang=lang, generator="g")
    with Image.open(samples["png"]) as before_image, Image.open(out) as after_image:
        before = np.asarray(before_image.convert("RGB"), dtype=np.int16)
        after = np.asarray(after_image.convert("RGB"), dtype=np.int16)
        expected = WORDING["actions"]["created"]["banner"][lang]
        left, top, right, bottom = banner.band_box(after_image.width, after_image.height)
        band = after_image.crop((left, top, right, bottom))
        text = ocr(band, lang)
    assert before.shape == after.shape
    # Outside the band the picture is exactly as it was (PNG is lossless).
    assert np.array_equal(before[:top], after[:top])
    # Inside it nearly every pixel changed, and the band is a different picture from the original.
    changed = np.any(before[top:] != after[top:], axis=-1).mean()
    assert changed > 0.95
    assert bottom - top >= banner.MIN_BAND
    assert similarity(text, expected) > 0.85, (text, expected)


def test_kazakh_letters_have_real_glyphs():
    from PIL import ImageFont

    font = ImageFont.truetype(str(banner.font_path()), 40)
    # U+0378 is unassigned: whatever the font draws for it is its "missing glyph" box.
    def drawn(text):
        mask = font.getmask(text)
        return mask.size, bytes(mask)

    missing = drawn("\u0378")
    for letter in KAZAKH_LETTERS:
        assert drawn(letter) != missing, letter


def test_kazakh_banner_letters_survive_ocr(tmp_path):
    # The special letters are read back by OCR from a rendered band, not only present in the font.
    words = "Қазақ тілі: әріп ғылым қала өнер ұлт үй һәм іс"
    band = banner.render_band(words, 900, 500)
    text = ocr(band, "kk")
    # (ұ and ү differ by one stroke, which OCR does not always see; the glyph test covers ұ.)
    for word in ("Қазақ", "әріп", "ғылым", "қала", "өнер", "үй", "һәм", "іс"):
        assert word.lower() in text.lower(), (word, text)


def _frames(path, width, height) -> np.ndarray:
    done = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                          capture_output=True, check=True)
    return np.frombuffer(done.stdout, dtype=np.uint8).reshape(-1, height, width, 3).astype(np.int16)


def test_banner_on_every_video_frame(samples, labelled):
    width, height = 320, 240
    before = _frames(samples["mp4"], width, height)
    after = _frames(labelled["mp4"], width, height)
    assert len(before) == len(after) == 10
    band = np.asarray(banner.render_band(WORDING["actions"]["created"]["banner"]["kk"], width, height)
                      .convert("RGB"), dtype=np.int16)
    top = height - band.shape[0]
    for i in range(len(after)):
        # Each frame's bottom band matches the rendered warning (up to H.264 loss) ...
        assert np.abs(after[i, top:] - band).mean() < 12, i
        # ... and differs clearly from what the frame showed there before.
        assert np.abs(before[i, top:] - band).mean() > 40, i
        # The rest of the picture is kept.
        assert np.abs(after[i, :top - 8] - before[i, :top - 8]).mean() < 6, i
    # The text itself is readable on a frame.
    frame = Image.fromarray(after[5, top:].astype(np.uint8))
    assert similarity(ocr(frame, "kk"), WORDING["actions"]["created"]["banner"]["kk"]) > 0.8


def _wav(path) -> tuple[int, np.ndarray]:
    with wave.open(str(path)) as handle:
        return handle.getframerate(), np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)


def test_spoken_notice_comes_first_in_audio(samples, labelled):
    rate_before, before = _wav(samples["wav"])
    rate_after, after = _wav(labelled["wav"])
    assert rate_before == rate_after == 22050
    notice = len(after) - len(before)
    assert notice > rate_after * 1.5  # a sentence of speech, not a click
    # The original sound follows unchanged.
    assert np.array_equal(after[notice:], before)
    # The notice is speech-loud in its first seconds, not silence.
    head = after[: rate_after * 2].astype(np.float64)
    assert np.sqrt(np.mean(head ** 2)) > 500


def test_spoken_notice_in_mp3_lengthens_it(samples, labelled):
    def seconds(path):
        done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                               str(path)], capture_output=True, text=True, check=True)
        return float(done.stdout)

    assert seconds(labelled["mp3"]) - seconds(samples["mp3"]) > 1.5


def test_visible_first_line_in_text(labelled):
    html = labelled["html"].read_text(encoding="utf-8")
    expected = WORDING["actions"]["created"]["banner"]["kk"]
    body = html.split("<body>", 1)[1]
    assert body.lstrip().startswith('<p class="ai-content-warning"')
    assert expected in body.split("</p>", 1)[0]
    assert '<meta name="digital-source-type" content="http://cv.iptc.org/newscodes/digitalsourcetype/' \
           'trainedAlgorithmicMedia">' in html
    md = labelled["md"].read_text(encoding="utf-8")
    front, body = md.split("\n---\n", 1)
    meta = yaml.safe_load(front.removeprefix("---\n"))
    assert meta["title"] == "Жаңалық"  # the author's front matter is kept
    assert meta["digital_source_type"].endswith("/trainedAlgorithmicMedia")
    assert body.splitlines()[0] == f"> **{expected}**"


def test_banner_follows_exif_orientation(samples, session_key, tmp_path):
    # A JPEG stored sideways with EXIF orientation 6 (rotate 90° clockwise to view).
    stored = Image.new("RGB", (320, 200), (200, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "sideways.jpg"
    stored.save(path, exif=exif.tobytes(), quality=95)
    key, _ = session_key
    label_file(path, tmp_path / "out.jpg", key=key, lang="en")
    with Image.open(tmp_path / "out.jpg") as out:
        assert out.getexif().get(0x0112) in (None, 1)  # already upright, nothing left to rotate
        assert out.size == (200, 320)
        pixels = np.asarray(out.convert("L"), dtype=np.int16)
    # The dark band is along the bottom edge of the upright picture, not on a side.
    assert pixels[-5:, :].mean() < 80
    assert pixels[:, :5].mean() > 150 and pixels[:100, -5:].mean() > 150


def test_audio_without_a_voice_gets_a_tone_and_says_so(samples, session_key, tmp_path, monkeypatch):
    from senim.provenance import media, verify_file

    # Ask the real espeak-ng for a voice it does not have.
    monkeypatch.setitem(media.ESPEAK_VOICES, "kk", "zz-no-such-voice")
    key, _ = session_key
    result = label_file(samples["wav"], tmp_path / "out.wav", key=key, lang="kk")
    assert "warning-tone" in result["marks"] and "spoken-notice" not in result["marks"]
    assert "no espeak-ng voice" in result["notes"][0]
    rate, after = _wav(tmp_path / "out.wav")
    head = after[: rate // 4].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(head))
    assert abs(np.argmax(spectrum) * rate / len(head) - 880) < 10  # the beep, not speech
    verdict = verify_file(tmp_path / "out.wav")
    declared = [m for m in verdict["marks"] if m["kind"] == "declared-warning"]
    assert declared and declared[0]["text"] == WORDING["actions"]["created"]["spoken"]["kk"]


def test_mp4_with_sound_only_gets_the_spoken_notice(session_key, tmp_path):
    import json as _json

    import c2pa

    source = tmp_path / "podcast.mp4"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=1",
                    "-c:a", "aac", str(source)], check=True)
    key, _ = session_key
    result = label_file(source, tmp_path / "out.mp4", key=key, lang="ru")
    assert "spoken-notice" in result["marks"]
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                           str(tmp_path / "out.mp4")], capture_output=True, text=True, check=True)
    assert float(done.stdout) > 2.5
    with open(tmp_path / "out.mp4", "rb") as stream, c2pa.Reader("video/mp4", stream) as reader:
        assert reader.get_validation_state() == "Valid"
        store = _json.loads(reader.json())
    labels = [a["label"] for a in store["manifests"][store["active_manifest"]]["assertions"]]
    assert any(label.startswith("c2pa.actions") for label in labels)
