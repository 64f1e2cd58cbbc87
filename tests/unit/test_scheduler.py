"""The local Cloud Scheduler publishes each job's payload to its topic at its cron times."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import pytest

from shared.adapters.local.clock import ManualClock
from shared.localstack.scheduler import Scheduler
from shared.messages import MaintenanceTask, channel_of
from shared.topology import TOPOLOGY, SchedulerJob

MAINTENANCE = channel_of(MaintenanceTask)


class RecordingPublisher:
    """A Publisher (our own port) that keeps what it was given."""

    def __init__(self, fail: bool = False) -> None:
        self.published: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.fail = fail

    def publish(
        self,
        topic: str,
        data: Mapping[str, Any],
        *,
        attributes: Mapping[str, str] | None = None,
        ordering_key: str | None = None,
    ) -> str:
        if self.fail:
            raise ConnectionError("topic unavailable")
        self.published.append((topic, dict(data), dict(attributes or {})))
        return f"m{len(self.published)}"


JOB = SchedulerJob("sweep", "*/10 * * * *", MAINTENANCE, {"task": "sweep_runs"})


class TestTick:
    def test_fires_nothing_before_the_first_time(self, clock: ManualClock) -> None:
        publisher = RecordingPublisher()
        scheduler = Scheduler([JOB], publisher, clock)
        clock.advance(minutes=9, seconds=59)

        assert scheduler.tick() == []
        assert publisher.published == []

    def test_publishes_the_payload_to_the_topic_when_due(self, clock: ManualClock) -> None:
        publisher = RecordingPublisher()
        scheduler = Scheduler([JOB], publisher, clock)
        clock.advance(minutes=10)

        fired = scheduler.tick()

        assert fired == ["sweep"]
        assert publisher.published == [(MAINTENANCE, {"task": "sweep_runs"}, {"scheduler_job": "sweep"})]

    def test_fires_once_per_time(self, clock: ManualClock) -> None:
        publisher = RecordingPublisher()
        scheduler = Scheduler([JOB], publisher, clock)
        clock.advance(minutes=10)

        scheduler.tick()
        clock.advance(seconds=30)
        scheduler.tick()

        assert len(publisher.published) == 1

    def test_missed_times_fire_once_not_once_each(self, clock: ManualClock) -> None:
        publisher = RecordingPublisher()
        scheduler = Scheduler([JOB], publisher, clock)
        clock.advance(hours=2)

        scheduler.tick()

        assert len(publisher.published) == 1
        assert scheduler.next_fire_times()["sweep"] == clock.now().replace(hour=2, minute=10)

    def test_a_failed_publish_is_retried_at_the_next_time(self, clock: ManualClock) -> None:
        publisher = RecordingPublisher(fail=True)
        scheduler = Scheduler([JOB], publisher, clock)
        clock.advance(minutes=10)

        assert scheduler.tick() == []
        publisher.fail = False
        clock.advance(minutes=10)

        assert scheduler.tick() == ["sweep"]

    def test_runs_every_job_of_the_manifest(self, clock: ManualClock) -> None:
        publisher = RecordingPublisher()
        scheduler = Scheduler(TOPOLOGY.schedules, publisher, clock)
        clock.advance(hours=6)

        scheduler.tick()

        assert sorted(topic for topic, _, _ in publisher.published) == sorted(
            j.topic for j in TOPOLOGY.schedules
        )

    def test_refuses_an_unknown_time_zone(self, clock: ManualClock) -> None:
        job = SchedulerJob("x", "* * * * *", MAINTENANCE, time_zone="Mars/Olympus")

        with pytest.raises(ValueError, match="time zone"):
            Scheduler([job], RecordingPublisher(), clock)


class TestThread:
    def test_background_thread_fires_due_jobs_and_stops(self, clock: ManualClock) -> None:
        publisher = RecordingPublisher()
        scheduler = Scheduler([JOB], publisher, clock, poll_s=0.01)
        clock.advance(minutes=10)

        scheduler.start()
        deadline = time.monotonic() + 10
        while not publisher.published and time.monotonic() < deadline:
            time.sleep(0.01)
        scheduler.stop()

        assert [topic for topic, _, _ in publisher.published] == [MAINTENANCE]
        assert not scheduler.running
