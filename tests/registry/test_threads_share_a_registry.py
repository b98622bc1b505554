"""Writers in threads of one process, as `senim serve` runs them (request
threads and job threads over one Database): each write waits its turn and
none is left holding the registry's lock file.

Found when a served demo registry stopped answering after its first
concurrent sign-in and job claim: the lock file was opened lazily by two
threads at once, one descriptor stayed locked and every later writer waited
on it for ever."""

from __future__ import annotations

import threading

from senim.registry.db import Database


def test_concurrent_first_writes_in_threads_leave_no_lock_behind(tmp_path):
    for attempt in range(20):  # each attempt is a fresh Database: the race is at the first writes
        db = Database(str(tmp_path / f"r{attempt}.db"))
        start, inside, most = threading.Barrier(8), [0], [0]
        guard = threading.Lock()

        def write():
            start.wait()
            with db.write():
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                with guard:
                    inside[0] -= 1

        workers = [threading.Thread(target=write, daemon=True) for _ in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
        assert not any(w.is_alive() for w in workers), f"attempt {attempt}: a writer waits on a lock nobody will free"
        assert most[0] == 1, f"attempt {attempt}: {most[0]} writers were inside at once"
        # ... and a later write still gets its turn.
        with db.write():
            pass
        db.dispose()
