"""Extract Presidio's recognizer test cases (cards, IBAN, e-mail, IP) as data.

Usage: python scripts/presidio_cases.py PRESIDIO_CHECKOUT > tests/personal_data/data/presidio_cases.json

Reads the `@pytest.mark.parametrize` lists of presidio-analyzer/tests/
test_{credit_card,iban,email,ip}_recognizer.py with `ast` (literals only; the
IBAN file's `update_iban_checksum(...)` is worked out by MOD 97-10) and keeps,
per case, the text and the spans Presidio expects (none: a negative case).
The cases are Presidio's (MIT licence); only the data is taken, no code.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

FILES = {
    "payment_card": "presidio-analyzer/tests/test_credit_card_recognizer.py",
    "iban": "presidio-analyzer/tests/test_iban_recognizer.py",
    "email": "presidio-analyzer/tests/test_email_recognizer.py",
    "ip_address": "presidio-analyzer/tests/test_ip_recognizer.py",
}


def _iban_check(iban: str) -> str:
    compact = iban.replace(" ", "")
    moved = (compact[4:] + compact[:2] + "00").upper()
    number = int("".join(str(int(c, 36)) for c in moved))
    return iban[:2] + "%02d" % (98 - number % 97) + iban[4:]


def _value(node):
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "update_iban_checksum":
        return _iban_check(_value(node.args[0]))
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(v.value for v in node.values)  # an f-string without placeholders
    return ast.literal_eval(node)


def cases(source: str) -> list[dict]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize"):
            continue
        names = [n.strip() for n in ast.literal_eval(node.args[0]).split(",")]
        if "expected_len" not in names or not isinstance(node.args[1], ast.List):
            continue  # a parametrize of another shape (scores, mocks): not a detection case
        for element in node.args[1].elts:
            row = dict(zip(names, (_value(e) for e in element.elts)))
            text = row.get("text", row.get("iban"))
            spans = row.get("expected_res", row.get("expected_positions", ()))
            count = row["expected_len"]
            if count and not spans:  # Presidio checks only the count: the address alone is the text
                spans = ((0, len(text)),)
            found.append({"text": text, "expected": [list(s) for s in spans], "count": count})
    return found


def main(checkout: str) -> None:
    root = Path(checkout)
    commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    out = {"source": {"repository": "https://github.com/microsoft/presidio", "commit": commit,
                      "files": FILES, "licence": "MIT"}, "cases": {}}
    for kind, path in FILES.items():
        text = subprocess.run(["git", "-C", str(root), "show", f"HEAD:{path}"], capture_output=True, text=True, check=True).stdout
        out["cases"][kind] = cases(text)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
