"""Pages for owners (server-rendered, every form works without JavaScript;
htmx only swaps parts of a page). Each route parses, calls one library
function for the signed-in organisation, and renders."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Optional
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from senim.errors import InputError
from senim.law import regimes
from senim.registry.tenancy import NotFound
from senim.web.app import LANG_COOKIE, SESSION_COOKIE, Signed, permission, public
from senim.web.permissions import READ, WRITE
from senim.web.render import lang_of, page

router = APIRouter(include_in_schema=False)


def _db(request: Request):
    return request.app.state.db


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never //host or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# --- signing in and out, the language switch


@router.get("/login")
def login_page(request: Request, next: str = "/", signed=public()):
    return page(request, "login.html", {"next": _safe_next(next), "problem": None})


@router.post("/login")
async def login(request: Request, signed=public()):
    from starlette.concurrency import run_in_threadpool

    from senim.registry.people import TooManyAttempts, sign_in

    form = await request.form()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "/")))
    address = request.client.host if request.client else "-"
    try:
        done = await run_in_threadpool(sign_in, _db(request), email, password, address)
    except TooManyAttempts:
        return page(request, "login.html", {"next": target, "problem": "too_many", "email": email}, status=429)
    if done is None:
        return page(request, "login.html", {"next": target, "problem": "wrong", "email": email}, status=401)
    secret, person = done
    if person.role == "regulator" and target == "/":  # an authority has no dashboard of its own systems
        target = "/regulator"
    response = _see(target)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        path="/")
    return response


@router.post("/logout")
async def logout(request: Request, signed: Signed = permission("systems", READ)):
    from senim.registry.people import sign_out

    form = await request.form()
    sign_out(_db(request), request.cookies.get(SESSION_COOKIE, ""), everywhere=form.get("everywhere") == "1")
    response = _see("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/", signed=public()):
    from senim.i18n import LANGUAGES

    response = _see(_safe_next(next))
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, samesite="lax", max_age=365 * 86400, path="/")
    return response


# --- the dashboard


@router.get("/")
def dashboard(request: Request, signed: Signed = permission("systems", READ)):
    from senim.registry.dashboard import dashboard as summary

    return page(request, "dashboard.html", {"d": summary(_db(request), signed.actor, date.today(),
                                                         date.today() + timedelta(days=90))})


# --- systems


@router.get("/systems")
def systems_page(request: Request, signed: Signed = permission("systems", READ)):
    from senim.registry import list_systems

    return page(request, "systems.html", {"systems": list_systems(_db(request), actor=signed.actor)})


@router.get("/systems/new")
def new_system(request: Request, signed: Signed = permission("systems", WRITE)):
    from senim.web.manifest_form import form_state

    return page(request, "system_new.html", {"form": form_state({}, lang_of(request)), "problems": [], "sent": False})


@router.post("/systems/new")
async def new_system_sent(request: Request, signed: Signed = permission("systems", WRITE)):
    from starlette.concurrency import run_in_threadpool

    from senim.web.manifest_form import form_state

    values = await request.form()
    lang = lang_of(request)
    form = form_state(values, lang)
    partial = request.headers.get("hx-request") == "true" and values.get("action") != "register"
    if not form["complete"] or values.get("action") != "register":
        name = "manifest_questions.html" if partial else "system_new.html"
        return page(request, name, {"form": form, "problems": [], "sent": not partial},
                    status=200 if partial or values.get("action") != "register" else 422)
    done, problems = await run_in_threadpool(_register_document, request, form["document"], signed)
    if problems:
        return page(request, "system_new.html", {"form": form, "problems": problems, "sent": True}, status=422)
    return _see(f"/systems/{quote(done['system'])}")


def _register_document(request: Request, document: dict, signed: Signed):
    import json

    from senim.manifest import ManifestProblems, parse_manifest
    from senim.registry import register
    from senim.web.app import _problem

    try:
        manifest = parse_manifest(json.dumps(document, ensure_ascii=False).encode("utf-8"), "manifest")
    except ManifestProblems as problems:
        return None, [_problem(e, lang_of(request)) for e in problems.errors]
    except NotFound:
        raise
    except InputError as error:
        return None, [_problem(error, lang_of(request))]
    return register(_db(request), manifest=manifest, actor=signed.actor), []


@router.get("/systems/{system_id}")
def system_page(request: Request, system_id: str, signed: Signed = permission("systems", READ)):
    return page(request, "system.html", {**_system(request, system_id, signed), "problem": None})


def _system(request: Request, system_id: str, signed: Signed) -> dict:
    from senim.registry.assessments import system_page
    from senim.web.render import citation_of, title_of

    found = system_page(_db(request), system_id, signed.actor)  # one transaction
    record, assessments, statuses = found["system"], found["assessments"], found["statuses"]
    by_obligation: dict[str, list] = {}
    for item in found["evidence"]:
        by_obligation.setdefault(item["obligation"], []).append(item)
    # each rule's and obligation's title and citation in the reader's language, written here
    # once (the page shows an obligation's twice) rather than by a call from the template
    lang = lang_of(request)

    def shown(item: dict, rule_id) -> dict:
        return {**item, "title_shown": title_of(rule_id, item.get("title", ""), lang),
                "ref_shown": citation_of(item.get("ref"), lang)}

    obligations = []
    for law in regimes():
        part = record["classification"].get(law) or {}
        for upcoming, key in ((False, "obligations"), (True, "upcoming_obligations")):
            obligations += [shown({**o, "law": law, "upcoming": upcoming}, o["id"]) for o in part.get(key) or []]
    trace = [shown(r, r.get("rule")) for r in record["classification"].get("trace") or []]
    return {"s": record, "evidence": by_obligation, "assessments": assessments, "statuses": statuses,
            "obligations": obligations, "trace": trace}


@router.post("/systems/{system_id}/evidence")
async def upload_evidence(request: Request, system_id: str, signed: Signed = permission("evidence", WRITE)):
    from fastapi import HTTPException
    from starlette.concurrency import run_in_threadpool

    from senim.web.api import _keep_evidence
    from senim.web.uploads import EVIDENCE_TYPES, checked, receive

    try:
        upload = await receive(request, limit=request.app.state.limits["evidence"],
                               folder=request.app.state.files / "incoming")
    except HTTPException as refused:
        return await _system_with_problem(request, system_id, signed, str(refused.detail), refused.status_code)
    try:
        checked(upload, EVIDENCE_TYPES)
        await run_in_threadpool(_keep_evidence, request, system_id, upload, signed)
    except HTTPException as refused:
        return await _system_with_problem(request, system_id, signed, str(refused.detail), refused.status_code)
    except NotFound:
        raise
    except InputError as error:
        return await _system_with_problem(request, system_id, signed, error, 422)
    finally:
        upload.discard()
    return _see(f"/systems/{quote(system_id)}#evidence")


async def _system_with_problem(request: Request, system_id: str, signed: Signed, problem: str, status: int):
    from starlette.concurrency import run_in_threadpool

    from senim.web.app import _problem

    context = await run_in_threadpool(_system, request, system_id, signed)
    return page(request, "system.html", {**context, "problem": _problem(problem, lang_of(request))}, status=status)


@router.post("/systems/{system_id}/assess")
async def assess_system(request: Request, system_id: str, signed: Signed = permission("assessments", WRITE)):
    from senim.registry import jobs, show

    form = await request.form()
    lang = form.get("lang") if form.get("lang") in ("kk", "ru", "en") else lang_of(request)
    show(_db(request), system_id, actor=signed.actor)
    number = jobs.enqueue(_db(request), "assess", {"system": system_id, "version": None, "lang": lang, "as_of": None},
                          signed.actor)
    return _see(f"/jobs/{number}")


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("jobs", READ)):
    from senim.registry import jobs

    job = jobs.get(_db(request), job_id, signed.actor)
    if job["status"] == "done" and job["kind"] == "assess" and request.headers.get("hx-request") != "true":
        return _see(f"/assessments/{job['result']['assessment']}")
    name = "job_status.html" if request.headers.get("hx-request") == "true" else "job.html"
    response = page(request, name, {"job": job})
    if job["status"] == "done" and job["kind"] == "assess":
        response.headers["hx-redirect"] = f"/assessments/{job['result']['assessment']}"
    return response


@router.get("/assessments/{assessment_id}")
def assessment_page(request: Request, assessment_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("assessments", READ)):
    from senim.registry.assessments import get_assessment

    return page(request, "assessment.html", {"a": get_assessment(_db(request), assessment_id, signed.actor)})


# --- incidents


@router.get("/incidents")
def incidents_page(request: Request, signed: Signed = permission("incidents", READ)):
    from senim.registry import list_incidents, list_systems
    from senim.registry.incidents import KINDS, SEVERITIES

    incidents = sorted(list_incidents(_db(request), actor=signed.actor),
                       key=lambda i: min((d["due"] for d in i["deadlines"]), default="9999"))
    return page(request, "incidents.html", {"incidents": incidents, "kinds": KINDS, "severities": SEVERITIES,
                                            "systems": list_systems(_db(request), actor=signed.actor),
                                            "problem": None, "values": {}})


@router.post("/incidents")
async def incident_new(request: Request, signed: Signed = permission("incidents", WRITE)):
    from senim.registry import open_incident

    form = await request.form()
    try:
        number = open_incident(_db(request), kind=str(form.get("kind", "")), severity=str(form.get("severity", "")),
                               systems=[str(s) for s in form.getlist("systems")], summary=str(form.get("summary", "")),
                               aware_at=_moment(form.get("aware_at")), aware_by=signed.person.email,
                               actor=signed.actor)
    except NotFound:
        raise
    except InputError as error:
        from senim.registry import list_incidents, list_systems
        from senim.registry.incidents import KINDS, SEVERITIES
        from senim.web.app import _problem

        return page(request, "incidents.html", {
            "incidents": list_incidents(_db(request), actor=signed.actor), "kinds": KINDS, "severities": SEVERITIES,
            "systems": list_systems(_db(request), actor=signed.actor), "problem": _problem(error, lang_of(request)),
            "values": {k: form.getlist(k) for k in form.keys()}}, status=422)
    return _see(f"/incidents/{number}")


def _moment(value) -> Optional[str]:
    """A datetime-local field (Almaty time) as ISO 8601 with its offset."""
    if not value:
        return None
    value = str(value)
    return value if ("+" in value[10:] or value.endswith("Z")) else value + ":00+05:00" if len(value) == 16 else value + "+05:00"


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("incidents", READ)):
    from senim.registry import get_incident
    from senim.registry.incidents import report

    lang = lang_of(request)
    return page(request, "incident.html", {"i": get_incident(_db(request), incident_id, actor=signed.actor),
                                           "notice": report(_db(request), incident_id, lang, actor=signed.actor)})


@router.post("/incidents/{incident_id}/update")
async def incident_update(request: Request, incident_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("incidents", WRITE)):
    from senim.registry import update_incident

    form = await request.form()
    update_incident(_db(request), incident_id, status=form.get("status") or None, action=form.get("action") or None,
                    note=form.get("note") or None, by=signed.person.email, actor=signed.actor)
    return _see(f"/incidents/{incident_id}")


# --- decisions and letters


@router.get("/decisions")
def decisions_page(request: Request, signed: Signed = permission("decisions", WRITE)):
    return page(request, "decisions.html", {"recorded": None, "problem": None, "letter": None, "subject": ""})


@router.post("/decisions")
async def decisions_upload(request: Request, signed: Signed = permission("decisions", WRITE)):
    from dataclasses import asdict

    from fastapi import HTTPException
    from starlette.concurrency import run_in_threadpool

    from senim.registry.decisions import read_jsonl_text, record_decisions
    from senim.web.app import _problem
    from senim.web.uploads import receive

    try:
        upload = await receive(request, limit=request.app.state.limits["decisions"],
                               folder=request.app.state.files / "incoming")
    except HTTPException as refused:
        return page(request, "decisions.html", {"recorded": None, "problem": _problem(str(refused.detail), lang_of(request)),
                                                "letter": None, "subject": ""}, status=refused.status_code)
    try:
        if upload.path is None:
            raise InputError("file: no file was sent")
        blob = upload.path.read_bytes()
        records, places = read_jsonl_text(blob, upload.file_name)
        done = await run_in_threadpool(record_decisions, _db(request), records, places, actor=signed.actor)
    except NotFound:
        raise
    except InputError as error:
        return page(request, "decisions.html", {"recorded": None, "problem": _problem(error, lang_of(request)), "letter": None,
                                                "subject": ""}, status=422)
    finally:
        upload.discard()
    return page(request, "decisions.html", {"recorded": asdict(done), "problem": None, "letter": None, "subject": ""})


@router.post("/decisions/letter")
async def decisions_letter(request: Request, signed: Signed = permission("letters", READ)):
    from senim.registry.disclosures import explanation_letter
    from senim.web.app import _problem

    form = await request.form()
    subject = str(form.get("subject", "")).strip()
    try:
        letter = explanation_letter(_db(request), subject, lang_of(request), signed.actor)
    except NotFound:
        raise
    except InputError as error:
        return page(request, "decisions.html", {"recorded": None, "problem": _problem(error, lang_of(request)), "letter": None,
                                                "subject": ""}, status=422)
    return page(request, "decisions.html", {"recorded": None, "problem": None, "letter": letter, "subject": ""})


# --- the ledger


@router.get("/ledger")
def ledger_page(request: Request, before: Optional[int] = Query(None, ge=1, le=2**62), signed: Signed = permission("ledger", READ)):
    from senim.registry.ledgerview import entries

    found = entries(_db(request), signed.actor, before=before)
    return page(request, "ledger.html", {"entries": found,
                                         "older": found[-1]["seq"] if len(found) == 50 else None})


@router.get("/ledger/{seq}")
def ledger_entry_page(request: Request, seq: Annotated[int, Path(ge=1, le=2**62)], signed: Signed = permission("ledger", READ)):
    import json

    from senim.registry.ledgerview import proof

    found = proof(_db(request), seq, signed.actor)
    return page(request, "ledger_entry.html", {"p": found, "entry_json": json.dumps(found["entry"], ensure_ascii=False,
                                                                                     indent=2)})


# --- people and tokens (admins)


@router.get("/admin")
def admin_page(request: Request, signed: Signed = permission("people", READ)):
    return _admin(request, signed, None, None)


def _admin(request: Request, signed: Signed, problem, new_token, status: int = 200):
    from senim.registry.people import list_tokens, list_users
    from senim.registry.tenancy import ROLES

    return page(request, "admin.html", {"users": list_users(_db(request), signed.actor),
                                        "tokens": list_tokens(_db(request), signed.actor),
                                        "roles": [r for r in ROLES if r != "regulator" or signed.person.authority],
                                        "problem": problem, "new_token": new_token}, status=status)


@router.post("/admin/users")
async def admin_add_user(request: Request, signed: Signed = permission("people", WRITE)):
    from senim.registry.people import add_user
    from senim.web.app import _problem

    form = await request.form()
    try:
        add_user(_db(request), str(form.get("email", "")), signed.person.org_bin or "", str(form.get("role", "")),
                 str(form.get("password", "")), actor=signed.actor)
    except NotFound:
        raise
    except InputError as error:
        return _admin(request, signed, _problem(error, lang_of(request)), None, 422)
    return _see("/admin")


@router.post("/admin/tokens")
async def admin_add_token(request: Request, signed: Signed = permission("people", WRITE)):
    from senim.registry.people import add_token
    from senim.web.app import _problem

    form = await request.form()
    days = str(form.get("expires", "")).strip()
    try:
        secret, _record = add_token(_db(request), str(form.get("email", "")), str(form.get("name", "")) or None,
                                    int(days) if days.isdigit() else None, actor=signed.actor)
    except NotFound:
        raise
    except InputError as error:
        return _admin(request, signed, _problem(error, lang_of(request)), None, 422)
    return _admin(request, signed, None, secret)


@router.post("/admin/tokens/{token_id}/revoke")
def admin_revoke_token(request: Request, token_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("people", WRITE)):
    from senim.registry.people import revoke_token

    try:
        revoke_token(_db(request), token_id, actor=signed.actor)
    except LookupError:
        from senim.registry.tenancy import no_such

        raise no_such("token", token_id) from None
    return _see("/admin")
