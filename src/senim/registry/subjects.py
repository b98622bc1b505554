"""Who a decision is about, without writing the person's IIN into the ledger.

The ledger is append-only: what enters it can never be erased. A subject that
holds a Kazakh IIN (12 digits with a right check digit and a birth date, as
`kz_iin.is_valid` judges, written whole or `YYMMDD CNNNNK`) is therefore
stored as a keyed pseudonym,

    iin-hmac:<key id>:<HMAC-SHA256(key, "kz_iin:" + IIN), 64 hex digits>

under the organisation's pseudonym key, and the IIN itself is never stored.
The message is the one `senim redact --mode pseudonym` signs, so the first 12
digits equal the `<kz_iin:…>` pseudonym of a redacted copy made with the same
key. `decisions explain` maps the subject it is given the same way, so a
person who gives their IIN finds their decisions. The key id (8 hex digits of
an HMAC of a fixed text) travels in the pseudonym, so a registry filled under
one key is never silently searched or extended with another.

The key is $SENIM_PSEUDONYM_KEY (at least 16 bytes; the one `senim redact`
reads), else SENIM_HOME/keys/subject-pseudonym.key: 32 random bytes made on
first need (as 64 hex digits), owner-only. Lose it and no IIN can be matched to its decisions
again (the records stay, unlinkable); keep it with the ledger key.

A new key is made in memory (`key_for_recording`) and written (`keep`) only
once the batch it pseudonymises has passed every check, just before commit:
a refused batch leaves no key file. It is written whole under a temporary
name and hard-linked into place, so no reader sees it empty and two first
uses cannot both win; a key written but never used (the commit failed) is
harmless and is simply the key from then on. Deleting it instead would be
unsafe: another process, on another registry, may already have used it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from pathlib import Path

from senim.errors import InputError
from senim.settings import PSEUDONYM_KEY, current, notify

KEY_ENV = "SENIM_PSEUDONYM_KEY"  # how the settings' pseudonym key is named when it came from there
KEY_FILE = PSEUDONYM_KEY
PREFIX = "iin-hmac:"
PSEUDONYM = re.compile(r"^iin-hmac:[0-9a-f]{8}:[0-9a-f]{64}$")
# Twelve digits, or the printed grouping YYMMDD CNNNNK (a space or a dash of
# any kind between), not inside a longer number; matched in `plain` text.
_CANDIDATE = re.compile(r"(?<![0-9])([0-9]{6})[ \t\-\u2010-\u2015\u2212]?([0-9]{6})(?![0-9])")
# What a reader never sees: format characters (zero-width space and joiners,
# the soft hyphen, word joiner, BOM, direction marks) and combining marks left
# after NFKC. Inside an IIN they hide it from a plain pattern, not from a person.
_INVISIBLE = frozenset(("Cf", "Mn", "Me"))


def plain(text: str) -> str:
    """`text` as a reader sees its digits: NFKC, invisible characters dropped and
    every decimal digit (Arabic-Indic, Devanagari, fullwidth...) made ASCII,
    so that an IIN with a zero-width space or a soft hyphen inside, or written
    in fullwidth digits, is the IIN it shows."""
    normal = unicodedata.normalize("NFKC", text)
    if normal.isascii():
        return normal
    out = []
    for char in normal:
        if unicodedata.category(char) in _INVISIBLE:
            continue
        digit = unicodedata.decimal(char, None)
        out.append(str(digit) if digit is not None else char)
    return "".join(out)


def key_path() -> Path:
    from senim.paths import keys_dir

    keys_dir()  # made owner-only
    return current().pseudonym_key_file


def key_id(key: bytes) -> str:
    return hmac.new(key, b"senim subject pseudonym key id", hashlib.sha256).hexdigest()[:8]


def _from_settings() -> bytes | None:
    settings = current()
    key = settings.pseudonym_key
    if key is None:
        return None
    if len(key) < 16:
        raise InputError.said("errors.decision.key_too_short", file=settings.origin("pseudonym_key"))
    return key


def existing_key() -> bytes | None:
    """The pseudonym key if there is one; never creates it."""
    key = _from_settings()
    if key is not None:
        return key
    path = key_path()
    if not path.exists():
        return None
    return _read(path)


def _read(path: Path) -> bytes:
    from senim.paths import read_key_file

    key = read_key_file(path, "pseudonym key")
    if len(key) < 16:
        raise InputError.said("errors.decision.key_too_short", file=path)
    return key


def key_for_recording() -> tuple[bytes, bool]:
    """The organisation's pseudonym key and whether it is new. A new key
    exists only in memory until `keep` writes it."""
    found = existing_key()
    if found is not None:
        return found, False
    # hex text, so that `senim redact --key-file` (which strips the file)
    # reads the very same bytes
    return os.urandom(32).hex().encode("ascii"), True


def keep(new: bytes) -> bytes:
    """Write a new key from `key_for_recording`, unless another process wrote
    one first; the key in force afterwards. When it is not `new`, nothing
    made with `new` may be stored."""
    path = key_path()
    try:
        made = _create(path, new)
    except OSError as error:
        raise InputError.said("errors.decision.key_unwritable", file=path, detail=error.strerror) from None
    if not made:
        return _read(path)
    notify(f"created the subject pseudonym key {path} (id {key_id(new)}); "
           "keep it with the ledger key: without it no IIN can be matched to its decisions")
    return new


def _create(path: Path, data: bytes) -> bool:
    """Make `path` holding `data`, whole, owner-only and synced; False if it exists."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)  # fails if the name exists: exactly one first use wins
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: claim the name, then write
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return False
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
    finally:
        os.unlink(tmp)
    try:  # the name must outlive a power cut before the records using the key commit
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError:
        pass
    return True


def find_iin(subject: str, where: str) -> str | None:
    """The IIN a subject holds, or None; two different IINs are bad input."""
    if PSEUDONYM.match(subject):
        return None
    from senim.checks.personal_data.detectors import kz_iin

    normal = plain(subject)
    found = {m[1] + m[2] for m in _CANDIDATE.finditer(normal) if kz_iin.is_valid(m[1] + m[2])}
    if len(found) > 1:
        from senim.registry.records import place

        raise InputError.said("errors.decision.several_iins", **place(where, "subject"), count=len(found))
    return found.pop() if found else None


def masked(subject: str) -> str:
    """`subject` with an IIN in it shown as `0612******12`, for messages."""
    iin = find_iin(subject, "SUBJECT") if len(subject) <= 200 else None
    if iin is None:
        return subject
    return _CANDIDATE.sub(lambda m: m[0] if m[1] + m[2] != iin else iin[:4] + "******" + iin[-2:],
                          plain(subject))


def pseudonym(iin: str, secret: bytes) -> str:
    digest = hmac.new(secret, f"kz_iin:{iin}".encode(), hashlib.sha256).hexdigest()
    return f"{PREFIX}{key_id(secret)}:{digest}"


def check(subject: str, where: str) -> None:
    """Refuse what cannot be stored as a subject. Twelve digits that are not a
    valid IIN are refused too, wherever they stand in it (`ИИН 850315 400125`):
    most likely a mistyped IIN, which is still the person's number."""
    if PSEUDONYM.match(subject):
        return
    from senim.checks.personal_data.detectors import kz_iin

    find_iin(subject, where)  # two different IINs are refused there
    normal = plain(subject)
    if any(not kz_iin.is_valid(m[1] + m[2]) for m in _CANDIDATE.finditer(normal)):
        from senim.registry.records import place

        raise InputError.said("errors.decision.invalid_iin", **place(where, "subject"))


def for_lookup(subject: str) -> str | None:
    """What the registry would hold for `subject` given on the command line;
    None when it holds an IIN and there is no pseudonym key here."""
    iin = find_iin(subject, "SUBJECT")
    if iin is None:
        return subject
    secret = existing_key()
    return None if secret is None else pseudonym(iin, secret)


def key_in_use(conn) -> str | None:
    """The key id of an IIN pseudonym already in the registry, if any."""
    from sqlalchemy import select

    from senim.registry.models import Decision

    found = conn.execute(
        select(Decision.subject).where(Decision.subject.like(PREFIX + "%")).limit(1)
    ).scalar()
    return found[len(PREFIX):len(PREFIX) + 8] if found else None


def mismatch(conn, secret: bytes | None, **where) -> InputError | None:
    """The error, at `where` (file, line, field), if the registry's IIN
    pseudonyms were made under another key; None when they were not."""
    stored = key_in_use(conn)
    mine = key_id(secret) if secret is not None else None
    if stored is None or stored == mine:
        return None
    settings = current()
    here = settings.origin("pseudonym_key") if settings.pseudonym_key is not None else str(key_path())
    if mine:
        return InputError.said("errors.decision.other_key", **where, stored=stored, here=here, mine=mine, env=KEY_ENV)
    return InputError.said("errors.decision.no_key_here", **where, stored=stored, here=here, env=KEY_ENV)
