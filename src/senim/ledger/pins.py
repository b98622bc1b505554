"""What this machine trusts about each ledger it has verified, kept in
SENIM_HOME/ledger-pins.json (owner-only, 0600).

A ledger is known by its genesis, the leaf hash of entry 1. The first
successful verify pins the keys that signed its checkpoints ("trust on first
use", as SSH pins a host key); later ones accept only those keys, so a ledger
rewritten and re-signed with another key is broken, not intact. Each verify
also keeps the last checkpoint it saw (size and root), as a Certificate
Transparency client keeps the last signed tree head: a later verify fails if
the ledger no longer reproduces it (a cut tail, a rewrite).

Where no pin exists yet, a database is checked against the home's own
ledger key when the home has one (the organisation verifying its own
registry), and only otherwise are the ledger's own listed keys taken on
first use, with a notice naming them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FILE = "ledger-pins.json"
FORMAT = "senim-ledger-pins/1"
MAX_BYTES = 4 * 1024 * 1024  # thousands of ledgers; a larger file is not ours


@dataclass(frozen=True)
class Trust:
    keys: dict[str, object]  # key id -> Ed25519 public key
    how: str  # "given", "pinned", "own" or "first use"
    seen: object = None  # verify.Seen: the last checkpoint this machine saw


def path() -> Path:
    from senim.paths import senim_home

    return senim_home() / FILE


def load() -> dict:
    from senim.errors import InputError

    file = path()
    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {"format": FORMAT, "ledgers": {}}
    except OSError as error:
        raise InputError(f"{file}: the ledger pins cannot be read ({error.strerror})") from None
    try:
        if len(data) > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES} bytes")
        pins = json.loads(data)
        if not isinstance(pins, dict) or pins.get("format") != FORMAT or not isinstance(pins.get("ledgers"), dict):
            raise ValueError(f"not a {FORMAT} file")
    except (ValueError, RecursionError) as error:
        raise InputError(f"{file}: the ledger pins are damaged ({error}); remove the file to pin anew") from None
    return pins


def _save(pins: dict) -> None:
    from senim.paths import write_atomic

    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(file, (json.dumps(pins, indent=1, sort_keys=True) + "\n").encode("utf-8"), private=True)


def trust_for(genesis: str | None, listed: dict[str, object], *, database: bool) -> Trust:
    """The keys to accept for the ledger whose entry 1 has leaf hash `genesis`.

    `listed` are the keys the ledger itself lists (its table or keys.json),
    used only on first use.
    """
    from senim.errors import InputError
    from senim.ledger import keys as keymod
    from senim.ledger.verify import Seen

    pin = load()["ledgers"].get(genesis) if genesis else None
    if pin is not None:
        try:
            pinned = {kid: keymod.load_public_pem(pem) for kid, pem in pin["keys"].items()}
            checkpoint = pin.get("checkpoint")
            seen = Seen(int(checkpoint["size"]), bytes.fromhex(checkpoint["root"]), "pinned on this machine") \
                if checkpoint else None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InputError(f"{path()}: the pin of ledger {genesis[:16]} is damaged; remove it to pin anew") from None
        return Trust(pinned, "pinned", seen)
    if database:
        own = keymod.own_public_key()
        if own is not None:
            return Trust({keymod.key_id(own): own}, "own")
    return Trust(dict(listed), "first use")


def record(genesis: str | None, trust: Trust, signers: list[str], size: int, root: str) -> bool:
    """After a successful verify: pin the signers (first use) and the last
    checkpoint seen. True when the ledger was pinned just now."""
    from senim.ledger import keys as keymod
    from senim.ledger.chain import now

    if not genesis or trust.how == "given":
        return False
    pins = load()
    ledgers = pins["ledgers"]
    first = genesis not in ledgers
    entry = ledgers.setdefault(genesis, {"pinned": now(), "keys": {}})
    if first or not entry["keys"]:
        entry["keys"] = {kid: keymod.public_pem(trust.keys[kid]) for kid in signers if kid in trust.keys}
    entry["checkpoint"] = {"size": size, "root": root, "seen": now()}
    try:
        _save(pins)
    except OSError as error:  # a read-only home: the verdict stands, the pin is not kept
        from senim.settings import notify

        notify(f"{path()}: could not keep the ledger pin ({error.strerror})")
        return False
    return first and trust.how == "first use"
