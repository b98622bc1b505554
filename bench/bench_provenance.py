"""Labelling and verifying throughput for 1,000 images of 1 MP, beside raw c2pa-python.

Senim's labelling draws the banner (decode, draw, re-encode), writes the XMP
statement and signs with C2PA; the yardstick signs the same files with
c2pa-python alone (same key, no thumbnail). Verifying is compared with a bare
`c2pa.Reader` validation. Both use every core through a process pool; each
figure is the median of BENCH_REPEAT runs (default 3).

    python bench/bench_provenance.py        # or: BENCH=provenance make bench
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "provenance"
COUNT = int(os.environ.get("BENCH_PROVENANCE_FILES", "1000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
WORKERS = os.cpu_count() or 1
SIDE = 1000  # 1000 x 1000 = 1 MP

_state: dict = {}


def make_images() -> list[Path]:
    import numpy as np
    from PIL import Image

    folder = DATA / "in"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"img{i:04d}.jpg" for i in range(COUNT)]
    if all(p.exists() for p in paths):
        return paths
    rng = np.random.default_rng(2026)
    y, x = np.mgrid[0:SIDE, 0:SIDE]
    for i, path in enumerate(paths):
        tint = rng.integers(0, 255, 3)
        small = rng.integers(0, 255, (25, 25, 3), dtype=np.uint8)
        texture = np.asarray(Image.fromarray(small).resize((SIDE, SIDE), Image.BICUBIC), dtype=np.float32)
        pixels = 0.5 * texture + 0.25 * np.stack([x * 255 / SIDE, y * 255 / SIDE, (x + y) * 127 / SIDE], -1) + 0.25 * tint
        Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(path, quality=90)
    return paths


def _init(home: str) -> None:
    os.environ["SENIM_HOME"] = home
    import c2pa

    from senim.provenance import credentials
    from senim.provenance.keys import load_signing_key

    key, _ = load_signing_key()
    _state["key"] = key
    _state["signer"] = credentials.make_signer(key)
    _state["raw_signer"] = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, key.chain_pem, key.key_pem, None))
    _state["context"] = c2pa.Context(c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}}}))
    offline = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}  # as Senim reads
    _state["read_context"] = c2pa.Context(c2pa.Settings.from_dict(offline))


def senim_label(job: tuple[str, str]) -> float:
    from senim.provenance import label_file

    start = time.perf_counter()
    label_file(Path(job[0]), Path(job[1]), key=_state["key"], signer=_state["signer"], lang="kk",
               generator="bench")
    return time.perf_counter() - start


RAW_MANIFEST = {
    "claim_generator_info": [{"name": "yardstick", "version": "1"}],
    "assertions": [{"label": "c2pa.actions", "data": {"actions": [{
        "action": "c2pa.created",
        "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
        "softwareAgent": {"name": "bench"}}]}}],
}


def senim_marks_only(job: tuple[str, str]) -> float:
    from senim.provenance import label_file

    start = time.perf_counter()
    label_file(Path(job[0]), Path(job[1]), key=_state["key"], signer=_state["signer"], warning=False,
               generator="bench")
    return time.perf_counter() - start


def raw_sign(job: tuple[str, str]) -> float:
    import c2pa

    start = time.perf_counter()
    with open(job[0], "rb") as src, open(job[1], "wb") as dst, c2pa.Builder(RAW_MANIFEST, _state["context"]) as b:
        b.sign(_state["raw_signer"], "image/jpeg", src, dst)
    return time.perf_counter() - start


def senim_verify(path: str) -> float:
    from senim.provenance import verify

    start = time.perf_counter()
    result = verify(Path(path))
    assert result.passed, result
    return time.perf_counter() - start


def raw_verify(path: str) -> float:
    import c2pa

    start = time.perf_counter()
    with open(path, "rb") as stream, c2pa.Reader("image/jpeg", stream, context=_state["read_context"]) as reader:
        assert reader.get_validation_state() in ("Valid", "Trusted")
    return time.perf_counter() - start


def throughput(pool, func, jobs) -> tuple[float, float]:
    """(files per second, median ms per file) for one pass over `jobs`."""
    start = time.perf_counter()
    per_file = pool.map(func, jobs, chunksize=8)
    wall = time.perf_counter() - start
    return len(jobs) / wall, statistics.median(per_file) * 1000


def main() -> None:
    images = make_images()
    out_senim, out_marks, out_raw = DATA / "out-senim", DATA / "out-marks", DATA / "out-raw"
    for folder in (out_senim, out_marks, out_raw):
        folder.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    home = tempfile.mkdtemp(prefix="senim-bench-home-")
    _init(home)  # makes the local test key once, before the workers start
    label_jobs = [(str(p), str(out_senim / p.name)) for p in images]
    marks_jobs = [(str(p), str(out_marks / p.name)) for p in images]
    raw_jobs = [(str(p), str(out_raw / p.name)) for p in images]
    runs: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("label", "marks", "raw_sign", "verify", "raw_verify")}
    with mp.get_context("spawn").Pool(WORKERS, initializer=_init, initargs=(home,)) as pool:
        for _ in range(REPEAT):
            runs["raw_sign"].append(throughput(pool, raw_sign, raw_jobs))
            runs["label"].append(throughput(pool, senim_label, label_jobs))
            runs["marks"].append(throughput(pool, senim_marks_only, marks_jobs))
            runs["raw_verify"].append(throughput(pool, raw_verify, [j[1] for j in label_jobs]))
            runs["verify"].append(throughput(pool, senim_verify, [j[1] for j in label_jobs]))

    def med(key: str, i: int) -> float:
        return statistics.median(r[i] for r in runs[key])

    size_mb = sum(p.stat().st_size for p in images) / 2**20
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("## Provenance: labelling and verifying (issue 5)\n")
    print(f"{COUNT:,} JPEG images of {SIDE}x{SIDE} px (1 MP, {size_mb:,.0f} MiB in all), {WORKERS} worker "
          f"processes, median of {REPEAT} runs; Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"load average {load_before:.1f} before and {load:.1f} after the runs (other work on the machine "
          "slows both columns alike).\n")
    print("| Task | Senim files/s | Senim ms/file (median) | Yardstick | Yardstick files/s | Senim / yardstick |")
    print("|---|---:|---:|---|---:|---:|")
    rows = [
        ("Label: banner + XMP + C2PA sign", "label", "c2pa-python sign only", "raw_sign"),
        ("Label, marks only (`--warning none`): XMP + C2PA sign", "marks", "c2pa-python sign only", "raw_sign"),
        ("Verify: marks + C2PA validation", "verify", "c2pa.Reader validation only", "raw_verify"),
    ]
    for title, ours, yard_title, yard in rows:
        print(f"| {title} | {med(ours, 0):,.1f} | {med(ours, 1):,.1f} | {yard_title} | {med(yard, 0):,.1f} | "
              f"{med(ours, 0) / med(yard, 0):.2f} |")
    print("\nSenim's labelling does more than the yardstick (it decodes the picture, draws the warning and "
          "re-encodes it); the ratio shows what the perceivable warning costs on top of signing.\n")
    print("Command: `python bench/bench_provenance.py` (`BENCH=provenance make bench`); images are generated "
          "into bench/data/provenance/ (git-ignored).")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
