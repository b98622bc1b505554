"""Group values that are personal data, shown masked.

A sensitive column can itself hold personal data: an IIN, a name or a phone
used as the group key. The result, its text and HTML, its warnings and its
evidence name every group by its values, so they would print that data. The
values of each sensitive column are therefore read by the personal-data
scanner's detectors (`senim.checks.personal_data`); when any value of a
column holds personal data, every value of that column is shown masked: the
parts a detector finds by that detector's mask (`**********12` for an IIN,
`А*** Н***` for a name), a value the detectors miss in such a column as a
custom kind is masked (all but its last two characters), so that a name the
detector misses is not printed beside its masked neighbours. Masked values
that coincide get a number, `(1)`, `(2)` in the order of the values, so
that groups stay apart. `show_values=True` shows them as they are.
"""

from __future__ import annotations

from typing import Any, Sequence


def masked_columns(columns: dict[str, Sequence[Any]]) -> dict[str, dict[Any, str]]:
    """For each column (name -> its distinct values) that holds personal
    data, value -> the value as shown; columns without any are left out.

    >>> shown = masked_columns({"sex": ["F", "M"], "iin": ["940101300016", "061211600012"]})
    >>> list(shown), shown["iin"]["940101300016"]
    (['iin'], '**********16')
    """
    from senim.checks.personal_data.engine import TYPES, engine_for
    from senim.checks.personal_data.findings import mask

    engine = engine_for(TYPES)
    out: dict[str, dict[Any, str]] = {}
    for column, values in columns.items():
        shown: dict[Any, str] = {}
        found = False
        for value in values:
            if value is None:
                continue
            text = str(value)
            data = text.encode("utf-8")
            parts = engine.scan(data)
            if parts:
                found = True
                pieces, pos = [], 0
                for start, end, type_, _c, found_value, _v in parts:
                    pieces.append(data[pos:start].decode("utf-8", "replace"))
                    pieces.append(mask(found_value, type_))
                    pos = end
                pieces.append(data[pos:].decode("utf-8", "replace"))
                shown[value] = "".join(pieces)
            else:
                shown[value] = None
        if not found:
            continue
        for value, text in shown.items():
            if text is None:  # no detector's finding in a column of personal data
                shown[value] = mask(str(value), "")
        out[column] = _apart(shown)
    return out


def _apart(shown: dict[Any, str]) -> dict[Any, str]:
    """Masked values that coincide, numbered in the order of their values."""
    same: dict[str, list] = {}
    for value, text in shown.items():
        same.setdefault(text, []).append(value)
    for text, values in same.items():
        if len(values) > 1:
            for number, value in enumerate(sorted(values, key=lambda v: (str(type(v)), v)), 1):
                shown[value] = f"{text} ({number})"
    return shown
