"""Where e-mail and name candidates start, found again from Hyperscan's end
offsets (start-of-match tracking is off for them): the leftmost start, even
when the run is longer than the look-back window."""

from senim.checks.personal_data.detectors.email import start_of as _email_start
from senim.checks.personal_data.detectors.person_name import start_of as _name_start
from senim.checks.personal_data.scanner import scan


def test_email_start_is_the_whole_local_part_beyond_the_window():
    data = b"a" * 300 + b"@mail.kz "
    assert _email_start(data, len(data)) == 0
    data = b"see x.y@mail.kz, ok"
    assert _email_start(data, data.index(b",") + 1) == 4


def test_email_start_when_the_delimiter_is_an_at_sign():
    data = b"x@y.kz@"
    assert _email_start(data, len(data)) == 0


def test_name_start_is_the_first_capitalised_word_of_a_long_run():
    line = "Магазин " * 30 + "Иванов Пётр Сергеевич,"
    data = ("привет\n" + line).encode()
    assert _name_start(data, len(data)) == len("привет\n".encode())


def test_name_start_runs_back_through_hyphenated_words():
    line = "Abc-Def " * 40 + "Ivanov Petr."
    data = line.encode()
    assert _name_start(data, len(data)) == 0


def test_name_start_stops_at_a_lower_case_word():
    data = "ну вот " * 30 + "Иванов Пётр Сергеевич."
    raw = data.encode()
    assert _name_start(raw, len(raw)) == len(("ну вот " * 30).encode())


def test_a_name_after_a_long_run_of_capitalised_words_is_found_in_place(tmp_path):
    prefix, name = "Магазин " * 30, "Иванов Пётр Сергеевич"
    path = tmp_path / "long.txt"
    path.write_text("первая строка\n" + prefix + name + "\n", encoding="utf-8")
    names = [f for f in scan([str(path)], types=("person_name",), workers=1)]
    assert [(f.line, f.start, f.end, f.value) for f in names] == [(2, len(prefix), len(prefix) + len(name), name)]


def test_delimited_candidates_without_a_boundary_check_need_none():
    """The engine calls no boundary check for delimited candidates that
    declare none, because their patterns carry the delimiters: on text dense
    with digits, letters, `+`, brackets and Cyrillic, every candidate they
    yield has no letter or digit (nor `+`) touching it anyway."""
    import random

    from senim.checks.personal_data.engine import Engine

    r = random.Random(4)
    alphabet = list("0123456789" * 6 + "+()- .\n" * 3 + "ANKZab") + ["И", "ә", "N", "KZ", "GB"]
    text = "".join(r.choice(alphabet) for _ in range(200_000)).encode()
    engine = Engine()
    alnum = set(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    seen = set()
    for (index, start), ends in engine.candidates(text).items():
        candidate = engine.groups[index].candidate
        if candidate.delimited and candidate.boundary is None:
            for end in ends:
                before = text[start - 1] if start else None
                after = text[end] if end < len(text) else None
                assert before is None or (before not in alnum and before != 0x2B), (candidate.name, text[start - 3:end + 3])
                assert after is None or after not in alnum, (candidate.name, text[start - 3:end + 3])
                seen.add(candidate.name)
    assert seen >= {"digits12", "iban", "phone_kz", "phone_intl", "passport", "id9"}, seen
