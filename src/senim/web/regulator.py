"""The regulator's door: every organisation's high-risk systems and
incidents (pages under /regulator, JSON under /api/v1/registry), for a
person of an authority organisation (role `regulator`). The routes call
senim.registry.oversight; decision records and letters have no route here,
and the owners' routes for them are 403 for this role (permissions.py)."""

from __future__ import annotations

from typing import Any, Literal, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from senim.web.api import ERRORS
from senim.web.app import Signed, permission
from senim.web.permissions import READ, WRITE

api = APIRouter(prefix="/api/v1/registry", responses=ERRORS, tags=["registry"])
pages = APIRouter(include_in_schema=False)

Risk = Optional[Literal["minimal", "medium", "high", "all"]]
Autonomy = Optional[Literal["low", "medium", "high"]]


def _db(request: Request):
    return request.app.state.db


def r_page(request: Request, name: str, context: dict[str, Any], status: int = 200):
    """A page with the regulator's catalog as `r(key)` beside the web's `t(key)`."""
    from senim.i18n import text
    from senim.web.render import lang_of, page

    lang = lang_of(request)
    return page(request, name, {"r": lambda key, **kw: text(f"regulator.{key}", lang, **kw), **context},
                status=status)


def _systems(request: Request, signed: Signed, risk, owner, autonomy, q) -> list[dict[str, Any]]:
    from senim.registry.oversight import systems

    return systems(_db(request), signed.actor, risk=None if risk == "all" else (risk or "high"), owner=owner or None,
                   autonomy=autonomy or None, text=q or None)


@api.get("/systems", response_model=list[dict[str, Any]],
         summary="Every organisation's systems (high-risk by default): owner, BIN, classification, autonomy, "
                 "latest assessment, open incidents; imported bundles' systems with their source")
def registry_systems(request: Request, risk: Risk = "high", owner: Optional[str] = Query(None, max_length=12),
                     autonomy: Autonomy = None, q: Optional[str] = Query(None, max_length=200),
                     signed: Signed = permission("registry", READ)):
    return _systems(request, signed, risk, owner, autonomy, q)


@api.get("/incidents", response_model=list[dict[str, Any]],
         summary="Every organisation's incidents, overdue first, then by the nearest legal deadline")
def registry_incidents(request: Request, status: Optional[Literal["open", "reported", "closed"]] = None,
                       signed: Signed = permission("registry", READ)):
    from senim.registry.oversight import incidents

    return incidents(_db(request), signed.actor, status=status)


@pages.get("/regulator")
def regulator_page(request: Request, risk: Risk = "high", owner: Optional[str] = Query(None, max_length=12),
                   autonomy: Autonomy = None, q: Optional[str] = Query(None, max_length=200),
                   signed: Signed = permission("registry", READ)):
    from urllib.parse import urlencode

    from senim.registry.tenancy import list_organisations

    found = _systems(request, signed, risk, owner, autonomy, q)
    filters = {k: v for k, v in (("risk", risk), ("owner", owner), ("autonomy", autonomy), ("q", q)) if v}
    owners = [o for o in list_organisations(_db(request)) if not o["authority"] and o["bin"]]
    return r_page(request, "regulator/systems.html", {
        "systems": found, "owners": owners, "f": {"risk": risk or "high", "owner": owner or "",
                                                 "autonomy": autonomy or "", "q": q or ""},
        "export": urlencode(filters)})


@pages.get("/regulator/export")
def regulator_export(request: Request, format: Literal["csv", "json"] = "csv", risk: Risk = "high",
                     owner: Optional[str] = Query(None, max_length=12), autonomy: Autonomy = None,
                     q: Optional[str] = Query(None, max_length=200), signed: Signed = permission("registry", READ)):
    import json

    from senim.registry.oversight import as_csv
    from senim.web.uploads import attachment

    found = _systems(request, signed, risk, owner, autonomy, q)
    if format == "csv":
        body, media = as_csv(found).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        body, media = (json.dumps(found, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), "application/json"
    return Response(body, media_type=media, headers={"content-disposition": attachment(f"systems.{format}")})


@pages.get("/regulator/incidents")
def regulator_incidents(request: Request, signed: Signed = permission("registry", READ)):
    from senim.registry.oversight import incidents

    return r_page(request, "regulator/incidents.html", {"incidents": incidents(_db(request), signed.actor)})


# --- bundles from organisations that run their own Senim

BUNDLE_LIMIT = 25 * 1024 * 1024


@pages.get("/regulator/bundles")
def bundles_page(request: Request, signed: Signed = permission("registry", READ)):
    return _bundles(request, None, None)


def _bundles(request: Request, problem, done, status: int = 200):
    from senim.registry.regbundle import bundles

    return r_page(request, "regulator/bundles.html", {"bundles": bundles(_db(request)), "problem": problem,
                                                      "done": done}, status=status)


@pages.post("/regulator/bundles")
async def bundles_upload(request: Request, signed: Signed = permission("registry", WRITE)):
    """The bundle's files (the multipart field `files`, several): refused whole if one byte is wrong."""
    import shutil
    import tempfile
    from pathlib import Path

    from starlette.concurrency import run_in_threadpool

    from senim.errors import InputError
    from senim.registry.regbundle import FILES, import_bundle
    from senim.web.app import _problem

    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        return _bundles(request, _problem("files: send the bundle's files as a form (its length is needed)"), None, 411)
    if int(declared) > BUNDLE_LIMIT:
        return _bundles(request, _problem(f"files: larger than {BUNDLE_LIMIT // (1024 * 1024)} MB"), None, 413)
    form = await request.form(max_files=len(FILES) + 1, max_fields=5)
    folder = Path(tempfile.mkdtemp(prefix="senim-bundle-"))
    try:
        for upload in form.getlist("files"):
            name = Path(getattr(upload, "filename", "") or "").name  # a folder upload sends "DIR/name"
            if name not in FILES:
                return _bundles(request, _problem(f"files: {name or 'a file'} is not part of a regulator bundle"),
                                None, 422)
            (folder / name).write_bytes(await upload.read())
        try:
            done = await run_in_threadpool(import_bundle, _db(request), folder, actor=signed.actor)
        except InputError as refused:
            return _bundles(request, _problem(str(refused).replace(str(folder) + "/", "").replace(str(folder), "bundle")),
                            None, 422)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        await form.close()
    return _bundles(request, None, done)
