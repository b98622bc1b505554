"""The finding record, from engine to output, and its one JSON Lines form.

A `Finding` is what every door shows: the CLI's JSON Lines and JSON, the
library's iterator, the web app. Values are masked unless asked for; the
mask is the detector's own (`detectors/<kind>.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from json.encoder import encode_basestring as _quote  # the C encoder, non-ASCII kept


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data found.

    Attributes
    ----------
    path : str or None
        The file, "-" for standard input, None for text or a frame given in memory.
    line : int or None
        1-based line, for text.
    row, column : int or None, str or None
        1-based data row and column name, for tables.
    start, end : int
        0-based code points within the line or cell (an undecodable byte counts as one).
    type : str
        The kind (`kz_iin`, `iban`, ...), or a custom recognizer's name.
    confidence : float
        0 to 1.
    value : str
        The text found, unmasked: use `masked` or `to_dict()` to show it.
    valid : bool
        False for a likely identifier whose check fails (a mistyped IIN after "ИИН").
    """

    path: str | None
    line: int | None
    row: int | None
    column: str | None
    start: int
    end: int
    type: str
    confidence: float
    value: str
    valid: bool = True

    @property
    def masked(self) -> str:
        return mask(self.value, self.type)

    def to_dict(self, show_values: bool = False) -> dict:
        """The JSON record of `senim scan --format json` and `jsonl`."""
        record: dict = {"path": self.path}
        if self.row is None:
            record["line"] = self.line
        else:
            record["row"] = self.row
            record["column"] = self.column
        record.update(start=self.start, end=self.end, type=self.type, confidence=self.confidence,
                      value=self.value if show_values else self.masked)
        if not self.valid:
            record["valid"] = False
        return record

    as_json = to_dict  # the name this record had before


_MASKS: dict = {}


def mask(value: str, type_: str) -> str:
    """A value shown without giving it away, by its detector's mask (custom
    kinds keep their last two characters)."""
    return masker(type_)(value)


def masker(type_: str):
    """The mask of a type: its detector's, or for custom kinds the last two characters kept."""
    found = _MASKS.get(type_)
    if found is None:
        from senim.checks.personal_data.detectors import keep_ends, registry

        detector = registry().get(type_)
        found = _MASKS[type_] = detector.mask if detector else (lambda v: keep_ends(v, 0, 2))
    return found


# ------------------------------------------------ places of engine findings

def locate(data: bytes, found: list, limit: int):
    """Local places of findings in `data[:limit]`: (line index, cp start, cp end),
    plus the number of newlines and the code points after the last one."""
    located = []
    line = 0
    cursor = 0  # byte position up to which `line` is counted
    line_start = 0
    cp_at = 0  # code points from line_start to `pos`
    pos = 0
    for b_start, b_end, kind, confidence, value, valid in found:
        newlines = data.count(b"\n", cursor, b_start)
        if newlines:
            line += newlines
            line_start = data.rfind(b"\n", cursor, b_start) + 1
            pos, cp_at = line_start, 0
        cursor = b_start
        cp_at += len(data[pos:b_start].decode("utf-8", "replace"))
        pos = b_start
        cp_end = cp_at + len(data[b_start:b_end].decode("utf-8", "replace"))
        located.append((line, cp_at, cp_end, kind, confidence, value, valid))
    if cursor <= limit:  # newlines already counted up to the last finding
        total_newlines = line + data.count(b"\n", cursor, limit)
    else:
        total_newlines = data.count(b"\n", 0, limit)
    last = data.rfind(b"\n", 0, limit)
    tail_cp = len(data[last + 1:limit].decode("utf-8", "replace"))
    return located, total_newlines, tail_cp


# ------------------------------------------------------- the JSON Lines writer

def quote(text: str) -> str:
    return _quote(text)


def head(path: str | None) -> str:
    """The start of a line: `{"path": ..., ` (what only the parent knows)."""
    return '{"path": ' + ("null" if path is None else _quote(path)) + ", "


def place(line: int | None, row: int | None, column: str | None) -> str:
    return f'"line": {line}' if row is None else f'"row": {row}, "column": {_quote(column)}'


def tail(type_: str, confidence: float, value: str, valid: bool, show_values: bool) -> str:
    """The end of a line, from `"type"` on, with its newline."""
    shown = value if show_values else mask(value, type_)
    extra = ', "valid": false' if not valid else ""
    return f'"type": {_quote(type_)}, "confidence": {confidence}, "value": {_quote(shown)}{extra}}}\n'


def tail_parts(type_: str, confidence: float, valid: bool, show_values: bool):
    """`tail` in three parts for findings of one type, confidence and
    validity: the JSON before the value, after it, and the mask (None with
    `show_values`): tail(...) == before + quote(masker(value)) + after."""
    extra = ', "valid": false' if not valid else ""
    return (f'"type": {_quote(type_)}, "confidence": {confidence}, "value": ', f"{extra}}}\n",
            None if show_values else masker(type_))


def json_line(finding: Finding, show_values: bool = False) -> str:
    """One line of `senim scan --format jsonl` (json.dumps per record costs
    more than the scan itself on dense files)."""
    return (head(finding.path) + place(finding.line, finding.row, finding.column)
            + f', "start": {finding.start}, "end": {finding.end}, '
            + tail(finding.type, finding.confidence, finding.value, finding.valid, show_values))
