"""The FastAPI application: one process serving pages and the API.

    app = create_app("senim.db")        # or a postgresql:// URL

What every request passes through, in order:
- `CrossSiteGuard`: an unsafe request (POST, PUT, PATCH, DELETE) that
  carries a cookie is refused with 403 unless the browser says it comes
  from this origin (`Sec-Fetch-Site: same-origin` or `none`), or, from a
  browser too old to send that header, its `Origin` is this host. No token
  to thread through forms or htmx: the check needs nothing from the page.
- security headers (a strict Content-Security-Policy: scripts and styles
  only from this origin; no framing; no sniffing);
- one dependency per route (`permission` or `public`) that finds who is
  signed in (a Bearer token, else the session cookie) and checks the
  permission table.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from senim.errors import InputError
from senim.registry.people import Person, session_person, token_person
from senim.registry.tenancy import Actor, NotFound
from senim.web.permissions import allowed

# What a 404 says, whatever was asked for and whoever's it is ("not found")
NOT_FOUND = InputError.said("errors.no_such.anything")

HERE = Path(__file__).parent
SESSION_COOKIE = "senim_session"
LANG_COOKIE = "senim_lang"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
WEB_THREADS = 8  # requests handled at once in the thread pool; SENIM_WEB_THREADS changes it
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                 b"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class CrossSiteGuard:
    """Refuse cross-site unsafe requests that carry a cookie (pure ASGI, so
    that no body is read before the check)."""

    def __init__(self, app, trusted_origins: tuple[str, ...] = ()):
        self.app = app
        self.trusted = {o.rstrip("/").lower() for o in trusted_origins}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in UNSAFE:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            if "cookie" in headers and not self._same_origin(headers):
                response = JSONResponse({"errors": [{"field": None, "line": None,
                                                     "problem": "cross-site request refused"}]}, status_code=403)
                await response(scope, receive, send)
                return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                present = {k.lower() for k, _ in message["headers"]}
                message["headers"] = list(message["headers"]) + [h for h in SECURITY_HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _same_origin(self, headers: dict[str, str]) -> bool:
        site = headers.get("sec-fetch-site")
        if site is not None:
            return site in ("same-origin", "none") or headers.get("origin", "").lower() in self.trusted
        origin = headers.get("origin")
        if origin is None:  # not a browser, or one that sends neither header: SameSite=Lax covers it
            return True
        host = headers.get("x-forwarded-host") or headers.get("host", "")
        return urlsplit(origin).netloc.lower() == host.lower() or origin.lower() in self.trusted


@dataclass(frozen=True)
class Signed:
    """Who is signed in, and how (a session or a named token)."""

    person: Person
    via: str

    @property
    def actor(self) -> Actor:
        return self.person.actor(self.via)


class SignInNeeded(Exception):
    """A page asked for without a session: send the browser to the sign-in page."""


def _signed(request: Request) -> Signed | None:
    db = request.app.state.db
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        found = token_person(db, secret.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            raise HTTPException(401, "no valid token", headers={"WWW-Authenticate": "Bearer"})
        return Signed(found[0], f"token:{found[1]}")
    person = session_person(db, request.cookies.get(SESSION_COOKIE, ""))
    return Signed(person, "session") if person is not None else None


def permission(resource: str, verb: str) -> Callable:
    """The dependency a route declares: who is signed in, allowed `verb` on `resource`."""

    def check(request: Request) -> Signed:
        signed = _signed(request)
        if signed is None:
            if request.url.path.startswith("/api/"):
                raise HTTPException(401, "sign in or give a token", headers={"WWW-Authenticate": "Bearer"})
            raise SignInNeeded()
        request.state.signed = signed
        if not allowed(signed.person.role, resource, verb):
            raise HTTPException(403, f"the role {signed.person.role} may not {verb} {resource}")
        return signed

    check.senim_permission = (resource, verb)
    return Depends(check)


def public() -> Callable:
    """The dependency of a route anyone may call (sign-in, health, static)."""

    def check(request: Request) -> Signed | None:
        try:
            signed = _signed(request)
        except HTTPException:
            signed = None
        request.state.signed = signed
        return signed

    check.senim_permission = "public"
    return Depends(check)


def create_app(db: str | None = None, *, files: str | Path | None = None, job_threads: int = 2,
               trusted_origins: tuple[str, ...] = (), trust_anchors: str | None = None,
               cluster: str | None = None, requeue_jobs: bool = True) -> FastAPI:
    """The application over the registry `db` (SQLite path or PostgreSQL URL).

    `files`: where uploaded evidence is kept (content-addressed; default
    SENIM_HOME/files). `job_threads`: worker threads that run jobs in this
    process (0: leave them to `senim worker` processes). `trust_anchors`:
    the PEM text of the CAs whose signers the public label check recognises.
    `cluster`: a Dask scheduler the scan and fairness jobs run their work on.
    `requeue_jobs`: on SQLite, queue again at start the jobs this host left
    running (False where one of several processes starts: `served`).
    """
    import os

    from senim.registry import jobs, people
    from senim.registry.db import Database
    from senim.web import api, check_jobs, literacy, pages, public, regulator, system_pages, trusted

    people.configure(os.environ)  # session lifetimes and Argon2 parameters, if set
    jobs.LEASE = float(os.environ.get("SENIM_JOB_LEASE", jobs.LEASE))
    if cluster is not None:
        jobs.CLUSTER = cluster or None
    from senim.web.jobs import JobThreads
    from senim.web.render import templates

    database = Database(db)

    # How many requests run at once in the thread pool (AnyIO's default is 40).
    # The work is mostly Python, which one process runs one thread at a time:
    # fewer at once finish each sooner, and as many in all (docs/web.md, Speed).
    threads = int(os.environ.get("SENIM_WEB_THREADS", "") or WEB_THREADS)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if threads > 0:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        app.state.jobs.start()
        try:
            yield
        finally:
            app.state.jobs.stop()
            database.dispose()

    app = FastAPI(title="Senim", lifespan=lifespan, version=_version(), openapi_url="/api/v1/openapi.json", docs_url=None,
                  redoc_url=None, description="Senim's registry of AI systems, their evidence, assessments, "
                  "incidents, decisions and ledger, for the signed-in organisation.")
    app.state.db = database
    app.state.files = Path(files) if files else _home() / "files"
    app.state.templates = templates()
    app.state.jobs = JobThreads(database, app.state.files, job_threads, requeue=requeue_jobs)
    app.state.limits = {"evidence": 25 * 1024 * 1024, "decisions": 20 * 1024 * 1024}
    app.state.routers = (api.router, api.health, pages.router, regulator.api, regulator.pages, public.api, public.pages,
                         public.owner_pages, trusted.api, trusted.pages, trusted.public_api,
                         literacy.api, literacy.pages, system_pages.api, system_pages.pages,
                         check_jobs.api, check_jobs.pages)
    app.state.trust_anchors = trust_anchors  # PEM text: the label check's trust list
    for router in app.state.routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _exc: SignInNeeded):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        return _error(request, 404, NOT_FOUND)  # the same words whether it is absent or another organisation's

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError):
        return _error(request, 422, exc)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(404)
    async def _missing(request: Request, exc):
        return _error(request, 404, NOT_FOUND)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [{"line": None, "field": ".".join(str(p) for p in e.get("loc", ())[1:]) or None,
                   "problem": e.get("msg", "invalid")} for e in exc.errors()]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"errors": errors}, status_code=422)
        return _error(request, 422, "; ".join(f"{e['field']}: {e['problem']}" for e in errors))

    app.add_middleware(CrossSiteGuard, trusted_origins=trusted_origins)
    return app


SERVE_ENV = "SENIM_SERVE"  # the options `senim serve --workers N` gives each of its processes (JSON)


def served():
    """The application of one process of `senim serve --workers N` (a uvicorn
    factory): `create_app` with the command's options, read from SENIM_SERVE,
    and the environment's settings in force for every request, as the
    command's own are in a single process. What a request needs from another
    (the session, the sign-in failures, the job queue) is in the database."""
    import json
    import os
    import sys

    from senim.settings import Settings

    options = json.loads(os.environ[SERVE_ENV])
    app = create_app(options["db"], files=options["files"], job_threads=options["job_threads"],
                     trusted_origins=tuple(options["trusted_origins"]), trust_anchors=options["trust_anchors"],
                     cluster=options["cluster"], requeue_jobs=False)
    settings = Settings.from_env(notice=lambda line: sys.stderr.write(f"senim: {line}\n"))

    async def with_settings(scope, receive, send):
        with settings.active():
            await app(scope, receive, send)

    return with_settings


def route_table(app: FastAPI) -> list[tuple[str, str, object]]:
    """(method, path, route) of every route the application serves (static files aside)."""
    found = []
    for router in app.state.routers:
        for route in router.routes:
            for method in sorted(getattr(route, "methods", None) or ()):
                if method != "HEAD":
                    found.append((method, route.path, route))
    return found


def declared_permission(route) -> object:
    """What a route declares: (resource, verb), "public", or None when nothing."""
    found = [getattr(d.call, "senim_permission", None) for d in route.dependant.dependencies]
    found = [f for f in found if f is not None]
    return found[0] if len(found) == 1 else None


def _error(request: Request, status: int, problem, headers: dict | None = None):
    """`problem`: a sentence, or an InputError (its parts go to the JSON, in
    English; the page says it in the page's language)."""
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"errors": [_problem(problem)]}, status_code=status, headers=headers)
    from senim.web.render import lang_of, page

    said = problem.sentence_in(lang_of(request)) if isinstance(problem, InputError) else str(problem)
    return page(request, "error.html", {"status": status, "problem": said}, status=status, headers=headers)


def _problem(error, lang: str = "en") -> dict:
    """An error as {line, field, problem}: an InputError's own parts when it has
    them (the problem in `lang` where the catalog has it), else read from its
    sentence ("FILE:LINE: field: problem"). The file is left out: on the server
    it is a database or a temporary name."""
    import re

    if isinstance(error, InputError) and (error.field or error.line):
        return {"line": error.line, "field": error.field, "problem": error.problem_in(lang)}
    message = error.sentence_in(lang) if isinstance(error, InputError) else str(error)
    found = re.match(r"^(?:[^:\s]*?:(?P<line>\d+): )?(?:(?P<field>[A-Za-z_][\w.\[\]-]*): )?(?P<problem>.+)$",
                     message, re.S)
    if not found:
        return {"line": None, "field": None, "problem": message}
    line, field, problem = found.group("line"), found.group("field"), found.group("problem")
    missing = re.match(r"^([A-Za-z_][\w.]*) is missing", problem)
    if field is None and missing:
        field = missing.group(1)
    return {"line": int(line) if line else None, "field": field, "problem": problem}


def _home() -> Path:
    from senim.paths import senim_home

    return senim_home()


def _version() -> str:
    from senim import __version__

    return __version__
