"""The public label check (/check, POST /public/label-check): four states,
no account, nothing stored, a size and a rate limit; and reports of
unlabelled synthetic content to the authority's inbox.

The expected states come from the C2PA reference reader and ExifTool, not
from our own output: the reader calls the labelled file Valid (Trusted with
the CA as anchor) and the changed one Invalid, and finds no manifest in the
camera JPEG, whose EXIF ExifTool reads."""

from __future__ import annotations

import json
import subprocess

import pytest

from public_media import make_media, reference_signing_time, reference_state
from web_helpers import AUTHORITY

JSON = {"accept": "application/json"}


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("public-media"))


@pytest.fixture(autouse=True)
def _fresh(world):
    from senim.web.public import Limits

    world.app.state.public_windows = Limits()
    world.app.state.trust_anchors = None
    yield
    world.app.state.trust_anchors = None


def _check(world, path, headers=JSON):
    return world.client.post("/public/label-check", headers=headers,
                             files={"file": (path.name, path.read_bytes(), "application/octet-stream")})


def test_a_label_made_by_senim_label_is_untrusted_without_and_valid_with_the_trust_list(world, media):
    assert reference_state(media.labelled) == "Valid"
    done = _check(world, media.labelled)
    assert done.status_code == 200, done.text
    result = done.json()
    assert result["state"] == "untrusted" and result["ai_labelled"] is True
    assert result["generator"] == "TestDiffusion 2" and "Senim local signer" in result["signer"]
    assert result["signing_time"] == reference_signing_time(media.labelled) and result["media_type"] == "image/png"
    world.app.state.trust_anchors = media.ca.read_text()
    trusted = _check(world, media.labelled).json()
    assert trusted["state"] == "valid" and trusted["ai_labelled"] is True and "set-cookie" not in done.headers


def test_the_signing_time_is_the_readers_time_stamp_when_it_has_one(world, media, monkeypatch):
    """A label countersigned by a time-stamp authority (`senim label --tsa`, which needs the network the
    tests do not have): the reader's `signature_info.time` is what the check reports."""
    from senim.provenance import credentials

    assert reference_signing_time(media.labelled) is None  # signed offline: the reader has no time
    real = credentials.read

    def stamped(*args, **kwargs):
        report = real(*args, **kwargs)
        report.signing_time = "2026-12-02T08:15:00+00:00"  # as the reader gives a time stamp's
        return report

    monkeypatch.setattr(credentials, "read", stamped)
    assert _check(world, media.labelled).json()["signing_time"] == "2026-12-02T08:15:00+00:00"


def test_one_changed_byte_of_pixel_data_is_invalid(world, media):
    assert reference_state(media.changed) == "Invalid"
    world.app.state.trust_anchors = media.ca.read_text()
    result = _check(world, media.changed).json()
    assert result["state"] == "invalid" and any("mismatch" in issue for issue in result["issues"]), result


def test_a_plain_camera_jpeg_is_none(world, media):
    read = json.loads(subprocess.run(["exiftool", "-json", "-Make", "-Model", "-JUMBF:all", str(media.camera)],
                                     capture_output=True, text=True, check=True).stdout)[0]
    assert read["Make"] == "Canon" and not any(k.startswith("JUMBF") for k in read)
    assert reference_state(media.camera) is None
    result = _check(world, media.camera).json()
    assert result["state"] == "none" and result["ai_labelled"] is False and result["signer"] is None


def test_the_page_says_each_state_in_kazakh_and_what_no_label_means(world, media):
    page = _check(world, media.camera, headers={"accept": "text/html"})
    assert page.status_code == 200
    html = world.client.get("/check?lang=kk").text
    assert "Белгінің болмауы мазмұнның шынайы екенін дәлелдемейді" in html and "мессенджер" in html
    kk = world.client.post("/public/label-check?lang=kk", headers={"accept": "text/html"},
                           files={"file": ("x.png", media.labelled.read_bytes(), "image/png")}).text
    assert 'data-state="untrusted"' in kk and "Бұл файлда белгі бар, бірақ оған қол қоюшы танылмаған." in kk
    # the details in Kazakh too: the server was given no trust list (catalog provenance.issue.untrusted_no_anchors)
    assert "қол қоюшы сенім тізімінде жоқ" in kk and "signer is not on" not in kk


def test_the_file_is_never_stored(world, media, tmp_path):
    import tempfile
    from pathlib import Path

    files = Path(world.app.state.files)
    before = sorted(p for p in files.rglob("*")) if files.exists() else []
    _check(world, media.labelled)
    after = sorted(p for p in files.rglob("*")) if files.exists() else []
    assert after == before
    left = [p for p in Path(tempfile.gettempdir()).glob("senim-upload-*")] + \
           [p for p in Path(tempfile.gettempdir()).glob("senim-check-*")]
    assert not [p for p in left if any(q.is_file() for q in p.rglob("*"))]


def test_a_wrong_type_a_too_large_file_and_too_many_checks_are_refused(world, media):
    text = world.client.post("/public/label-check", headers=JSON, files={"file": ("a.png", b"\x00\x01binary", "image/png")})
    assert text.status_code == 415 and text.json()["errors"][0]["field"] == "file"
    world.app.state.label_check_limit = 1024
    try:
        big = _check(world, media.labelled)
        assert big.status_code == 413
    finally:
        del world.app.state.label_check_limit
    from senim.web.public import Limits

    world.app.state.public_windows, world.app.state.public_limits = Limits(), {"label_check": (2, 60)}
    try:
        codes = [_check(world, media.camera).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    finally:
        del world.app.state.public_limits


def test_a_report_of_unlabelled_content_reaches_the_authoritys_inbox(world, media):
    from senim.registry.label_reports import list_reports
    from senim.registry.tenancy import Actor, organisation

    sha = _check(world, media.camera).json()["sha256"]
    done = world.client.post("/public/reports", headers=JSON, json={
        "where": "https://t.me/example/123", "description": "Жасанды бейне, белгісіз", "sha256": sha, "state": "none",
        "contact": "reader@example.kz"})
    assert done.status_code == 201, done.text
    with world.app.state.db.read() as conn:
        agency = organisation(conn, bin_=AUTHORITY)["id"]
    inbox = list_reports(world.app.state.db, Actor(org=agency))
    assert inbox[0]["id"] == done.json()["report"] and inbox[0]["sha256"] == sha and inbox[0]["state"] == "none"
    assert list_reports(world.app.state.db, Actor(org=agency + 99)) == []
    seen = world.client.get("/api/v1/registry/label-reports", headers=world.token("regulator", AUTHORITY))
    assert seen.status_code == 200 and seen.json()[0]["sha256"] == sha and seen.json()[0]["contact"] == "reader@example.kz"
    assert world.client.get("/api/v1/registry/label-reports", headers=world.token("admin")).status_code == 403
    page = world.client.get("/regulator/label-reports?lang=kk", headers=world.cookie("regulator", AUTHORITY))
    assert page.status_code == 200 and "https://t.me/example/123" in page.text
    bad = world.client.post("/public/reports", headers=JSON, json={"where": "", "description": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "where"
    form = world.client.post("/public/reports?lang=kk", headers={"accept": "text/html"},
                             data={"where": "Instagram", "description": "Синтетикалық дауыс"})
    assert form.status_code == 201 and "хабарлама қабылданды" in form.text
