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
import shutil
import tempfile
from pathlib import Path

from senim.ledger import keys as keymod
from senim.ledger.chain import now
from senim.ledger.store import checkpoint_rows, iter_entries, stored_keys
from senim.ledger.verify import Verdict, verify_rows

FORMAT = "senim-ledger-bundle/1"

README = """A Senim ledger export.

Check it with:  senim ledger verify --bundle THIS_FOLDER [--key ORGANISATION_KEY.pem]
and compare the printed signing key id with the one the organisation publishes.

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
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
    try:
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
            "exported": now(),
        }
        (tmp / "README.txt").write_text(README, encoding="utf-8")
        (tmp / "bundle.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        if directory.exists():
            directory.rmdir()
        os.replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def _lines(path: Path):
    with open(path, encoding="utf-8", newline="\n") as handle:
        for line in handle:
            yield line[:-1] if line.endswith("\n") else line


def verify_bundle(directory: str | Path, trusted: dict[str, object] | None = None) -> Verdict:
    """Verify an exported bundle; `trusted` pins the keys (else keys.json is used)."""
    directory = Path(directory)
    for name in ("entries.jsonl", "checkpoints.jsonl", "keys.json"):
        if not (directory / name).is_file():
            return Verdict(ok=False, problem=f"{directory / name}: missing from the bundle")
    if trusted is None:
        trusted = {}
        try:
            for kid, pem in json.loads((directory / "keys.json").read_text(encoding="utf-8")).items():
                key = keymod.load_public_pem(pem)
                if keymod.key_id(key) == kid:
                    trusted[kid] = key
        except (ValueError, AttributeError, TypeError, RecursionError):  # a PEM that is not text; deep JSON
            return Verdict(ok=False, problem=f"{directory / 'keys.json'}: not a map of key ids to PEM public keys")

    def checkpoints():
        for number, line in enumerate(_lines(directory / "checkpoints.jsonl"), start=1):
            try:
                row = json.loads(line)
                yield (number, row["body"], row["signature"], None)
            except (ValueError, KeyError, TypeError):
                yield (number, "", "", None)

    def entries():
        for seq, line in enumerate(_lines(directory / "entries.jsonl"), start=1):
            yield (_seq_of(line, seq), line, None)

    return verify_rows(entries(), list(checkpoints()), trusted)


def _seq_of(line: str, position: int) -> int:
    """The seq an entry line claims (its position if unreadable), to name it."""
    try:
        value = json.loads(line)
        seq = value.get("seq")
        return seq if isinstance(seq, int) else position
    except (ValueError, AttributeError):
        return position
