"""`senim keys init`, labelling with the default key, and the folder audit."""

from __future__ import annotations

import json
import stat

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from provenance_helpers import change_one_content_byte, copy, run_senim


def test_keys_init_makes_owner_only_key_and_c2pa_chain(senim_home):
    done = run_senim("keys", "init", env_home=senim_home)
    assert done.returncode == 0, done.stderr
    assert "in production" in done.stderr and "verifiers trust" in done.stderr
    keys = senim_home / "keys"
    key, chain = keys / "c2pa-signer.key.pem", keys / "c2pa-signer.chain.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    end_entity, ca = x509.load_pem_x509_certificates(chain.read_bytes())
    assert isinstance(end_entity.public_key(), ec.EllipticCurvePublicKey)
    assert end_entity.public_key().curve.name == "secp256r1"
    usage = end_entity.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and not usage.value.key_cert_sign
    eku = end_entity.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36") in eku  # document signing
    assert end_entity.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    end_entity.verify_directly_issued_by(ca)

    # A second run keeps the key unless --force is given.
    before = key.read_bytes()
    assert run_senim("keys", "init", env_home=senim_home).returncode == 0
    assert key.read_bytes() == before
    assert run_senim("keys", "init", "--force", env_home=senim_home).returncode == 0
    assert key.read_bytes() != before


def test_label_makes_a_key_on_first_use_with_one_notice(samples, tmp_path, senim_home):
    first = run_senim("label", samples["png"], "-o", tmp_path / "a.png", env_home=senim_home)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("No signing key yet") == 1
    assert (senim_home / "keys" / "c2pa-signer.key.pem").is_file()
    second = run_senim("label", samples["png"], "-o", tmp_path / "b.png", "--lang", "kk", env_home=senim_home)
    assert second.returncode == 0 and "No signing key" not in second.stderr
    ca = senim_home / "keys" / "c2pa-local-ca.pem"
    done = run_senim("verify", "--format", "json", "--trust-anchors", ca, tmp_path / "a.png", tmp_path / "b.png",
                     env_home=senim_home)
    assert done.returncode == 0
    assert all(r["trusted"] for r in json.loads(done.stdout))


def test_label_with_explicit_key_and_chain(samples, session_key, tmp_path, senim_home):
    key, ca = session_key
    done = run_senim("label", samples["jpg"], "-o", tmp_path / "x.jpg", "--key", key.key_path, "--cert",
                     key.chain_path, "--generator", "Sora-like", "--format", "json", env_home=senim_home)
    assert done.returncode == 0, done.stderr
    assert not (senim_home / "keys").exists()  # no default key was made
    assert json.loads(done.stdout)["labelled"][0]["marks"] == ["c2pa", "visible-banner", "xmp"]
    half = run_senim("label", samples["jpg"], "-o", tmp_path / "y.jpg", "--key", key.key_path, env_home=senim_home)
    assert half.returncode == 2 and "--cert" in half.stderr


def test_verify_exit_codes(samples, labelled, tmp_path, senim_home):
    assert run_senim("verify", labelled["png"], labelled["wav"], env_home=senim_home).returncode == 0
    assert run_senim("verify", labelled["png"], samples["png"], env_home=senim_home).returncode == 1
    assert run_senim("verify", labelled["png"], tmp_path / "none.png", env_home=senim_home).returncode == 2


def test_folder_audit_sorts_labelled_unlabelled_altered(samples, labelled, tmp_path, senim_home):
    folder = tmp_path / "site"
    copy(labelled["png"], folder)
    copy(labelled["html"], folder / "news")
    copy(samples["jpg"], folder)  # never labelled
    altered = copy(labelled["webp"], folder / "img")
    change_one_content_byte(altered, "webp")
    stripped = copy(labelled["md"], folder / "drafts")
    (folder / "drafts" / "sample.md.c2pa").unlink()  # the credentials were lost
    (folder / "style.css").write_text("body{}")

    done = run_senim("verify", folder, "--report", "--format", "json", env_home=senim_home)
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)["summary"]
    names = {key: sorted(p.split("/site/")[1] for p in value) for key, value in summary.items()
             if key not in ("skipped", "unreadable")}
    assert names["labelled_valid"] == ["news/sample.html", "sample.png"]
    assert names["altered"] == ["img/sample.webp"]
    assert names["invalid"] == ["drafts/sample.md"]  # labelled in front matter, but no valid signature
    assert names["unlabelled"] == ["sample.jpg"]
    assert summary["skipped"] == ["style.css"]
    assert stripped.exists()

    text = run_senim("verify", folder, "--report", "--lang", "ru", env_home=senim_home)
    assert "Изменены после маркировки (1)" in text.stdout
