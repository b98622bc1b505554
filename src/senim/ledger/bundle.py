"""An export bundle a regulator can verify on their own machine, no database.

DIR/
  entries.jsonl      each stored entry, byte for byte, one a line
  checkpoints.jsonl  {"body": <signed checkpoint text>, "signature": hex}, one a line
  keys.json          {key id: public key PEM}
  bundle.json        counts, the latest root and when it was exported
The bundle is written into a temporary folder and renamed, so it is never
half there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from senim.errors import Word
from senim.ledger import keys as keymod
from senim.ledger.chain import now
from senim.ledger.store import checkpoint_rows, iter_entries, stored_keys
from senim.ledger.verify import Verdict, verify_rows
from senim.paths import new_folder

FORMAT = "senim-ledger-bundle/1"

README = """A Senim ledger export.

Check it with:  senim ledger verify --bundle THIS_FOLDER [--key ORGANISATION_KEY.pem]
                [--since SIZE:ROOT of the bundle you checked before]
and compare the printed signing key id with the one the organisation publishes
(`senim keys show`). Keep "since" from bundle.json for the next bundle.

By hand: line n of entries.jsonl is entry n, canonical JSON (RFC 8785) with
fields seq, time, kind, data, prev, and actor (who made the change)
when one was named. Its leaf hash is SHA-256(0x00 || line as
UTF-8); prev is the leaf hash of entry n-1 (64 zeros for entry 1). The Merkle
tree over the leaf hashes follows RFC 9162 (node = SHA-256(0x01 || left ||
right)). Each line of checkpoints.jsonl holds a body, canonical JSON naming
the tree size and root, and an Ed25519 signature of the body's UTF-8 bytes by
the key whose id (SHA-256 of the raw public key) is in the body and keys.json.
"""


def export(conn, directory: str | Path) -> dict:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory}: folder exists and is not empty")
    with new_folder(directory) as tmp:
        count = 0
        with open(tmp / "entries.jsonl", "w", encoding="utf-8", newline="\n") as out:
            for _seq, text, _hash in iter_entries(conn):
                out.write(text + "\n")
                count += 1
        cps = checkpoint_rows(conn, with_frontier=False)
        with open(tmp / "checkpoints.jsonl", "w", encoding="utf-8", newline="\n") as out:
            for _id, body, signature, _ in cps:
                out.write(json.dumps({"body": body, "signature": signature}, ensure_ascii=False) + "\n")
        keys = {kid: keymod.public_pem(key) for kid, key in stored_keys(conn).items()}
        (tmp / "keys.json").write_text(json.dumps(keys, indent=2) + "\n", encoding="utf-8")
        summary = {
            "format": FORMAT,
            "entries": count,
            "checkpoints": len(cps),
            "latest_checkpoint": json.loads(cps[-1][1]) if cps else None,
            # Kept by the regulator: `ledger verify --since SIZE:ROOT` on the next bundle
            # shows that it extends this one (no entry cut or rewritten).
            "latest_signature": cps[-1][2] if cps else None,
            "since": f"{json.loads(cps[-1][1])['size']}:{json.loads(cps[-1][1])['root']}" if cps else None,
            "exported": now(),
        }
        (tmp / "README.txt").write_text(README, encoding="utf-8")
        (tmp / "bundle.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


# What a bundle's files may hold (docs/security.md, "Ledger trust model").
MAX_KEYS_BYTES = 1 << 20  # keys.json: a few hundred bytes a key
MAX_CHECKPOINT_LINE = 64 << 10  # a signed body is about 300 bytes
MAX_ENTRY_LINE = 16 << 20  # an entry holds at most a manifest (1 MB) and its classification


def _lines(path: Path, limit: int, what: str | Word):
    """(line number, text) of a JSON Lines file, streamed, each line bounded."""
    from senim.errors import InputError
    from senim.reading import open_regular, size_words

    fd = open_regular(path, what)
    with os.fdopen(fd, "rb") as handle:
        for number, raw in enumerate(iter(lambda: handle.readline(limit + 2), b""), start=1):
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if len(line) > limit:
                raise InputError(f"line {number} is longer than {size_words(limit)}, the bound of a line of {what}",
                                 file=path, line=number)
            try:
                yield number, line.decode("utf-8")
            except UnicodeDecodeError as error:
                raise InputError(f"not UTF-8 (byte {error.start + 1})", file=path, line=number) from None


def listed_keys(directory: Path) -> dict[str, object]:
    """keys.json: {key id: PEM}, each id the SHA-256 of its key; one sentence otherwise."""
    from senim.errors import InputError
    from senim.reading import read_bounded

    file = directory / "keys.json"
    data = read_bounded(file, MAX_KEYS_BYTES, Word("errors.what.bundle_key_list"))
    try:
        listed = json.loads(data)
    except (ValueError, RecursionError):
        raise InputError("not JSON (or nested too deeply)", file=file) from None
    if not isinstance(listed, dict):
        raise InputError("not a map of key ids to PEM public keys", file=file)
    keys = {}
    for kid, pem in listed.items():
        if not isinstance(pem, str):
            raise InputError(f"key {kid[:16]}: the public key is not PEM text", file=file)
        try:
            key = keymod.load_public_pem(pem)
        except Exception:  # cryptography raises ValueError, TypeError or UnsupportedAlgorithm
            raise InputError(f"key {kid[:16]}: not an Ed25519 public key in PEM", file=file) from None
        if keymod.key_id(key) != kid:
            raise InputError(f"key {kid[:16]}: the id is not the SHA-256 of its public key", file=file)
        keys[kid] = key
    return keys


def bundle_genesis(directory: Path) -> str | None:
    """The leaf hash of the bundle's entry 1, or None for an empty bundle."""
    from senim.ledger.merkle import leaf_hash

    for _number, line in _lines(directory / "entries.jsonl", MAX_ENTRY_LINE, Word("errors.what.bundle_entries")):
        return leaf_hash(line.encode("utf-8")).hex()
    return None


def verify_bundle(directory: str | Path, trusted: dict[str, object] | None = None, since=None) -> Verdict:
    """Verify an exported bundle; `trusted` are the keys to accept (default:
    those keys.json lists), `since` a checkpoint seen before. A file that is
    not what a bundle holds is an InputError (one sentence), not a verdict."""
    from senim.errors import InputError

    directory = Path(directory)
    for name in ("entries.jsonl", "checkpoints.jsonl", "keys.json"):
        if not os.path.lexists(directory / name):  # a FIFO or device is refused when opened
            raise InputError(f"{directory / name}: missing from the bundle")
    listed = listed_keys(directory)
    trusted = listed if trusted is None else trusted
    cp_file = directory / "checkpoints.jsonl"

    def checkpoints():
        for number, line in _lines(cp_file, MAX_CHECKPOINT_LINE, Word("errors.what.bundle_checkpoints")):
            try:
                row = json.loads(line)
            except (ValueError, RecursionError):
                raise InputError("not JSON (or nested too deeply)", file=cp_file, line=number) from None
            if not isinstance(row, dict) or not isinstance(row.get("body"), str) \
                    or not isinstance(row.get("signature"), str):
                raise InputError("not an object with a body and a signature, both text", file=cp_file, line=number)
            yield (number, row["body"], row["signature"], None)

    entries_file = directory / "entries.jsonl"

    def entries():
        for number, line in _lines(entries_file, MAX_ENTRY_LINE, Word("errors.what.bundle_entries")):
            yield (number, line, None)

    def unreadable(number: int) -> Exception:
        return InputError("not JSON (or nested too deeply)", file=entries_file, line=number)

    return verify_rows(entries(), list(checkpoints()), trusted, since=since, unreadable=unreadable)
