"""C2PA content credentials through the reference library (c2pa-python).

The manifest states the action (created or edited), the IPTC digital source
type, the generator as software agent and Senim as claim generator. Signing
needs no network unless a time-stamp authority is named.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO

from senim.errors import InputError
from senim.provenance.keys import SigningKey

ACTIONS_PREFIX = "c2pa.actions"  # the SDK stores it as c2pa.actions.v2
WARNING_LABEL = "kz.senim.warning"  # the perceivable warning, as text, for verifiers to show


@lru_cache(maxsize=1)
def _version() -> str:
    try:
        from importlib.metadata import version

        return version("senim")
    except Exception:  # not installed as a distribution (e.g. run from a checkout)
        return "0"


def manifest_definition(*, action: str, digital_source_type: str, generator: str, title: str,
                        warning: dict | None) -> dict:
    act = {"action": action, "digitalSourceType": digital_source_type, "softwareAgent": {"name": generator}}
    assertions = [{"label": "c2pa.actions", "data": {"actions": [act]}}]
    if warning:
        # What the person sees or hears, so that a verifier can show it too.
        assertions.append({"label": WARNING_LABEL, "data": warning})
    return {
        "claim_generator_info": [{"name": "Senim", "version": _version()}],
        "title": title,
        "assertions": assertions,
    }


# Never reach the network while reading: a manifest stored at a URL in the file
# is not fetched (the reader says so), and neither is an OCSP answer.
OFFLINE = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}


def _context(settings: dict):
    import c2pa

    return c2pa.Context(c2pa.Settings.from_dict(settings))


def reading_context(trust_anchors: str | None = None):
    """The reader's settings: offline, with the trust anchors given (PEM text), if any."""
    settings = {"verify": dict(OFFLINE["verify"])}
    if trust_anchors:
        settings["trust"] = {"trust_anchors": trust_anchors}
    return _context(settings)


@lru_cache(maxsize=1)
def _offline_context():
    return reading_context()


@lru_cache(maxsize=1)
def _signing_context():
    # Built once per process: no thumbnail (it would add ~75 KB to a small file).
    return _context({"builder": {"thumbnail": {"enabled": False}}, **OFFLINE})


def make_signer(key: SigningKey, tsa_url: str | None = None):
    import c2pa

    try:
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, key.chain_pem, key.key_pem, tsa_url)
        return c2pa.Signer.from_info(info)
    except Exception as error:
        where = key.key_path or "key"
        raise InputError(f"{where}: signing key: the C2PA library refused the key or chain ({_short(error)})") from None


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


def sign(definition: dict, signer, mime: str, source: BinaryIO, dest: BinaryIO, *, name: str,
         parent: tuple[BinaryIO, str] | None = None, edit: bool = False, sidecar: bool = False) -> bytes:
    """Sign `source` into `dest`; returns the manifest bytes (the sidecar when sidecar=True).

    `parent` is the original file: for an edit (the SDK's EDIT intent, which
    adds the `c2pa.opened` action the specification asks for first), or when
    it already carries a manifest from another tool, whose history is kept.
    """
    import c2pa

    try:
        with c2pa.Builder(definition, _signing_context()) as builder:
            if edit:
                builder.set_intent(c2pa.C2paBuilderIntent.EDIT)
            if parent is not None:
                stream, parent_mime = parent
                builder.add_ingredient({"title": name, "relationship": "parentOf"}, parent_mime, stream)
            if sidecar:
                builder.set_no_embed()
            return builder.sign(signer, mime, source, dest)
    except Exception as error:
        message = _short(error)
        if "tsa" in message.lower() or "timestamp" in message.lower() or "http" in message.lower():
            raise InputError(f"{name}: time stamp: the time-stamp authority could not be reached ({message})") from None
        raise InputError(f"{name}: C2PA signing failed: {message}") from None


# The reader's validation state, as Senim's verification states name it.
STATES = {"Trusted": "valid", "Valid": "untrusted", "Invalid": "invalid"}

# Failure codes that say whom to trust, not that anything is broken: the
# reader keeps the state Valid for them (outside finding D4).
UNTRUSTED_CODES = ("signingCredential.untrusted", "cawg.x509.credential.untrusted")


@dataclass
class CredentialReport:
    present: bool = False
    state: str | None = None  # the reader's: Valid | Trusted | Invalid
    signer: str | None = None
    issuer: str | None = None
    claim_generator: str | None = None
    generator: str | None = None
    actions: list = field(default_factory=list)
    digital_source_type: str | None = None
    warning: dict | None = None
    failures: list = field(default_factory=list)
    untrusted: bool = True
    untrusted_codes: list = field(default_factory=list)
    signing_time: str | None = None
    remote: bool = False  # the manifest is stored at a URL, which is not fetched
    error: str | None = None


def has_manifest(mime: str, data: bytes | BinaryIO) -> bool:
    """Whether the file already carries a C2PA manifest (from any tool)."""
    import c2pa

    if isinstance(data, (bytes, bytearray)) and b"c2pa" not in data:
        return False  # every embedded manifest store carries its "c2pa" label
    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    try:
        with c2pa.Reader(mime, stream, context=_offline_context()):
            return True
    except Exception:
        return False
    finally:
        if not isinstance(data, (bytes, bytearray)):
            stream.seek(0)


def read(mime: str, stream: BinaryIO, *, manifest_data: bytes | None = None,
         trust_anchors: str | None = None) -> CredentialReport:
    """What the C2PA reference reader says about a file; never raises for a bad manifest."""
    import c2pa

    report = CredentialReport()
    context = reading_context(trust_anchors) if trust_anchors else _offline_context()
    try:
        with c2pa.Reader(mime, stream, manifest_data, context=context) as reader:
            report.present = True
            report.state = reader.get_validation_state()
            store = json.loads(reader.json())
    except Exception as error:
        message = _short(error)
        if "ManifestNotFound" in message or "no JUMBF" in message or "JumbfNotFound" in message:
            return report
        report.present = True
        report.state = "Invalid"
        report.remote = message.startswith("Remote:")
        report.error = message
        report.failures.append({"code": "manifest.unreadable", "explanation": message})
        return report

    active = store.get("manifests", {}).get(store.get("active_manifest") or "", {})
    info = active.get("signature_info") or {}
    report.signer = info.get("common_name")
    report.issuer = info.get("issuer")
    report.signing_time = info.get("time")
    generators = active.get("claim_generator_info") or []
    report.claim_generator = (generators[0].get("name") if generators else None) or active.get("claim_generator")
    for assertion in active.get("assertions", []):
        if assertion.get("label") == WARNING_LABEL:
            report.warning = assertion.get("data")
        if str(assertion.get("label", "")).startswith(ACTIONS_PREFIX):
            for act in (assertion.get("data") or {}).get("actions", []):
                report.actions.append(act.get("action"))
                if act.get("digitalSourceType") and not report.digital_source_type:
                    report.digital_source_type = act["digitalSourceType"]
                agent = act.get("softwareAgent")
                if agent and not report.generator:
                    report.generator = agent.get("name") if isinstance(agent, dict) else str(agent)
    results = (store.get("validation_results") or {}).get("activeManifest") or {}
    failures = results.get("failure", [])
    report.failures = [{"code": item.get("code"), "explanation": item.get("explanation")}
                       for item in failures if item.get("code") not in UNTRUSTED_CODES]
    # Failures in ingredients make the state Invalid too; the reader lists them all here.
    for item in store.get("validation_status") or []:
        entry = {"code": item.get("code"), "explanation": item.get("explanation")}
        if entry["code"] not in UNTRUSTED_CODES and entry not in report.failures:
            report.failures.append(entry)
    report.untrusted_codes = sorted({item.get("code") for item in failures if item.get("code") in UNTRUSTED_CODES})
    codes = {item.get("code") for item in results.get("success", [])}
    report.untrusted = "signingCredential.trusted" not in codes
    return report
