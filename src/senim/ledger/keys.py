"""The organisation's Ed25519 ledger key, kept in SENIM_HOME/keys.

Created on first use (with a one-line notice, `senim.settings.notify`), written 0600 in a
0700 folder. The key id is the SHA-256 of the raw 32-byte public key, so a
regulator can compare it with the fingerprint the organisation publishes.
"""

from __future__ import annotations

from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from senim.settings import LEDGER_KEY as KEY_FILE  # noqa: F401 (its name, kept here too)


def key_path() -> Path:
    from senim.paths import keys_dir
    from senim.settings import current

    keys_dir()  # made owner-only
    return current().ledger_key


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    return sha256(raw_public(key)).hexdigest()


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_pem(text: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(text.encode() if isinstance(text, str) else text)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@lru_cache(maxsize=4)
def _load(path: str) -> Ed25519PrivateKey:
    from senim.paths import write_atomic

    file = Path(path)
    if not file.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            with open(file, "xb"):
                pass  # claim the name so that two first uses cannot make two keys
        except FileExistsError:
            return _load_existing(file)
        write_atomic(file, pem, private=True)
        from senim.settings import notify

        notify(f"created the ledger signing key {file} (id {key_id(key.public_key())[:16]})")
        return key
    return _load_existing(file)


def _load_existing(file: Path) -> Ed25519PrivateKey:
    from senim.errors import InputError, Word
    from senim.paths import read_key_file

    data = read_key_file(file, Word("errors.what.ledger_signing_key"))
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:  # not PEM, or a key with a password
        raise InputError(f"{file}: not an unencrypted Ed25519 private key in PEM ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{file}: not an Ed25519 private key")
    return key


def own_public_key() -> Ed25519PublicKey | None:
    """The public half of this home's ledger key, if the home has one (never made here)."""
    from senim.settings import current

    file = current().ledger_key
    if not file.is_file():
        return None
    return _load_existing(file).public_key()


def signing_key() -> Ed25519PrivateKey:
    """The organisation's ledger key, created on first use."""
    return _load(str(key_path()))


def trusted_from_file(path: str | Path | None) -> dict[str, Ed25519PublicKey] | None:
    """The one key a PEM file holds, as {key id: key}, for a check that must
    accept no other signer; None when no file is given."""
    if path is None:
        return None
    from senim.errors import ParameterError, Word
    from senim.reading import LIMITS, read_bounded

    data = read_bounded(Path(path), LIMITS["key"], Word("errors.what.public_key"))
    try:
        public = load_public_pem(data)
    except Exception:  # cryptography: ValueError, TypeError or UnsupportedAlgorithm
        raise ParameterError("not an Ed25519 public key (PEM)", file=str(path), field="key") from None
    return {key_id(public): public}
