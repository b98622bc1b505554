"""The checks as jobs, from a page or the API: a personal-data scan and a
fairness check of an uploaded data file (CSV, TSV, Parquet, JSON Lines; text
for the scan), and an assessment report rendered as PDF. Each request checks
what it can at once (the upload sniffed and bounded, the system, the
obligation, the fairness columns against the file's header: 4xx naming the
field) and queues a job; the job page polls it (htmx, or a refresh without
JavaScript) and shows the result. The library is `senim.registry.check_jobs`."""

from __future__ import annotations

from typing import Annotated
from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import FileResponse, RedirectResponse

from senim.errors import InputError
from senim.registry.tenancy import NotFound
from senim.web.api import ERRORS, ERRORS_UPLOAD, JobRecord
from senim.web.app import Signed, permission
from senim.web.permissions import READ, WRITE

api = APIRouter(prefix="/api/v1", responses=ERRORS)
pages = APIRouter(include_in_schema=False)
DATA_LIMIT = 100 * 1024 * 1024  # bytes; app.state.limits["data"] when set
Number = Annotated[int, Path(ge=1, le=2_147_483_647)]
FILE_RESPONSE = {200: {"content": {"application/pdf": {}}, "description": "The file"},
                 **{s: ERRORS[s] for s in ERRORS}}


def _db(request: Request):
    return request.app.state.db


def _multipart(required: list[str], properties: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": required, "properties": {
            **properties, "obligation": {"type": "string", "description": "Keep the result as evidence of it"},
            "file": {"type": "string", "format": "binary"}}}}}}}


SCAN_BODY = _multipart(["file"], {})
FAIRNESS_BODY = _multipart(["file", "target", "prediction", "sensitive"], {
    "target": {"type": "string"}, "prediction": {"type": "string"},
    "sensitive": {"type": "string", "description": "One column, or several with commas"},
    "score": {"type": "string"}, "max_difference": {"type": "string", "description": "A gate, 0 to 1"},
    "lang": {"type": "string", "enum": ["kk", "ru", "en"]}})


async def _queue_upload(request: Request, system_id: str, signed: Signed, job_kind: str) -> int:
    """Receive and check the data file, keep it, queue the job; its number."""
    from starlette.concurrency import run_in_threadpool

    from senim.web.uploads import DATA_TYPES, checked, receive

    upload = await receive(request, limit=request.app.state.limits.get("data", DATA_LIMIT),
                           folder=request.app.state.files / "incoming")
    try:
        checked(upload, DATA_TYPES)
        return await run_in_threadpool(_queue, request, system_id, signed, job_kind, upload)
    except InputError as error:
        error.fields = dict(upload.fields)  # what was typed, for the form shown again
        raise
    finally:
        upload.discard()


def _queue(request: Request, system_id: str, signed: Signed, job_kind: str, upload) -> int:
    import os

    from senim.registry import jobs, show
    from senim.registry.check_jobs import check_obligation, data_suffix, fairness_params, keep_data
    from senim.web.render import lang_of

    show(_db(request), system_id, actor=signed.actor)  # 404 before anything is kept
    fields = upload.fields
    obligation = check_obligation(fields.get("obligation"))
    lang = fields.get("lang") if fields.get("lang") in ("kk", "ru", "en") else lang_of(request)
    extra = {}
    if job_kind == "fairness":  # the columns, read from the file's header before it is kept
        suffix = data_suffix(upload.path, upload.media_type, upload.file_name)
        link = upload.path.with_name(upload.path.name + suffix)
        os.symlink(upload.path.name, link)
        try:
            extra = fairness_params(link, upload.file_name, suffix, fields)
        finally:
            link.unlink(missing_ok=True)
    data = keep_data(request.app.state.files, upload.path, upload.sha256, upload.media_type, upload.file_name)
    params = {"system": system_id, **data, **extra, "obligation": obligation, "lang": lang}
    return jobs.enqueue(_db(request), job_kind, params, signed.actor)


def _queue_pdf(request: Request, assessment_id: int, signed: Signed) -> int:
    from senim.registry import jobs
    from senim.registry.assessments import get_assessment

    record = get_assessment(_db(request), assessment_id, signed.actor)  # 404 before anything is queued
    return jobs.enqueue(_db(request), "pdf", {"assessment": record["id"], "system": record["system"]}, signed.actor)


def _file(request: Request, job_id: int, signed: Signed):
    from senim.registry.check_jobs import job_file
    from senim.web.uploads import attachment

    found = job_file(_db(request), request.app.state.files, job_id, signed.actor)
    return FileResponse(found["path"], media_type=found["media_type"],
                        headers={"content-disposition": attachment(found["file_name"])})


# --- the API


@api.post("/systems/{system_id}/scans", status_code=202, response_model=JobRecord, responses=ERRORS_UPLOAD,
          summary="Scan a data file for personal data (a job; multipart field `file`); poll the job for its "
                  "summary, counts only", openapi_extra=SCAN_BODY)
async def start_scan(request: Request, system_id: str, signed: Signed = permission("evidence", WRITE)):
    from senim.registry import jobs

    return jobs.get(_db(request), await _queue_upload(request, system_id, signed, "scan"), signed.actor)


@api.post("/systems/{system_id}/fairness", status_code=202, response_model=JobRecord, responses=ERRORS_UPLOAD,
          summary="Check a decision log's fairness (a job; multipart field `file` with the `target`, "
                  "`prediction` and `sensitive` columns); poll the job for its metrics and verdict",
          openapi_extra=FAIRNESS_BODY)
async def start_fairness(request: Request, system_id: str, signed: Signed = permission("evidence", WRITE)):
    from senim.registry import jobs

    return jobs.get(_db(request), await _queue_upload(request, system_id, signed, "fairness"), signed.actor)


@api.post("/assessments/{assessment_id}/pdf", status_code=202, response_model=JobRecord,
          summary="Render the report as PDF (a job); the file is at /api/v1/jobs/{job_id}/file when it is done")
def start_pdf(request: Request, assessment_id: Number, signed: Signed = permission("assessments", READ)):
    from senim.registry import jobs

    return jobs.get(_db(request), _queue_pdf(request, assessment_id, signed), signed.actor)


@api.get("/jobs/{job_id}/file", response_class=FileResponse, responses=FILE_RESPONSE,
         summary="The file a finished job made (a PDF report), as an attachment; 422 while there is none")
def job_file(request: Request, job_id: Number, signed: Signed = permission("jobs", READ)):
    return _file(request, job_id, signed)


# --- the pages


def _checks(request: Request, system_id: str, signed: Signed, problem=None, form=None, status: int = 200):
    from senim.web.app import _problem
    from senim.web.pages import _system
    from senim.web.render import lang_of, page

    context = _system(request, system_id, signed)
    return page(request, "checks.html", {**context, "problem": _problem(problem, lang_of(request)) if problem else None,
                                         "form": form or {}}, status=status)


@pages.get("/systems/{system_id}/checks")
def checks_page(request: Request, system_id: str, signed: Signed = permission("evidence", WRITE)):
    return _checks(request, system_id, signed)


async def _page_upload(request: Request, system_id: str, signed: Signed, job_kind: str):
    from starlette.concurrency import run_in_threadpool

    try:
        number = await _queue_upload(request, system_id, signed, job_kind)
    except NotFound:
        raise
    except HTTPException as refused:
        return await run_in_threadpool(_checks, request, system_id, signed, str(refused.detail), None,
                                       refused.status_code)
    except InputError as error:
        return await run_in_threadpool(_checks, request, system_id, signed, error,
                                       {"kind": job_kind, **getattr(error, "fields", {})}, 422)
    return RedirectResponse(f"/jobs/{number}", status_code=303)


@pages.post("/systems/{system_id}/scan")
async def scan_sent(request: Request, system_id: str, signed: Signed = permission("evidence", WRITE)):
    return await _page_upload(request, system_id, signed, "scan")


@pages.post("/systems/{system_id}/fairness")
async def fairness_sent(request: Request, system_id: str, signed: Signed = permission("evidence", WRITE)):
    return await _page_upload(request, system_id, signed, "fairness")


@pages.post("/assessments/{assessment_id}/pdf")
def pdf_sent(request: Request, assessment_id: Number, signed: Signed = permission("assessments", READ)):
    return RedirectResponse(f"/jobs/{_queue_pdf(request, assessment_id, signed)}", status_code=303)


@pages.get("/jobs/{job_id}/file")
def job_file_page(request: Request, job_id: Number, signed: Signed = permission("jobs", READ)):
    return _file(request, job_id, signed)

