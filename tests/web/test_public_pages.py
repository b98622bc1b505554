"""Public system pages: off by default, a random address, kk/ru/en, fields
covering every point of EU AI Act Annex VIII Sections A-C (the points listed
here are read from the Annex's text, OJ L 12.7.2024), an unpublished page
404 in the same words as one that does not exist."""

from __future__ import annotations

from web_helpers import BANK

SYSTEM = "retail-credit-scoring"
# Annex VIII: Section A (Art. 49(1)) has points 1-13, Section B (Art. 49(2)) 1-9, Section C (Art. 49(3)) 1-5.
ANNEX_VIII = {"A": range(1, 14), "B": range(1, 10), "C": range(1, 6)}
FIELDS = {
    "provider": "Example Bank JSC, 050000 Almaty, dpo@bank.kz",
    "trade_name": "Bank Score",
    "intended_purpose": {"kk": "Несие қабілетін бағалау", "ru": "Оценка кредитоспособности", "en": "Credit scoring"},
    "status": "in_service",
    "member_states": ["DE", "LV"],
    "instructions_for_use": "https://bank.kz/ai/instructions.pdf",
    "fria_summary": {"en": "No group is refused more often than four fifths of another's rate."},
}


def test_the_fields_cover_every_point_of_annex_viii():
    from senim.registry.public_pages import fields

    covered = {point for field in fields() for point in field["annex"]}
    expected = {f"{section}.{n}" for section, points in ANNEX_VIII.items() for n in points}
    assert expected <= covered, sorted(expected - covered)
    assert any(not field["annex"] for field in fields())  # a superset: Senim's own fields too


def test_off_by_default_then_published_at_a_random_address(world):
    admin = world.token("admin")
    first = world.client.get(f"/api/v1/systems/{SYSTEM}/public-page", headers=admin).json()
    assert first["published"] is False and first["slug"] is None
    draft = world.client.put(f"/api/v1/systems/{SYSTEM}/public-page", headers=admin,
                             json={"published": False, "fields": FIELDS})
    assert draft.status_code == 200, draft.text
    slug = draft.json()["slug"]
    assert len(slug) == 16 and SYSTEM not in slug
    hidden = world.client.get(f"/p/{slug}", headers={"accept": "application/json"})
    unknown = world.client.get("/p/AAAAAAAAAAAAAAAA", headers={"accept": "application/json"})
    assert hidden.status_code == unknown.status_code == 404 and hidden.json() == unknown.json()

    published = world.client.put(f"/api/v1/systems/{SYSTEM}/public-page", headers=admin,
                                 json={"published": True, "fields": FIELDS}).json()
    assert published["slug"] == slug  # the address never changes
    page = world.client.get(f"/p/{slug}", headers={"accept": "application/json"}).json()
    assert page["owner_bin"] == BANK and page["fields"]["member_states"] == ["DE", "LV"]
    a = {item["point"]: item["field"] for item in page["annex_viii"]["A"]}
    assert a[1] == "provider" and a[5] == "intended_purpose" and a[7] == "status" and a[12] == "instructions_for_use"
    assert [i["field"] for i in page["annex_viii"]["C"]] == ["fria_summary"]
    kk = world.client.get(f"/p/{slug}?lang=kk", headers={"accept": "text/html"}).text
    assert "Несие қабілетін бағалау" in kk and "пайдаланылуда" in kk
    en = world.client.get(f"/p/{slug}?lang=en", headers={"accept": "text/html"}).text
    assert "Credit scoring" in en and f"/request?owner={BANK}" in en
    kinds = [e["entry"]["kind"] for e in world.client.get("/api/v1/ledger/export", headers=admin).json()["entries"]]
    assert kinds.count("public_page.saved") >= 2

    off = world.client.put(f"/api/v1/systems/{SYSTEM}/public-page", headers=admin,
                           json={"published": False, "fields": FIELDS})
    assert off.status_code == 200 and world.client.get(f"/p/{slug}").status_code == 404


def test_bad_fields_and_other_organisations_systems_are_refused(world):
    admin = world.token("admin")
    for fields, field in (({"instructions_for_use": "http://bank.kz/x"}, "instructions_for_use"),
                          ({"colour": "blue"}, "fields"), ({"status": "sold"}, "status"),
                          ({"provider": "ЖСН 850315400124"}, "provider"),
                          ({"intended_purpose": {"de": "x"}}, "intended_purpose")):
        done = world.client.put(f"/api/v1/systems/{SYSTEM}/public-page", headers=admin,
                                json={"published": True, "fields": fields})
        assert done.status_code == 422 and done.json()["errors"][0]["field"] == field, (fields, done.text)
    assert world.client.put("/api/v1/systems/triage-assistant/public-page", headers=admin,
                            json={"published": True, "fields": {}}).status_code == 404  # the clinic's
    assert world.client.put(f"/api/v1/systems/{SYSTEM}/public-page", headers=world.token("auditor"),
                            json={"published": True, "fields": {}}).status_code == 403


def test_the_owners_form_publishes_without_javascript(world):
    cookie = world.cookie("compliance")
    page = world.client.get(f"/systems/{SYSTEM}/public-page?lang=kk", headers=cookie)
    assert page.status_code == 200 and "Жүйенің қоғамдық беті" in page.text
    sent = world.client.post(f"/systems/{SYSTEM}/public-page", headers=cookie, follow_redirects=False,
                             data={"published": "1", "trade_name": "Bank Score", "intended_purpose.kk": "Бағалау",
                                   "intended_purpose.en": "Scoring"})
    assert sent.status_code == 303
    slug = world.client.get(f"/api/v1/systems/{SYSTEM}/public-page", headers=world.token("admin")).json()["slug"]
    assert "Бағалау" in world.client.get(f"/p/{slug}?lang=kk", headers={"accept": "text/html"}).text
    bad = world.client.post(f"/systems/{SYSTEM}/public-page", headers=cookie,
                            data={"published": "1", "more_information": "ftp://x"})
    assert bad.status_code == 422 and "https://" in bad.text
