"""Make the support chatbot's sample logs: a day of chat messages (JSON Lines)
and a ticket export (CSV), in Kazakh, Russian and English, with personal data
planted the way customers really type it. Every person and number here is
made up (random, with valid check digits so the scanner has work to do).

    python examples/support-chatbot/make_sample.py
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).parent
W1 = range(1, 12)
W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check(d11: str):
    k = sum(int(a) * b for a, b in zip(d11, W1)) % 11
    if k == 10:
        k = sum(int(a) * b for a, b in zip(d11, W2)) % 11
    return None if k == 10 else k


def iin(r: random.Random) -> str:
    while True:
        body = "%02d%02d%02d%d%04d" % (r.randint(60, 99), r.randint(1, 12), r.randint(1, 28), r.choice((3, 4)), r.randint(0, 9999))
        k = check(body)
        if k is not None:
            return body + str(k)


def luhn_card(r: random.Random) -> str:
    body = "4400" + "".join(str(r.randint(0, 9)) for _ in range(11))
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    number = body + str((10 - total % 10) % 10)
    return " ".join(number[i:i + 4] for i in range(0, 16, 4))


PEOPLE = ["Айгерим Нурланова", "Серік Әбішұлы", "Петров Иван Сергеевич", "Dana Sadykova", "Мадина Ахметова"]


def messages(r: random.Random):
    phone = lambda: "+7 70%d %03d %02d %02d" % (r.randint(1, 8), r.randint(0, 999), r.randint(0, 99), r.randint(0, 99))  # noqa: E731
    templates = [
        ("kk", lambda: f"Сәлеметсіз бе! Менің ЖСН {iin(r)}, картам бұғатталды"),
        ("kk", lambda: f"Мен {r.choice(PEOPLE)}, нөмірім {phone()}"),
        ("ru", lambda: f"Здравствуйте, я {r.choice(PEOPLE)}, ИИН {iin(r)}, перезвоните на 8 (727) 250-{r.randint(10, 99)}-{r.randint(10, 99)}"),
        ("ru", lambda: f"Списали деньги с карты {luhn_card(r)}, номер заказа {r.randint(10**11, 10**12 - 1)}"),
        ("en", lambda: f"Hi, please send the statement to client{r.randint(1, 999)}@mail.kz"),
        ("en", lambda: "Thanks, the issue is solved"),
        ("ru", lambda: "Спасибо, всё работает"),
        ("kk", lambda: "Рахмет, бәрі жақсы"),
        ("ru", lambda: f"Перевод на счёт KZ86125KZT5004100100 не прошёл, паспорт N{r.randint(10**7, 10**8 - 1)}"),
    ]
    for i in range(240):
        lang, make = r.choice(templates)
        yield {"time": f"2026-03-02T{8 + i // 20:02d}:{(i * 3) % 60:02d}:00+05:00", "session": f"s{i // 4:03d}",
               "lang": lang, "role": "user", "text": make()}


def main() -> None:
    r = random.Random(230)
    logs = HERE / "logs"
    logs.mkdir(exist_ok=True)
    with open(logs / "chat-2026-03-02.jsonl", "w", encoding="utf-8") as out:
        for message in messages(r):
            out.write(json.dumps(message, ensure_ascii=False) + "\n")
    with open(logs / "tickets.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ticket", "customer", "iin", "phone", "summary"])
        for t in range(60):
            writer.writerow([f"T-{1000 + t}", r.choice(PEOPLE), iin(r), f"8701{r.randint(1000000, 9999999)}",
                             r.choice(["карта бұғатталды", "двойное списание", "statement request"])])


if __name__ == "__main__":
    main()
