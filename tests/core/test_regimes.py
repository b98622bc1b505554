"""The regimes are the rule packs: code asks `senim.law.regimes()` rather than writing them out."""

import re
from pathlib import Path

import senim
from senim.law import regimes
from senim.law.pack import pack_names

SRC = Path(senim.__file__).parent


def test_regimes_are_the_pack_folders_in_pack_order():
    # the two folders under law/packs, Kazakh law first (the order the reports print them in)
    assert regimes() == ("kz", "eu")
    assert sorted(regimes()) == sorted(p.name for p in (SRC / "law" / "packs").iterdir() if p.is_dir())


def test_a_third_pack_folder_is_a_third_regime(tmp_path):
    for name in ("eu", "uk", "kz"):
        (tmp_path / name).mkdir()
    (tmp_path / "README.txt").write_text("not a pack")
    assert pack_names(tmp_path) == ["kz", "eu", "uk"]


def test_no_code_writes_the_regimes_out():
    # the list of regimes has one home (law/pack.PACK_ORDER, the order of the known packs);
    # migrations are frozen as they were on their day and may not import code that changes
    literal = re.compile(r"""[("\[{]\s*["'](kz|eu)["']\s*,\s*["'](kz|eu)["']\s*[)\]}]""")
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line) and not line.startswith("PACK_ORDER")
    ]
    assert found == []
