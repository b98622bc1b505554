"""Public system pages: the owner's form (/systems/{id}/public-page, and
GET/PUT /api/v1/systems/{id}/public-page) and the page anyone reads at its
random address (/p/{slug}; JSON with Accept: application/json, with the
Annex VIII mapping). The library is `senim.registry.public_pages`."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from senim.errors import InputError
from senim.registry.tenancy import NotFound
from senim.web.api import ERRORS
from senim.web.app import Signed, permission, public
from senim.web.permissions import READ, WRITE, allowed

api = APIRouter(prefix="/api/v1", responses=ERRORS)
pages = APIRouter(include_in_schema=False)


class PageSettings(BaseModel):
    system: str
    slug: Optional[str]
    published: bool
    fields: dict[str, Any]
    updated: Optional[str]


class PageIn(BaseModel):
    published: bool = False
    fields: dict[str, Any] = Field(default_factory=dict)


def _db(request: Request):
    return request.app.state.db


@api.get("/systems/{system_id}/public-page", response_model=PageSettings,
         summary="The system's public page as its owner sees it (off by default)")
def get_settings(request: Request, system_id: str, signed: Signed = permission("systems", READ)):
    from senim.registry.public_pages import settings

    return settings(_db(request), signed.actor, system_id)


@api.put("/systems/{system_id}/public-page", response_model=PageSettings,
         summary="Save and publish (or unpublish) the system's public page (its fields are law data)")
def put_settings(request: Request, system_id: str, body: PageIn, signed: Signed = permission("systems", WRITE)):
    from senim.registry.public_pages import save

    return save(_db(request), signed.actor, system_id, published=body.published, values=body.fields)


def _context(request: Request, extra: dict) -> dict:
    from senim.i18n import text
    from senim.registry.public_pages import law
    from senim.web.render import lang_of

    lang = lang_of(request)
    return {"pt": lambda key, **kw: text(f"public.{key}", lang, **kw), "fields": law()["fields"],
            "statuses": law()["statuses"], **extra}


@pages.get("/systems/{system_id}/public-page")
def settings_page(request: Request, system_id: str, signed: Signed = permission("systems", READ)):
    from senim.registry.public_pages import settings
    from senim.web.render import page

    return page(request, "public/page_form.html", _context(request, {
        "s": settings(_db(request), signed.actor, system_id), "problem": None,
        "may_write": allowed(signed.person.role, "systems", WRITE)}))


@pages.post("/systems/{system_id}/public-page")
async def settings_sent(request: Request, system_id: str, signed: Signed = permission("systems", WRITE)):
    from starlette.concurrency import run_in_threadpool

    from senim.registry.public_pages import law, save, settings
    from senim.web.app import _problem
    from senim.web.render import lang_of, page

    form = await request.form()
    values: dict[str, Any] = {}
    for field in law()["fields"]:
        if field["kind"] == "words":
            values[field["id"]] = {lang: str(form.get(f"{field['id']}.{lang}", "")) for lang in ("kk", "ru", "en")}
        else:
            values[field["id"]] = str(form.get(field["id"], "")) or None
    try:
        await run_in_threadpool(save, _db(request), signed.actor, system_id, published=form.get("published") == "1",
                                values=values)
    except NotFound:
        raise
    except InputError as error:
        current = settings(_db(request), signed.actor, system_id)
        return page(request, "public/page_form.html", _context(request, {
            "s": {**current, "fields": values}, "problem": _problem(error, lang_of(request)), "may_write": True}), status=422)
    return RedirectResponse(f"/systems/{system_id}/public-page", status_code=303)


@pages.get("/p/{slug}")
def public_page(request: Request, slug: str, signed=public()):
    from senim.registry.public_pages import public_page as found
    from senim.web.render import page

    record = found(_db(request), slug)
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return record
    return page(request, "public/page.html", _context(request, {"p": record}))
