"""The public pages in Debian's Chromium, in Kazakh, against a real server:
the label check shows each of its four states, the request form goes from
a mistake to a tracking code and its status page, the owner reads it in
the inbox; axe-core (WCAG 2.1 A and AA) on every page and state (on the
SQLite run, as tests/web/test_browser does)."""

from __future__ import annotations

import re

import pytest

from public_media import make_media
from web_helpers import BANK, Checked


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("public-browser-media"))


# The four states as the page says them in Kazakh (src/senim/i18n/public.yaml, read by a Kazakh speaker).
STATES_KK = {
    "valid": "Бұл файлда танылған қол қоюшының жарамды белгісі бар.",
    "untrusted": "Бұл файлда белгі бар, бірақ оған қол қоюшы танылмаған.",
    "invalid": "Бұл файлдағы белгі өзгертілген немесе бүлінген.",
    "none": "Бұл файлда белгі жоқ.",
}


def test_the_label_check_shows_all_four_states_in_kazakh(world, live, browser, media):
    from senim.web.public import Limits

    world.app.state.public_windows = Limits()
    context = browser.new_context(locale="kk-KZ")
    page = context.new_page()
    checked = Checked(page, f"public-check-{world.kind}", axe=world.kind == "sqlite")
    page.goto(f"{live.url}/check")
    assert page.locator("html").get_attribute("lang") == "kk"  # from the browser's Accept-Language
    checked.check("empty")
    cases = [("valid", media.labelled, True), ("untrusted", media.labelled, False),
             ("invalid", media.changed, True), ("none", media.camera, True)]
    try:
        for state, path, trusting in cases:
            world.app.state.trust_anchors = media.ca.read_text() if trusting else None
            page.goto(f"{live.url}/check")
            page.set_input_files("#check-file", str(path))
            page.click("form[action='/public/label-check'] button[type=submit]")
            page.wait_for_selector("#state")
            assert page.locator("#state").get_attribute("data-state") == state
            assert STATES_KK[state] in page.locator("#state").inner_text()
            checked.check(state)
    finally:
        world.app.state.trust_anchors = None
    assert "мессенджер" in page.content()  # what "no label" means
    page.goto(f"{live.url}/check")
    page.set_input_files("#check-file", files=[{"name": "a.png", "mimeType": "image/png", "buffer": b"\x00\x01 not media"}])
    page.click("form[action='/public/label-check'] button[type=submit]")
    assert page.locator("#check-problem").is_visible()
    checked.check("error")
    page.fill("#report-where", "https://t.me/example/7")
    page.fill("#report-description", "Белгісіз синтетикалық бейне")
    page.click("form[action='/public/reports'] button[type=submit]")
    assert page.locator("#reported").is_visible()
    checked.check("reported")
    context.close()


def test_a_request_from_the_form_to_its_answer_in_kazakh(world, live, browser):
    from senim.web.public import Limits

    world.app.state.public_windows = Limits()
    context = browser.new_context(locale="kk-KZ")
    page = context.new_page()
    checked = Checked(page, f"public-request-{world.kind}", axe=world.kind == "sqlite")
    page.goto(f"{live.url}/request")
    checked.check("form")
    page.fill("#rq-owner", BANK)
    page.fill("#rq-system", "no-such-system")
    page.check("input[name=kind][value=objection]")
    page.fill("#rq-text", "Шешімге қарсымын")
    page.fill("#rq-contact", "person@example.kz")
    page.click("button[type=submit]")
    assert page.locator("#request-problem").is_visible()
    checked.check("form-error")
    page.fill("#rq-system", "retail-credit-scoring")
    page.check("input[name=kind][value=objection]")
    page.click("button[type=submit]")
    page.wait_for_selector("#tracking")
    tracking = page.locator("#tracking").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){5}", tracking)
    checked.check("sent")
    page.click("#tracking-link")
    page.wait_for_selector("#status")
    assert "Жауап күтілуде" in page.locator("#status").inner_text()
    checked.check("status")
    context.close()

    owner = browser.new_context(locale="kk-KZ")
    owner.add_cookies([{"name": "senim_session", "value": world.sessions[(BANK, "compliance")], "url": live.url}])
    page = owner.new_page()
    checked = Checked(page, f"public-inbox-{world.kind}", axe=world.kind == "sqlite")
    page.goto(f"{live.url}/requests")
    checked.check("inbox")
    page.locator("tbody tr a").first.click()
    page.wait_for_selector("textarea#answer-text")
    checked.check("request")
    page.check("input[name=kind][value=own_words]")
    page.click("form[action$='/answer'] button[type=submit]")  # no text: the problem is shown
    assert page.locator("#answer-problem").is_visible()
    checked.check("answer-error")
    page.check("input[name=kind][value=own_words]")
    page.fill("#answer-text", "Шешімді маман қайта қарады.")
    page.click("form[action$='/answer'] button[type=submit]")
    page.wait_for_selector("#answer")
    checked.check("answered")
    owner.close()


def test_a_published_system_page_and_its_form_in_kazakh(world, live, browser):
    done = world.client.put("/api/v1/systems/retail-credit-scoring/public-page", headers=world.token("admin"), json={
        "published": True, "fields": {"trade_name": "Bank Score", "status": "in_service",
                                      "intended_purpose": {"kk": "Несие қабілетін бағалау", "en": "Credit scoring"}}})
    assert done.status_code == 200, done.text
    context = browser.new_context(locale="kk-KZ")
    context.add_cookies([{"name": "senim_session", "value": world.sessions[(BANK, "admin")], "url": live.url}])
    page = context.new_page()
    checked = Checked(page, f"public-page-{world.kind}", axe=world.kind == "sqlite")
    page.goto(f"{live.url}/systems/retail-credit-scoring/public-page")
    checked.check("form")
    page.click("#page-state a")
    page.wait_for_url(re.compile(r".*/p/[A-Za-z0-9_-]{16}$"))
    assert "Несие қабілетін бағалау" in page.locator("main").inner_text()
    checked.check("page")
    context.close()
