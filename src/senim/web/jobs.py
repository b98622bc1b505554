"""The server's own worker threads: they run the registry's job queue in this
process (the default), so that `senim serve` alone is a whole installation.
With PostgreSQL, `senim worker` processes can run the queue as well or instead
(`--job-threads 0`)."""

from __future__ import annotations

import threading
from pathlib import Path


class JobThreads:
    def __init__(self, db, files: Path, count: int, requeue: bool = True):
        self.db, self.files, self.count = db, files, count
        self.requeue = requeue  # False in the processes of `senim serve --workers N`: the command did it once
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        from senim.registry import jobs

        if self.count <= 0:
            return
        if self.requeue and not self.db.url.startswith("postgresql"):  # only this server runs SQLite's jobs
            jobs.requeue_own(self.db, jobs.worker_name().rsplit(":", 1)[0] + ":")
        for number in range(self.count):
            thread = threading.Thread(target=jobs.work, args=(self.db, self.files),
                                      kwargs={"stop": self.stop_event}, name=f"senim-job-{number}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)
