"""A bundle for the regulator from an organisation that runs its own Senim.

    senim registry export --for-regulator DIR [--org BIN]
    senim registry verify DIR [--key KEY.pem]      # offline, no database
    senim registry import DIR                      # on the regulator's server

The bundle holds the organisation's ledger entries about its systems,
classifications, assessments, incidents and trusted-list applications, and
nothing else: no decision about a person, no letter, no evidence file, no
person or token. Each entry comes with its RFC 9162 inclusion proof against
the server's latest signed checkpoint (senim.registry.ledgerview), so that
the regulator checks, offline, that every entry is in the owner's one signed
ledger without seeing any entry left out. The proofs are checked with the
ledger's own `senim.ledger.store.check_proof`; nothing here signs or hashes
in its own way.

DIR/
  entries.jsonl    one entry a line: {"entry_text", "leaf_index", "path"}, canonical JSON
  checkpoint.json  {"body", "signature"}: the signed checkpoint the proofs lead to
  keys.json        {key id: public key PEM}
  bundle.json      the owner, the counts and the checkpoint's time, written from the above
  README.txt       how to check it

Every byte counts: bundle.json must be exactly what the entries and the
checkpoint give, README.txt exactly the text below, every line canonical
JSON, and no other file may be there. A bundle with one byte changed is
refused, whichever file the byte is in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from senim.errors import InputError
from senim.paths import new_folder
from senim.registry.models import ImportedBundle, LedgerOwner, Organisation
from senim.registry.records import iso, utc_now
from senim.registry.tenancy import DEFAULT_ORG, Actor, ledger

FORMAT = "senim-regulator-bundle/1"
FILES = ("README.txt", "bundle.json", "checkpoint.json", "entries.jsonl", "keys.json")
# The entries a regulator receives: the system and what the law has the owner report about it.
KINDS = ("organisation.added", "system.registered", "system.new_version", "assessment.recorded",
         "incident.opened", "incident.updated")
KIND_PREFIXES = ("trusted_list.",)

README = """A Senim bundle for the regulator: an organisation's systems, classifications,
assessments, incidents and trusted-list applications, from its ledger. No
decision about a person is in it.

Check it with:  senim registry verify THIS_FOLDER [--key ORGANISATION_KEY.pem]
and compare the printed signing key id with the one the organisation publishes.
Import it with: senim registry import THIS_FOLDER (or the regulator's upload page).

By hand: each line of entries.jsonl is canonical JSON (RFC 8785) with
entry_text, a ledger entry exactly as stored, its leaf_index and the path of
its RFC 9162 inclusion proof. The leaf hash is SHA-256(0x00 || entry_text as
UTF-8); the path leads to the root in checkpoint.json's body, which the
Ed25519 key named there (its id is the SHA-256 of the raw public key, in
keys.json) signed over the body's canonical JSON.
"""


class Refused(InputError):
    """A bundle that does not verify: nothing of it is imported."""


def _wanted(kind: str) -> bool:
    return kind in KINDS or kind.startswith(KIND_PREFIXES)


def _canonical_line(value: Any) -> str:
    from senim.ledger.canonical import canonical

    return canonical(value).decode("utf-8")


def _organisation(conn, bin_: str | None) -> dict[str, Any]:
    rows = conn.execute(select(Organisation).where(Organisation.authority.is_(False))).all()
    if bin_:
        found = [r for r in rows if r.bin == bin_]
        if not found:
            raise InputError(f"--org: no organisation with BIN {bin_} in this registry")
        return {"id": found[0].id, "name": found[0].name, "bin": found[0].bin}
    owning = {r.organisation_id for r in conn.execute(select(LedgerOwner.organisation_id).distinct())}
    candidates = [r for r in rows if r.id in owning and (r.bin or r.id == DEFAULT_ORG)]
    with_bin = [r for r in candidates if r.bin]
    if len(with_bin) == 1:
        return {"id": with_bin[0].id, "name": with_bin[0].name, "bin": with_bin[0].bin}
    if not with_bin and candidates:
        return {"id": candidates[0].id, "name": candidates[0].name, "bin": None}
    names = ", ".join(r.bin for r in with_bin) or "none"
    raise InputError(f"--org: this registry holds several organisations ({names}); give --org BIN")


def export(db, directory: str | Path, *, org_bin: str | None = None) -> dict[str, Any]:
    """Write the bundle of one organisation (by BIN; the only one when not given) into DIR."""
    from senim.ledger import keys as keymod
    from senim.ledger.store import stored_keys
    from senim.registry.ledgerview import _proofs

    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError(f"{directory}: DIR: exists and is not an empty folder")
    with db.read() as conn:
        owner = _organisation(conn, org_bin)
        seqs = list(conn.execute(select(LedgerOwner.seq).where(LedgerOwner.organisation_id == owner["id"])
                                 .order_by(LedgerOwner.seq)).scalars())
        proofs, cp = _proofs(conn, seqs)
        if cp is None:
            raise InputError(f"{db.display}: the ledger has no signed checkpoint yet")
        public = {kid: keymod.public_pem(key) for kid, key in stored_keys(conn).items()}
    lines = [_canonical_line({"entry_text": p["entry_text"], "leaf_index": p["leaf_index"], "path": p["path"]})
             for p in proofs if _wanted(p["entry"]["kind"])]
    checkpoint = {"body": json.loads(cp[2]), "signature": cp[3]}
    entries = [json.loads(json.loads(line)["entry_text"]) for line in lines]
    name, bin_ = _owner_of(entries)  # what the signed entries say, so that the regulator can check it
    if name is None and bin_ is None:
        raise InputError(f"{db.display}: {owner['name']} has no system in the ledger to send")
    summary = _summary(name or "", bin_, entries, checkpoint)
    with new_folder(directory) as tmp:
        _write(tmp / "entries.jsonl", "".join(line + "\n" for line in lines))
        _write(tmp / "checkpoint.json", _pretty(checkpoint))
        _write(tmp / "keys.json", _pretty(public))
        _write(tmp / "bundle.json", _pretty(summary))
        _write(tmp / "README.txt", README)
    return summary


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _summary(name: str, bin_: str | None, entries: list[dict[str, Any]], checkpoint: dict[str, Any]) -> dict[str, Any]:
    """What bundle.json says: all of it follows from the entries and the checkpoint."""
    kinds: dict[str, int] = {}
    for entry in entries:
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    return {"format": FORMAT, "organisation": {"name": name, "bin": bin_}, "entries": len(entries),
            "kinds": dict(sorted(kinds.items())), "tree_size": checkpoint["body"].get("size"),
            "signed_at": checkpoint["body"].get("time"), "key": checkpoint["body"].get("key")}


def _owner_of(entries: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """The organisation the entries speak for: its `organisation.added` entry, else its manifests' owner."""
    for entry in entries:
        if entry["kind"] == "organisation.added":
            return entry["data"].get("name"), entry["data"].get("bin")
    for entry in entries:
        if entry["kind"] in ("system.registered", "system.new_version"):
            owner = entry["data"].get("manifest", {}).get("owner") or {}
            return owner.get("name"), owner.get("bin")
    return None, None


def verify(directory: str | Path, trusted: dict[str, object] | None = None) -> dict[str, Any]:
    """Check a bundle offline; its summary, entries and key id. Raises Refused
    (one sentence naming the file and the problem) if any byte is wrong."""
    from senim.ledger import keys as keymod
    from senim.ledger.store import check_proof

    directory = Path(directory)
    if not directory.is_dir():
        raise Refused(f"{directory}: not a folder")
    present = sorted(p.name for p in directory.iterdir())
    if present != sorted(FILES):
        extra = sorted(set(present) - set(FILES))
        missing = sorted(set(FILES) - set(present))
        raise Refused(f"{directory}: " + ("; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) + ([f"not part of a bundle: {', '.join(extra)}"]
                                                                    if extra else []))))
    texts = {}
    for name in FILES:
        try:
            texts[name] = (directory / name).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(f"{directory / name}: not UTF-8 text") from None
    if texts["README.txt"] != README:
        raise Refused(f"{directory / 'README.txt'}: changed")
    try:
        checkpoint = json.loads(texts["checkpoint.json"])
        public = json.loads(texts["keys.json"])
    except ValueError as error:
        raise Refused(f"{directory}: checkpoint.json or keys.json: not JSON ({error})") from None
    if texts["checkpoint.json"] != _pretty(checkpoint) or texts["keys.json"] != _pretty(public):
        raise Refused(f"{directory}: checkpoint.json or keys.json: not as written (a byte was changed)")
    keys = {}
    try:
        for kid, pem in public.items():
            key = keymod.load_public_pem(pem)
            if keymod.key_id(key) != kid:
                raise Refused(f"{directory / 'keys.json'}: key {kid[:16]}: its id is not its key's SHA-256")
            keys[kid] = key
    except (ValueError, AttributeError, TypeError):
        raise Refused(f"{directory / 'keys.json'}: not a map of key ids to PEM public keys") from None
    if trusted is not None:
        keys = {kid: key for kid, key in keys.items() if kid in trusted}
    body = checkpoint.get("body") if isinstance(checkpoint, dict) else None
    if not isinstance(body, dict) or body.get("key") not in keys:
        raise Refused(f"{directory / 'checkpoint.json'}: not signed by a key of keys.json"
                      + (" that --key names" if trusted is not None else ""))
    entries, last = [], -1
    for number, line in enumerate(texts["entries.jsonl"].split("\n")[:-1] if texts["entries.jsonl"] else [], start=1):
        where = f"{directory / 'entries.jsonl'}:{number}"
        try:
            item = json.loads(line)
            canonical = _canonical_line(item) == line
        except Exception:  # noqa: BLE001 - not JSON, or not canonicalisable: the same refusal
            raise Refused(f"{where}: not canonical JSON") from None
        if not canonical or not isinstance(item, dict) or set(item) != {"entry_text", "leaf_index", "path"}:
            raise Refused(f"{where}: not canonical JSON with entry_text, leaf_index and path")
        if not isinstance(item["leaf_index"], int) or item["leaf_index"] <= last:
            raise Refused(f"{where}: entries out of order")
        last = item["leaf_index"]
        proof = {**item, "tree_size": body.get("size"), "checkpoint": checkpoint}
        try:
            good = check_proof(proof, keys)
        except Exception:  # noqa: BLE001 - a malformed path or root is a proof that fails
            good = False
        if not good:
            raise Refused(f"{where}: its inclusion proof does not lead to the signed checkpoint")
        entry = json.loads(item["entry_text"])
        if not _wanted(entry.get("kind", "")):
            raise Refused(f"{where}: a {entry.get('kind')!r} entry is not for the regulator")
        entries.append(entry)
    if texts["entries.jsonl"] and not texts["entries.jsonl"].endswith("\n"):
        raise Refused(f"{directory / 'entries.jsonl'}: the last line has no newline")
    try:
        claimed = json.loads(texts["bundle.json"])["organisation"]
    except (ValueError, KeyError, TypeError):
        raise Refused(f"{directory / 'bundle.json'}: not a bundle's summary") from None
    name, bin_ = _owner_of(entries)
    if name is None and bin_ is None:
        raise Refused(f"{directory / 'entries.jsonl'}: no entry names the organisation")
    if claimed.get("bin") != bin_:
        raise Refused(f"{directory / 'bundle.json'}: names BIN {claimed.get('bin')}, the entries {bin_}")
    summary = _summary(name or "", bin_, entries, checkpoint)
    if texts["bundle.json"] != _pretty(summary):
        raise Refused(f"{directory / 'bundle.json'}: does not match the entries and the checkpoint")
    digest = hashlib.sha256("".join(texts[n] for n in FILES).encode("utf-8")).hexdigest()
    return {"summary": summary, "entries": entries, "key_id": body["key"], "sha256": digest,
            "checkpoint": checkpoint, "keys": public, "lines": texts["entries.jsonl"]}


def import_bundle(db, directory: str | Path, *, actor: Actor | None = None,
                  trusted: dict[str, object] | None = None) -> dict[str, Any]:
    """Verify and keep a bundle (the verified bytes, to be checked again);
    ledgered. Importing the same bundle twice keeps it once."""
    checked = verify(directory, trusted)
    summary = checked["summary"]
    content = json.dumps({"lines": checked["lines"], "checkpoint": checked["checkpoint"], "keys": checked["keys"],
                          "summary": summary}, ensure_ascii=False)
    with db.write() as conn:
        known = conn.execute(select(ImportedBundle.id).where(ImportedBundle.bundle_sha256 == checked["sha256"])).scalar()
        if known is not None:
            return {"id": known, "status": "unchanged", **summary}
        number = (conn.execute(select(func.max(ImportedBundle.id))).scalar() or 0) + 1
        org = actor.org if actor is not None else _importer(conn)
        record = {"bundle": number, "organisation": summary["organisation"], "entries": summary["entries"],
                  "key": checked["key_id"], "sha256": checked["sha256"], "signed_at": summary["signed_at"]}
        entry = ledger(conn, "registry.bundle_imported", record, org, actor)
        conn.execute(insert(ImportedBundle).values(
            id=number, source_bin=summary["organisation"]["bin"], source_name=summary["organisation"]["name"],
            key_id=checked["key_id"], bundle_sha256=checked["sha256"], exported=summary["signed_at"] or "",
            imported=iso(utc_now()), content=content, ledger_seq=entry.seq))
    return {"id": number, "status": "imported", **summary}


def _importer(conn) -> int:
    """The CLI imports for the server's authority (the first), else the default organisation."""
    found = conn.execute(select(Organisation.id).where(Organisation.authority.is_(True))
                         .order_by(Organisation.id)).scalar()
    return found if found is not None else DEFAULT_ORG


def bundles(db) -> list[dict[str, Any]]:
    """Every imported bundle, newest first, checked again from its stored bytes."""
    with db.read() as conn:
        rows = conn.execute(select(ImportedBundle).order_by(ImportedBundle.id.desc())).all()
    return [_stored(r) for r in rows]


def _stored(row) -> dict[str, Any]:
    from senim.ledger import keys as keymod
    from senim.ledger.store import check_proof

    content = json.loads(row.content)
    keys = {kid: keymod.load_public_pem(pem) for kid, pem in content["keys"].items()}
    entries, ok = [], True
    for line in content["lines"].split("\n")[:-1] if content["lines"] else []:
        item = json.loads(line)
        ok = ok and check_proof({**item, "tree_size": content["checkpoint"]["body"].get("size"),
                                 "checkpoint": content["checkpoint"]}, keys)
        entries.append(json.loads(item["entry_text"]))
    return {"id": row.id, "owner": row.source_name, "bin": row.source_bin, "key_id": row.key_id,
            "exported": row.exported, "imported": row.imported, "sha256": row.bundle_sha256,
            "signature_ok": ok, "entries": entries, "ledger_seq": row.ledger_seq}


def _latest_per_owner(db) -> list[dict[str, Any]]:
    seen, found = set(), []
    for bundle in bundles(db):
        key = bundle["bin"] or bundle["owner"]
        if key not in seen:
            seen.add(key)
            found.append(bundle)
    return found


def _replay(entries: list[dict[str, Any]]) -> tuple[dict, dict, dict]:
    """Systems (latest version), latest assessments and incidents, from the entries in order."""
    systems, assessed, incidents = {}, {}, {}
    for entry in entries:
        data, kind = entry["data"], entry["kind"]
        if kind in ("system.registered", "system.new_version"):
            systems[data["system"]] = data
        elif kind == "assessment.recorded":
            assessed[data["system"]] = {"verdict": data.get("verdict"), "at": entry.get("time")}
        elif kind == "incident.opened":
            incidents[data["incident"]] = {k: v for k, v in data.items() if k != "incident"}
        elif kind == "incident.updated" and data.get("incident") in incidents:
            incidents[data["incident"]].update(data.get("changes") or {})
    return systems, assessed, incidents


def imported_systems(db) -> list[dict[str, Any]]:
    """The systems of the newest bundle of each organisation, as the regulator's view lists them."""
    found = []
    for bundle in _latest_per_owner(db):
        systems, assessed, incidents = _replay(bundle["entries"])
        open_by_system: dict[str, int] = {}
        for incident in incidents.values():
            if incident.get("status") != "closed":
                for system in incident.get("systems") or []:
                    open_by_system[system] = open_by_system.get(system, 0) + 1
        for system_id, data in sorted(systems.items()):
            kz = (data.get("classification") or {}).get("kz") or {}
            eu = (data.get("classification") or {}).get("eu") or {}
            last = assessed.get(system_id)
            found.append({"source": "bundle", "bundle": bundle["id"], "owner": bundle["owner"], "bin": bundle["bin"],
                          "organisation": None, "system": system_id, "name": data["manifest"].get("name"),
                          "version": data["version"], "kz_risk": kz.get("risk"), "eu_category": eu.get("category"),
                          "autonomy": kz.get("autonomy"), "assessment_verdict": last["verdict"] if last else None,
                          "assessment_date": last["at"] if last else None,
                          "open_incidents": open_by_system.get(system_id, 0),
                          "signature": f"{'verified' if bundle['signature_ok'] else 'not verified'} {bundle['key_id']}",
                          "signature_ok": bundle["signature_ok"], "key_id": bundle["key_id"],
                          "exported": bundle["exported"]})
    return found


def imported_incidents(db, now: datetime) -> list[dict[str, Any]]:
    from senim.registry.incidents import _with_deadlines

    found = []
    for bundle in _latest_per_owner(db):
        for number, record in sorted(_replay(bundle["entries"])[2].items()):
            incident = _with_deadlines(number, record, now)
            incident.update({"source": "bundle", "bundle": bundle["id"], "owner": bundle["owner"],
                             "bin": bundle["bin"], "organisation": None, "exported": bundle["exported"],
                             "signature_ok": bundle["signature_ok"]})
            found.append(incident)
    return found


# ------------------------------------------------------------------ for `senim registry`


@dataclass
class BundleCheck:
    """`check`'s answer: whether the bundle verifies, the problem if not, its
    summary and the id of the key that signed its checkpoint if so."""

    ok: bool
    problem: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    key_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problem": self.problem, **self.summary}


def check(directory: str | Path, key: str | Path | None = None) -> BundleCheck:
    """Verify a bundle offline (`verify`), with only the key in PEM file `key`
    accepted when one is given; a refusal is an answer, not an error."""
    from senim.ledger.keys import trusted_from_file

    try:
        checked = verify(directory, trusted_from_file(key))
    except Refused as refused:
        return BundleCheck(False, str(refused))
    return BundleCheck(True, None, checked["summary"], checked["key_id"])


def _whose(summary: dict[str, Any]) -> dict[str, Any]:
    return {"entries": summary["entries"], "organisation": summary["organisation"]["name"],
            "bin": summary["organisation"]["bin"] or "-"}


def exported_text(directory: str | Path, summary: dict[str, Any], lang: str = "en") -> str:
    """`export`'s summary in one line: the folder, whose entries, the signing key."""
    from senim.i18n import text

    return text("registry.bundle_exported", lang, directory=directory, signer=summary["key"][:16], **_whose(summary)) + "\n"


def check_text(checked: BundleCheck, lang: str = "en") -> tuple[str, list[str]]:
    """`check`'s answer in words: its line (for stdout) and the key to compare (for stderr)."""
    from senim.i18n import text

    if not checked.ok:
        return text("registry.bundle_refused", lang, problem=checked.problem) + "\n", []
    line = text("registry.bundle_ok", lang, signed_at=checked.summary["signed_at"], **_whose(checked.summary))
    return line + "\n", [text("registry.bundle_key", lang, signer=checked.key_id)]


def imported_text(directory: str | Path, done: dict[str, Any], lang: str = "en") -> str:
    """`import_bundle`'s answer in one line: imported or unchanged, its number, whose entries."""
    from senim.i18n import text

    return text("registry.bundle_imported", lang, directory=directory, id=done["id"],
                status=text(f"registry.bundle_status_{done['status']}", lang), **_whose(done)) + "\n"
