"""Citizens' requests: a person writes to an owner without an account, gets a
tracking code and the date the law gives the owner; the owner's inbox is
ordered by that date; the owner answers with the explanation letter; the
person reads it at the tracking link; every step is ledgered.

The expected due date is worked by hand from the official calendar, not
from the code: an objection under Personal Data Law Art. 19-1 must be
answered within 3 working days. Received on Monday 14 December 2026 (Almaty):
Tue 15 Dec is working day 1; Wed 16 Dec is Independence Day, a day off under
the Law "On holidays in the Republic of Kazakhstan" (No. 267-II of 13 Dec
2001, Art. 1 and 5), and the Government's 2026 transfer of days off moves
none in December; Thu 17 Dec is day 2 and Fri 18 Dec day 3. Due: 18 Dec 2026.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from web_helpers import BANK, CLINIC, DIGEST

ALMATY = ZoneInfo("Asia/Almaty")
IIN = "850315400124"  # check digit worked by hand: weights 1..11 over the first 11 digits give 125; 125 mod 11 = 4
SYSTEM = "retail-credit-scoring"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(world):
    """Each test starts with nobody's requests counted (the limit itself is tested below)."""
    from senim.web.public import Limits

    world.app.state.public_windows = Limits()


@pytest.fixture(scope="module")
def asked(world):
    """The bank records a decision about the person (subject: their IIN); the
    person objects on Monday 14 December 2026."""
    line = json.dumps({"id": "D-iin-1", "subject": IIN, "system": SYSTEM, "inputs_digest": DIGEST,
                       "output": "declined", "reasons": ["short credit history"]})
    done = world.client.post("/api/v1/decisions", headers={**world.token("compliance"),
                                                          "content-type": "application/x-ndjson"},
                             content=(line + "\n").encode())
    assert done.status_code == 201, done.text
    world.app.state.clock = lambda: datetime(2026, 12, 14, 9, 30, tzinfo=ALMATY)
    sent = world.client.post("/public/requests", headers={"accept": "application/json"}, json={
        "owner": BANK, "system": SYSTEM, "kind": "objection", "contact": "aigerim@example.kz",
        "text": "Шешіммен келіспеймін, адам қарап шықсын.", "iin": IIN, "lang": "kk"})
    world.app.state.clock = None
    assert sent.status_code == 201, sent.text
    return sent.json()


def test_an_objection_gets_a_tracking_code_and_3_kazakh_working_days(asked):
    assert asked["due"] == "2026-12-18"
    assert asked["ref"] == "KZ Personal Data Law Art. 19-1"
    assert asked["received"] == "2026-12-14T04:30:00Z"
    code = asked["tracking"].replace("-", "")
    assert len(code) == 24 and code.isalnum()  # 120 random bits in base32
    assert asked["link"] == f"/public/requests/{asked['tracking']}"


def test_a_kind_without_a_legal_period_has_no_due_date_and_says_so(world):
    sent = world.client.post("/public/requests", headers={"accept": "application/json"}, json={
        "owner": BANK, "system": SYSTEM, "kind": "explanation", "contact": "+7 701 000 0000", "text": "Неге?"})
    assert sent.status_code == 201 and sent.json()["due"] is None and sent.json()["ref"] == "KZ AI Law Art. 16(1)(4)"
    page = world.client.get(sent.json()["link"] + "?lang=en", headers={"accept": "text/html"})
    assert "No period set by law" in page.text and "The law sets no period for the answer." in page.text


def test_the_owner_sees_it_in_its_inbox_by_deadline_and_the_other_owner_does_not(world, asked):
    later = world.client.post("/public/requests", headers={"accept": "application/json"}, json={
        "owner": BANK, "system": SYSTEM, "kind": "data_basis", "contact": "x@example.kz", "text": "Қандай деректер?"})
    assert later.status_code == 201
    inbox = world.client.get("/api/v1/requests", headers=world.token("compliance")).json()
    due = [r["due"] for r in inbox if r["status"] == "received"]
    assert due[0] == "2026-12-18" and due == sorted(d for d in due if d) + [None] * due.count(None)
    mine = next(r for r in inbox if r["kind"] == "objection")
    assert mine["subject"].startswith("iin-hmac:") and IIN not in json.dumps(inbox)
    assert mine["contact"] == "aigerim@example.kz" and mine["lang"] == "kk"
    theirs = world.client.get("/api/v1/requests", headers=world.token("compliance", CLINIC)).json()
    assert theirs and all(r["contact"] == "person@clinic.kz" for r in theirs)  # only the clinic's own
    assert world.client.get(f"/api/v1/requests/{mine['id']}", headers=world.token("admin", CLINIC)).status_code == 404
    assert world.client.get("/api/v1/requests", headers=world.token("engineer")).status_code == 403
    page = world.client.get("/requests?lang=kk", headers=world.cookie("compliance"))
    assert page.status_code == 200 and "18 желтоқсан" in page.text  # Kazakh month name, Babel puts a no-break space after "2026"


@pytest.fixture(scope="module")
def answered(world, asked):
    """The compliance officer answers the objection with the explanation letter."""
    inbox = world.client.get("/api/v1/requests", headers=world.token("compliance")).json()
    number = next(r["id"] for r in inbox if r["kind"] == "objection")
    before = world.client.get(f"/public/requests/{asked['tracking']}", headers={"accept": "application/json"}).json()
    assert before["status"] == "received" and before["answer"] is None and before["owner"] == "Example Bank JSC"
    assert world.client.post(f"/api/v1/requests/{number}/answer", headers=world.token("auditor"),
                             json={"kind": "letter"}).status_code == 403
    done = world.client.post(f"/api/v1/requests/{number}/answer", headers=world.token("compliance"),
                             json={"kind": "letter"})
    assert done.status_code == 200, done.text
    return number, done.json()["answer"]


def test_the_owner_answers_with_the_letter_and_the_person_reads_it(world, asked, answered):
    number, letter = answered
    assert "short credit history" in letter and IIN not in letter, letter  # the reason recorded
    again = world.client.post(f"/api/v1/requests/{number}/answer", headers=world.token("compliance"),
                              json={"kind": "own_words", "text": "twice"})
    assert again.status_code == 422
    read = world.client.get(f"/public/requests/{asked['tracking']}", headers={"accept": "application/json"}).json()
    assert read["status"] == "answered" and read["answer"] == letter
    page = world.client.get(f"/public/requests/{asked['tracking']}?lang=kk", headers={"accept": "text/html"})
    assert "Жауап берілді" in page.text and "short credit history" in page.text
    assert world.client.get("/public/requests/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF",
                            headers={"accept": "application/json"}).status_code == 404


def test_every_step_is_ledgered_without_the_iin_and_senim_ledger_verify_passes(world, asked, answered):
    world.client.get(f"/public/requests/{asked['tracking']}", headers={"accept": "application/json"})  # read once
    entries = world.client.get("/api/v1/ledger/export", headers=world.token("compliance")).json()["entries"]
    kinds = [e["entry"]["kind"] for e in entries]
    assert kinds.count("request.answer_read") == 1  # read twice, delivered once
    for kind in ("request.received", "disclosure.letter_read", "request.answered", "request.answer_read"):
        assert kind in kinds, kind
    received = next(e["entry"] for e in entries if e["entry"]["kind"] == "request.received"
                    and e["entry"]["data"]["kind"] == "objection")
    assert received["data"]["due"] == "2026-12-18" and received["actor"]["via"] == "public"
    assert IIN not in json.dumps(entries) and "aigerim@example.kz" not in json.dumps(entries)
    done = subprocess.run([sys.executable, "-c", "from senim.cli import main; main()", "ledger", "verify",
                           "--db", world.url], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SENIM_HOME": str(world.home)})
    assert done.returncode == 0 and "intact" in done.stdout, done.stdout + done.stderr


def test_bad_requests_are_one_sentence_and_store_nothing(world):
    before = len(world.client.get("/api/v1/requests", headers=world.token("admin")).json())
    cases = [
        ({"kind": "objection", "text": f"менің ЖСН {IIN}"}, 422, "text", "holds an IIN"),
        ({"kind": "objection", "iin": "850315400125"}, 422, "iin", "not a valid IIN"),
        ({"system": "no-such-system"}, 404, "system", "no system with this id"),
        ({"owner": CLINIC, "system": "no-such"}, 404, "system", "no system with this id"),
        ({"contact": ""}, 422, "contact", "required"),
    ]
    base = {"owner": BANK, "system": SYSTEM, "kind": "explanation", "contact": "a@example.kz", "text": "?"}
    for change, status, field, words in cases:
        done = world.client.post("/public/requests", headers={"accept": "application/json"}, json={**base, **change})
        assert done.status_code == status, (change, done.text)
        [problem] = done.json()["errors"]
        assert problem["field"] == field and words in problem["problem"], problem
    assert world.client.post("/public/requests", headers={"accept": "application/json"},
                             json={**base, "kind": "complaint"}).status_code == 422
    assert len(world.client.get("/api/v1/requests", headers=world.token("admin")).json()) == before


def test_the_form_works_without_javascript_and_its_problem_is_shown(world):
    form = {"owner": BANK, "system": "nope", "kind": "refusal", "contact": "a@example.kz", "text": "Жоқ"}
    headers = {"accept": "text/html", "sec-fetch-site": "same-origin"}
    wrong = world.client.post("/public/requests?lang=ru", headers=headers, data=form)
    assert wrong.status_code == 404 and "Обращение не отправлено" in wrong.text and 'value="nope"' in wrong.text
    done = world.client.post("/public/requests?lang=ru", headers=headers, data={**form, "system": SYSTEM})
    assert done.status_code == 201 and "Код для отслеживания" in done.text and "set-cookie" not in done.headers


def test_the_public_routes_are_rate_limited(world):
    from senim.web.public import Limits

    world.app.state.public_windows, world.app.state.public_limits = Limits(), {"requests": (2, 3600)}
    try:
        base = {"owner": BANK, "system": "nope", "kind": "refusal", "contact": "a@example.kz", "text": "?"}
        codes = [world.client.post("/public/requests", headers={"accept": "application/json"}, json=base).status_code
                 for _ in range(3)]
        assert codes == [404, 404, 429]
    finally:
        world.app.state.public_windows = Limits()
        del world.app.state.public_limits
