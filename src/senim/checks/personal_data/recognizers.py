"""An organisation's own recognizers (customer numbers, contract numbers),
allow and deny lists, and a confidence threshold, from a YAML file.

    recognizers:
      - name: customer_number          # the type findings get
        pattern: 'CUST-[0-9]{8}'       # a Hyperscan (PCRE-like) expression over the text
        check: luhn                    # optional: luhn | kz_check_digit | mod97
        context: {kk: [клиент нөмірі], ru: [номер клиента], en: [customer]}
        context_required: false        # report only beside a context word
        confidence: 0.7                # without a context word (0 to 1)
        confidence_with_context: 0.95
        deny: [ACME-0001]              # values always reported as this type
    allow: [info@bank.kz]              # values never reported, of any type
    min_confidence: 0.5                # drop findings below this

`load(path_or_mapping)` checks the file and returns its *spec*, a JSON string:
small, hashable and picklable, so that worker processes and Dask workers
build the same recognizers from it (`compile`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from senim.checks.personal_data.detectors import Candidate, Detector, Hit, boundary_alnum, keep_ends
from senim.errors import InputError

MAX_FILE = 1 << 20
_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}\Z")
_KEYS = {"name", "pattern", "check", "context", "context_required", "confidence", "confidence_with_context",
         "deny", "priority"}


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _luhn(text: str) -> bool:
    from senim.checks.personal_data.detectors.payment_card import luhn_checksum

    digits = _digits(text)
    return len(digits) >= 2 and luhn_checksum(digits) == 0


def _kz_check_digit(text: str) -> bool:
    from senim.identifiers import kz_check_digit

    digits = _digits(text)
    return len(digits) == 12 and kz_check_digit(digits) == int(digits[11])


def _mod97(text: str) -> bool:
    """ISO 7064 MOD 97-10 (letters as 10-35, as in IBANs)."""
    chars = "".join(c for c in text.upper() if c.isascii() and c.isalnum())
    return len(chars) >= 3 and int("".join(str(int(c, 36)) for c in chars)) % 97 == 1


CHECKS = {"luhn": _luhn, "kz_check_digit": _kz_check_digit, "mod97": _mod97}


def _problem(where: str, problem: str) -> InputError:
    return InputError(f"{where}: {problem}")


def load(source) -> str:
    """The spec of a recognizers file (a path) or mapping, checked; raises
    InputError naming the file, the recognizer and the problem."""
    if isinstance(source, (str, Path)):
        import yaml

        path = Path(source)
        try:
            if path.stat().st_size > MAX_FILE or not path.is_file():
                raise _problem(str(path), "a recognizers file is a YAML file of at most 1 MB")
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise _problem(str(path), f"cannot be read ({error.strerror})") from None
        except UnicodeDecodeError:
            raise _problem(str(path), "is not UTF-8 text") from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise _problem(where, "is not valid YAML") from None
        where = str(path)
    else:
        data, where = source, "recognizers"
    if not isinstance(data, dict):
        raise _problem(where, "the recognizers file is a mapping with 'recognizers', 'allow', 'min_confidence'")
    unknown = set(data) - {"recognizers", "allow", "min_confidence"}
    if unknown:
        raise _problem(where, f"unknown key {sorted(unknown)[0]!r} (known: recognizers, allow, min_confidence)")
    spec = {"recognizers": [], "allow": [], "min_confidence": 0.0}
    from senim.checks.personal_data.detectors import registry

    for i, entry in enumerate(data.get("recognizers") or []):
        at = f"{where}: recognizers[{i}]"
        if not isinstance(entry, dict):
            raise _problem(at, "each recognizer is a mapping with a name and a pattern")
        bad = set(entry) - _KEYS
        if bad:
            raise _problem(at, f"unknown key {sorted(bad)[0]!r} (known: {', '.join(sorted(_KEYS))})")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise _problem(at, "name: lower-case letters, digits and _ (it becomes the findings' type)")
        if name in registry():
            raise _problem(at, f"name: {name!r} is a shipped type; choose another")
        pattern, deny = entry.get("pattern"), entry.get("deny") or []
        if pattern is not None and not isinstance(pattern, str) or not pattern and not deny:
            raise _problem(f"{at} ({name})", "pattern: a regular expression, or a deny list of values")
        if not isinstance(deny, list) or not all(isinstance(v, str) and v for v in deny):
            raise _problem(f"{at} ({name})", "deny: a list of values")
        check = entry.get("check")
        if check is not None and check not in CHECKS:
            raise _problem(f"{at} ({name})", f"check: one of {', '.join(CHECKS)}")
        context = entry.get("context") or []
        if isinstance(context, dict):
            context = [w for words in context.values() for w in (words or [])]
        if not isinstance(context, list) or not all(isinstance(w, str) and w.strip() for w in context):
            raise _problem(f"{at} ({name})", "context: a list of words, or lists under kk, ru, en")
        numbers = {}
        for key, default in (("confidence", 0.6), ("confidence_with_context", None), ("priority", 5)):
            value = entry.get(key, default)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    (key != "priority" and not 0 <= value <= 1):
                raise _problem(f"{at} ({name})", f"{key}: a number" + (" from 0 to 1" if key != "priority" else ""))
            numbers[key] = value
        required = entry.get("context_required", False)
        if not isinstance(required, bool):
            raise _problem(f"{at} ({name})", "context_required: true or false")
        if required and not context:
            raise _problem(f"{at} ({name})", "context_required needs context words")
        spec["recognizers"].append({
            "name": name, "pattern": pattern, "check": check, "context": context, "context_required": required,
            "confidence": numbers["confidence"],
            "confidence_with_context": numbers.get("confidence_with_context", round(min(1.0, numbers["confidence"] + 0.3), 6)),
            "deny": deny, "priority": int(numbers["priority"]),
        })
    allow = data.get("allow") or []
    if not isinstance(allow, list) or not all(isinstance(v, str) for v in allow):
        raise _problem(where, "allow: a list of values never to report")
    spec["allow"] = allow
    threshold = data.get("min_confidence", 0.0)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise _problem(where, "min_confidence: a number from 0 to 1")
    spec["min_confidence"] = float(threshold)
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
    detectors(text)  # compile now, so that a bad pattern is named here, not in a worker
    return text


def with_threshold(spec: str, min_confidence: float | None) -> str:
    """The spec with a confidence threshold (the command line's --min-confidence) put in."""
    if min_confidence is None:
        return spec
    if not 0 <= min_confidence <= 1:
        raise InputError(f"--min-confidence: {min_confidence} is not from 0 to 1")
    data = json.loads(spec) if spec else {"recognizers": [], "allow": [], "min_confidence": 0.0}
    data["min_confidence"] = float(min_confidence)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _detector(entry: dict, order: int) -> Detector:
    name = entry["name"]
    check = CHECKS.get(entry["check"]) if entry["check"] else None
    required = entry["context_required"]
    low, high = entry["confidence"], entry["confidence_with_context"]

    def resolve(text: str, has) -> Hit | None:
        if check is not None and not check(text):
            return None
        near = has(name) if entry["context"] else False
        if required and not near:
            return None
        return Hit(name, high if near else low)

    def resolve_denied(text: str, has) -> Hit:
        return Hit(name, 1.0)

    candidates = []
    if entry["pattern"]:
        candidates.append(Candidate(f"custom:{name}", entry["pattern"].encode("utf-8"), resolve,
                                    boundary=boundary_alnum))
    if entry["deny"]:
        literal = b"|".join(re.escape(v.encode("utf-8")) for v in sorted(entry["deny"], key=len, reverse=True))
        candidates.append(Candidate(f"custom-deny:{name}", b"(?:" + literal + b")", resolve_denied,
                                    boundary=boundary_alnum))
    return Detector(type=name, priority=entry["priority"], order=1000 + order, candidates=tuple(candidates),
                    mask=lambda value: keep_ends(value, 0, 2), context=tuple(entry["context"]),
                    description="an organisation's own recognizer")


def detectors(spec: str) -> tuple[Detector, ...]:
    """The detectors a spec describes; a pattern Hyperscan cannot compile is
    an InputError naming the recognizer."""
    import hyperscan

    data = json.loads(spec)
    built = tuple(_detector(entry, i) for i, entry in enumerate(data["recognizers"]))
    for detector in built:
        for candidate in detector.candidates:
            try:
                db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
                db.compile(expressions=[candidate.pattern], ids=[0], elements=1,
                           flags=[hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_MULTILINE])
            except hyperscan.error as error:
                raise InputError(f"recognizer {detector.type}: pattern cannot be compiled ({error})") from None
    return built


def options(spec: str) -> tuple[frozenset[str], float]:
    """(values never reported, the confidence threshold) of a spec."""
    if not spec:
        return frozenset(), 0.0
    data = json.loads(spec)
    return frozenset(v.strip().lower() for v in data["allow"]), float(data["min_confidence"])
