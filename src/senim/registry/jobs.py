"""Long work off the request: a queue of jobs in the registry.

A job is queued in the transaction that asks for it, claimed by one worker
(the server's own threads, or `senim worker` processes on PostgreSQL, where
a claim is `SELECT ... FOR UPDATE SKIP LOCKED` so that workers never wait on
each other), run, and finished with its result or its error. A job whose
worker died (a restart, a crash) is claimed again once its lease has run out:
nothing is lost, and a job that writes does so in one transaction at its end,
so running it twice never records it twice.
"""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any, Callable

from sqlalchemy import insert, or_, select, update

from senim.registry.models import Job
from senim.registry.tenancy import Actor, NotFound, owned

LEASE = 600.0  # seconds; a door may change it (senim serve and senim worker read SENIM_JOB_LEASE)
CLUSTER: str | None = None  # a Dask scheduler for the checks' heavy work (senim serve/worker --cluster)
KINDS: dict[str, Callable[..., Any]] = {}


def kind(name: str):
    """Register the function that runs jobs of kind `name`: f(db, files, actor, params, progress) -> result."""

    def register(function):
        KINDS[name] = function
        return function

    return register


def enqueue(db, job_kind: str, params: dict[str, Any], actor: Actor) -> int:
    if job_kind not in _kinds():
        raise ValueError(job_kind)
    with db.write() as conn:
        result = conn.execute(insert(Job).values(
            organisation_id=actor.org, kind=job_kind, params=json.dumps(params, ensure_ascii=False),
            actor=json.dumps({**actor.entry(), "role": actor.role}), status="queued", created=time.time()))
        return result.inserted_primary_key[0]


def get(db, number: int, actor: Actor) -> dict[str, Any]:
    row = owned(db, Job, number, actor, "job")
    return {"id": row.id, "kind": row.kind, "status": row.status, "progress": row.progress,
            "result": json.loads(row.result) if row.result else None, **_error_of(row.error),
            "created": row.created, "started": row.started, "finished": row.finished,
            "params": json.loads(row.params)}


def _stored_error(error: Exception) -> str:
    """How a job's error is kept: bad input as its sentence in each language
    (JSON), so that the job's page says it in the reader's; anything else as text."""
    from senim.errors import InputError
    from senim.i18n import LANGUAGES

    if not isinstance(error, InputError):
        return str(error)
    return json.dumps({"sentences": {lang: error.sentence_in(lang) for lang in LANGUAGES}}, ensure_ascii=False)


def _error_of(stored: str | None) -> dict[str, Any]:
    """A job's error as `get` gives it: `error`, in English, and `error_in`, the
    sentence by language (None for a row kept as text, by an older Senim too)."""
    from senim.i18n import LANGUAGES

    if stored and stored.startswith("{"):
        try:
            sentences = json.loads(stored)["sentences"]
        except (ValueError, KeyError, TypeError):
            sentences = None
        if isinstance(sentences, dict) and all(isinstance(sentences.get(lang), str) for lang in LANGUAGES):
            return {"error": sentences["en"], "error_in": sentences}
    return {"error": stored, "error_in": None}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(db, worker: str) -> dict[str, Any] | None:
    """Take the oldest job that is queued, or whose lease ran out."""
    now = time.time()
    due = or_(Job.status == "queued", (Job.status == "running") & (Job.started < now - LEASE))
    query = select(Job.id).where(due).order_by(Job.id).limit(1)
    if db.url.startswith("postgresql"):
        with db.engine.begin() as conn:
            number = conn.execute(query.with_for_update(skip_locked=True)).scalar()
            if number is None:
                return None
            conn.execute(update(Job).where(Job.id == number).values(status="running", started=now, claimed_by=worker))
    else:
        with db.write() as conn:
            number = conn.execute(query).scalar()
            if number is None:
                return None
            conn.execute(update(Job).where(Job.id == number).values(status="running", started=now, claimed_by=worker))
    with db.read() as conn:
        row = conn.execute(select(Job).where(Job.id == number)).first()
    return {"id": row.id, "kind": row.kind, "params": json.loads(row.params), "actor": json.loads(row.actor),
            "org": row.organisation_id}


def _finish(db, number: int, worker: str, **values: Any) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == number, Job.claimed_by == worker)
                     .values(finished=time.time(), **values))


def progress(db, number: int, message: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == number).values(progress=message))


def run(db, files, job: dict[str, Any], worker: str) -> None:
    """Run one claimed job and record how it ended."""
    from senim.errors import InputError, SenimError

    who = job["actor"]
    actor = Actor(org=job["org"], user=who.get("user"), via=who.get("via", "worker"), role=who.get("role"))
    try:
        result = _kinds()[job["kind"]](db, files, actor, job["params"], lambda m: progress(db, job["id"], m))
    except NotFound:  # gone, or never the organisation's: the same words as the web's 404
        _finish(db, job["id"], worker, status="failed", error=_stored_error(InputError.said("errors.no_such.anything")))
    except SenimError as error:  # bad input the job found: the user can act on it
        _finish(db, job["id"], worker, status="failed", error=_stored_error(error))
    except Exception as error:  # noqa: BLE001 - a job must never take its worker down
        _finish(db, job["id"], worker, status="failed", error=f"{type(error).__name__}: {error}")
    else:
        _finish(db, job["id"], worker, status="done", result=json.dumps(result, ensure_ascii=False, default=str))


def requeue_own(db, prefix: str) -> int:
    """Jobs this host's earlier process left running (a restart): queued again."""
    with db.engine.begin() as conn:
        return conn.execute(update(Job).where(Job.status == "running", Job.claimed_by.like(prefix + "%"))
                            .values(status="queued", claimed_by=None)).rowcount


def work(db, files, *, once: bool = False, idle: float = 0.5, stop=None) -> int:
    """Claim and run jobs until `stop` is set (or, with once=True, until none is left)."""
    worker = worker_name()
    done = 0
    while stop is None or not stop.is_set():
        job = claim(db, worker)
        if job is None:
            if once:
                return done
            (stop.wait(idle) if stop is not None else time.sleep(idle))
            continue
        run(db, files, job, worker)
        done += 1
    return done


def _kinds() -> dict[str, Callable[..., Any]]:
    # each time, not only while KINDS is empty: a page that imported one of them first
    # (the dashboard reads assessments) would leave the other's kinds unknown
    import senim.registry.assessments  # noqa: F401 - registers its job kinds
    import senim.registry.check_jobs  # noqa: F401 - scan, fairness, pdf
    return KINDS
