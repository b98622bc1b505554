"""The public side of the web door: pages and routes anyone may use without
an account (a label check, a request to an owner, its tracking link, a
report of unlabelled synthetic content, published system pages), and the
owner's side of those requests (an inbox and its answers).

Anyone's routes are rate-limited per client address (`Limits`, in the
process's memory: a restart forgets, which only ever lets more through) and
send no cookie. Cross-site rules are the rest of the app's: a browser that
carries a session cookie must post from this origin (`CrossSiteGuard`); a
person without an account carries none, so the public forms work from a
link anywhere, as a public form should.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import datetime
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from senim.errors import InputError
from senim.registry.tenancy import NotFound
from senim.web.api import ERRORS
from senim.web.app import Signed, permission, public
from senim.web.permissions import READ, WRITE, allowed
from senim.web.render import lang_of, page

pages = APIRouter(include_in_schema=False)     # anyone's pages and their JSON
owner_pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", responses=ERRORS)

# (requests, seconds) per client address; app.state.public_limits overrides
LIMITS = {"label_check": (30, 60), "requests": (20, 3600), "reports": (20, 3600)}
LABEL_CHECK_LIMIT = 50 * 1024 * 1024  # 50 MB: a phone's minute of video; more is refused with 413


class Limits:
    """A sliding window of recent requests per (route, client address)."""

    def __init__(self):
        self.seen: dict[tuple[str, str], deque] = {}

    def allow(self, bucket: str, client: str, count: int, seconds: float) -> bool:
        now = time.monotonic()
        window = self.seen.setdefault((bucket, client), deque())
        while window and window[0] <= now - seconds:
            window.popleft()
        if len(window) >= count:
            return False
        window.append(now)
        if len(self.seen) > 100_000:  # a flood of addresses: forget the oldest rather than grow without end
            self.seen.pop(next(iter(self.seen)))
        return True


def _limit(request: Request, bucket: str) -> None:
    state = request.app.state
    if not hasattr(state, "public_windows"):
        state.public_windows = Limits()
    count, seconds = getattr(state, "public_limits", LIMITS).get(bucket, LIMITS[bucket])
    client = request.client.host if request.client else "-"
    if not state.public_windows.allow(bucket, client, count, seconds):
        raise HTTPException(429, f"too many requests from this address; at most {count} in {seconds // 60:.0f} minutes",
                            headers={"retry-after": str(int(seconds))})


def _db(request: Request):
    return request.app.state.db


def _now(request: Request) -> datetime:
    """The server's clock; a test sets `app.state.clock` to a fixed moment."""
    clock = getattr(request.app.state, "clock", None)
    if clock is not None:
        return clock()
    from senim.registry.records import utc_now

    return utc_now()


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _page(request: Request, name: str, context: dict | None = None, status: int = 200):
    from senim.i18n import text

    lang = lang_of(request)
    return page(request, name, {"pt": lambda key, **kw: text(f"public.{key}", lang, **kw), **(context or {})},
                status=status)


def _problem(error) -> dict:
    from senim.web.app import _problem as parts

    return parts(error)


# --- citizens' requests


class RequestIn(BaseModel):
    owner: str = Field(..., max_length=12)
    system: str = Field(..., max_length=200)
    kind: Literal["explanation", "data_basis", "objection", "human_review", "refusal"]
    contact: str = Field(..., max_length=320)
    text: str = Field(..., max_length=10_000)
    iin: Optional[str] = Field(None, max_length=40)
    subject: Optional[str] = Field(None, max_length=200)
    lang: Optional[Literal["kk", "ru", "en"]] = None


def _kinds(lang: str) -> list[dict]:
    from senim.registry.requests import KINDS, rule

    return [{"code": k, "title": rule(k)["title"][lang], "note": rule(k)["period_note"][lang], "ref": rule(k)["ref"]}
            for k in KINDS]


@pages.get("/request")
def request_form(request: Request, owner: str = "", system: str = "", signed=public()):
    return _page(request, "public/request.html", {"kinds": _kinds(lang_of(request)), "form": {"owner": owner,
                                                                                                "system": system},
                                                  "problem": None})


@pages.post("/public/requests", status_code=201)
async def request_sent(request: Request, signed=public()):
    from pydantic import ValidationError
    from starlette.concurrency import run_in_threadpool

    from senim.registry.requests import submit

    _limit(request, "requests")
    is_json = request.headers.get("content-type", "").split(";")[0].strip() == "application/json"
    if is_json:
        from senim.web.api import _body

        blob = await _body(request, 64 * 1024)
        try:
            body = RequestIn.model_validate_json(blob)
        except ValidationError as invalid:
            return JSONResponse({"errors": [{"line": None, "field": ".".join(str(p) for p in e["loc"]) or None,
                                             "problem": e["msg"]} for e in invalid.errors()]}, status_code=422)
        form = body.model_dump()
    else:
        form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    lang = form.get("lang") or lang_of(request)
    json_out = is_json or _wants_json(request)
    try:
        done = await run_in_threadpool(
            submit, _db(request), owner=form.get("owner", ""), system=form.get("system", ""),
            kind=form.get("kind", ""), contact=form.get("contact", ""), text=form.get("text", ""),
            iin=form.get("iin") or None, subject=form.get("subject") or None, lang=lang, received=_now(request))
    except InputError as error:
        status = 404 if isinstance(error, NotFound) else 422
        if json_out:
            return JSONResponse({"errors": [_problem(error)]}, status_code=status)
        return _page(request, "public/request.html", {"kinds": _kinds(lang_of(request)), "form": form,
                                                      "problem": _problem(error)}, status=status)
    done.pop("request")
    done.pop("ledger_seq")
    done["link"] = f"/public/requests/{done['tracking']}"
    if json_out:
        return JSONResponse(done, status_code=201)
    return _page(request, "public/request_sent.html", {"r": done, "kind_title": _kind_title(done["kind"], request)},
                 status=201)


def _kind_title(kind: str, request: Request) -> str:
    from senim.registry.requests import rule

    return rule(kind)["title"][lang_of(request)]


@pages.get("/public/requests/{tracking}")
def request_status(request: Request, tracking: Annotated[str, Path(max_length=64)], signed=public()):
    from senim.registry.requests import rule, track

    found = track(_db(request), tracking)
    if _wants_json(request):
        return found
    return _page(request, "public/request_status.html", {"r": found, "kind_title": _kind_title(found["kind"], request),
                                                         "note": rule(found["kind"])["period_note"][lang_of(request)]})


# --- the owner's inbox


class RequestRecord(BaseModel):
    id: int
    system: str
    kind: str
    subject: Optional[str]
    contact: str
    text: str
    lang: str
    status: Literal["received", "answered"]
    received: str
    due: Optional[str]
    ref: str
    confidence: str
    overdue: bool
    answer: Optional[str]
    answer_kind: Optional[Literal["letter", "own_words"]]
    answered: Optional[str]
    delivered: Optional[str]
    ledger_seq: int


class AnswerIn(BaseModel):
    kind: Literal["letter", "own_words"]
    text: Optional[str] = Field(None, max_length=10_000)


@api.get("/requests", response_model=list[RequestRecord], summary="Citizens' requests, the soonest deadline first")
def list_requests(request: Request, status: Optional[Literal["received", "answered"]] = None,
                  signed: Signed = permission("requests", READ)):
    from senim.registry.requests import inbox

    return inbox(_db(request), signed.actor, status=status)


@api.get("/requests/{request_id}", response_model=RequestRecord, summary="One citizen's request")
def get_request(request: Request, request_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
                signed: Signed = permission("requests", READ)):
    from senim.registry.requests import get_request as found

    return found(_db(request), request_id, signed.actor)


def _may_letter(signed: Signed, kind: str) -> None:
    if kind == "letter" and not allowed(signed.person.role, "letters", READ):
        raise HTTPException(403, f"the role {signed.person.role} may not read letters")


@api.post("/requests/{request_id}/answer", response_model=RequestRecord,
          summary="Answer a request: the explanation letter from the decision records, or in your own words")
def answer_request(request: Request, request_id: Annotated[int, Path(ge=1, le=2_147_483_647)], body: AnswerIn,
                   signed: Signed = permission("requests", WRITE)):
    from senim.registry.requests import answer

    _may_letter(signed, body.kind)
    return answer(_db(request), request_id, signed.actor, kind=body.kind, text=body.text, answered=_now(request))


@owner_pages.get("/requests")
def inbox_page(request: Request, signed: Signed = permission("requests", READ)):
    from senim.registry.requests import inbox

    return _page(request, "public/inbox.html", {"requests": inbox(_db(request), signed.actor),
                                                "titles": {k["code"]: k["title"] for k in _kinds(lang_of(request))}})


@owner_pages.get("/requests/{request_id}")
def request_page(request: Request, request_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
                 signed: Signed = permission("requests", READ)):
    from senim.registry.requests import get_request as found

    return _request_page(request, found(_db(request), request_id, signed.actor), signed, None)


def _request_page(request: Request, record: dict, signed: Signed, problem, status: int = 200):
    return _page(request, "public/request_owner.html", {
        "r": record, "kind_title": _kind_title(record["kind"], request), "problem": problem,
        "may_answer": allowed(signed.person.role, "requests", WRITE),
        "may_letter": allowed(signed.person.role, "letters", READ)}, status=status)


@owner_pages.post("/requests/{request_id}/answer")
async def answer_page(request: Request, request_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
                      signed: Signed = permission("requests", WRITE)):
    from fastapi.responses import RedirectResponse
    from starlette.concurrency import run_in_threadpool

    from senim.registry.requests import answer, get_request as found

    form = await request.form()
    kind = str(form.get("kind", ""))
    _may_letter(signed, kind)
    try:
        await run_in_threadpool(answer, _db(request), request_id, signed.actor, kind=kind,
                                text=str(form.get("text", "")) or None, answered=_now(request))
    except NotFound:
        raise
    except InputError as error:
        return _request_page(request, found(_db(request), request_id, signed.actor), signed, _problem(error), 422)
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


# --- the public label check, and reports of unlabelled synthetic content


@pages.get("/check")
def check_form(request: Request, signed=public()):
    return _page(request, "public/check.html", {"result": None, "problem": None, "reported": None})


@pages.post("/public/label-check")
async def label_check(request: Request, signed=public()):
    """The file (multipart field `file`) is read, checked and forgotten: never stored."""
    import shutil
    import tempfile
    from pathlib import Path as FilePath

    from starlette.concurrency import run_in_threadpool

    from senim.labelcheck import check
    from senim.web.uploads import receive

    _limit(request, "label_check")
    json_out = _wants_json(request)
    folder = FilePath(tempfile.mkdtemp(prefix="senim-upload-"))
    try:
        try:
            upload = await receive(request, limit=getattr(request.app.state, "label_check_limit", LABEL_CHECK_LIMIT),
                                   folder=folder)
        except HTTPException as refused:
            if json_out:
                raise
            return _page(request, "public/check.html", {"result": None, "reported": None,
                                                        "problem": _problem(str(refused.detail))},
                         status=refused.status_code)
        data = upload.path.read_bytes() if upload.path is not None else b""
        upload.discard()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        result = await run_in_threadpool(check, data, trust_anchors=getattr(request.app.state, "trust_anchors", None))
    except InputError as error:
        status = 415 if "not an image" in error.problem else 422
        if json_out:
            return JSONResponse({"errors": [_problem(error)]}, status_code=status)
        return _page(request, "public/check.html", {"result": None, "reported": None, "problem": _problem(error)},
                     status=status)
    if json_out:
        return result
    from senim.provenance.verification import issue_words

    lang = lang_of(request)
    return _page(request, "public/check.html", {"result": result, "problem": None, "reported": None,
                                                "details": [issue_words(i, lang) for i in result["issues"]]})


@pages.post("/public/reports", status_code=201)
async def report_sent(request: Request, signed=public()):
    from starlette.concurrency import run_in_threadpool

    from senim.registry.label_reports import report_unlabelled

    _limit(request, "reports")
    json_out = _wants_json(request)
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
        import json

        from senim.web.api import _body

        try:
            form = json.loads(await _body(request, 64 * 1024))
        except ValueError:
            form = None
        if not isinstance(form, dict):
            return JSONResponse({"errors": [{"line": None, "field": None, "problem": "expected a JSON object"}]},
                                status_code=422)
    else:
        form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        done = await run_in_threadpool(report_unlabelled, _db(request), where=form.get("where"),
                                       description=form.get("description"), contact=form.get("contact") or None,
                                       sha256=form.get("sha256") or None, state=form.get("state") or None,
                                       received=_now(request))
    except InputError as error:
        if json_out:
            return JSONResponse({"errors": [_problem(error)]}, status_code=422)
        return _page(request, "public/check.html", {"result": None, "reported": None, "problem": _problem(error),
                                                    "report_form": form}, status=422)
    if json_out:
        return JSONResponse(done, status_code=201)
    return _page(request, "public/check.html", {"result": None, "problem": None, "reported": done}, status=201)


# --- the authority's inbox of those reports


class LabelReportRecord(BaseModel):
    id: int
    received: str
    where: str
    description: str
    contact: Optional[str]
    sha256: Optional[str]
    state: Optional[Literal["valid", "untrusted", "invalid", "none"]]
    ledger_seq: int


@api.get("/registry/label-reports", response_model=list[LabelReportRecord],
         summary="Reports of unlabelled synthetic content sent to this authority, newest first")
def label_reports(request: Request, signed: Signed = permission("registry", READ)):
    from senim.registry.label_reports import list_reports

    return list_reports(_db(request), signed.actor)


@owner_pages.get("/regulator/label-reports")
def label_reports_page(request: Request, signed: Signed = permission("registry", READ)):
    from senim.registry.label_reports import list_reports

    return _page(request, "public/label_reports.html", {"reports": list_reports(_db(request), signed.actor)})
