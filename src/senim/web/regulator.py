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
from senim.web.permissions import READ

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
