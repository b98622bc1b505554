"""Signed JSON reports: the organisation's Ed25519 key over the RFC 8785 form.

The signature covers the canonical JSON of the report without its
`signature` member; the file itself is the report written in one fixed
layout (sorted keys, two-space indent, UTF-8), so `verify` also refuses a
file whose bytes differ from that layout: one changed byte anywhere, even
in white space, fails.
"""

from __future__ import annotations

import base64
import json
from typing import Any

ALGORITHM = "Ed25519"
CANONICALIZATION = "RFC 8785"


def layout(document: dict[str, Any]) -> bytes:
    """The one byte layout of a report file."""
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def sign(report: dict[str, Any]) -> dict[str, Any]:
    """The report with a `signature` member, signed with the organisation's key."""
    from senim.ledger.canonical import canonical
    from senim.ledger.keys import key_id, public_pem, signing_key

    body = {k: v for k, v in report.items() if k != "signature"}
    key = signing_key()
    value = key.sign(canonical(body))
    return {**body, "signature": {"algorithm": ALGORITHM, "canonicalization": CANONICALIZATION,
                                  "key_id": key_id(key.public_key()), "public_key": public_pem(key.public_key()),
                                  "value": base64.b64encode(value).decode("ascii")}}


def verify(blob: bytes, expected_key_id: str | None = None) -> tuple[bool, str]:
    """(True, key id) when the signature holds, else (False, the problem)."""
    from cryptography.exceptions import InvalidSignature

    from senim.ledger.canonical import canonical
    from senim.ledger.keys import key_id, load_public_pem

    try:
        document = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return False, f"not JSON ({type(error).__name__})"
    if not isinstance(document, dict) or not isinstance(document.get("signature"), dict):
        return False, "has no signature"
    signature = document["signature"]
    if signature.get("algorithm") != ALGORITHM or signature.get("canonicalization") != CANONICALIZATION:
        return False, f"unknown signature algorithm {signature.get('algorithm')!r}"
    try:
        public = load_public_pem(signature["public_key"])
        value = base64.b64decode(signature["value"], validate=True)
    except (KeyError, ValueError, TypeError) as error:
        return False, f"the signature block is damaged ({type(error).__name__})"
    found_id = key_id(public)
    if found_id != signature.get("key_id"):
        return False, "the key id does not match the public key"
    if expected_key_id and found_id != expected_key_id and not found_id.startswith(expected_key_id):
        return False, f"signed with key {found_id[:16]}, not the expected {expected_key_id[:16]}"
    body = {k: v for k, v in document.items() if k != "signature"}
    try:
        public.verify(value, canonical(body))
    except InvalidSignature:
        return False, "the content does not match the signature"
    except Exception as error:  # a value without a canonical form cannot have been signed
        return False, f"the content cannot be canonicalised ({type(error).__name__})"
    if layout(document) != blob:
        return False, "the file's bytes differ from the signed layout"
    return True, found_id
