"""Export, proofs and verification without the database."""

from __future__ import annotations

import json
import os
import shutil
from hashlib import sha256
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from ledger_fixtures import populated
from registry_helpers import fresh_pg_database, run_cli


def _root_from_path(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """Rebuild the root from a proof by RFC 9162's recursive split (independent
    of senim.ledger.merkle's iterative check)."""
    def climb(m: int, n: int, proof: list[bytes]) -> bytes:
        if n == 1:
            assert not proof
            return leaf
        k = 1
        while k * 2 < n:
            k *= 2
        *rest, sibling = proof
        if m < k:
            return sha256(b"\x01" + climb(m, k, rest) + sibling).digest()
        return sha256(b"\x01" + sibling + climb(m - k, n - k, rest)).digest()

    return climb(index, size, list(path))


def test_export_verifies_with_the_database_gone(tmp_path):
    # SQLite: delete the file; PostgreSQL: drop the database.
    for backend in ("sqlite", "postgresql"):
        if backend == "sqlite":
            url, drop = str(tmp_path / "gone.db"), None
        else:
            url, drop = fresh_pg_database()
        db = populated(url, tmp_path)
        bundle = tmp_path / f"bundle-{backend}"
        result = run_cli("ledger", "export", str(bundle), "--db", url)
        assert result.returncode == 0, result.stderr
        db.dispose()
        if drop:
            drop()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(url + suffix).unlink(missing_ok=True)
        result = run_cli("ledger", "verify", "--bundle", str(bundle), env={"SENIM_DB": str(tmp_path / "none.db")},
                         fresh=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "8 entries" in result.stdout
        assert not (tmp_path / "none.db").exists()  # no database was opened or created
        lines = (bundle / "entries.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 8


def test_a_changed_bundle_fails_and_names_the_entry(db_url, tmp_path):
    db = populated(db_url, tmp_path)
    bundle = tmp_path / "bundle"
    assert run_cli("ledger", "export", str(bundle), "--db", db_url).returncode == 0
    db.dispose()
    entries = (bundle / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    for seq in (1, 5, 8):
        broken = tmp_path / f"broken-{seq}"
        shutil.copytree(bundle, broken)
        changed = list(entries)
        changed[seq - 1] = changed[seq - 1].replace('"seq":', ' "seq":', 1)
        (broken / "entries.jsonl").write_text("\n".join(changed) + "\n", encoding="utf-8")
        result = run_cli("ledger", "verify", "--bundle", str(broken))
        assert result.returncode == 1 and f"entry {seq}" in result.stdout, result.stdout
    # dropping the last line is caught by the last signed checkpoint
    (broken / "entries.jsonl").write_text("\n".join(entries[:-1]) + "\n", encoding="utf-8")
    result = run_cli("ledger", "verify", "--bundle", str(broken))
    assert result.returncode == 1 and "entry 8" in result.stdout


def test_bundle_pinned_to_another_key_fails(tmp_path):
    url = str(tmp_path / "r.db")
    populated(url, tmp_path).dispose()
    bundle = tmp_path / "bundle"
    assert run_cli("ledger", "export", str(bundle), "--db", url).returncode == 0
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = tmp_path / "other.pem"
    other.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    result = run_cli("ledger", "verify", "--bundle", str(bundle), "--key", str(other))
    assert result.returncode == 1 and "checkpoint 1" in result.stdout
    ours = json.loads((bundle / "keys.json").read_text())
    (tmp_path / "ours.pem").write_text(next(iter(ours.values())))
    result = run_cli("ledger", "verify", "--bundle", str(bundle), "--key", str(tmp_path / "ours.pem"))
    assert result.returncode == 0, result.stdout


def test_inclusion_proof_checks_out_independently(db_url, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    db = populated(db_url, tmp_path)
    db.dispose()
    home = Path(os.environ["SENIM_HOME"])
    private = serialization.load_pem_private_key((home / "keys" / "ledger-ed25519.pem").read_bytes(), None)
    public: Ed25519PublicKey = private.public_key()
    for seq in range(1, 9):
        result = run_cli("ledger", "proof", str(seq), "--db", db_url)
        assert result.returncode == 0, result.stderr
        proof = json.loads(result.stdout)
        body = proof["checkpoint"]["body"]
        assert body["size"] == proof["tree_size"] == 8
        # the signed body is the canonical JSON of what is shown (checked with the yardstick)
        import rfc8785

        public.verify(bytes.fromhex(proof["checkpoint"]["signature"]), rfc8785.dumps(body))
        leaf = sha256(b"\x00" + proof["entry_text"].encode()).digest()
        assert json.loads(proof["entry_text"])["seq"] == seq
        rebuilt = _root_from_path(seq - 1, 8, leaf, [bytes.fromhex(h) for h in proof["path"]])
        assert rebuilt.hex() == body["root"]
    result = run_cli("ledger", "proof", "99", "--db", db_url)
    assert result.returncode == 2 and result.stderr.startswith("senim: ")
