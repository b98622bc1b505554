"""Media for the public label check's tests: a picture labelled by `senim
label`, the same picture with one byte of pixel data changed, and a plain
camera JPEG (Pillow, with a camera's EXIF), made in a folder of the test's."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Media:
    labelled: Path
    changed: Path
    camera: Path
    ca: Path          # the CA the label's signer chains to: the server's trust list for "valid"


def make_media(folder: Path) -> Media:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    home = folder / "home"
    y, x = np.mgrid[0:120, 0:160]
    pixels = np.stack([x * 255 / 160, y * 255 / 120, (x + y) * 255 / 280], axis=-1).astype("uint8")
    Image.fromarray(pixels).save(folder / "picture.png")
    done = subprocess.run([sys.executable, "-c", "from senim.cli import main; main()", "label", str(folder / "picture.png"),
                           "-o", str(folder / "labelled.png"), "--lang", "kk", "--generator", "TestDiffusion 2"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "SENIM_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    changed = folder / "changed.png"
    changed.write_bytes(one_pixel_byte_changed((folder / "labelled.png").read_bytes()))
    camera = folder / "camera.jpg"
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Canon", "Canon EOS 250D", "2026:11:28 14:05:09"  # Make, Model, DateTime
    Image.fromarray(pixels).save(camera, quality=90, exif=exif)
    return Media(folder / "labelled.png", changed, camera, home / "keys" / "c2pa-local-ca.pem")


def one_pixel_byte_changed(png: bytes) -> bytes:
    """The PNG with one byte of its (compressed) pixel data flipped and the chunk's CRC made right again,
    so that the file is still a well-formed PNG and only the content differs."""
    data = bytearray(png)
    start = data.index(b"IDAT") - 4
    (length,) = struct.unpack(">I", data[start:start + 4])
    data[start + 8 + length // 2] ^= 0x01
    crc = zlib.crc32(bytes(data[start + 4:start + 8 + length])) & 0xFFFFFFFF
    data[start + 8 + length:start + 12 + length] = struct.pack(">I", crc)
    return bytes(data)


def reference_state(path: Path) -> str | None:
    """What the C2PA reference reader says of the file: Valid, Trusted, Invalid, or None (no manifest)."""
    import c2pa

    mime = "image/png" if path.suffix == ".png" else "image/jpeg"
    try:
        with open(path, "rb") as stream, c2pa.Reader(mime, stream) as reader:
            return reader.get_validation_state()
    except Exception as error:  # noqa: BLE001 - the reader's "no manifest" is an exception
        if "ManifestNotFound" in str(error) or "JumbfNotFound" in str(error) or "no JUMBF" in str(error):
            return None
        raise


def reference_signing_time(path: Path) -> str | None:
    """The signing time the C2PA reference reader gives (`signature_info.time`: a time stamp's), or None."""
    import json

    import c2pa

    with open(path, "rb") as stream, c2pa.Reader("image/png", stream) as reader:
        store = json.loads(reader.json())
    return (store["manifests"][store["active_manifest"]].get("signature_info") or {}).get("time")
