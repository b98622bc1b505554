"""Trusted lists (KZ AI Law Art. 19): the bank applies for its high-risk
system, the authority's reviewer moves the application through the
workflow of the law pack, both sides see every deadline, and the listed
system appears on the public list.

The dates are worked by hand on the Kazakh calendar: 16 December 2026
(a Wednesday) is Independence Day, a public holiday; Saturdays and Sundays
are days off; no day off is transferred in December 2026. Periods (the
Minister's Order of 10 April 2026, as in the pack): review 10 working days,
review of a corrected application 5, publication 5, each counted from the
day after the step.
- submitted Wed 9 Dec: 10, 11, 14, 15, (16 off), 17, 18, 21, 22, 23, 24 -> Thu 24 Dec
- resubmitted Mon 14 Dec: 15, (16 off), 17, 18, 21, 22 -> Tue 22 Dec
- listed Fri 18 Dec: 21, 22, 23, 24, 25 -> Fri 25 Dec
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from web_helpers import AUTHORITY, BANK, CLINIC, manifest_yaml, wait_job

ALMATY = ZoneInfo("Asia/Almaty")
PDF = b"%PDF-1.4\n% certificate of entry in the State Register of copyright\n%%EOF\n"


def _on(world, day: int) -> None:
    world.app.state.clock = lambda: datetime(2026, 12, day, 11, 0, tzinfo=ALMATY)


@pytest.fixture(scope="module")
def applied(world):
    """The bank's high-risk triage assistant, assessed, and its application of 9 December 2026."""
    c, h = world.client, world.token("admin", BANK)
    done = c.post("/api/v1/systems", headers={**h, "content-type": "application/yaml"},
                  content=manifest_yaml("triage-assistant", BANK).encode())
    assert done.status_code == 201, done.text
    job = c.post("/api/v1/systems/triage-assistant/assessments", headers=h, json={"lang": "en"}).json()
    wait_job(world, job["id"], h)
    _on(world, 9)
    sent = c.post("/api/v1/systems/triage-assistant/trusted-list", headers=world.token("compliance", BANK),
                  data={"lang": "kk"}, files={"copyright": ("Авторлық куәлік.pdf", PDF, "application/pdf")})
    assert sent.status_code == 201, sent.text
    yield world, sent.json()
    del world.app.state.clock


def test_the_application_is_submitted_with_its_documents_and_the_review_deadline(applied):
    world, application = applied
    assert application["state"] == "submitted" and application["owner"] == "Example Bank JSC"
    assert application["bin"] == BANK
    assert application["deadline"]["due"] == "2026-12-24" and application["deadline"]["working_days"] == 10
    assert application["deadline"]["acts"] == "reviewer" and application["deadline"]["ref"]
    papers = {d["document"]: d for d in application["documents"]}
    assert set(papers) == {"application", "copyright", "audit_report"}
    assert papers["copyright"]["file_name"] == "Авторлық куәлік.pdf"
    import hashlib

    assert papers["copyright"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    # the draft is the pack's application, in Kazakh as asked
    draft = world.client.get(f"/api/v1/evidence/{papers['application']['evidence']}/file",
                             headers=world.token("admin", BANK))
    assert draft.status_code == 200
    assert "Қауіп-қатер дәрежесі жоғары сенімді ЖИ жүйелерінің тізбесіне енгізуге өтінім" in draft.content.decode()


def test_the_other_owner_sees_nothing_and_cannot_move_it(applied):
    world, application = applied
    mine = world.client.get("/api/v1/trusted-list/applications", headers=world.token("admin", CLINIC))
    assert mine.status_code == 200 and mine.json() == []
    moved = world.client.post(f"/api/v1/trusted-list/applications/{application['id']}/moves",
                              headers=world.token("admin", CLINIC), json={"move": "resubmit"})
    assert moved.status_code == 404
    assert world.client.get("/api/v1/registry/applications", headers=world.token("admin", BANK)).status_code == 403


def test_submitted_to_listed_with_both_sides_seeing_each_deadline_then_public(applied):
    world, application = applied
    c, number = world.client, application["id"]
    reviewer, owner = world.token("regulator", AUTHORITY), world.token("compliance", BANK)

    def review(move, note=None):
        return c.post(f"/api/v1/registry/applications/{number}/moves", headers=reviewer,
                      json={"move": move, "note": note})

    def answer(move, note=None):
        return c.post(f"/api/v1/trusted-list/applications/{number}/moves", headers=owner,
                      json={"move": move, "note": note})

    seen = c.get("/api/v1/registry/applications", headers=reviewer).json()
    assert [(a["id"], a["deadline"]["due"]) for a in seen] == [(number, "2026-12-24")]

    _on(world, 10)
    assert answer("start_review").status_code == 403          # the owner does not review itself
    started = review("start_review")
    assert started.status_code == 200, started.text
    assert started.json()["state"] == "under_review" and started.json()["deadline"]["due"] == "2026-12-24"

    _on(world, 11)
    assert review("request_documents").status_code == 422    # a request says what is missing
    # on the reviewer's Kazakh page the refusal is in Kazakh, at the note, and nothing moved
    page = c.post(f"/regulator/applications/{number}/move?lang=kk", headers=world.cookie("regulator", AUTHORITY),
                  data={"move": "request_documents", "note": "  "})
    assert page.status_code == 422
    assert "ескертпе керек" in page.text and "needs a note" not in page.text
    assert f'aria-describedby="move-problem-{number}"' in page.text
    assert [a["state"] for a in c.get("/api/v1/registry/applications", headers=reviewer).json()] == ["under_review"]
    asked = review("request_documents", "The copyright agreement is unsigned").json()
    assert asked["state"] == "documents_requested"
    assert asked["deadline"]["due"] is None and asked["deadline"]["acts"] == "owner"
    assert review("resubmit").status_code == 403              # the reviewer does not answer for the owner

    _on(world, 14)
    again = answer("resubmit", "Signed agreement attached")
    assert again.status_code == 200, again.text
    assert again.json()["state"] == "under_review" and again.json()["deadline"]["due"] == "2026-12-22"

    _on(world, 18)
    assert review("request_documents", "x").status_code == 200 and answer("resubmit").status_code == 200
    # resubmitted again on 18 December: 21, 22, 23, 24, 25 -> 25 December
    assert c.get("/api/v1/trusted-list/applications", headers=owner).json()[0]["deadline"]["due"] == "2026-12-25"
    listed = review("list").json()
    assert listed["state"] == "listed" and listed["deadline"]["id"] == "publication"
    assert listed["deadline"]["due"] == "2026-12-25"
    assert listed["moves"] == {"owner": [], "reviewer": []}
    assert review("refuse", "too late").status_code == 422    # a listed application is final

    # both sides read the same steps and deadlines on their pages
    owner_page = c.get("/systems/triage-assistant/trusted-list?lang=en", headers=world.cookie("compliance", BANK))
    reviewer_page = c.get(f"/regulator/applications/{number}?lang=en", headers=world.cookie("regulator", AUTHORITY))
    for page in (owner_page, reviewer_page):
        assert page.status_code == 200, page.text[:300]
        for day in ("24 December 2026", "22 December 2026", "25 December 2026"):
            assert day in page.text, day
        assert "regulator@agency.kz" in page.text and f"compliance@{BANK}.kz" in page.text
    assert "Put on the list" not in owner_page.text.split("Steps")[0]  # no reviewer's move offered to the owner
    # a listed system is not offered, nor allowed, a second application
    assert 'action="/systems/triage-assistant/trusted-list"' not in owner_page.text
    twice = c.post("/api/v1/systems/triage-assistant/trusted-list", headers=owner, data={"lang": "en"},
                   files={"copyright": ("c.pdf", PDF, "application/pdf")})
    assert twice.status_code == 422 and "on the trusted list already" in twice.text

    # every step is in the owner's ledger, naming who made it, and the ledger verifies
    entries = c.get("/api/v1/ledger/export", headers=world.token("admin", BANK)).json()["entries"]
    steps = [(e["entry"]["kind"], e["entry"]["actor"]["user"]) for e in entries
             if e["entry"]["kind"].startswith("trusted_list.")]
    assert steps == [("trusted_list.submit", f"compliance@{BANK}.kz"),
                     ("trusted_list.start_review", "regulator@agency.kz"),
                     ("trusted_list.request_documents", "regulator@agency.kz"),
                     ("trusted_list.resubmit", f"compliance@{BANK}.kz"),
                     ("trusted_list.request_documents", "regulator@agency.kz"),
                     ("trusted_list.resubmit", f"compliance@{BANK}.kz"),
                     ("trusted_list.list", "regulator@agency.kz")]
    assert c.get("/api/v1/ledger/verify", headers=world.token("admin", BANK)).json()["ok"] is True

    # the public list: no account needed
    public = c.get("/public/trusted-list")
    assert public.status_code == 200
    assert [(s["owner"], s["bin"], s["system"], s["listed_on"]) for s in public.json()] == [
        ("Example Bank JSC", BANK, "triage-assistant", "2026-12-18")]
    as_csv = c.get("/public/trusted-list?format=csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8"), newline="")))
    assert [(r["bin"], r["system"], r["listed_on"]) for r in rows] == [(BANK, "triage-assistant", "2026-12-18")]
    for lang, title in (("kk", "Қауіп-қатер дәрежесі жоғары сенімді ЖИ жүйелерінің тізбесі"),
                        ("ru", "Перечень доверенных систем ИИ высокой степени риска"),
                        ("en", "List of trusted high-risk AI systems")):
        page = c.get(f"/trusted-list?lang={lang}")
        assert page.status_code == 200 and title in page.text and "triage-assistant" in page.text


def test_the_reviewer_reads_the_documents_the_owner_attached(applied):
    world, application = applied
    got = world.client.get(f"/regulator/applications/{application['id']}/documents/1",
                           headers=world.cookie("regulator", AUTHORITY))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
