"""The owner's journeys in Debian's Chromium, in Kazakh and English, against
a real server on 127.0.0.1; axe-core (WCAG 2.1 A and AA) on every page and
on its empty and error states. Screenshots go to tests/web/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from web_helpers import BANK, PASSWORD, ROOT, Checked


def _sign_in(checked: Checked, live, email: str, password: str = PASSWORD) -> None:
    page = checked.page
    page.goto(f"{live.url}/login")
    checked.check("sign-in")
    page.fill("#email", email)
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    assert page.locator("#login-problem").is_visible()
    checked.check("sign-in-error")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live.url}/")


def _new_person(world, role: str, tag: str) -> str:
    from senim.registry.people import add_user

    email = f"{tag}-{world.kind}@{BANK}.kz"
    add_user(world.app.state.db, email, BANK, role, PASSWORD)
    return email


WORDS = {
    "kk": {"dashboard": "Шолу", "assessment": "Бағалау", "incident": "Оқыс оқиға", "met": "ішінара орындалған"},
    "en": {"dashboard": "Dashboard", "assessment": "Assessment", "incident": "Incident", "met": "partly met"},
}


def _journey(page, checked: Checked, base: str, lang: str, system: str, tmp_path: Path) -> None:
    """The owner's steps after signing in: the form, evidence, an assessment and its report, an incident."""
    page.click(f"a[hreflang={lang}]")
    assert page.locator("html").get_attribute("lang") == lang
    assert WORDS[lang]["dashboard"] in page.locator("h1").inner_text()
    checked.check("dashboard")

    # The form asks only what follows: no EU role until the EU market is chosen.
    page.goto(f"{base}/systems/new")
    page.wait_for_function("() => window.htmx !== undefined")  # the deferred script has run
    checked.check("form")
    assert page.locator("[name=eu_role]").count() == 0
    page.fill("#f-name", f"Journey {lang}")
    page.fill("#f-id", system)
    page.fill("#f-owner-name", "Example Bank JSC")
    page.fill("#f-owner-bin", "940140000386")  # a wrong check digit
    page.check("input[name='owner.size'][value=large]")
    page.check("input[name=markets][value=EU]")
    page.wait_for_selector("input[name=eu_role]")  # htmx added the question that now follows
    page.check("input[name=eu_role][value=deployer]")
    page.check("input[name=markets][value=KZ]")
    page.check("input[name=uses][value='essential_services.creditworthiness']")
    page.wait_for_selector("input[name=affects_natural_persons]")
    page.check("input[name=affects_natural_persons][value=yes]")
    page.check("input[name=failure_impact][value=moral_or_material_harm]")
    page.check("input[name=human_oversight][value=can_override]")
    page.check("input[name=public_sector][value=no]")
    page.check("input[name='gate.generates'][value=no]")
    page.check("input[name='gate.personal'][value=no]")
    page.wait_for_selector("input[name='gate.general_purpose']")
    page.check("input[name='gate.general_purpose'][value=no]")
    page.wait_for_load_state("networkidle")  # every htmx swap of the questions has landed
    page.click("button[value=register]")
    assert page.locator("#f-owner-bin-problem").is_visible()  # the error stands at its field
    checked.check("form-error")
    page.fill("#f-owner-bin", "940140000385")
    page.wait_for_load_state("networkidle")
    page.click("button[value=register]")
    page.wait_for_url(f"{base}/systems/{system}")
    checked.check("system")

    evidence = tmp_path / "Тәуекелдерді басқару жоспары.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% risk management plan\n%%EOF\n")
    page.select_option("#ev-obligation", "kz.owner.risk_management")
    page.check("input[name=answer][value=partly]")
    page.fill("#ev-note", "Жоспар жыл сайын қаралады")
    page.set_input_files("#ev-file", str(evidence))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url(re.compile(r".*#evidence$"))
    assert page.get_by_text("Тәуекелдерді басқару жоспары.pdf").count() >= 1
    checked.check("evidence")

    page.select_option("#as-lang", lang)
    page.click("form[action$='/assess'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"), timeout=120_000)
    assert WORDS[lang]["assessment"] in page.locator("h1").inner_text()
    assert page.locator("table[lang] .status-partly_met").count() >= 1
    assert page.locator("table[lang]").first.get_attribute("lang") == lang  # the report itself, in the reader's language
    assert page.locator("table[lang] .status-partly_met").first.inner_text() == WORDS[lang]["met"]
    checked.check("assessment")
    page.click("form[action$='/pdf'] button[type=submit]")  # the PDF is a job: its page offers the file when ready
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    page.wait_for_selector("a[href$='/file']", timeout=120_000)
    checked.check("pdf-job")
    with page.expect_download() as download:
        page.click("a[href$='/file']")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"{system}.{lang}.pdf" and saved.read_bytes().startswith(b"%PDF-")

    page.goto(f"{base}/systems/{system}/checks")  # the checks on data: a scan, a fairness check with a wrong column
    checked.check("checks")
    people = tmp_path / "клиенттер.csv"
    people.write_bytes(b"iin\n900101300007\n")  # check digit by hand: 9+4+6+21 = 40, 40 mod 11 = 7
    page.set_input_files("#scan-file", str(people))
    page.click("form[action$='/scan'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    page.wait_for_selector("#job-status table", timeout=120_000)
    assert "900101300007" not in page.content()
    checked.check("scan-job")
    page.goto(f"{base}/systems/{system}/checks")
    log = tmp_path / "decisions.csv"
    log.write_bytes(b"sex,repaid,approved\nF,1,1\nM,0,1\n")
    page.set_input_files("#fa-file", str(log))
    page.fill("#fa-target", "outcome")
    page.fill("#fa-prediction", "approved")
    page.fill("#fa-sensitive", "sex")
    page.click("form[action$='/fairness'] button[type=submit]")
    assert page.locator("#fa-target[aria-invalid=true]").count() == 1
    checked.check("checks-error")

    page.goto(f"{base}/incidents")
    checked.check("incidents")
    page.fill("#in-summary", "Журналдар")
    page.click("button[type=submit]:not(.secondary)")  # no system chosen: the error is shown
    assert page.locator("#incident-problem").is_visible()
    checked.check("incidents-error")
    page.select_option("#in-kind", "personal_data_breach")
    page.select_option("#in-severity", "high")
    page.check(f"input[name=systems][value='{system}']")
    page.fill("#in-summary", "Журналдар қате жерге жарияланды")
    page.click("button[type=submit]:not(.secondary)")
    page.wait_for_url(re.compile(r".*/incidents/\d+$"))
    assert WORDS[lang]["incident"] in page.locator("h1").inner_text()
    assert page.locator("pre").inner_text()  # the notice, in the reader's language
    checked.check("incident")


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_the_owners_journey(world, live, browser, lang, tmp_path):
    """Sign in, register a system from the form, upload evidence, run an
    assessment, read its report, record an incident."""
    context = browser.new_context(locale={"kk": "kk-KZ", "en": "en-GB"}[lang], accept_downloads=True)
    page = context.new_page()
    checked = Checked(page, f"journey-{world.kind}-{lang}", axe=world.kind == "sqlite")
    email = _new_person(world, "compliance", f"journey-{lang}")
    _sign_in(checked, live, email)
    _journey(page, checked, live.url, lang, f"journey-{lang}-{world.kind}", tmp_path)
    context.close()

    # The ledger names the person for every step of the journey.
    from senim.registry.ledgerview import entries
    from senim.registry.tenancy import Actor, organisation

    with world.app.state.db.read() as conn:
        org = organisation(conn, bin_=BANK)["id"]
    mine = [e for e in entries(world.app.state.db, Actor(org=org), limit=500) if (e.get("actor") or {}).get("user") == email]
    assert {"system.registered", "evidence.added", "assessment.recorded", "incident.opened"} <= {e["kind"] for e in mine}
    assert all(e["actor"]["via"] == "session" for e in mine)
    # ... and the ledger the journey wrote verifies as the CLI checks it.
    from registry_helpers import run_cli

    verified = run_cli("ledger", "verify", "--db", world.url, env={"SENIM_HOME": str(world.home)})
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "intact" in verified.stdout


def test_the_demo_registry_served_by_senim_serve(browser, tmp_path):
    """What the README promises: `make demo`'s registry (its registry and web
    steps, run as they are), served by `senim serve` in its own process; the
    person the demo made signs in and walks the journey in Kazakh; the ledger
    then verifies and names that person."""
    import os
    import shutil
    import subprocess
    import sys
    import urllib.request

    from registry_helpers import run_cli
    from web_helpers import free_port

    work = tmp_path / "checkout"
    for part in ("scripts", "examples"):
        shutil.copytree(ROOT / part, work / part)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("SENIM_DB", None)
    for script in ("70-registry.sh", "95-web.sh"):
        done = subprocess.run(["bash", f"scripts/demo.d/{script}"], cwd=work, env=env, capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, done.stdout + done.stderr
    email, password = re.search(r"sign in as (\S+) with the password (\S+)", done.stdout).groups()
    home, db = work / "out/registry/senim-home", work / "out/registry/demo.db"
    port, log = free_port(), (tmp_path / "serve.log").open("w")  # a file: a full pipe would stall the server
    server = subprocess.Popen([str(Path(sys.executable).parent / "senim"), "serve", "--db", str(db), "--port", str(port)],
                              cwd=work, env={**env, "SENIM_HOME": str(home)}, stdin=subprocess.DEVNULL,
                              stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # the server's start, polled; a server that never answers fails below
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                import time

                time.sleep(0.1)
        context = browser.new_context(locale="kk-KZ", accept_downloads=True)
        page = context.new_page()
        seen = []
        page.on("response", lambda r: seen.append(f"{r.status} {r.request.method} {r.url}"))
        page.on("console", lambda m: seen.append(f"console {m.type} {m.text}"))
        checked = Checked(page, "journey-demo-kk", axe=False)  # axe runs on the same pages in the SQLite journey
        _sign_in(checked, type("Live", (), {"url": base})(), email, password)
        try:
            _journey(page, checked, base, "kk", "journey-on-the-demo-registry", tmp_path)
        finally:
            print("\n".join(seen))
        context.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError("senim serve did not stop on SIGTERM: " + (tmp_path / "serve.log").read_text())
    verified = run_cli("ledger", "verify", "--db", str(db), env={"SENIM_HOME": str(home)})
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout + verified.stderr
    from senim.registry.db import Database
    from senim.registry.ledgerview import entries
    from senim.registry.tenancy import Actor, organisation

    registry = Database(str(db), migrate=False)
    with registry.read() as conn:
        org = organisation(conn, bin_=BANK)["id"]
    theirs = {e["kind"] for e in entries(registry, Actor(org=org), limit=500) if (e.get("actor") or {}).get("user") == email}
    assert {"system.registered", "evidence.added", "assessment.recorded", "incident.opened"} <= theirs


def test_every_other_page_and_its_empty_and_error_states_pass_axe(world, live, browser):
    from senim.registry.people import add_user
    from senim.registry.tenancy import add_organisation

    page = browser.new_context(locale="ru-RU").new_page()
    checked = Checked(page, f"pages-{world.kind}", axe=world.kind == "sqlite")
    # An organisation with nothing yet: the empty states.
    empty_bin = {"sqlite": "333340000036", "postgresql": "999940000090"}[world.kind]
    add_organisation(world.app.state.db, "Empty LLP", empty_bin)
    add_user(world.app.state.db, f"admin-{world.kind}@empty.kz", empty_bin, "admin", PASSWORD)
    _sign_in(checked, live, f"admin-{world.kind}@empty.kz")
    for path, state in (("/", "dashboard-empty"), ("/systems", "systems-empty"), ("/incidents", "incidents-empty"),
                        ("/ledger", "ledger"), ("/decisions", "decisions"), ("/admin", "admin"),
                        ("/systems/nothing-here", "not-found")):
        page.goto(live.url + path)
        checked.check(state)
    page.goto(f"{live.url}/admin")
    page.fill("#u-email", f"second-{world.kind}@empty.kz")
    page.fill("#u-password", "short-but-12")
    page.click("form[action='/admin/users'] button")
    checked.check("admin-after-add")
    page.fill("#k-name", "CI")
    page.click("form[action='/admin/tokens'] button")
    assert page.locator("code").first.inner_text().startswith("senim_")
    checked.check("admin-token")
    page.goto(f"{live.url}/lang/en?next=/decisions")
    page.set_input_files("#dec-file", files=[{"name": "bad.jsonl", "mimeType": "application/x-ndjson",
                                              "buffer": b'{"subject": "p-1"}\n'}])
    page.click("form[action='/decisions'] button")
    assert page.locator("[role=alert]").is_visible()
    checked.check("decisions-error")
    page.context.close()

    # The bank's pages with data: decisions and a letter, the ledger and an entry's proof, a job.
    page = browser.new_context(locale="kk-KZ").new_page()
    checked = Checked(page, f"pages-bank-{world.kind}", axe=world.kind == "sqlite")
    _sign_in(checked, live, _new_person(world, "admin", "pages"))
    page.goto(f"{live.url}/decisions")
    page.fill("#letter-subject", world.own["subject"])
    page.click("form[action='/decisions/letter'] button")
    assert page.locator("pre").inner_text()
    checked.check("letter")
    page.goto(f"{live.url}/ledger")
    checked.check("ledger")
    page.click("td a[href^='/ledger/']")
    checked.check("ledger-entry")
    page.goto(f"{live.url}/assessments/{world.own['assessment']}")
    checked.check("assessment")
    page.goto(f"{live.url}/incidents/{world.own['incident']}")
    checked.check("incident")
    page.goto(f"{live.url}/systems/retail-credit-scoring")
    page.set_input_files("#ev-file", files=[{"name": "x.png", "mimeType": "image/png", "buffer": b"\x7fELF" + b"\0" * 32}])
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    assert page.locator("#upload-problem").is_visible()
    checked.check("system-upload-error")
    from senim.registry import jobs
    from senim.registry.tenancy import Actor, organisation

    with world.app.state.db.read() as conn:
        org = organisation(conn, bin_=BANK)["id"]
    queued = jobs.enqueue(world.app.state.db, "assess", {"system": "no-such-system", "lang": "kk"}, Actor(org=org))
    page.goto(f"{live.url}/jobs/{queued}")
    page.wait_for_selector("#job-status .problem", timeout=60_000)  # htmx polled until it failed
    checked.check("job-failed")
    page.context.close()


def test_the_regulators_pages_and_the_public_trusted_list_pass_axe(world, live, browser):
    """The authority's pages in Kazakh, with data (both owners' systems and incidents), the
    empty applications and bundles lists, a refused bundle upload, and the public trusted list."""
    page = browser.new_context(locale="kk-KZ").new_page()
    checked = Checked(page, f"regulator-{world.kind}", axe=world.kind == "sqlite")
    page.goto(f"{live.url}/login")
    page.fill("#email", "regulator@agency.kz")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live.url}/regulator")  # an authority lands on the registry-wide view
    assert "Example Clinic LLP" in page.content()
    checked.check("systems")
    page.goto(f"{live.url}/regulator?risk=all")
    checked.check("systems-all")
    for path, state in (("/regulator/incidents", "inbox"), ("/regulator/applications", "applications-empty"),
                        ("/regulator/bundles", "bundles-empty")):
        page.goto(live.url + path)
        checked.check(state)
    page.set_input_files("#b-files", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a bundle"}])
    page.click("form[action='/regulator/bundles'] button")
    assert page.locator("#bundle-problem").is_visible()
    checked.check("bundle-refused")
    page.context.close()
    page = browser.new_context(locale="ru-RU").new_page()
    checked = Checked(page, f"trusted-public-{world.kind}", axe=world.kind == "sqlite")
    page.goto(f"{live.url}/trusted-list")
    assert "Перечень доверенных систем ИИ высокой степени риска" in page.content()
    checked.check("trusted-list-empty")
    page.context.close()


def test_the_trusted_list_application_pages_of_both_sides_pass_axe(world, live, browser):
    """The owner's application page (not yet assessed, the form, a refused document, the
    application with its deadline, documents requested) and the reviewer's (the list with
    data, one application, a step refused for want of a note, each move), then the public
    list with the system on it: in Kazakh, axe on every state. Moves use the page forms,
    without JavaScript. Runs after the test above, which checks the empty lists."""
    from web_helpers import AUTHORITY, CLINIC, wait_job

    system, number = "triage-assistant", None  # the clinic's high-risk system, from the world's seed
    owner = browser.new_context(locale="kk-KZ")
    owner.add_cookies([{"name": "senim_session", "value": world.sessions[(CLINIC, "compliance")], "url": live.url}])
    page = owner.new_page()
    checked = Checked(page, f"trusted-owner-{world.kind}", axe=world.kind == "sqlite")
    page.goto(f"{live.url}/systems/{system}/trusted-list")
    assert page.locator("#tl-copyright").count() == 0  # not assessed yet: no form, the page says why
    checked.check("assess-first")
    job = world.client.post(f"/api/v1/systems/{system}/assessments", headers=world.token("admin", CLINIC),
                            json={"lang": "kk"}).json()
    wait_job(world, job["id"], world.token("admin", CLINIC))
    page.goto(f"{live.url}/systems/{system}/trusted-list")
    checked.check("form")
    page.set_input_files("#tl-copyright", files=[{"name": "куәлік.pdf", "mimeType": "application/pdf",
                                                  "buffer": b"\x7fELF" + b"\0" * 32}])  # its declared type lies
    page.click(f"form[action='/systems/{system}/trusted-list'] button[type=submit]")
    assert page.locator("#apply-problem").is_visible()
    checked.check("apply-refused")
    page.set_input_files("#tl-copyright", files=[{"name": "Авторлық куәлік.pdf", "mimeType": "application/pdf",
                                                  "buffer": b"%PDF-1.4\n% a copyright certificate\n%%EOF\n"}])
    page.click(f"form[action='/systems/{system}/trusted-list'] button[type=submit]")
    page.wait_for_selector(".deadline")
    number = int(page.locator("section h2[id^=app-]").first.get_attribute("id").removeprefix("app-"))
    checked.check("submitted")

    reviewer = browser.new_context(locale="kk-KZ")
    reviewer.add_cookies([{"name": "senim_session", "value": world.sessions[(AUTHORITY, "regulator")],
                           "url": live.url}])
    rpage = reviewer.new_page()
    rchecked = Checked(rpage, f"trusted-reviewer-{world.kind}", axe=world.kind == "sqlite")
    rpage.goto(f"{live.url}/regulator/applications")
    assert "Example Clinic LLP" in rpage.content()
    rchecked.check("applications")
    rpage.click(f"a[href='/regulator/applications/{number}']")
    rpage.wait_for_selector(".deadline")
    rchecked.check("application")
    moves = f"form[action='/regulator/applications/{number}/move']"
    for move, note in (("start_review", ""), ("request_documents", "")):
        rpage.check(f"{moves} input[name=move][value={move}]")
        rpage.fill(f"#move-note-{number}", note)
        with rpage.expect_navigation():
            rpage.click(f"{moves} button[type=submit]")
    assert rpage.locator("[role=alert]").is_visible()  # documents asked for without saying which: refused
    rchecked.check("move-refused")
    rpage.goto(f"{live.url}/regulator/applications/{number}")
    rpage.check(f"{moves} input[name=move][value=request_documents]")
    rpage.fill(f"#move-note-{number}", "Авторлық шарттың қол қойылған көшірмесі керек")
    rpage.click(f"{moves} button[type=submit]")
    rpage.wait_for_selector(f"{moves} input[name=move]", state="detached")  # the owner's turn now
    rchecked.check("documents-requested")

    page.goto(f"{live.url}/systems/{system}/trusted-list")
    page.check(f"form[action='/trusted-list/applications/{number}/move'] input[name=move][value=resubmit]")
    checked.check("documents-requested")
    page.fill(f"#move-note-{number}", "Қол қойылған шарт қоса берілді")
    page.click(f"form[action='/trusted-list/applications/{number}/move'] button[type=submit]")
    page.wait_for_selector(f"form[action='/trusted-list/applications/{number}/move']", state="detached")
    checked.check("resubmitted")

    rpage.goto(f"{live.url}/regulator/applications/{number}")
    rpage.check(f"{moves} input[name=move][value=list]")
    rpage.click(f"{moves} button[type=submit]")
    rpage.wait_for_selector(f"{moves}", state="detached")  # listed is final: no move is left
    rchecked.check("listed")
    reviewer.close()
    page.goto(f"{live.url}/systems/{system}/trusted-list")
    checked.check("listed")
    owner.close()

    anyone = browser.new_context(locale="kk-KZ").new_page()
    public = Checked(anyone, f"trusted-public-listed-{world.kind}", axe=world.kind == "sqlite")
    anyone.goto(f"{live.url}/trusted-list")
    assert system in anyone.content() and "Example Clinic LLP" in anyone.content()
    public.check("trusted-list")
    anyone.context.close()
