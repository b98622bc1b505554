"""Sensitive columns whose values are personal data (an IIN, a name) are
shown masked in the result, its text, HTML and evidence; `--show-values`
shows them. Selection rates are worked by hand from the rows."""

from __future__ import annotations

import json

import polars as pl

from tests.fairness.fairness_data import run_senim


def _iin(body: str) -> str:
    """An IIN: eleven digits and the check digit of Decree No. 406, worked
    here in the test (weights 1..11, then 3..11,1,2 when the first gives 10)."""
    k = sum(int(d) * w for d, w in zip(body, range(1, 12))) % 11
    if k == 10:
        k = sum(int(d) * w for d, w in zip(body, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
    assert k != 10
    return body + str(k)


def _bodies():
    out, n = [], 0
    while len(out) < 3:
        body = "94010130%03d" % n
        n += 1
        k = sum(int(d) * w for d, w in zip(body, range(1, 12))) % 11
        k2 = sum(int(d) * w for d, w in zip(body, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
        if k != 10 or k2 != 10:
            out.append(body)
    return out


IINS = [_iin(b) for b in _bodies()]
NAMES = ["Айгерим Нурланова", "Серик Ахметов", "Qwzx"]  # the last one no detector calls a name


def _log(tmp_path):
    # per person: 4 rows; approved 4, 2 and 1 of them: selection rates 1, 0.5, 0.25 (by hand)
    approved = [[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]]
    rows = [{"iin": IINS[p], "name": NAMES[p], "sex": "F" if p != 1 else "M", "y": 1 - (i % 2), "pred": a}
            for p in range(3) for i, a in enumerate(approved[p])]
    path = tmp_path / "decisions.csv"
    pl.DataFrame(rows).write_csv(path)
    return path


def _run(path, *extra):
    return run_senim("fairness", path, "--target", "y", "--prediction", "pred", "--bootstrap", "0",
                     "--min-group", "1", *extra)


def test_iins_and_names_as_groups_are_masked_everywhere(tmp_path):
    path = _log(tmp_path)
    evidence = tmp_path / "evidence.json"
    out = _run(path, "--sensitive", "iin,name,sex", "--format", "json", "--evidence", evidence)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["masked_values"] == ["iin", "name"]  # sex holds no personal data
    text = out.stdout + evidence.read_text(encoding="utf-8")
    for html_or_text in ("html", "text"):
        shown = _run(path, "--sensitive", "iin,name,sex", "--format", html_or_text)
        assert shown.returncode == 0, shown.stderr
        text += shown.stdout
    for value in IINS + NAMES + [n.split()[1] for n in NAMES[:2]]:
        assert value not in text, value
    iin_column = next(part for part in result["by_column"] if part["sensitive"] == ["iin"])
    rates = {g["group"]["iin"]: g["selection_rate"] for g in iin_column["groups"]}
    # the mask keeps an IIN's last two digits; the rows' own rates, by hand
    assert len({i[-2:] for i in IINS}) == 3
    assert rates == {"**********" + iin[-2:]: rate for iin, rate in zip(IINS, [1.0, 0.5, 0.25])}
    names = {g["group"]["name"] for part in result["by_column"] if part["sensitive"] == ["name"]
             for g in part["groups"]}
    assert names == {"А*** Н***", "С*** А***", "**zx"}  # a value the detector misses is masked too
    sexes = {g["group"]["sex"] for g in result["groups"]}
    assert sexes == {"F", "M"}


def test_show_values_prints_them_and_changes_no_number(tmp_path):
    path = _log(tmp_path)
    masked = json.loads(_run(path, "--sensitive", "iin", "--format", "json").stdout)
    shown = _run(path, "--sensitive", "iin", "--format", "json", "--show-values")
    assert shown.returncode == 0, shown.stderr
    result = json.loads(shown.stdout)
    assert "masked_values" not in result
    assert {str(g["group"]["iin"]) for g in result["groups"]} == set(IINS)  # the CSV reader makes them numbers
    strip = lambda r: [{k: v for k, v in g.items() if k != "group"} for g in r["groups"]]  # noqa: E731
    assert strip(result) == strip(masked) and result["disparities"] == masked["disparities"]


def test_masked_values_that_coincide_stay_apart():
    from senim.checks.fairness.privacy import masked_columns

    # two IINs ending in the same two digits
    a = _iin("94010130000")
    b = next(_iin(x) for x in ("9501013%04d" % n for n in range(2000))
             if _valid(x) and _iin(x)[-2:] == a[-2:])
    shown = masked_columns({"iin": [a, b]})["iin"]
    assert shown == {a: "**********" + a[-2:] + " (1)", b: "**********" + a[-2:] + " (2)"}


def _valid(body: str) -> bool:
    k = sum(int(d) * w for d, w in zip(body, range(1, 12))) % 11
    k2 = sum(int(d) * w for d, w in zip(body, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
    return k != 10 or k2 != 10


def test_the_library_masks_as_the_command_does(tmp_path):
    import senim

    path = _log(tmp_path)
    run = senim.fairness(path, target="y", prediction="pred", sensitive=["iin"], bootstrap=0, min_group=1)
    assert run.masked_values == ["iin"]
    cli = json.loads(_run(path, "--sensitive", "iin", "--format", "json").stdout)
    assert run.to_dict() == cli
    assert senim.fairness(path, target="y", prediction="pred", sensitive=["iin"], bootstrap=0, min_group=1,
                          show_values=True).masked_values is None
