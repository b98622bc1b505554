"""The API under /api/v1: JSON for programs (CI posting evidence, auditors'
tools). Authorised by `Authorization: Bearer TOKEN` or a session cookie.
Another organisation's object is 404, as if it did not exist; no or a wrong
token is 401; a role without the permission is 403; bad input is 422 with
`{"errors": [{"line", "field", "problem"}]}`."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from senim.law import regimes
from senim.web.app import Signed, permission, public
from senim.web.permissions import READ, WRITE


class Problem(BaseModel):
    line: Optional[int] = None
    field: Optional[str] = None
    problem: str


class Errors(BaseModel):
    errors: list[Problem]


ERRORS = {status: {"model": Errors, "description": text} for status, text in (
    (401, "No valid token or session"), (403, "The role may not do this"),
    (404, "Not found in the signed-in organisation"), (422, "Bad input, each problem at its line and field"))}
ERRORS_UPLOAD = {**ERRORS, 413: {"model": Errors, "description": "Too large, or a zip or image bomb"},
                 415: {"model": Errors, "description": "A type not accepted here (judged by the content)"}}

router = APIRouter(prefix="/api/v1", responses=ERRORS)


class SystemSummary(BaseModel):
    id: str
    name: Optional[str]
    version: int
    kz_risk: Optional[str]
    eu_category: Optional[str]
    registered: str
    manifest_sha256: str


class Registered(BaseModel):
    id: str
    version: int
    status: Literal["added", "new_version", "unchanged"]
    ledger_seq: int


class VersionRef(BaseModel):
    version: int
    registered: str
    ledger_seq: int


class SystemRecord(BaseModel):
    id: str
    name: Optional[str]
    version: int
    latest_version: int
    registered: str
    manifest_sha256: str
    ledger_seq: int
    kz_risk: Optional[str]
    eu_category: Optional[str]
    manifest: dict[str, Any]
    classification: dict[str, Any]
    versions: list[VersionRef]


class Obligation(BaseModel):
    model_config = {"extra": "allow"}
    id: str
    law: str
    ref: str
    title: str
    applies_from: Optional[str] = None
    upcoming: bool


class JobRecord(BaseModel):
    id: int
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: Optional[str]
    result: Optional[dict[str, Any]]
    error: Optional[str]
    created: float
    started: Optional[float]
    finished: Optional[float]
    params: dict[str, Any]


class AssessmentRequest(BaseModel):
    lang: Literal["kk", "ru", "en"] = "en"
    version: Optional[int] = Field(None, ge=1, le=2_147_483_647)
    as_of: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class AssessmentRecord(BaseModel):
    id: int
    system: str
    system_version: int
    lang: str
    verdict: str
    created: str
    ledger_seq: int
    report: dict[str, Any]


class EvidenceRecord(BaseModel):
    id: int
    system: str
    obligation: str
    sha256: str
    size: int
    media_type: str
    file_name: str
    answer: Optional[str]
    note: Optional[str]
    by: Optional[str]
    on: str
    ledger_seq: int


class IncidentRequest(BaseModel):
    kind: str
    severity: str
    systems: list[str] = Field(..., min_length=1, max_length=100)
    summary: str = Field(..., min_length=1, max_length=10000)
    aware_at: Optional[str] = None
    occurred_at: Optional[str] = None
    widespread: bool = False
    actions: list[str] = Field(default_factory=list, max_length=100)


class IncidentUpdateRequest(BaseModel):
    status: Optional[str] = None
    severity: Optional[str] = None
    action: Optional[str] = Field(None, max_length=10000)
    note: Optional[str] = Field(None, max_length=10000)


class Created(BaseModel):
    id: int


class Recorded(BaseModel):
    numbers: list[int]
    new: list[int]
    already: int
    repeated: int
    pseudonymised: int


class LetterRequest(BaseModel):
    subject: str = Field(..., min_length=1, max_length=200)
    lang: Literal["kk", "ru", "en"] = "en"


class Letter(BaseModel):
    subject: str
    lang: str
    letter: str


class Verdict(BaseModel):
    ok: bool
    entries: int
    checkpoints: int
    root: Optional[str]
    problem: Optional[str]


class Health(BaseModel):
    ok: bool
    schema_version: str


def _db(request: Request):
    return request.app.state.db


SYSTEMS_PAGE, SYSTEMS_PAGE_MAX = 100, 1000
NEXT_PAGE = {"Link": {"description": 'The next page, when there is one: `</api/v1/systems?limit=100&after=ID>; '
                                     'rel="next"` (RFC 8288)', "schema": {"type": "string"}}}


@router.get("/systems", response_model=list[SystemSummary], summary="The organisation's systems, a page at a time",
            description=f"In the order of their ids, at most `limit` systems (default {SYSTEMS_PAGE}, at most "
                        f"{SYSTEMS_PAGE_MAX}) whose id sorts after `after`. When more follow, the `Link` header "
                        "names the next page (`rel=\"next\"`); the last page has none.",
            responses={200: {"description": "A page of systems", "headers": NEXT_PAGE}})
def list_systems(request: Request, risk: Optional[Literal["minimal", "medium", "high"]] = None,
                 limit: int = Query(SYSTEMS_PAGE, ge=1, le=SYSTEMS_PAGE_MAX,
                                    description="How many systems at most on this page"),
                 after: Optional[str] = Query(None, min_length=1, max_length=200,
                                              description="The id of the last system of the page before"),
                 signed: Signed = permission("systems", READ)):
    from urllib.parse import urlencode

    import orjson

    from senim.registry import list_systems as listed

    found = listed(_db(request), risk=risk, actor=signed.actor, limit=limit + 1, after=after)
    # The rows are SystemSummary's fields, in its order, as the library gives them: written
    # once with orjson, the bytes the response model writes, without FastAPI checking each row
    # against the model again (in another thread) first.
    response = Response(orjson.dumps(found[:limit]), media_type="application/json")
    if len(found) > limit:
        query = {"limit": limit, "after": found[limit - 1]["id"], **({"risk": risk} if risk else {})}
        response.headers["link"] = f'</api/v1/systems?{urlencode(query)}>; rel="next"'
    return response


@router.post("/systems", status_code=201, response_model=Registered, summary="Register a manifest (JSON or YAML)",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"type": "object"}},
                 "application/yaml": {"schema": {"type": "string"}}}}})
async def register_system(request: Request, signed: Signed = permission("systems", WRITE)):
    from starlette.concurrency import run_in_threadpool

    blob = await _body(request, 1024 * 1024)
    return await run_in_threadpool(_register, request, blob, signed)


def _register(request: Request, blob: bytes, signed: Signed):
    from senim.manifest import ManifestProblems, parse_manifest
    from senim.registry import register

    try:
        manifest = parse_manifest(blob, "manifest")
    except ManifestProblems as problems:
        from senim.web.app import _problem

        return JSONResponse({"errors": [_problem(e) for e in problems.errors]}, status_code=422)
    done = register(_db(request), manifest=manifest, actor=signed.actor)
    return {"id": done["system"], "version": done["version"], "status": done["status"], "ledger_seq": done["ledger_seq"]}


async def _body(request: Request, limit: int) -> bytes:
    from senim.web.uploads import refuse

    blob = bytearray()
    async for chunk in request.stream():
        blob += chunk
        if len(blob) > limit:
            raise refuse(413, "body", f"larger than {limit // 1024} KB")
    return bytes(blob)


@router.get("/systems/{system_id}", response_model=SystemRecord, summary="A system: manifest, versions, classification")
def get_system(request: Request, system_id: str, version: Optional[int] = Query(None, ge=1, le=2_147_483_647),
               signed: Signed = permission("systems", READ)):
    from senim.registry import show

    record = show(_db(request), system_id, version, actor=signed.actor)
    record.pop("source", None)
    return record


@router.get("/systems/{system_id}/obligations", response_model=list[Obligation], summary="What the system owes")
def get_obligations(request: Request, system_id: str, signed: Signed = permission("systems", READ)):
    from senim.registry import show

    classification = show(_db(request), system_id, actor=signed.actor)["classification"]
    found = []
    for law in regimes():
        part = classification.get(law) or {}
        for upcoming, key in ((False, "obligations"), (True, "upcoming_obligations")):
            for item in part.get(key) or []:
                found.append({**item, "law": law, "upcoming": upcoming})
    return found


@router.post("/systems/{system_id}/assessments", status_code=202, response_model=JobRecord,
             summary="Run an assessment (a job); poll the job for its result")
def start_assessment(request: Request, system_id: str, body: AssessmentRequest,
                     signed: Signed = permission("assessments", WRITE)):
    from senim.registry import jobs, show

    show(_db(request), system_id, body.version, actor=signed.actor)  # 404 before anything is queued
    number = jobs.enqueue(_db(request), "assess", {"system": system_id, "version": body.version, "lang": body.lang,
                                                   "as_of": body.as_of}, signed.actor)
    return jobs.get(_db(request), number, signed.actor)


@router.get("/jobs/{job_id}", response_model=JobRecord, summary="A job's progress and result")
def get_job(request: Request, job_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("jobs", READ)):
    from senim.registry import jobs

    return jobs.get(_db(request), job_id, signed.actor)


@router.get("/assessments/{assessment_id}", response_model=AssessmentRecord, summary="An assessment and its report (JSON)")
def get_assessment(request: Request, assessment_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("assessments", READ)):
    from senim.registry.assessments import get_assessment as found

    return found(_db(request), assessment_id, signed.actor)


@router.get("/assessments/{assessment_id}/report", summary="The report in one format of senim.report",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
def get_report(request: Request, assessment_id: Annotated[int, Path(ge=1, le=2_147_483_647)], format: Literal["json", "markdown", "html", "pdf", "sarif"] = "html",
               signed: Signed = permission("assessments", READ)):
    from senim.registry.assessments import get_assessment as found
    from senim.web.reports import render
    from senim.web.uploads import attachment

    record = found(_db(request), assessment_id, signed.actor)
    body, media_type, extension = render(record["report"], format)
    name = f"{record['system']}.{record['lang']}.{extension}"
    return Response(body, media_type=media_type, headers={"content-disposition": attachment(name)})


@router.post("/systems/{system_id}/evidence", status_code=201, response_model=EvidenceRecord,
             responses=ERRORS_UPLOAD, summary="Evidence for an obligation: a file (multipart field `file`), "
             "with `obligation`, and `answer` (yes, partly, no) unless it is a check's evidence record",
             openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["obligation", "file"], "properties": {
                     "obligation": {"type": "string"}, "answer": {"type": "string", "enum": ["yes", "partly", "no"]},
                     "note": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}}}}})
async def add_evidence(request: Request, system_id: str, signed: Signed = permission("evidence", WRITE)):
    from starlette.concurrency import run_in_threadpool

    from senim.web.uploads import EVIDENCE_TYPES, checked, receive

    upload = await receive(request, limit=request.app.state.limits["evidence"],
                           folder=request.app.state.files / "incoming")
    try:
        checked(upload, EVIDENCE_TYPES)
        return await run_in_threadpool(_keep_evidence, request, system_id, upload, signed)
    finally:
        upload.discard()


def _keep_evidence(request: Request, system_id: str, upload, signed: Signed):
    from senim.registry.evidence import add_evidence as kept

    obligation = upload.fields.get("obligation", "").strip()
    if not obligation:
        from senim.errors import InputError

        raise InputError("obligation: required")
    answer = upload.fields.get("answer") or None
    return kept(_db(request), request.app.state.files, signed.actor, system=system_id, obligation=obligation,
                upload=upload.path, sha256=upload.sha256, size=upload.size, media_type=upload.media_type,
                file_name=upload.file_name, answer=answer, note=upload.fields.get("note") or None)


@router.get("/evidence/{evidence_id}", response_model=EvidenceRecord, summary="A piece of evidence (its record)")
def get_evidence(request: Request, evidence_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("evidence", READ)):
    from senim.registry.evidence import get_evidence as found

    return found(_db(request), evidence_id, signed.actor)


@router.get("/evidence/{evidence_id}/file", summary="The evidence file, as an attachment, never inline",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
def get_evidence_file(request: Request, evidence_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("evidence", READ)):
    from fastapi.responses import FileResponse

    from senim.registry.evidence import get_evidence as found, stored_path
    from senim.web.uploads import attachment

    record = found(_db(request), evidence_id, signed.actor)
    return FileResponse(stored_path(request.app.state.files, record["sha256"]), media_type=record["media_type"],
                        headers={"content-disposition": attachment(record["file_name"]),
                                 "content-security-policy": "sandbox; default-src 'none'"})


@router.get("/incidents", response_model=list[dict[str, Any]], summary="Incidents with their deadlines")
def list_incidents(request: Request, status: Optional[Literal["open", "reported", "closed"]] = None,
                   signed: Signed = permission("incidents", READ)):
    from senim.registry import list_incidents as listed

    return listed(_db(request), status=status, actor=signed.actor)


@router.post("/incidents", status_code=201, response_model=Created, summary="Record an incident")
def open_incident(request: Request, body: IncidentRequest, signed: Signed = permission("incidents", WRITE)):
    from senim.registry import open_incident as opened

    number = opened(_db(request), kind=body.kind, severity=body.severity, systems=body.systems, summary=body.summary,
                    aware_at=body.aware_at, aware_by=signed.person.email, occurred_at=body.occurred_at,
                    widespread=body.widespread, actions=body.actions, actor=signed.actor)
    return {"id": number}


@router.get("/incidents/{incident_id}", response_model=dict[str, Any], summary="An incident, its updates and deadlines")
def get_incident(request: Request, incident_id: Annotated[int, Path(ge=1, le=2_147_483_647)], signed: Signed = permission("incidents", READ)):
    from senim.registry import get_incident as found

    return found(_db(request), incident_id, actor=signed.actor)


@router.post("/incidents/{incident_id}/updates", status_code=201, response_model=Created, summary="Update an incident")
def update_incident(request: Request, incident_id: Annotated[int, Path(ge=1, le=2_147_483_647)], body: IncidentUpdateRequest,
                    signed: Signed = permission("incidents", WRITE)):
    from senim.registry import update_incident as updated

    number = updated(_db(request), incident_id, status=body.status, severity=body.severity, action=body.action,
                     note=body.note, by=signed.person.email, actor=signed.actor)
    return {"id": number}


@router.get("/incidents/{incident_id}/notice", response_model=Letter, summary="The notice to the authorities")
def incident_notice(request: Request, incident_id: Annotated[int, Path(ge=1, le=2_147_483_647)], lang: Literal["kk", "ru", "en"] = "en",
                    signed: Signed = permission("incidents", READ)):
    from senim.registry.incidents import report

    return {"subject": f"incident {incident_id}", "lang": lang,
            "letter": report(_db(request), incident_id, lang, actor=signed.actor)}


@router.post("/decisions", status_code=201, response_model=Recorded, summary="Record a JSON Lines batch of decisions",
             openapi_extra={"requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}})
async def record_decisions(request: Request, signed: Signed = permission("decisions", WRITE)):
    from starlette.concurrency import run_in_threadpool

    blob = await _body(request, 20 * 1024 * 1024)
    return await run_in_threadpool(_record_decisions, request, blob, signed)


def _record_decisions(request: Request, blob: bytes, signed: Signed):
    from dataclasses import asdict

    from senim.registry.decisions import read_jsonl_text, record_decisions as recorded

    records, places = read_jsonl_text(blob, "decisions")
    return asdict(recorded(_db(request), records, places, actor=signed.actor))


@router.post("/decisions/letter", response_model=Letter, summary="A person's explanation letter (the reading is ledgered)")
def decision_letter(request: Request, body: LetterRequest, signed: Signed = permission("letters", READ)):
    from senim.registry.disclosures import explanation_letter

    return {"subject": body.subject, "lang": body.lang,
            "letter": explanation_letter(_db(request), body.subject, body.lang, signed.actor)}


@router.get("/ledger/verify", response_model=Verdict, summary="Verify the whole ledger and the tables behind it")
def verify_ledger(request: Request, signed: Signed = permission("ledger", READ)):
    from senim.registry.audit import audit_database

    with _db(request).read() as conn:
        verdict, problem = audit_database(conn)
    result = verdict.as_dict()
    if problem is not None:
        result["ok"], result["problem"] = False, f"registry: {problem}"
    return result


@router.get("/ledger/entries/{seq}/proof", response_model=dict[str, Any],
            summary="An entry of the organisation and its inclusion proof against the latest signed checkpoint")
def entry_proof(request: Request, seq: Annotated[int, Path(ge=1, le=2**62)], signed: Signed = permission("ledger", READ)):
    from senim.registry.ledgerview import proof

    return proof(_db(request), seq, signed.actor)


@router.get("/ledger/export", response_model=dict[str, Any],
            summary="The organisation's entries, each with its inclusion proof, and the signing keys: verifiable offline")
def export_ledger(request: Request, signed: Signed = permission("ledger", READ)):
    from senim.registry.ledgerview import proof_bundle

    return proof_bundle(_db(request), signed.actor)


health = APIRouter()


@health.get("/healthz", response_model=Health, summary="Is the server up and its database reachable", tags=["health"])
def healthz(request: Request, signed=public()):
    from senim.registry.db import schema_version

    with _db(request).read() as conn:
        return {"ok": True, "schema_version": schema_version(conn) or ""}
