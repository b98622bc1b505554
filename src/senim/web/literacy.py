"""The AI literacy register's routes: the page (/literacy) and the API
(/api/v1/literacy): training records with a certificate as evidence, and
who operates which system. The library is `senim.registry.literacy`."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from senim.errors import InputError
from senim.registry.tenancy import NotFound
from senim.web.api import ERRORS, ERRORS_UPLOAD
from senim.web.app import Signed, permission
from senim.web.permissions import READ, WRITE, allowed

api = APIRouter(prefix="/api/v1", responses=ERRORS)
pages = APIRouter(include_in_schema=False)
CERTIFICATE_LIMIT = 10 * 1024 * 1024


class Certificate(BaseModel):
    sha256: str
    size: int
    media_type: str
    file_name: str


class Training(BaseModel):
    id: int
    person: str
    course: str
    date: str
    hours: float
    provider: str
    certificate: Optional[Certificate]
    by: Optional[str]
    ledger_seq: int


class Operates(BaseModel):
    system: str
    since: str


class Person(BaseModel):
    person: str
    trainings: list[Training]
    operates: list[Operates]


class OperatorIn(BaseModel):
    person: str = Field(..., min_length=1, max_length=320)
    system: str = Field(..., min_length=1, max_length=200)
    since: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class Operator(BaseModel):
    person: str
    system: str
    since: str
    ledger_seq: int


def _db(request: Request):
    return request.app.state.db


@api.get("/literacy", response_model=list[Person], summary="The AI literacy register: people, trainings, systems operated")
def get_register(request: Request, signed: Signed = permission("literacy", READ)):
    from senim.registry.literacy import register

    return register(_db(request), signed.actor)


async def _training(request: Request, signed: Signed) -> dict[str, Any]:
    from starlette.concurrency import run_in_threadpool

    from senim.registry.literacy import CERTIFICATE_TYPES, add_training
    from senim.web.uploads import checked, receive

    upload = await receive(request, limit=CERTIFICATE_LIMIT, folder=request.app.state.files / "incoming")
    try:
        certificate = None
        if upload.path is not None and upload.size:
            checked(upload, CERTIFICATE_TYPES)
            certificate = {"path": upload.path, "sha256": upload.sha256, "size": upload.size,
                           "media_type": upload.media_type, "file_name": upload.file_name}
        f = upload.fields
        return await run_in_threadpool(add_training, _db(request), request.app.state.files, signed.actor,
                                       person=f.get("person"), course=f.get("course"), taken=f.get("date"),
                                       hours=f.get("hours"), provider=f.get("provider"), certificate=certificate)
    finally:
        upload.discard()


@api.post("/literacy/trainings", status_code=201, response_model=Training, responses=ERRORS_UPLOAD,
          summary="A training record (multipart: person, course, date, hours, provider; `file`: the certificate)",
          openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
              "type": "object", "required": ["person", "course", "date", "hours", "provider"], "properties": {
                  "person": {"type": "string"}, "course": {"type": "string"}, "date": {"type": "string",
                                                                                     "format": "date"},
                  "hours": {"type": "number"}, "provider": {"type": "string"},
                  "file": {"type": "string", "format": "binary"}}}}}}})
async def post_training(request: Request, signed: Signed = permission("literacy", WRITE)):
    return await _training(request, signed)


@api.post("/literacy/operators", status_code=201, response_model=Operator, summary="Who operates which system")
def post_operator(request: Request, body: OperatorIn, signed: Signed = permission("literacy", WRITE)):
    from senim.registry.literacy import add_operator

    return add_operator(_db(request), signed.actor, person=body.person, system=body.system, since=body.since)


def _page(request: Request, signed: Signed, problem=None, status: int = 200):
    from senim.i18n import text
    from senim.registry import list_systems
    from senim.registry.literacy import register
    from senim.web.render import lang_of, page

    lang = lang_of(request)
    return page(request, "public/literacy.html", {
        "pt": lambda key, **kw: text(f"public.{key}", lang, **kw), "people": register(_db(request), signed.actor),
        "systems": list_systems(_db(request), actor=signed.actor), "problem": problem,
        "may_write": allowed(signed.person.role, "literacy", WRITE)}, status=status)


@pages.get("/literacy")
def literacy_page(request: Request, signed: Signed = permission("literacy", READ)):
    return _page(request, signed)


@pages.post("/literacy/trainings")
async def literacy_training(request: Request, signed: Signed = permission("literacy", WRITE)):
    from senim.web.app import _problem

    try:
        await _training(request, signed)
    except HTTPException as refused:
        return _page(request, signed, _problem(str(refused.detail)), refused.status_code)
    except NotFound:
        raise
    except InputError as error:
        return _page(request, signed, _problem(error), 422)
    return RedirectResponse("/literacy", status_code=303)


@pages.post("/literacy/operators")
async def literacy_operator(request: Request, signed: Signed = permission("literacy", WRITE)):
    from starlette.concurrency import run_in_threadpool

    from senim.registry.literacy import add_operator
    from senim.web.app import _problem

    form = await request.form()
    try:
        await run_in_threadpool(add_operator, _db(request), signed.actor, person=str(form.get("person", "")),
                                system=str(form.get("system", "")), since=str(form.get("since", "")) or None)
    except InputError as error:
        return _page(request, signed, _problem(error), 404 if isinstance(error, NotFound) else 422)
    return RedirectResponse("/literacy", status_code=303)
