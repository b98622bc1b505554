"""Jobs: queued in the registry, survive a restart, claimed once each by
`senim worker` processes on PostgreSQL (SKIP LOCKED)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from web_helpers import BANK, ROOT, wait_job


def _actor(world):
    from senim.registry.tenancy import Actor, organisation

    with world.app.state.db.read() as conn:
        return Actor(org=organisation(conn, bin_=BANK)["id"], user=f"engineer@{BANK}.kz", via="session", role="engineer")


def test_a_job_left_running_by_a_stopped_server_runs_after_the_restart(world):
    from sqlalchemy import update

    from senim.registry import jobs
    from senim.registry.models import Job
    from senim.web.app import create_app

    db = world.app.state.db
    number = jobs.enqueue(db, "assess", {"system": "retail-credit-scoring", "lang": "en"}, _actor(world))
    with db.write() as conn:  # claimed by this host's earlier server, which then stopped
        conn.execute(update(Job).where(Job.id == number).values(
            status="running", started=time.time(), claimed_by=jobs.worker_name().rsplit(":", 1)[0] + ":1"))
    if world.kind == "postgresql":  # several processes may claim there: the lease decides
        with db.write() as conn:
            conn.execute(update(Job).where(Job.id == number).values(started=time.time() - jobs.LEASE - 1))
    from fastapi.testclient import TestClient

    restarted = create_app(world.url, files=world.app.state.files, job_threads=1)
    with TestClient(restarted) as client:
        deadline = time.monotonic() + 120
        while jobs.get(db, number, _actor(world))["status"] != "done":
            assert time.monotonic() < deadline, jobs.get(db, number, _actor(world))
            time.sleep(0.1)
    result = jobs.get(db, number, _actor(world))["result"]
    assert result["assessment"] and result["verdict"] in ("blocked", "gaps", "compliant")


def test_a_queued_scan_left_running_by_a_stopped_server_runs_after_the_restart(world, tmp_path):
    """The checks' jobs go through the same queue: a scan of a kept file, claimed by
    this host's earlier server that then stopped, is run by the restarted one."""
    from sqlalchemy import update

    from senim.registry import jobs
    from senim.registry.check_jobs import keep_data
    from senim.registry.models import Job
    from senim.web.app import create_app

    db = world.app.state.db
    world.app.state.jobs.stop()  # this module's own server stops: the job waits for the restart
    upload = tmp_path / "upload"
    upload.write_bytes(b"iin\n900101300007\n")  # check digit worked by hand: 9+4+6+21 = 40, 40 mod 11 = 7
    import hashlib

    data = keep_data(world.app.state.files, upload, hashlib.sha256(upload.read_bytes()).hexdigest(), "text/plain",
                     "people.csv")
    number = jobs.enqueue(db, "scan", {"system": "retail-credit-scoring", **data, "obligation": None},
                          _actor(world))
    with db.write() as conn:
        conn.execute(update(Job).where(Job.id == number).values(
            status="running", started=time.time() - (jobs.LEASE + 1 if world.kind == "postgresql" else 0),
            claimed_by=jobs.worker_name().rsplit(":", 1)[0] + ":1"))
    assert jobs.get(db, number, _actor(world))["status"] == "running"
    from fastapi.testclient import TestClient

    restarted = create_app(world.url, files=world.app.state.files, job_threads=1)
    with TestClient(restarted):
        deadline = time.monotonic() + 120
        while jobs.get(db, number, _actor(world))["status"] != "done":
            assert time.monotonic() < deadline, jobs.get(db, number, _actor(world))
            time.sleep(0.1)
    assert jobs.get(db, number, _actor(world))["result"]["by_type"] == {"kz_iin": 1}


def test_senim_worker_processes_claim_each_job_once(world):
    if world.kind != "postgresql":
        done = subprocess.run([sys.executable, "-c", "from senim.cli import main; main()", "worker", "--db", world.url],
                              capture_output=True, text=True, timeout=60, env={**os.environ, "SENIM_HOME": str(world.home)})
        assert done.returncode == 2 and "need PostgreSQL" in done.stderr
        return
    from senim.registry import jobs

    db = world.app.state.db
    world.app.state.jobs.stop()  # leave the queue to the worker processes
    numbers = [jobs.enqueue(db, "assess", {"system": "retail-credit-scoring", "lang": "kk"}, _actor(world))
               for _ in range(4)]
    env = {**os.environ, "SENIM_HOME": str(world.home)}
    command = [sys.executable, "-c", "from senim.cli import main; main()", "worker", "--db", world.url,
               "--files", str(world.app.state.files), "--once"]
    workers = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(2)]
    outputs = [w.communicate(timeout=300)[1] for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    counts = [int(o.strip().split()[1]) for o in outputs]
    assert sum(counts) >= len(numbers)
    claimed = [jobs.get(db, n, _actor(world)) for n in numbers]
    assert all(j["status"] == "done" for j in claimed), claimed
    from sqlalchemy import func, select

    from senim.registry.models import Assessment

    with db.read() as conn:  # each job recorded its assessment once
        made = {r for r in conn.execute(select(Assessment.id)).scalars()}
    assert {j["result"]["assessment"] for j in claimed} <= made and len({j["result"]["assessment"] for j in claimed}) == 4


def test_every_kind_of_job_is_known_whichever_module_came_first():
    """A server whose first page read the assessments module (the dashboard does) must still
    queue a PDF: the kinds of both modules are registered before a job is queued."""
    code = ("import senim.registry.assessments\nfrom senim.registry import jobs\n"
            "print(' '.join(sorted(jobs._kinds())))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.split() == ["assess", "fairness", "pdf", "scan"]
