"""Bad input gets one clear sentence and exit code 2, never a traceback, and nothing half-written."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import zlib

import pytest
from provenance_helpers import copy, run_senim

from senim.errors import InputError
from senim.provenance import label_file, verify_file


def assert_clean_refusal(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("senim: ")]
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def no_leftovers(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


def test_truncated_jpeg(samples, tmp_path, senim_home):
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(samples["jpg"].read_bytes()[:4000])
    out = tmp_path / "out"
    out.mkdir()
    done = run_senim("label", cut, "-o", out / "cut.jpg", env_home=senim_home)
    assert_clean_refusal(done, "cut.jpg", "truncated")
    assert list(out.iterdir()) == []


def test_png_with_broken_chunk(samples, tmp_path, senim_home):
    data = bytearray(samples["png"].read_bytes())
    data[60] ^= 0xFF  # inside the first IDAT: its CRC no longer matches
    broken = tmp_path / "broken.png"
    broken.write_bytes(bytes(data))
    # An earlier good output at the destination survives the failed run untouched.
    dest = tmp_path / "out.png"
    dest.write_bytes(b"earlier result")
    done = run_senim("label", broken, "-o", dest, env_home=senim_home)
    assert_clean_refusal(done, "broken.png", "CRC")
    assert dest.read_bytes() == b"earlier result"
    assert no_leftovers(tmp_path) == []


def test_text_file_named_mp4(tmp_path, senim_home):
    fake = tmp_path / "clip.mp4"
    fake.write_text("this is not a video\n")
    assert_clean_refusal(run_senim("label", fake, "-o", tmp_path / "o.mp4", env_home=senim_home), "MP4", "text")
    assert_clean_refusal(run_senim("verify", fake, env_home=senim_home), "MP4", "text")
    assert not (tmp_path / "o.mp4").exists()


@pytest.mark.parametrize("name", ["huge.png", "huge.mp4"])
def test_two_gigabyte_file_is_refused_by_size(tmp_path, senim_home, name):
    huge = tmp_path / name
    subprocess.run(["truncate", "-s", "2G", str(huge)], check=True)  # sparse: takes no disk space
    assert_clean_refusal(run_senim("label", huge, "-o", tmp_path / f"o-{name}", env_home=senim_home),
                         "2,048 MiB", "limit")
    assert_clean_refusal(run_senim("verify", huge, env_home=senim_home), "limit")
    assert not (tmp_path / f"o-{name}").exists()


def test_empty_and_missing_and_unsupported(tmp_path, senim_home):
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x")
    assert_clean_refusal(run_senim("label", tmp_path / "empty.wav", "-o", tmp_path / "o.wav", env_home=senim_home),
                         "empty")
    assert_clean_refusal(run_senim("verify", tmp_path / "nowhere.png", env_home=senim_home), "no such file")
    assert_clean_refusal(run_senim("label", tmp_path / "notes.txt", "-o", tmp_path / "o.txt", env_home=senim_home),
                         "unsupported type")


@pytest.mark.parametrize("name", ["nosuch.png", "nosuch.jpeg", "nosuch"])
def test_a_missing_file_is_said_to_be_missing(tmp_path, senim_home, name):
    """Not "unsupported type", whatever the missing name ends with."""
    missing = tmp_path / name
    for args in (("verify", missing), ("label", missing, "-o", tmp_path / "out")):
        done = run_senim(*args, env_home=senim_home)
        assert_clean_refusal(done)
        assert done.stderr.strip() == f"senim: {missing}: no such file", (args, done.stderr)
    assert not (tmp_path / "out").exists()
    assert not senim_home.exists()  # refused before any key was made


def test_missing_folder_and_key_files_are_named(samples, tmp_path, senim_home):
    folder = tmp_path / "nowhere"
    done = run_senim("verify", folder, "--report", env_home=senim_home)
    assert_clean_refusal(done)
    assert done.stderr.strip() == f"senim: {folder}: no such folder"
    anchors = tmp_path / "roots.pem"
    done = run_senim("verify", samples["png"], "--trust-anchors", anchors, env_home=senim_home)
    assert_clean_refusal(done)
    assert done.stderr.strip() == f"senim: {anchors}: --trust-anchors: no such file"
    key, cert = tmp_path / "my.key", tmp_path / "chain.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    done = run_senim("label", samples["png"], "-o", tmp_path / "o.png", "--key", key, "--cert", cert,
                     env_home=senim_home)
    assert_clean_refusal(done)
    assert done.stderr.strip() == f"senim: {key}: --key: no such file"


def test_output_type_must_match(samples, tmp_path, senim_home):
    done = run_senim("label", samples["png"], "-o", tmp_path / "o.jpg", env_home=senim_home)
    assert_clean_refusal(done, "PNG")


def test_unreachable_time_stamp_authority_writes_nothing(samples, tmp_path, senim_home):
    dest = tmp_path / "o.png"
    done = run_senim("label", samples["png"], "-o", dest, "--tsa", "http://127.0.0.1:9/", env_home=senim_home)
    assert_clean_refusal(done, "time stamp")
    assert not dest.exists() and no_leftovers(tmp_path) == []


def _other_tool_png(samples, folder, source_type: str) -> tuple:
    """A PNG signed directly with c2pa-python by 'OtherTool', with its own CA."""
    import c2pa

    from senim.provenance.keys import init_keys

    key_path, chain_path, ca_path = init_keys("Other tool signer")
    manifest = {"claim_generator_info": [{"name": "OtherTool", "version": "9"}],
                "assertions": [{"label": "c2pa.actions", "data": {"actions": [
                    {"action": "c2pa.created", "digitalSourceType": source_type}]}}]}
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(
        c2pa.C2paSigningAlg.ES256, chain_path.read_bytes(), key_path.read_bytes(), None))
    out = io.BytesIO()
    with c2pa.Builder(manifest) as builder:
        builder.sign(signer, "image/png", io.BytesIO(samples["png"].read_bytes()), out)
    path = folder / "camera.png"
    path.write_bytes(out.getvalue())
    return path, ca_path


def test_manifest_from_another_tool_is_reported_not_crashed(samples, tmp_path, senim_home):
    path, _ = _other_tool_png(samples, tmp_path, "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture")
    done = run_senim("verify", "--format", "json", path, env_home=senim_home)
    assert done.returncode == 1, done.stderr
    [result] = json.loads(done.stdout)
    assert result["valid"] is True and result["labelled"] is False
    assert result["digital_source_type"].endswith("/digitalCapture")
    assert any("OtherTool" in issue and "no AI" in issue for issue in result["issues"])


def test_labelling_over_another_tools_manifest_keeps_it_as_parent(samples, session_key, tmp_path):
    import c2pa

    path, _ = _other_tool_png(samples, tmp_path, "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture")
    key, _ = session_key
    out = tmp_path / "labelled.png"
    label_file(path, out, key=key, generator="FaceSwap 3")
    with c2pa.Reader("image/png", io.BytesIO(out.read_bytes())) as reader:
        store = json.loads(reader.json())
        assert reader.get_validation_state() == "Valid"
    active = store["manifests"][store["active_manifest"]]
    assert len(store["manifests"]) == 2  # the other tool's manifest is kept in the store
    assert [i["relationship"] for i in active["ingredients"]] == ["parentOf"]
    others = [m for k, m in store["manifests"].items() if k != store["active_manifest"]]
    assert others[0]["claim_generator_info"][0]["name"] == "OtherTool"
    assert verify_file(out)["labelled"] is True


def _png_with_chunk(data: bytes, kind: bytes, body: bytes) -> bytes:
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    at = data.index(b"IDAT") - 4
    return data[:at] + chunk + data[at:]


def test_garbage_manifest_store_gets_a_sentence(samples, session_key, tmp_path):
    junk = tmp_path / "junk.png"
    # A well-formed PNG chunk of the C2PA type whose content is not a manifest store.
    junk.write_bytes(_png_with_chunk(samples["png"].read_bytes(), b"caBX", b"\x00\x00\x00\x20jumb" + b"x" * 200))
    result = verify_file(junk)
    assert result["valid"] is False and result["labelled"] is False
    assert any("cannot be read" in issue for issue in result["issues"]), result["issues"]
    # Labelling it either works or refuses with InputError; it never crashes.
    key, _ = session_key
    try:
        label_file(junk, tmp_path / "out.png", key=key)
    except InputError as error:
        assert "junk.png" in str(error)
    else:
        assert verify_file(tmp_path / "out.png")["valid"] is True


def test_folder_with_one_bad_file_labels_the_rest(samples, tmp_path, senim_home):
    src = tmp_path / "in"
    copy(samples["png"], src)
    copy(samples["md"], src / "posts")
    (src / "bad.jpg").write_bytes(samples["jpg"].read_bytes()[:3000])
    (src / "readme.txt").write_text("not media")
    done = run_senim("label", src, "-o", tmp_path / "out", "--lang", "ru", env_home=senim_home)
    assert done.returncode == 2
    assert "bad.jpg" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "out" / "sample.png").is_file()
    assert (tmp_path / "out" / "posts" / "sample.md").is_file()
    assert (tmp_path / "out" / "posts" / "sample.md.c2pa").is_file()
    assert not (tmp_path / "out" / "bad.jpg").exists()
    assert not (tmp_path / "out" / "readme.txt").exists()


def test_animated_webp_is_refused_not_cut_to_one_frame(tmp_path, session_key):
    from PIL import Image

    frames = [Image.new("RGB", (64, 48), (i * 60, 20, 20)) for i in range(3)]
    path = tmp_path / "anim.webp"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    key, _ = session_key
    with pytest.raises(InputError, match="animated WebP"):
        label_file(path, tmp_path / "out.webp", key=key)
    assert not (tmp_path / "out.webp").exists()


def test_jpeg_with_data_after_end_marker_is_accepted(samples, session_key, tmp_path):
    # Some cameras append data (a motion-photo video) after the end-of-image marker.
    path = tmp_path / "trailer.jpg"
    path.write_bytes(samples["jpg"].read_bytes() + b"\x00" * 16 + b"ftypmp42" + b"\x01" * 500)
    key, _ = session_key
    label_file(path, tmp_path / "out.jpg", key=key, warning=False)
    assert verify_file(tmp_path / "out.jpg")["valid"] is True
