"""The scanner's fast arithmetic agrees with the textbook definitions.

Check digits are computed on character codes and by translation tables for
speed; here each is compared with the definition written out plainly (the
IIN/BIN rule of Government Decree No. 406, the Luhn rule of ISO/IEC 7812-1
Annex B) on many random numbers, and with digits worked by hand.
"""

import random

from senim.checks.personal_data.detectors import payment_card
from senim.identifiers import kz_check_digit


def _decree_406(first_eleven: str) -> int | None:
    digits = [int(c) for c in first_eleven]
    for weights in ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        remainder = sum(d * w for d, w in zip(digits, weights)) % 11
        if remainder != 10:
            return remainder
    return None


def _luhn_annex_b(number: str) -> int:
    total = 0
    for position, char in enumerate(reversed(number)):
        d = int(char)
        if position % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10


def test_iin_check_digit_by_hand():
    # 880101 3 0001 ?: 8*1+8*2+0*3+1*4+0*5+1*6+3*7+0*8+0*9+0*10+1*11 = 66, 66 mod 11 = 0
    assert kz_check_digit("88010130001") == 0
    # 00000000001: first pass 11 mod 11 = 0
    assert kz_check_digit("00000000001") == 0
    # 10000000000: first pass 1; second pass 3*1 = 3, but the first is not 10, so 1
    assert kz_check_digit("10000000000") == 1
    # 00000000010: first pass 10, second pass 1*1 = 1
    assert kz_check_digit("00000000010") == 1


def test_iin_check_digit_matches_the_decree_on_random_numbers():
    r = random.Random(406)
    for _ in range(20_000):
        number = "".join(r.choice("0123456789") for _ in range(11))
        assert kz_check_digit(number) == _decree_406(number), number


def test_luhn_matches_annex_b_on_random_numbers():
    r = random.Random(7812)
    for _ in range(20_000):
        number = "".join(r.choice("0123456789") for _ in range(r.randint(12, 19)))
        assert payment_card.luhn_checksum(number) == _luhn_annex_b(number), number


def test_luhn_rejects_what_is_not_ascii_digits():
    import pytest

    for bad in ("4111 1111", "٤١١١", "41a1"):
        with pytest.raises(ValueError):
            payment_card.luhn_checksum(bad)


def test_every_kazakh_phone_candidate_is_a_valid_kazakh_number():
    """The engine reports phone_kz candidates without calling phone.is_valid:
    on text dense with digits, separators and brackets, every candidate the
    pattern yields must pass it."""
    from senim.checks.personal_data.detectors import phone
    from senim.checks.personal_data.engine import Engine

    r = random.Random(77)
    def d(n):
        return "".join(r.choice("0123456789") for _ in range(n))

    def sep():
        return r.choice(["", "", " ", " ", "-", "-", "--", "."])

    def shape():  # near-misses as often as hits: wrong prefixes, areas, lengths
        prefix = r.choice(["+7", "+7", "8", "8", "7", "+8", "+77", "9"])
        area = r.choice(["7" + d(2), "(7" + d(2) + ")", "7" + d(3), "(7" + d(3) + ")", "6" + d(2), "(" + d(3) + ")"])
        return prefix + sep() + area + sep() + d(r.choice([2, 3, 3])) + sep() + d(2) + sep() + d(r.choice([1, 2, 2, 2, 3]))

    text = "\n".join(r.choice(["", "тел. ", "a", "x+", "5"]) + shape() + r.choice(["", " ", "1", ",", "б"])
                     for _ in range(60_000)).encode()
    engine = Engine(("phone",))
    kz = [g.candidate.name for g in engine.groups].index("phone_kz")
    found = engine.candidates(text)
    checked = 0
    for (index, start), ends in found.items():
        if index == kz:
            for end in ends:
                assert phone.is_valid(text[start:end].decode()), text[start:end]
                checked += 1
    assert checked > 1000


def test_check_digit_refuses_fewer_than_eleven_digits():
    import pytest

    for short in ("8801013", "", "8801013000a"):
        with pytest.raises(ValueError):
            kz_check_digit(short)


def test_email_start_is_the_run_of_local_part_bytes_before_the_last_at():
    """The start of an address, walked back byte by byte (issue 16, item 6),
    is what the local part's definition gives: the longest run of bytes that
    may stand in a local part (RFC 5321 atoms and dots, any UTF-8 letter per
    RFC 6531) ending at the last `@`; the run may be longer than any window."""
    import re

    from senim.checks.personal_data.detectors import email

    local_run = re.compile(rb"[A-Za-z0-9._%+\x80-\xff-]*\Z")
    pieces = [b"a", b"Z", b"0", b".", b"_", b"%", b"+", b"-", "ә".encode(), "Ж".encode(), b" ", b",", b":", b"\n",
              b"<", b"(", b"!", b"@"]
    r = random.Random(406)
    for _ in range(3000):
        before = b"".join(r.choice(pieces) for _ in range(r.randrange(0, 60)))
        if r.random() < 0.05:
            before = "клиент".encode() * 40 + before.replace(b"@", b"")  # a run longer than any look-back window
        data = before + b"@mail.kz "
        at = len(before)
        expected = local_run.search(data, 0, at).start()
        assert email.start_of(data, len(data)) == expected, data
