"""The ledger of a registry, checked and proven: what `senim ledger` does.

`verify_ledger` checks a registry (its ledger and its tables against it) or an
exported bundle, with the keys chosen as docs/security.md says (a key given,
else the keys pinned on this machine, else this home's own key, else the
ledger's own on first use, which are then pinned); `consistency_check`,
`inclusion` and `export_bundle` give the RFC 9162 proofs and the bundle.

`db` is a Database, or a path or URL (None: SENIM_DB, else ./senim.db) that
is opened read-only after the other values are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from senim.errors import InputError, ParameterError


def _read_only(db: Any):
    from senim.registry.db import opened

    return opened(db, readonly=True)


@dataclass
class LedgerCheck:
    """A verify's verdict (senim.ledger.verify.Verdict), how its keys were
    chosen (`trust`: given, pinned, own or first use) and whether the ledger
    was pinned by this check (`pinned_now`)."""

    verdict: Any
    trust: str
    pinned_now: bool = False

    @property
    def ok(self) -> bool:
        return self.verdict.ok

    def to_dict(self) -> dict[str, Any]:
        return {**self.verdict.as_dict(), "trust": self.trust}


def verify_ledger(db: Any = None, *, bundle: str | Path | None = None, key: str | Path | None = None,
                  since: str | None = None) -> LedgerCheck:
    """Check the chain, the canonical form, the Merkle roots and the signatures
    of a registry's ledger (and its tables against it), or of the bundle folder
    `bundle` (no database then). `key`: a PEM file, the only signer accepted;
    `since`: SIZE:ROOT of a checkpoint seen before, which must still hold."""
    from senim.ledger import pins
    from senim.ledger.keys import trusted_from_file
    from senim.ledger.verify import parse_seen

    given = trusted_from_file(key)
    seen = parse_seen(since)
    if bundle is not None:
        from senim.ledger.bundle import bundle_genesis, listed_keys, verify_bundle

        bundle = Path(bundle)
        if not bundle.is_dir():
            raise ParameterError("not a folder", file=str(bundle), field="bundle")
        genesis = bundle_genesis(bundle) if (bundle / "entries.jsonl").exists() else None
        trust = pins.Trust(given, "given") if given is not None else \
            pins.trust_for(genesis, listed_keys(bundle) if (bundle / "keys.json").exists() else {}, database=False)
        verdict = verify_bundle(bundle, trust.keys, [x for x in (seen, trust.seen) if x])
    else:
        from senim.ledger.store import genesis as genesis_of, stored_keys
        from senim.registry.audit import audit_database

        with _read_only(db).read() as conn:
            genesis = genesis_of(conn)
            trust = pins.Trust(given, "given") if given is not None else \
                pins.trust_for(genesis, stored_keys(conn), database=True)
            verdict, row_problem = audit_database(conn, trust.keys, [x for x in (seen, trust.seen) if x])
        if row_problem is not None:  # the ledger is intact but a table was changed behind it
            verdict.ok, verdict.problem = False, f"registry: {row_problem}"
    pinned_now = verdict.ok and pins.record(genesis, trust, verdict.keys, verdict.entries, verdict.root)
    return LedgerCheck(verdict, trust.how, pinned_now)


@dataclass
class Consistency:
    """An RFC 9162 consistency proof (`proof`, as JSON) and whether it shows
    that the later tree extends the earlier one (`extends`), checked against
    the roots given, else against the ledger's own."""

    proof: dict[str, Any]
    extends: bool


def consistency_check(db: Any, old: str, new: str | None = None) -> Consistency:
    """The proof that the ledger at `new` (SIZE or SIZE:ROOT of a signed
    checkpoint; default the latest) extends the ledger at `old` (SIZE, or
    SIZE:ROOT as kept from a verify or a bundle)."""
    from senim.ledger.merkle import verify_consistency
    from senim.ledger.store import consistency
    from senim.ledger.verify import parse_seen

    old_seen = parse_seen(old, "old") if ":" in old else None
    new_seen = parse_seen(new, "new") if new and ":" in new else None
    try:
        old_size = old_seen.size if old_seen else int(old)
        new_size = new_seen.size if new_seen else (int(new) if new else None)
    except ValueError:
        raise InputError("ledger consistency: `old` and `new` are SIZE or SIZE:ROOT") from None
    with _read_only(db).read() as conn:
        try:
            proof = consistency(conn, old_size, new_size)
        except LookupError as error:
            raise InputError(f"ledger consistency: {error}") from None
    path = [bytes.fromhex(h) for h in proof["path"]]
    old_root = old_seen.root if old_seen else bytes.fromhex(proof["old_root"])
    new_root = new_seen.root if new_seen else bytes.fromhex(proof["checkpoint"]["body"]["root"])
    return Consistency(proof, verify_consistency(old_size, proof["new_size"], old_root, new_root, path))


def inclusion(db: Any, entry: int) -> dict[str, Any]:
    """An RFC 9162 inclusion proof of ledger entry `entry` against the latest signed checkpoint."""
    from senim.ledger.store import prove

    with _read_only(db).read() as conn:
        try:
            return prove(conn, entry)
        except LookupError as error:
            raise InputError(f"ledger: `entry`: {error}") from None


def export_bundle(db: Any, directory: str | Path) -> dict[str, Any]:
    """Write the entries, checkpoints and public keys to `directory` (new or
    empty), for verification elsewhere; the bundle's summary."""
    from senim.ledger.bundle import export

    with _read_only(db).read() as conn:
        try:
            return export(conn, directory)
        except FileExistsError as error:
            raise ParameterError(error.args[0].split(": ", 1)[-1], file=str(directory), field="directory") from None


# ------------------------------------------------------------------ in words


def verify_text(check: LedgerCheck, lang: str = "en") -> tuple[str, list[str]]:
    """A verify in words: the verdict's line (for stdout), and the notes that
    go beside it (for stderr): the signing keys, a pin made on first use, the
    checkpoint to keep for the next --since."""
    from senim.i18n import text
    from senim.ledger import pins

    verdict = check.verdict
    if not verdict.ok:
        return text("registry.verify_bad", lang, problem=verdict.problem) + "\n", []
    notes = [text("registry.verify_keys", lang, fingerprint=kid) for kid in verdict.keys]
    if check.pinned_now:
        notes.append(text("ledger.pinned_first_use", lang, file=pins.path()))
    if verdict.entries:
        notes.append(text("ledger.keep_since", lang, since=f"{verdict.entries}:{verdict.root}"))
    line = text("registry.verify_ok", lang, entries=verdict.entries, checkpoints=verdict.checkpoints, root=verdict.root)
    return line + "\n", notes


def not_extended_text(checked: Consistency, lang: str = "en") -> str:
    """Why a consistency check failed: the ledger no longer extends the earlier tree."""
    from senim.i18n import text

    return text("ledger.not_extended", lang, new=checked.proof["new_size"], old=checked.proof["old_size"])


def exported_text(directory: str | Path, summary: dict[str, Any], lang: str = "en") -> str:
    """`export_bundle`'s summary in one line: the folder, its entries and checkpoints."""
    from senim.i18n import text

    return text("registry.exported", lang, directory=directory, entries=summary["entries"],
                checkpoints=summary["checkpoints"]) + "\n"
