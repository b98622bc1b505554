"""A labelled corpus for the personal-data scanner, made from scratch.

Identifiers are made here with check digits computed by this file's own
code, written from the law reference (Part 1c) and the ISO standards, not by
Senim's detectors; look-alikes are made to fail those same checks.
Each line is a str, and labels are (line number, start, end, type) in code
points of that line.
"""

from __future__ import annotations

import random
import string

FILLER = [
    "Сәлеметсіз бе, менің өтінішім бойынша жауап күтемін",
    "Здравствуйте, подскажите пожалуйста статус заявки",
    "Hello, I would like to check the status of my request",
    "банк картасы бойынша төлем өтпей тұр",
    "платёж не прошёл, деньги списались дважды",
    "the payment failed twice yesterday evening",
    "рахмет, бәрі түсінікті",
    "спасибо, всё понятно",
    "thanks, that helps a lot",
    "жеткізу 3 күнге созылды, 2 данасы келмеді",
    "доставка заняла 5 дней, пришло 2 из 3 коробок",
    "order took 4 days and 1 box was missing",
    "версия приложения 2.14 на андроиде",
]


def iin_check(d11: str) -> int | None:
    w1 = range(1, 12)
    w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
    k = sum(int(a) * b for a, b in zip(d11, w1)) % 11
    if k == 10:
        k = sum(int(a) * b for a, b in zip(d11, w2)) % 11
        if k == 10:
            return None
    return k


def luhn_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def iban_digits(country: str, bban: str) -> str:
    moved = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in moved))
    return "%02d" % (98 - number % 97)


class Maker:
    def __init__(self, seed: int):
        self.r = random.Random(seed)

    def digits(self, n: int) -> str:
        return "".join(self.r.choice(string.digits) for _ in range(n))

    def iin(self, valid=True) -> str:
        while True:
            year = self.r.randint(1930, 2015)
            century = {19: (3, 4), 20: (5, 6)}[year // 100]
            body = "%02d%02d%02d%d%s" % (year % 100, self.r.randint(1, 12), self.r.randint(1, 28),
                                          self.r.choice(century), self.digits(4))
            k = iin_check(body)
            if k is None:
                continue
            return body + str(k if valid else (k + self.r.randint(1, 9)) % 10)

    def iin_bad_date(self) -> str:
        while True:
            body = "%02d%02d%02d%d%s" % (self.r.randint(0, 99), self.r.choice([0, 13, 14, 19]), self.r.randint(1, 28),
                                          self.r.randint(3, 6), self.digits(4))
            k = iin_check(body)
            if k is not None:
                return body + str(k)

    def bin(self) -> str:
        while True:
            body = "%02d%02d%d%d%s" % (self.r.randint(0, 25), self.r.randint(1, 12), self.r.randint(4, 6),
                                        self.r.randint(0, 3), self.digits(5))
            k = iin_check(body)
            if k is not None:
                return body + str(k)

    def order_number(self) -> str:
        """12 digits that pass neither the IIN nor the BIN rules."""
        while True:
            n = self.digits(12)
            if iin_check(n[:11]) != int(n[11]):
                return n

    def card(self, valid=True) -> str:
        prefix = self.r.choice(["4", "51", "53", "2200", "2202", "2221"])
        body = prefix + self.digits(15 - len(prefix))
        check = luhn_digit(body)
        if not valid:
            check = str((int(check) + self.r.randint(1, 9)) % 10)
        number = body + check
        if self.r.random() < 0.5:
            sep = self.r.choice([" ", "-"])
            number = sep.join(number[i:i + 4] for i in range(0, 16, 4))
        return number

    def iban(self, valid=True) -> str:
        country, length = self.r.choice([("KZ", 20), ("KZ", 20), ("DE", 22), ("GB", 22)])
        if country == "KZ":
            bban = self.digits(3) + self.r.choice(["KZT", "USD", "EUR"]) + self.digits(10)
        elif country == "DE":
            bban = self.digits(18)
        else:
            bban = "".join(self.r.choice(string.ascii_uppercase) for _ in range(4)) + self.digits(14)
        check = iban_digits(country, bban)
        if not valid:
            check = "%02d" % ((int(check) + self.r.randint(1, 50)) % 97 + 2)
            if check == iban_digits(country, bban):
                check = "%02d" % ((int(check) + 1) % 97 + 2)
        text = country + check + bban
        if self.r.random() < 0.4:
            text = " ".join(text[i:i + 4] for i in range(0, len(text), 4))
        return text

    def kz_phone(self) -> str:
        code = self.r.choice(["701", "702", "705", "707", "747", "771", "775", "777", "778", "727"])
        a, b, c = self.digits(3), self.digits(2), self.digits(2)
        return self.r.choice([
            f"+7 {code} {a} {b} {c}", f"8 ({code}) {a}-{b}-{c}", f"8{code}{a}{b}{c}", f"+7{code}{a}{b}{c}",
            f"+7 ({code}) {a}-{b}-{c}", f"8-{code}-{a}-{b}-{c}", f"8 {code} {a} {b} {c}",
        ])

    def foreign_phone(self) -> str:
        return self.r.choice([f"+49 30 {self.digits(7)}", f"+44 20 {self.digits(4)} {self.digits(4)}",
                              f"+998 90 {self.digits(3)} {self.digits(2)} {self.digits(2)}"])

    def email(self) -> str:
        user = self.r.choice(["aigerim", "a.nurlanova", "serik.b", "ivanov_p", "client2024", "j.smith"])
        return f"{user}{self.r.randint(1, 999)}@{self.r.choice(['mail.kz', 'gmail.com', 'halykbank.kz', 'yandex.ru'])}"

    def ip(self) -> str:
        return ".".join(str(self.r.randint(1, 254)) for _ in range(4))


# type -> how to introduce it (context prefix), and whether that prefix is needed
PLANTS = {
    "kz_iin": ["ИИН ", "ЖСН: ", "IIN ", "мой иин ", ""],
    "kz_bin": ["БИН ", "БСН: ", "BIN ", "компания ", ""],
    "iban": ["IBAN ", "счёт ", "шот: ", ""],
    "payment_card": ["карта ", "card ", "картасы ", ""],
    "phone": ["тел. ", "телефон: ", "phone ", "нөмірім ", "звоните ", ""],
    "phone_foreign": ["тел. ", "phone: ", "телефон "],
    "email": ["почта ", "email: ", "", "пошта "],
    "ip_address": ["IP ", "с адреса ", ""],
    "kz_passport": ["паспорт ", "passport no. ", "төлқұжат "],
    "kz_id_card": ["удостоверение личности № ", "жеке куәлік ", "ID card "],
}

LOOKALIKES = ["bad_iin", "bad_date", "order", "bad_card", "bad_iban", "bare_passport", "bare_id", "bare_foreign"]


def make_corpus(lines: int = 3000, seed: int = 7) -> tuple[list[str], list[tuple[int, int, int, str]]]:
    m = Maker(seed)
    r = m.r
    out, labels = [], []
    kinds = list(PLANTS)
    for line_no in range(1, lines + 1):
        parts: list[str] = [r.choice(FILLER)]
        line_labels = []
        for _ in range(r.randint(1, 3)):
            text_so_far = ", ".join(parts) + ", "
            if r.random() < 0.7:
                kind = r.choice(kinds)
                value = {
                    "kz_iin": m.iin, "kz_bin": m.bin, "iban": m.iban, "payment_card": m.card, "phone": m.kz_phone,
                    "phone_foreign": m.foreign_phone, "email": m.email, "ip_address": m.ip,
                    "kz_passport": lambda: "N" + m.digits(8), "kz_id_card": lambda: "0" + m.digits(8),
                }[kind]()
                prefix = r.choice(PLANTS[kind])
                start = len(text_so_far) + len(prefix)
                parts.append(prefix + value)
                line_labels.append((line_no, start, start + len(value), "phone" if kind == "phone_foreign" else kind))
            else:
                fake = r.choice(LOOKALIKES)
                value = {
                    "bad_iin": lambda: "ИИН " + m.iin(valid=False),
                    "bad_date": lambda: "ИИН " + m.iin_bad_date(),
                    "order": lambda: "заказ №" + m.order_number(),
                    "bad_card": lambda: "карта " + m.card(valid=False),
                    "bad_iban": lambda: "IBAN " + m.iban(valid=False),
                    "bare_passport": lambda: "артикул N" + m.digits(8),
                    "bare_id": lambda: "трек " + m.digits(9),
                    "bare_foreign": lambda: "итого +49" + m.digits(9),
                }[fake]()
                parts.append(value)
            parts.append(r.choice(FILLER))
        out.append(", ".join(parts))
        labels.extend(line_labels)
    return out, labels
