"""The local Cloud Scheduler: fires the manifest's jobs by publishing their payload.

``tick()`` does the work and is what tests call with a manual clock; ``start()`` runs it on
a thread once a second. Like Cloud Scheduler it never back-fills: a job whose firing times
were missed while the process was down (or the clock jumped) fires once, not once per miss.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.localstack.cron import CronSchedule
from shared.ports import Clock, Publisher
from shared.topology import SchedulerJob

_log = logging.getLogger("career.scheduler")


class Scheduler:
    """Publishes each job's payload to its topic at the job's cron times."""

    def __init__(
        self,
        jobs: Sequence[SchedulerJob],
        publisher: Publisher,
        clock: Clock,
        *,
        poll_s: float = 1.0,
    ) -> None:
        self._jobs = [(job, CronSchedule.parse(job.schedule), _zone(job.time_zone)) for job in jobs]
        self._publisher = publisher
        self._clock = clock
        self._poll_s = poll_s
        start = clock.now()
        # The next firing time of each job, computed in the job's own time zone.
        self._next = {job.name: cron.next_after(start.astimezone(tz)) for job, cron, tz in self._jobs}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> list[str]:
        """Fire every job that is due now; returns the names fired."""
        now = self._clock.now()
        fired: list[str] = []
        for job, cron, tz in self._jobs:
            if self._next[job.name] > now:
                continue
            try:
                message_id = self._publisher.publish(
                    job.topic, job.payload, attributes={"scheduler_job": job.name}
                )
            except Exception:
                # Cloud Scheduler logs a failed attempt and tries again at the next time.
                _log.exception("scheduler job %s failed to publish", job.name)
            else:
                fired.append(job.name)
                _log.info(
                    "scheduler job %s fired (message %s)",
                    job.name,
                    message_id,
                    extra={"fields": {"topic": job.topic}},
                )
            self._next[job.name] = cron.next_after(now.astimezone(tz))
        return fired

    def next_fire_times(self) -> dict[str, datetime]:
        """When each job fires next."""
        return dict(self._next)

    @property
    def running(self) -> bool:
        """True while the background thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Run ``tick`` on a daemon thread until ``stop``."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="career-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                _log.exception("scheduler tick failed")
            self._stop.wait(self._poll_s)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        raise ValueError(f"unknown scheduler time zone {name!r}") from None
