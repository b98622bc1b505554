"""Trusted lists (KZ AI Law Art. 19) on the web: the owner applies from the
system's page and answers requests for documents; the sectoral body's
reviewers (role `regulator`) move the application through the workflow of
the law pack; anyone reads the public list (`/trusted-list`, and
`GET /public/trusted-list` as JSON or CSV). Both sides see each deadline,
counted on the Kazakh working-day calendar. The routes call
senim.registry.trusted_list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Optional
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from senim.web.api import ERRORS, ERRORS_UPLOAD
from senim.web.app import Signed, permission, public
from senim.web.permissions import READ, WRITE
from senim.web.regulator import r_page

api = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["trusted list"])
pages = APIRouter(include_in_schema=False)
ApplicationId = Annotated[int, Path(ge=1, le=2_147_483_647)]


class Move(BaseModel):
    move: str = Field(..., min_length=1, max_length=60)
    note: Optional[str] = Field(None, max_length=4000)


def _db(request: Request):
    return request.app.state.db


def _now(request: Request) -> datetime:
    """Now, from the application's clock (a test may set one), else the real one."""
    from senim.registry.records import utc_now

    return getattr(request.app.state, "clock", utc_now)()


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _applications(request: Request, signed: Signed, system: str | None = None) -> list[dict[str, Any]]:
    """The applications the signed-in side sees (the owner's, or every one for a reviewer)."""
    from senim.registry import trusted_list

    return trusted_list.applications(_db(request), signed.actor, system=system, now=_now(request))


def _move(request: Request, signed: Signed, number: int, name: str, note: Optional[str]) -> dict[str, Any]:
    from senim.registry import trusted_list

    try:
        return trusted_list.move(_db(request), signed.actor, number, name, note=note, now=_now(request))
    except PermissionError as refused:
        raise HTTPException(403, str(refused)) from None


async def _apply(request: Request, system_id: str, signed: Signed) -> dict[str, Any]:
    from starlette.concurrency import run_in_threadpool

    from senim.registry import trusted_list
    from senim.web.render import lang_of
    from senim.web.uploads import EVIDENCE_TYPES, checked, receive

    upload = await receive(request, limit=request.app.state.limits["evidence"], file_field="copyright",
                           folder=request.app.state.files / "incoming")
    try:
        documents = []
        if upload.path is not None and upload.size:
            checked(upload, EVIDENCE_TYPES)
            documents.append({"path": upload.path, "sha256": upload.sha256, "size": upload.size,
                              "media_type": upload.media_type, "file_name": upload.file_name})
        lang = upload.fields.get("lang") if upload.fields.get("lang") in ("kk", "ru", "en") else lang_of(request)
        return await run_in_threadpool(trusted_list.apply, _db(request), request.app.state.files, signed.actor,
                                       system_id, documents=documents, lang=lang, now=_now(request))
    finally:
        upload.discard()


# --- the owner


@api.post("/systems/{system_id}/trusted-list", status_code=201, response_model=dict[str, Any],
          responses=ERRORS_UPLOAD, summary="Apply for the list of trusted high-risk systems: the "
          "application is drafted from the latest assessment; `copyright`, the certificate or agreement, is attached",
          openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
              "type": "object", "properties": {"copyright": {"type": "string", "format": "binary"},
                                               "lang": {"type": "string", "enum": ["kk", "ru", "en"]}}}}}}})
async def api_apply(request: Request, system_id: str, signed: Signed = permission("applications", WRITE)):
    return await _apply(request, system_id, signed)


@api.get("/trusted-list/applications", response_model=list[dict[str, Any]],
         summary="The organisation's trusted-list applications, each with its state, steps and deadline")
def api_applications(request: Request, signed: Signed = permission("applications", READ)):
    return _applications(request, signed)


@api.post("/trusted-list/applications/{application_id}/moves", response_model=dict[str, Any],
          summary="The owner's move (e.g. `resubmit` after documents were requested)")
def api_owner_move(request: Request, application_id: ApplicationId, body: Move,
                   signed: Signed = permission("applications", WRITE)):
    return _move(request, signed, application_id, body.move, body.note)


@pages.get("/systems/{system_id}/trusted-list")
def owner_page(request: Request, system_id: str, signed: Signed = permission("applications", READ)):
    return _owner_page(request, system_id, signed, None)


def _owner_page(request: Request, system_id: str, signed: Signed, problem, status: int = 200,
                move_problem: dict | None = None):
    from senim.registry import show, trusted_list
    from senim.registry.assessments import assessments_of

    system = show(_db(request), system_id, actor=signed.actor)
    return r_page(request, "regulator/trusted_owner.html", {
        "s": system, "applications": _applications(request, signed, system_id),
        "assessed": bool(assessments_of(_db(request), signed.actor, system_id)), "problem": problem,
        "moves": trusted_list.workflow()["by_move"], "move_problem": move_problem}, status=status)


@pages.post("/systems/{system_id}/trusted-list")
async def owner_apply(request: Request, system_id: str, signed: Signed = permission("applications", WRITE)):
    from senim.errors import InputError
    from senim.registry.tenancy import NotFound
    from senim.web.app import _problem

    try:
        await _apply(request, system_id, signed)
    except NotFound:
        raise
    except HTTPException as refused:
        return _owner_page(request, system_id, signed, _problem(str(refused.detail)), refused.status_code)
    except InputError as error:
        return _owner_page(request, system_id, signed, _problem(error), 422)
    return _see(f"/systems/{quote(system_id)}/trusted-list")


@pages.post("/trusted-list/applications/{application_id}/move")
async def owner_move(request: Request, application_id: ApplicationId, signed: Signed = permission("applications", WRITE)):
    from senim.errors import InputError
    from senim.registry import trusted_list

    form = await request.form()
    note = str(form.get("note", ""))
    try:
        done = _move(request, signed, application_id, str(form.get("move", "")), note or None)
    except InputError as error:
        system = trusted_list.get(_db(request), signed.actor, application_id)["system"]
        return _owner_page(request, system, signed, None, 422, _move_problem(request, application_id, error, note))
    return _see(f"/systems/{quote(done['system'])}/trusted-list")


# --- the reviewers


@api.get("/registry/applications", response_model=list[dict[str, Any]],
         summary="Every trusted-list application, the nearest deadline first")
def api_reviews(request: Request, signed: Signed = permission("reviews", READ)):
    return _applications(request, signed)


@api.post("/registry/applications/{application_id}/moves", response_model=dict[str, Any],
          summary="A reviewer's move: start_review, request_documents, list or refuse")
def api_review_move(request: Request, application_id: ApplicationId, body: Move,
                    signed: Signed = permission("reviews", WRITE)):
    return _move(request, signed, application_id, body.move, body.note)


@pages.get("/regulator/applications")
def reviews_page(request: Request, signed: Signed = permission("reviews", READ)):
    return r_page(request, "regulator/applications.html", {"applications": _applications(request, signed)})


@pages.get("/regulator/applications/{application_id}")
def review_page(request: Request, application_id: ApplicationId, signed: Signed = permission("reviews", READ)):
    return _review_page(request, application_id, signed)


def _review_page(request: Request, application_id: int, signed: Signed, status: int = 200,
                 move_problem: dict | None = None):
    from senim.registry import trusted_list

    return r_page(request, "regulator/application.html", {
        "a": trusted_list.get(_db(request), signed.actor, application_id, now=_now(request)),
        "moves": trusted_list.workflow()["by_move"], "move_problem": move_problem}, status=status)


@pages.post("/regulator/applications/{application_id}/move")
async def review_move(request: Request, application_id: ApplicationId, signed: Signed = permission("reviews", WRITE)):
    from senim.errors import InputError

    form = await request.form()
    note = str(form.get("note", ""))
    try:
        _move(request, signed, application_id, str(form.get("move", "")), note or None)
    except InputError as error:
        return _review_page(request, application_id, signed, 422, _move_problem(request, application_id, error, note))
    return _see(f"/regulator/applications/{application_id}")


def _move_problem(request: Request, number: int, error, note: str) -> dict[str, Any]:
    """A refused move, for the form: the library's two note errors in the reader's
    language (other refusals are the library's own sentence); the note typed is kept."""
    from senim.i18n import text
    from senim.registry.trusted_list import NoteNeeded, NoteTooLong
    from senim.web.render import lang_of

    keys = {NoteNeeded: "regulator.note_needed", NoteTooLong: "regulator.note_too_long"}
    key = keys.get(type(error))
    problem = text(key, lang_of(request)) if key else error.problem
    return {"application": number, "problem": problem, "note": note[:4000]}


@pages.get("/regulator/applications/{application_id}/documents/{index}")
def review_document(request: Request, application_id: ApplicationId, index: Annotated[int, Path(ge=0, le=100)],
                    signed: Signed = permission("reviews", READ)):
    from fastapi.responses import FileResponse

    from senim.registry import trusted_list
    from senim.web.uploads import attachment

    application = trusted_list.get(_db(request), signed.actor, application_id)
    path, paper = trusted_list.document_path(request.app.state.files, application, index)
    return FileResponse(path, media_type=paper["media_type"],
                        headers={"content-disposition": attachment(paper["file_name"]),
                                 "content-security-policy": "sandbox; default-src 'none'"})


# --- the public list


@pages.get("/trusted-list")
def public_page(request: Request, signed=public()):
    from senim.registry import trusted_list

    return r_page(request, "regulator/trusted_public.html", {"listed": trusted_list.public_list(_db(request))})


public_api = APIRouter(include_in_schema=False)  # anyone's, as the public side's /public routes


@public_api.get("/public/trusted-list", summary="The public list of trusted high-risk AI systems (JSON, or CSV "
                "with format=csv)", response_model=list[dict[str, Any]],
                responses={200: {"content": {"text/csv": {}}}})
def public_list(request: Request, format: Literal["json", "csv"] = "json", signed=public()):
    from senim.registry import trusted_list

    found = trusted_list.public_list(_db(request))
    if format == "csv" or "text/csv" in request.headers.get("accept", ""):
        import csv
        import io

        out = io.StringIO(newline="")
        columns = ("owner", "bin", "system", "name", "system_version", "listed_on", "ref")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in found:
            writer.writerow([row[c] for c in columns])
        return Response(out.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8")
    return found
