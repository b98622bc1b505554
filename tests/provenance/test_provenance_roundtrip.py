"""Every format is labelled, then read back by the C2PA reference reader and ExifTool.

The reading side never goes through Senim's own reader: c2pa.Reader and
`exiftool` are the independent judges. One changed byte of pixel or sample
data must then make `senim verify` call the file invalid.
"""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from provenance_helpers import FORMATS, IMAGES, change_one_content_byte, copy, run_senim

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
MIME = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "mp4": "video/mp4", "wav": "audio/wav",
        "mp3": "audio/mpeg", "html": "text/html", "md": "text/markdown"}


def reference_read(path, ext):
    """(validation state, active manifest) from c2pa.Reader alone."""
    import c2pa

    sidecar = path.with_name(path.name + ".c2pa")
    manifest_data = sidecar.read_bytes() if ext in ("html", "md") else None
    with open(path, "rb") as stream, c2pa.Reader(MIME[ext], stream, manifest_data) as reader:
        store = json.loads(reader.json())
        state = reader.get_validation_state()
    return state, store["manifests"][store["active_manifest"]], store


@pytest.mark.parametrize("ext", FORMATS)
def test_reference_reader_sees_ai_action(labelled, ext):
    state, manifest, _ = reference_read(labelled[ext], ext)
    assert state == "Valid"
    actions = [a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions")]
    assert actions, manifest["assertions"]
    first = actions[0]["data"]["actions"][0]
    assert first["action"] == "c2pa.created"
    assert first["digitalSourceType"] == TRAINED
    assert first["softwareAgent"]["name"] == "TestDiffusion 2"
    assert manifest["claim_generator_info"][0]["name"] == "Senim"
    # The local key is not in any trust list, and the reader says so.
    assert manifest["signature_info"]["common_name"] == "Senim local signer"


@pytest.mark.parametrize("ext", IMAGES)
def test_exiftool_reads_iptc_digital_source_type(labelled, ext):
    done = subprocess.run(["exiftool", "-j", "-XMP-iptcExt:DigitalSourceType", str(labelled[ext])],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)[0]["DigitalSourceType"] == TRAINED


def test_exiftool_sees_no_mark_on_unlabelled_input(samples):
    done = subprocess.run(["exiftool", "-j", "-XMP-iptcExt:DigitalSourceType", str(samples["png"])],
                          capture_output=True, text=True, check=True)
    assert "DigitalSourceType" not in json.loads(done.stdout)[0]


@pytest.mark.parametrize("ext", FORMATS)
def test_one_changed_byte_makes_verify_fail(labelled, ext, tmp_path, senim_home):
    good = copy(labelled[ext], tmp_path / "good")
    ok = run_senim("verify", "--format", "json", good, env_home=senim_home)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)[0]["valid"] is True

    bad = copy(labelled[ext], tmp_path / "bad")
    change_one_content_byte(bad, ext)
    state, _, store = reference_read(bad, ext)
    assert state == "Invalid"  # the reference reader agrees the content changed
    done = run_senim("verify", "--format", "json", bad, env_home=senim_home)
    assert done.returncode == 1, done.stderr
    [result] = json.loads(done.stdout)
    assert result["valid"] is False
    assert result["labelled"] is True
    assert any("mismatch" in issue for issue in result["issues"]), result["issues"]


def test_verify_json_shape_and_trust_anchors(labelled, session_key, tmp_path, senim_home):
    _, ca = session_key
    done = run_senim("verify", "--format", "json", "--trust-anchors", ca, labelled["png"], labelled["md"],
                     env_home=senim_home)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for result in results:
        assert set(result) == {"path", "state", "ai_labelled", "generator", "signer", "signing_time",
                               "digital_source_type", "media_type", "marks", "issues", "labelled", "valid", "trusted"}
        assert result["state"] == "valid" and result["trusted"] is True
        assert result["generator"] == "TestDiffusion 2"
        assert result["signing_time"] is None  # signed without a time-stamp authority: no trusted time
        assert result["digital_source_type"] == TRAINED
    kinds = {m["kind"] for m in results[0]["marks"]}
    assert kinds == {"c2pa", "xmp", "declared-warning"}
    assert {m["kind"] for m in results[1]["marks"]} == {"c2pa", "declared-warning", "front-matter", "visible-text"}

    # A CA the file was not signed under does not make it trusted.
    from senim.provenance.keys import init_keys

    other_ca = init_keys()[2]  # SENIM_HOME of this test: a fresh, unrelated CA
    other = run_senim("verify", "--format", "json", "--trust-anchors", other_ca, labelled["png"],
                      env_home=senim_home)
    assert json.loads(other.stdout)[0]["trusted"] is False
    assert json.loads(other.stdout)[0]["state"] == "untrusted"
    assert other.returncode == 0  # labelled and valid, trust is reported, not required


def test_edited_action_and_no_warning(samples, session_key, tmp_path):
    import c2pa
    from PIL import Image

    from senim.provenance import label_file

    key, _ = session_key
    out = tmp_path / "edited.png"
    label_file(samples["png"], out, key=key, action="edited", warning=False, generator="Inpaint X")
    with c2pa.Reader("image/png", io.BytesIO(out.read_bytes())) as reader:
        store = json.loads(reader.json())
    manifest = store["manifests"][store["active_manifest"]]
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"]
    # The specification wants an edit to start by opening its parent ingredient.
    assert [a["action"] for a in actions] == ["c2pa.opened", "c2pa.edited"]
    assert actions[1]["digitalSourceType"].endswith("/compositeWithTrainedAlgorithmicMedia")
    assert actions[1]["softwareAgent"]["name"] == "Inpaint X"
    assert [i["relationship"] for i in manifest["ingredients"]] == ["parentOf"]
    # --warning none: the marks are added, the picture itself is untouched.
    with Image.open(samples["png"]) as before, Image.open(out) as after:
        assert before.tobytes() == after.tobytes()
