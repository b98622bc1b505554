"""Uploads that cannot hurt: bombs, files over the limit, types that lie."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from web_helpers import BANK

URL = "/api/v1/systems/retail-credit-scoring/evidence"
FIELDS = {"obligation": "kz.owner.risk_management", "answer": "yes"}


def _png(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels (PNG spec: IHDR, CRC-32 over type and data)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _count(world) -> int:
    from senim.registry.evidence import evidence_of
    from senim.registry.tenancy import Actor, organisation

    with world.app.state.db.read() as conn:
        org = organisation(conn, bin_=BANK)["id"]
    return len(evidence_of(world.app.state.db, "retail-credit-scoring", Actor(org=org)))


def _incoming(world) -> list:
    folder = world.app.state.files / "incoming"
    return sorted(folder.iterdir()) if folder.exists() else []


def _send(world, name: str, data: bytes, declared: str, fields: dict | None = None):
    return world.client.post(URL, headers=world.token("engineer"), data=fields or FIELDS,
                             files={"file": (name, data, declared)})


def test_a_zip_bomb_is_refused_from_its_directory(world):
    before = _count(world)
    bomb = _zip({"zeros.bin": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    done = _send(world, "evidence.zip", bomb, "application/zip")
    assert done.status_code == 413 and "zip bomb" in done.json()["errors"][0]["problem"]
    many = _zip({f"m{n}.txt": b"x" for n in range(2001)})
    done = _send(world, "many.zip", many, "application/zip")
    assert done.status_code == 413 and "2001 members" in done.json()["errors"][0]["problem"]
    assert _count(world) == before and _incoming(world) == []


def test_a_50000_by_50000_png_is_refused_before_a_pixel_is_decoded(world):
    before = _count(world)
    done = _send(world, "screenshot.png", _png(50_000, 50_000), "image/png")
    assert done.status_code == 413, done.text
    assert "pixels" in done.json()["errors"][0]["problem"]
    ok = _send(world, "screenshot.png", _png(64, 64), "image/png")
    assert ok.status_code == 201 and ok.json()["media_type"] == "image/png"
    assert _count(world) == before + 1


def test_a_file_over_the_limit_is_cut_off_and_nothing_is_kept(world):
    limits = world.app.state.limits
    saved = limits["evidence"]
    limits["evidence"] = 1024 * 1024
    try:
        before = _count(world)
        done = _send(world, "big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), "application/pdf")
        assert done.status_code == 413 and "limit of 1 MB" in done.json()["errors"][0]["problem"]
        assert _count(world) == before and _incoming(world) == []
    finally:
        limits["evidence"] = saved


def test_the_declared_type_is_never_believed(world):
    elf = b"\x7fELF\x02\x01\x01" + b"\0" * 200
    done = _send(world, "photo.png", elf, "image/png")
    assert done.status_code == 415 and "application/octet-stream" in done.json()["errors"][0]["problem"]
    html = b"<html><script>alert(document.cookie)</script></html>"
    kept = _send(world, "report.pdf", html, "application/pdf")
    assert kept.status_code == 201 and kept.json()["media_type"] == "text/plain"
    back = world.client.get(f"/api/v1/evidence/{kept.json()['id']}/file", headers=world.token("auditor"))
    assert back.headers["content-type"].startswith("text/plain")
    assert back.headers["content-disposition"].startswith("attachment;")
    assert back.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in back.headers["content-security-policy"]


def test_office_files_are_known_by_their_members_and_the_same_bytes_are_stored_once(world):
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    first = _send(world, "Саясат.docx", docx, "application/octet-stream")
    second = _send(world, "copy.docx", docx, "application/msword")
    assert first.status_code == second.status_code == 201
    assert first.json()["media_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert first.json()["sha256"] == second.json()["sha256"]
    from senim.registry.evidence import stored_path

    stored = stored_path(world.app.state.files, first.json()["sha256"])
    assert stored.read_bytes() == docx and oct(stored.stat().st_mode & 0o777) == "0o600"
    import hashlib

    assert first.json()["sha256"] == hashlib.sha256(docx).hexdigest()


def test_a_document_needs_an_answer_and_an_unknown_obligation_is_named(world):
    done = _send(world, "plan.pdf", b"%PDF-1.4\n", "application/pdf", {"obligation": "kz.owner.risk_management"})
    assert done.status_code == 422 and done.json()["errors"][0]["field"] == "answer"
    done = _send(world, "plan.pdf", b"%PDF-1.4\n", "application/pdf", {"obligation": "kz.no.such", "answer": "yes"})
    assert done.status_code == 422 and done.json()["errors"][0]["field"] == "obligation"


def test_the_upload_form_shows_a_refusal_on_the_system_page(world):
    done = world.client.post("/systems/retail-credit-scoring/evidence", headers=world.cookie("engineer"),
                             data=FIELDS, files={"file": ("photo.png", b"\x7fELF" + b"\0" * 64, "image/png")})
    assert done.status_code == 415
    assert "application/octet-stream" in done.text and 'role="alert"' in done.text
