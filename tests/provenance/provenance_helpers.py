"""Helpers for the provenance tests: sample media and running the CLI."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np

FORMATS = ["png", "jpg", "webp", "mp4", "wav", "mp3", "html", "md"]
IMAGES = ["png", "jpg", "webp"]
SENIM = [sys.executable, "-c", "from senim.cli.app import run; run()"]


def make_samples(folder: Path) -> dict[str, Path]:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    # Smooth gradient plus mild noise: compresses like a photo, differs everywhere.
    y, x = np.mgrid[0:240, 0:320]
    base = np.stack([x * 255 / 320, y * 255 / 240, (x + y) * 255 / 560], axis=-1)
    pixels = np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype("uint8")
    image = Image.fromarray(pixels)
    paths = {ext: folder / f"sample.{ext}" for ext in FORMATS}
    image.save(paths["png"])
    image.save(paths["jpg"], quality=90)
    image.save(paths["webp"], quality=85)
    ff = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    subprocess.run(ff + ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=1", "-f", "lavfi",
                         "-i", "sine=frequency=440:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                         "-c:a", "aac", "-shortest", str(paths["mp4"])], check=True)
    subprocess.run(ff + ["-f", "lavfi", "-i", "sine=frequency=330:duration=1:sample_rate=22050",
                         "-c:a", "pcm_s16le", str(paths["wav"])], check=True)
    subprocess.run(ff + ["-f", "lavfi", "-i", "sine=frequency=550:duration=1", "-c:a", "libmp3lame",
                         str(paths["mp3"])], check=True)
    paths["html"].write_text("<!doctype html>\n<html lang=\"kk\"><head><title>Жаңалық</title></head>\n"
                             "<body><h1>Жаңалық</h1><p>Мәтін осында.</p></body></html>\n", encoding="utf-8")
    paths["md"].write_text("---\ntitle: Жаңалық\n---\n# Жаңалық\n\nМәтін осында.\n", encoding="utf-8")
    return paths



def run_senim(*args, env_home: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, SENIM_HOME=str(env_home))
    return subprocess.run(SENIM + [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


def copy(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.copyfile(path, target)
    sidecar = path.with_name(path.name + ".c2pa")
    if sidecar.exists():
        shutil.copyfile(sidecar, folder / sidecar.name)
    return target


def _riff_chunk(data: bytes, wanted: bytes) -> int:
    pos = 12
    while pos < len(data):
        kind, size = struct.unpack("<4sI", data[pos:pos + 8])
        if kind == wanted:
            return pos + 8
        pos += 8 + size + (size & 1)
    raise AssertionError(f"no {wanted!r} chunk")


def _box(data: bytes, wanted: bytes) -> int:
    pos = 0
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == wanted:
            return pos + 8
        pos += size
    raise AssertionError(f"no {wanted!r} box")


def change_one_content_byte(path, ext) -> None:
    """Flip one byte of pixel or sample data, keeping the container well-formed."""
    data = bytearray(path.read_bytes())
    if ext == "png":
        start = data.index(b"IDAT") - 4
        (length,) = struct.unpack(">I", data[start:start + 4])
        data[start + 8 + length // 2] ^= 0x01
        crc = zlib.crc32(bytes(data[start + 4:start + 8 + length])) & 0xFFFFFFFF
        data[start + 8 + length:start + 12 + length] = struct.pack(">I", crc)
    elif ext == "jpg":
        at = data.rfind(b"\xff\xda") + 400
        data[at] = data[at] ^ 0x01 if data[at] not in (0xFF, 0xFE) else 0x10
    elif ext == "webp":
        data[_riff_chunk(bytes(data), b"VP8 ") + 300] ^= 0x01
    elif ext == "wav":
        data[_riff_chunk(bytes(data), b"data") + 2001] ^= 0x01
    elif ext == "mp4":
        data[_box(bytes(data), b"mdat") + 500] ^= 0x01
    elif ext == "mp3":
        data[len(data) - 3000] ^= 0x01
    else:  # text: one letter of the body
        at = data.index("осында".encode())
        data[at + 1] ^= 0x01
    path.write_bytes(bytes(data))
