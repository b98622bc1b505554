"""`senim serve`, `senim worker`, and the people who use them: `org`, `user`, `token`.

The web libraries (FastAPI, uvicorn, Argon2) are imported only inside these
commands, so that the CLI's start-up does not grow.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from senim.cli.app import app
from senim.cli.options import DB
from senim.errors import InputError

ClusterOption = typer.Option(None, "--cluster", envvar="SENIM_CLUSTER", show_envvar=True,
                             help="Address of a Dask scheduler for the scan and fairness jobs (its workers must see --files).")
ROLES_HELP = "admin, compliance, engineer, auditor (reads only), regulator (authority organisations only)."


def _database(db: Optional[str]):
    import os

    try:
        from senim.registry import jobs, people
        from senim.registry.db import Database
    except ImportError:
        raise InputError("the registry needs the registry extra: pip install 'senim[web]'") from None
    people.configure(os.environ)  # SENIM_ARGON2_*, SENIM_SESSION_*: as senim serve reads them
    jobs.LEASE = float(os.environ.get("SENIM_JOB_LEASE", jobs.LEASE))
    return Database(db)


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (behind a reverse proxy: keep 127.0.0.1)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    db: Optional[str] = DB,
    files: Optional[str] = typer.Option(None, "--files", help="Folder for uploaded evidence (default SENIM_HOME/files)."),
    job_threads: int = typer.Option(2, "--job-threads", min=0, help="Worker threads for jobs in this process (0: leave them to `senim worker`)."),
    trusted_origin: list[str] = typer.Option([], "--trusted-origin", help="Another origin (https://host) allowed to post forms here, e.g. the proxy's public name if it rewrites Host."),
    trust_anchors: Optional[Path] = typer.Option(None, "--trust-anchors", help="PEM file of the CAs whose signers the public label check (/check) recognises."),
    cluster: Optional[str] = ClusterOption,
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes sharing the port (e.g. one per core); each has its own --job-threads."),
) -> None:
    """Serve the pages and the API (/api/v1) from one process (or --workers) on the registry."""
    try:
        import uvicorn

        from senim.web.app import create_app
    except ImportError:
        raise InputError("senim serve needs the web extra: pip install 'senim[web]'") from None
    anchors = None
    if trust_anchors is not None:
        if not trust_anchors.is_file():
            raise InputError(f"{trust_anchors}: --trust-anchors: no such file")
        anchors = trust_anchors.read_text(encoding="utf-8", errors="replace")
        if "-----BEGIN CERTIFICATE-----" not in anchors:
            raise InputError(f"{trust_anchors}: line 1: no PEM certificate found")
    settings = dict(host=host, port=port, log_level="warning", proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                    server_header=False, access_log=False)
    if workers == 1:
        application = create_app(db, files=files, job_threads=job_threads, trusted_origins=tuple(trusted_origin),
                                 trust_anchors=anchors, cluster=cluster)
        sys.stderr.write(f"senim: serving {application.state.db.display} on http://{host}:{port}/ (Ctrl-C stops)\n")
        uvicorn.run(application, **settings)
        return
    import json
    import os

    from senim.registry import jobs
    from senim.web.app import SERVE_ENV

    database = _database(db)  # checked and migrated once, here, before any process starts
    if job_threads > 0 and not database.url.startswith("postgresql"):  # what one server's start does
        jobs.requeue_own(database, jobs.worker_name().rsplit(":", 1)[0] + ":")
    display = database.display
    database.dispose()
    os.environ[SERVE_ENV] = json.dumps({"db": db, "files": files, "job_threads": job_threads,
                                        "trusted_origins": list(trusted_origin), "trust_anchors": anchors,
                                        "cluster": cluster})
    sys.stderr.write(f"senim: serving {display} on http://{host}:{port}/ with {workers} processes (Ctrl-C stops)\n")
    uvicorn.run("senim.web.app:served", factory=True, workers=workers, **settings)


@app.command("worker")
def worker(
    db: Optional[str] = DB,
    files: Optional[str] = typer.Option(None, "--files", help="Folder of uploaded evidence (the server's --files)."),
    once: bool = typer.Option(False, "--once", help="Run the jobs waiting now, then stop."),
    cluster: Optional[str] = ClusterOption,
) -> None:
    """Run queued jobs (assessments, scans, fairness checks, PDF reports) beside `senim serve`; several may run at once on PostgreSQL."""
    from pathlib import Path

    from senim.paths import senim_home
    from senim.registry import jobs

    database = _database(db)
    jobs.CLUSTER = cluster or None
    if not database.url.startswith("postgresql") and not once:
        raise InputError("--db: separate workers need PostgreSQL (SQLite's jobs run in the server's own threads); "
                         "give --once to run what is queued now")
    done = jobs.work(database, Path(files) if files else senim_home() / "files", once=once)
    sys.stderr.write(f"senim: {done} job{'s' if done != 1 else ''} run\n")


org_app = typer.Typer(help="Organisations using the server.", no_args_is_help=True)
app.add_typer(org_app, name="org")


@org_app.command("add")
def org_add(
    name: str = typer.Argument(..., metavar="NAME"),
    bin_: str = typer.Option(..., "--bin", help="The organisation's BIN (12 digits)."),
    authority: bool = typer.Option(False, "--authority", help="An authorised body (its people may have the regulator role)."),
    db: Optional[str] = DB,
) -> None:
    """Add an organisation."""
    from senim.registry.tenancy import add_organisation

    done = add_organisation(_database(db), name, bin_, authority=authority)
    sys.stdout.write(f"organisation {done['id']}: {done['name']} (BIN {done['bin']}"
                     f"{', authority' if authority else ''})\n")


@org_app.command("list")
def org_list(db: Optional[str] = DB) -> None:
    """List the organisations."""
    from senim.registry.tenancy import list_organisations

    for org in list_organisations(_database(db)):
        sys.stdout.write(f"{org['id']}\t{org['bin'] or '-'}\t{org['name']}{' (authority)' if org['authority'] else ''}\n")


user_app = typer.Typer(help="People who sign in.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    email: str = typer.Argument(..., metavar="EMAIL"),
    org: str = typer.Option(..., "--org", metavar="BIN", help="The organisation's BIN."),
    role: str = typer.Option(..., "--role", help=ROLES_HELP),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of stdin."),
    db: Optional[str] = DB,
) -> None:
    """Add a person to an organisation; with no password they cannot sign in (tokens still work)."""
    from senim.registry.people import add_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("--password-stdin: the first line of stdin is empty")
    done = add_user(_database(db), email, org, role, password)
    sys.stdout.write(f"user {done['id']}: {done['email']} ({done['role']})\n")


token_app = typer.Typer(help="API tokens (Authorization: Bearer ...).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("add")
def token_add(
    email: str = typer.Argument(..., metavar="EMAIL"),
    name: Optional[str] = typer.Option(None, "--name"),
    expires: Optional[int] = typer.Option(None, "--expires", metavar="DAYS", min=1),
    db: Optional[str] = DB,
) -> None:
    """Make a token for a person; it is printed once and stored only hashed."""
    from senim.registry.people import add_token

    secret, record = add_token(_database(db), email, name, expires)
    sys.stderr.write(f"token {record['id']} ({record['name']}) for {record['email']}; it is shown only now:\n")
    sys.stdout.write(secret + "\n")


@token_app.command("revoke")
def token_revoke(number: int = typer.Argument(..., metavar="ID"), db: Optional[str] = DB) -> None:
    """Revoke a token by its number."""
    from senim.registry.people import revoke_token

    try:
        revoke_token(_database(db), number)
    except LookupError:
        raise InputError(f"token {number}: no such token") from None
    sys.stdout.write(f"token {number} revoked\n")
