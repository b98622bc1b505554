"""Each detector against check digits worked by hand (law reference, Part 1c)
and well-known published examples."""

import pytest

from senim.checks.personal_data.detectors import (
    email,
    iban,
    ip_address,
    kz_bin,
    kz_id_card,
    kz_iin,
    kz_passport,
    payment_card,
    person_name,
    phone,
)
from senim.checks.personal_data.detectors.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)


def test_iin_worked_example_needs_the_second_pass():
    # pass 1: 87 mod 11 = 10; pass 2: 112 mod 11 = 2 = the 12th digit
    assert kz_iin.calc_check_digit("06121160001") == "2"
    assert kz_iin.validate("061211600012") == "061211600012"
    assert kz_iin.birth_date("061211600012").isoformat() == "2006-12-11"
    assert kz_iin.sex("061211600012") == "female"


def test_iin_made_up_number_fails_its_check_digit():
    # computed 7, written 9
    assert kz_iin.calc_check_digit("90010130001") == "7"
    with pytest.raises(InvalidChecksum):
        kz_iin.validate("900101300019")
    assert kz_iin.is_valid("900101300017")


def test_iin_needs_a_real_date_and_a_century_digit_1_to_6():
    with pytest.raises(InvalidComponent):
        kz_iin.validate("900230300012")  # 30 February
    with pytest.raises(InvalidComponent):
        kz_iin.validate("900101700012")  # century digit 7
    with pytest.raises(InvalidLength):
        kz_iin.validate("06121160001")
    with pytest.raises(InvalidFormat):
        kz_iin.validate("06121160001X")
    assert kz_iin.compact(" 061211 600012 ") == "061211600012"
    assert kz_iin.format("061211600012") == "061211 600012"


def test_bin_worked_examples():
    # 159 mod 11 = 5; 202 mod 11 = 4
    assert kz_bin.validate("940140000385") == "940140000385"
    assert kz_bin.is_valid("990140004654")
    assert not kz_bin.is_valid("940140000386")
    with pytest.raises(InvalidComponent):
        kz_bin.validate("941340000385")  # month 13
    with pytest.raises(InvalidComponent):
        kz_bin.validate("940170000385")  # type 7
    assert not kz_iin.is_valid("940140000385")  # day 40 is no date


def test_iban_registry_example_and_mod_97():
    assert iban.validate("KZ86 125K ZT50 0410 0100") == "KZ86125KZT5004100100"
    assert iban.calc_check_digits("KZ00125KZT5004100100") == "86"
    assert iban.format("KZ86125KZT5004100100") == "KZ86 125K ZT50 0410 0100"
    with pytest.raises(InvalidChecksum):
        iban.validate("KZ87125KZT5004100100")
    with pytest.raises(InvalidLength):
        iban.validate("KZ86125KZT50041001")
    # the ISO 13616 example IBANs of Germany and Great Britain
    assert iban.is_valid("DE89 3704 0044 0532 0130 00")
    assert iban.is_valid("GB82 WEST 1234 5698 7654 32")


def test_payment_card_luhn_and_issuer():
    assert payment_card.is_valid("4111 1111 1111 1111")  # the classic Visa test number
    assert payment_card.is_valid("5500-0000-0000-0004")  # a Mastercard test number
    assert payment_card.calc_check_digit("411111111111111") == "1"
    assert payment_card.issuer("2200123412341234") == "mir"
    with pytest.raises(InvalidChecksum):
        payment_card.validate("4111111111111112")
    with pytest.raises(InvalidComponent):
        payment_card.validate("7111111111111117")  # 7: petroleum, no card scheme
    with pytest.raises(InvalidLength):
        payment_card.validate("1111111111111117")  # 1: UATP, whose numbers have 15 digits
    with pytest.raises(InvalidLength):
        payment_card.validate("411111111111")


@pytest.mark.parametrize("written", ["+7 701 234 56 78", "8 (701) 234-56-78", "87012345678", "+77012345678", "8-701-234-56-78"])
def test_kazakh_phone_spellings_are_one_number(written):
    assert phone.validate(written) == "+77012345678"
    assert phone.format(written) == "+7 701 234 56 78"


def test_phone_rejects_russian_and_short_numbers():
    with pytest.raises(InvalidComponent):
        phone.validate("+7 916 123 45 67")  # Moscow mobile: +7 but not the 7xx range
    with pytest.raises(InvalidLength):
        phone.validate("+7 701 234 56")
    assert phone.validate_international("+44 20 7946 0958") == "+442079460958"
    assert phone.validate("8 (727) 250-12-34") == "+77272501234"


def test_email_ip_passport_id_card():
    assert email.is_valid("aigerim.n@mail.kz")
    assert not email.is_valid("aigerim@localhost")
    assert not email.is_valid("a..b@mail.kz")
    assert ip_address.is_valid("192.168.1.20") and ip_address.is_valid("fe80::1")
    assert not ip_address.is_valid("300.1.1.1")
    assert kz_passport.validate("n 1234 5678") == "N12345678"
    with pytest.raises(InvalidFormat):
        kz_passport.validate("A12345678")
    assert kz_id_card.validate("043 211 987") == "043211987"
    with pytest.raises(InvalidLength):
        kz_id_card.validate("04321198")


def test_person_name_words():
    assert person_name.validate("Иванов  Пётр Сергеевич") == "Иванов Пётр Сергеевич"
    assert person_name.is_valid("Нұрлан Әбішұлы")
    assert person_name.is_valid("Aigerim Nurlanovna Sadykova")
    assert not person_name.is_valid("Добрый День")
    assert not person_name.is_valid("Алматы Астана")
    with pytest.raises(InvalidFormat):
        person_name.validate("иванов пётр")


def test_ipv4_fast_path_agrees_with_the_standard_library():
    import ipaddress
    import random

    r = random.Random(4)
    for _ in range(5000):
        address = ".".join(str(r.choice([r.randint(0, 300), r.randint(0, 9), "0" + str(r.randint(0, 99))])) for _ in range(4))
        try:
            ipaddress.ip_address(address)
            expected = True
        except ValueError:
            expected = False
        assert ip_address.is_valid(address) == expected, address
