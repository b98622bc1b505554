"""The visible warning: a band across the bottom of an image or video frame.

Drawn with DejaVu Sans (Debian `fonts-dejavu-core`), which has every letter
of the Kazakh alphabet (ә ғ қ ң ө ұ ү һ і). The text is fitted to the width,
on two lines if one would be too small to read; a warning in several
languages is one band with a row for each (`senim label --lang kk,ru`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

from senim.errors import InputError

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/local/share/fonts/DejaVuSans-Bold.ttf",
)
BAND_COLOUR = (16, 16, 16, 235)
TEXT_COLOUR = (255, 255, 255, 255)
MIN_BAND = 22


def font_path() -> Path:
    from senim.settings import current

    override = current().font
    for candidate in ((override,) if override else ()) + FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise InputError(
        "font: DejaVu Sans Bold was not found; install the Debian package fonts-dejavu-core "
        "or point SENIM_FONT at a TrueType font that has the Kazakh letters")


@lru_cache(maxsize=64)
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path()), size)


def band_height(width: int, height: int) -> int:
    """Height of the band: about 8% of the picture, never under MIN_BAND pixels."""
    return min(height, max(MIN_BAND, round(min(width, height) * 0.08), round(height * 0.06)))


def _layout(text: str, width: int, band: int) -> tuple[list[str], int]:
    """Lines and font size that fit the band; two lines only if one is too small."""
    margin = max(4, band // 5)
    one_line = max(8, int(band * 0.55))
    for size in range(one_line, 7, -1):
        if _font(size).getlength(text) <= width - 2 * margin:
            if size >= band * 0.4 or " " not in text:
                return [text], size
            break
    words = text.split()
    best = None
    for cut in range(1, len(words)):
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
        widest = max(lines, key=lambda line: _font(20).getlength(line))
        for size in range(max(8, int(band * 0.4)), 7, -1):
            if _font(size).getlength(widest) <= width - 2 * margin:
                if best is None or size > best[1]:
                    best = (lines, size)
                break
    if best is None:
        return [text], 8
    return best


def _parts(text: str | Sequence[str]) -> list[str]:
    """The warning's parts, one a language: a text alone, or a sequence of them."""
    return [text] if isinstance(text, str) else list(text)


def render_band(text: str | Sequence[str], width: int, height: int, *, opaque: bool = False, rows: int = 0):
    """The band alone, as an RGBA image `width` wide; `opaque` hides what is under it
    entirely (a banner drawn before, which a new one replaces).

    `text` is the warning, or one text per language: each gets a row of its
    own, as high as a one-language band, all in the same type size. `rows`
    makes the band at least that many rows high (a banner drawn before in more
    languages, which the new one covers)."""
    from PIL import Image, ImageDraw

    parts = _parts(text)
    row = band_height(width, height)
    band = min(height, row * max(len(parts), rows))
    row = min(row, band // len(parts))
    layouts = [_layout(part, width, row) for part in parts]
    size = min(size for _lines, size in layouts)
    image = Image.new("RGBA", (width, band), BAND_COLOUR[:3] + (255,) if opaque else BAND_COLOUR)
    draw = ImageDraw.Draw(image)
    font = _font(size)
    line_height = size * 1.15
    first = (band - row * len(parts)) / 2  # a taller band than the parts need: they sit in its middle
    for n, (lines, _size) in enumerate(layouts):
        top = first + n * row + (row - line_height * len(lines)) / 2
        for i, line in enumerate(lines):
            draw.text((width / 2, top + i * line_height + line_height / 2), line, font=font,
                      fill=TEXT_COLOUR, anchor="mm")
    return image


def has_band(image) -> bool:
    """Whether the picture already shows a band where Senim draws one: the box
    at its bottom is nearly all band colour (dark), but for the lighter letters.

    A band drawn before shows through a new one (it is not quite opaque), so a
    picture that has one gets its new band opaque: one banner, not two."""
    box = band_box(image.width, image.height)
    strip = image.convert("RGB").crop(box).convert("L")
    histogram = strip.histogram()
    dark = sum(histogram[:48])  # BAND_COLOUR at 235/255 over white is 34
    return dark >= 0.6 * (strip.width * strip.height)


def apply(image, text: str | Sequence[str], *, replace: bool | None = None, rows: int = 0):
    """A copy of `image` with the band drawn across its bottom edge, in a mode the format can save.

    `text` is the warning, or one text per language (one band, a row each).
    A band already there (`replace`; by default `has_band`, or `rows`, the
    rows of a banner the file's credentials declare) is covered entirely by
    the new one. Only the band's strip is blended, so the cost does not grow
    with the whole picture's size beyond one copy.
    """
    mode = image.mode
    keep_alpha = mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info)
    target = "RGBA" if keep_alpha else ("L" if mode in ("L", "1") else "RGB")
    out = image.convert(target) if image.mode != target else image.copy()
    if replace is None:
        replace = rows > 0 or has_band(out)
    band = render_band(text, out.width, out.height, opaque=replace, rows=rows if replace else 0)
    top = out.height - band.height
    strip = out.crop((0, top, out.width, out.height)).convert("RGBA")
    strip.alpha_composite(band)
    out.paste(strip.convert(target) if target != "RGBA" else strip, (0, top))
    return out


def band_box(width: int, height: int, rows: int = 1) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the band on a picture of this size (of `rows` languages)."""
    band = min(height, band_height(width, height) * rows)
    return 0, height - band, width, height
