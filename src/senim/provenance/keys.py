"""Signing keys for content credentials.

`init_keys` makes a local P-256 certificate authority and an end-entity
certificate with the extensions the C2PA library requires (see
dependency-notes): good for trying things out, not for production, where
the certificate must come from a CA that verifiers trust.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from senim.errors import InputError, ParameterError
from senim.paths import keys_dir, write_atomic
from senim.settings import LOCAL_CA as CA_NAME, SIGNER_CHAIN as CHAIN_NAME, SIGNER_KEY as KEY_NAME  # noqa: F401

# The C2PA profile asks for document signing in the extended key usage.
DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36"


@dataclass(frozen=True)
class SigningKey:
    key_pem: bytes
    chain_pem: bytes
    key_path: Path | None = None
    chain_path: Path | None = None


def default_paths() -> tuple[Path, Path, Path]:
    from senim.settings import current

    keys_dir()  # made owner-only
    settings = current()
    return settings.signer_key, settings.signer_chain, settings.local_ca


def init_keys(common_name: str = "Senim local signer", *, force: bool = False) -> tuple[Path, Path, Path]:
    """Create the local CA and signer under SENIM_HOME/keys; returns (key, chain, ca) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key_path, chain_path, ca_path = default_paths()
    if key_path.exists() and chain_path.exists() and not force:
        return key_path, chain_path, ca_path

    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "Senim local test CA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Senim local test (not a trusted CA)"),
    ])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True,
            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    ee_key = ec.generate_private_key(ec.SECP256R1())
    ee_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Senim local test"),
        ]))
        .issuer_name(ca_name)
        .public_key(ee_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False,
            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([
            ExtendedKeyUsageOID.EMAIL_PROTECTION, x509.ObjectIdentifier(DOCUMENT_SIGNING)]),
            critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ee_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    pem = serialization.Encoding.PEM
    key_bytes = ee_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    ca_pem = ca_cert.public_bytes(pem)
    write_atomic(key_path, key_bytes, private=True)
    write_atomic(chain_path, ee_cert.public_bytes(pem) + ca_pem)
    write_atomic(ca_path, ca_pem)
    # The CA key is not kept: nothing more is ever issued from it.
    return key_path, chain_path, ca_path


def load_signing_key(key: Path | None = None, chain: Path | None = None) -> tuple[SigningKey, bool]:
    """The key to sign with, and whether it was just created."""
    if (key is None) != (chain is None):
        raise InputError("key and chain: give both the private key and the certificate chain, or neither")
    created = False
    if key is None:
        key, chain, _ = default_paths()
        if not (key.exists() and chain.exists()):
            init_keys()
            created = True
    assert chain is not None
    for path, parameter in ((key, "key"), (chain, "chain")):
        if not Path(path).exists():
            raise ParameterError("no such file", file=path, field=parameter)
        if not Path(path).is_file():
            raise ParameterError("is a folder, not a PEM file", file=path, field=parameter)
    key_pem, chain_pem = Path(key).read_bytes(), Path(chain).read_bytes()
    if b"PRIVATE KEY-----" not in key_pem:
        raise InputError(f"{key}: line 1: not a PEM private key")
    if b"BEGIN CERTIFICATE" not in chain_pem:
        raise InputError(f"{chain}: line 1: not a PEM certificate chain")
    return SigningKey(key_pem, chain_pem, Path(key), Path(chain)), created
