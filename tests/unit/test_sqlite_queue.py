"""The local delivery queue: fan-out, retries with the manifest's backoff, dead letters, restarts."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_queue import Delivery, DeliveryFailed, SqliteDeliveryQueue
from shared.domain.dead_letters import DeadLetter
from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass
from shared.messages import CrawlTask, UploadFinalized, channel_of
from shared.topology import TOPOLOGY, PushSubscription, Topic, Topology

CRAWLS = channel_of(CrawlTask)
UPLOADS = channel_of(UploadFinalized)

SUB = TOPOLOGY.subscription("uploads-confirm")
DLQ_RECORDER = f"{SUB.dead_letter_topic}-record"
QUEUE = TOPOLOGY.queue(CRAWLS)


def _exited_pid() -> int:
    """The pid of a process that has run and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    return child.pid


class Recorder:
    """A deliver callable that fails its first ``failures`` calls, then acknowledges."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or DeliveryFailed("source said 503", FailureClass.SOURCE_UNAVAILABLE)
        self.calls: list[Delivery] = []

    def __call__(self, delivery: Delivery) -> None:
        self.calls.append(delivery)
        if len(self.calls) <= self.failures:
            raise self.error


@pytest.fixture
def dead() -> list[DeadLetter]:
    return []


@pytest.fixture
def queue(clock: ManualClock, dead: list[DeadLetter]) -> Iterator[SqliteDeliveryQueue]:
    q = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock, on_dead_letter=dead.append)
    yield q
    q.close()


@pytest.fixture
def open_file(tmp_path: Path, clock: ManualClock) -> Iterator[Callable[[], SqliteDeliveryQueue]]:
    opened: list[SqliteDeliveryQueue] = []

    def _open() -> SqliteDeliveryQueue:
        opened.append(SqliteDeliveryQueue(tmp_path / "queue.sqlite3", topology=TOPOLOGY, clock=clock))
        return opened[-1]

    yield _open
    for q in opened:
        q.close()


class TestPublish:
    def test_fans_out_one_delivery_per_push_subscription(self, clock: ManualClock) -> None:
        topology = Topology(
            functions=(),
            topics=(Topic("t"), Topic("t-dlq", dead_letter=True)),
            subscriptions=(
                PushSubscription("a", "t", "f", "t-dlq"),
                PushSubscription("b", "t", "g", "t-dlq"),
            ),
            queues=(),
            schedules=(),
            indexes=(),
            ttl_fields=(),
        )
        q = SqliteDeliveryQueue(topology=topology, clock=clock)
        got_a, got_b = Recorder(), Recorder()
        q.register("a", got_a)
        q.register("b", got_b)

        message_id = q.publish("t", {"n": 1}, attributes={"k": "v"})
        q.drain()
        q.close()

        got = [(d.id, d.data, d.attributes, d.topic) for d in got_a.calls]
        assert got == [(message_id, {"n": 1}, {"k": "v"}, "t")]
        assert [d.id for d in got_b.calls] == [message_id]

    def test_message_ids_are_unique(self, queue: SqliteDeliveryQueue) -> None:
        ids = {queue.publish(UPLOADS, {"i": i}) for i in range(50)}

        assert len(ids) == 50

    def test_refuses_unknown_topic(self, queue: SqliteDeliveryQueue) -> None:
        with pytest.raises(InvalidInput, match="unknown topic"):
            queue.publish("no-such-topic", {})

    def test_refuses_non_json_payload_and_non_string_attributes(self, queue: SqliteDeliveryQueue) -> None:
        with pytest.raises(InvalidInput, match="JSON"):
            queue.publish(UPLOADS, {"when": object()})
        with pytest.raises(InvalidInput, match="attributes"):
            queue.publish(UPLOADS, {}, attributes={"n": 1})  # type: ignore[dict-item]
        assert queue.pending() == 0

    def test_unregistered_channel_keeps_its_messages_pending(self, queue: SqliteDeliveryQueue) -> None:
        queue.publish(UPLOADS, {"a": 1})

        attempted = queue.drain()

        assert attempted == 0
        assert queue.pending(SUB.name) == 1


class TestRetries:
    def test_redelivers_after_the_subscription_backoff_then_acks(
        self, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        handler = Recorder(failures=3)
        queue.register(SUB.name, handler)
        queue.publish(UPLOADS, {"a": 1})
        policy = SUB.retry
        expected = [min(policy.minimum_backoff_s * 2**k, policy.maximum_backoff_s) for k in range(3)]

        assert queue.drain(skip_backoff=False) == 1
        for delay in expected:
            clock.advance(seconds=delay - 1)
            assert queue.drain(skip_backoff=False) == 0
            clock.advance(seconds=1)
            assert queue.drain(skip_backoff=False) == 1

        assert [d.attempt for d in handler.calls] == [1, 2, 3, 4]
        assert queue.pending() == 0

    def test_task_backoff_doubles_then_grows_linearly_as_cloud_tasks_does(
        self, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        handler = Recorder(failures=QUEUE.retry.max_attempts - 1)
        queue.register(QUEUE.name, handler)
        queue.enqueue(QUEUE.name, {"source": "s1"})
        r = QUEUE.retry
        # After failure k the next try waits min*2^(k-1) for k <= doublings+1, then grows by min*2^doublings.
        step = r.min_backoff_s * 2**r.max_doublings
        expected = [
            min(
                r.min_backoff_s * 2 ** (k - 1) if k - 1 <= r.max_doublings else step * (k - r.max_doublings),
                r.max_backoff_s,
            )
            for k in range(1, r.max_attempts)
        ]

        assert queue.drain(skip_backoff=False) == 1
        for delay in expected:
            clock.advance(seconds=delay - 0.5)
            assert queue.drain(skip_backoff=False) == 0
            clock.advance(seconds=0.5)
            assert queue.drain(skip_backoff=False) == 1

        assert len(handler.calls) == r.max_attempts
        assert queue.dead_letters() == []

    def test_skip_backoff_retries_at_once(self, queue: SqliteDeliveryQueue) -> None:
        handler = Recorder(failures=2)
        queue.register(SUB.name, handler)
        queue.publish(UPLOADS, {"a": 1})

        attempted = queue.drain()

        assert attempted == 3
        assert queue.pending() == 0


class TestDeadLetters:
    def test_message_failing_every_attempt_becomes_a_dead_letter(
        self, queue: SqliteDeliveryQueue, dead: list[DeadLetter]
    ) -> None:
        queue.register(SUB.name, Recorder(failures=10**6))
        message_id = queue.publish(UPLOADS, {"name": "users/u1/documents/d1.pdf"}, attributes={"k": "v"})

        attempted = queue.drain()

        assert attempted == SUB.max_delivery_attempts
        [letter] = queue.dead_letters()
        assert letter.kind == "message"
        assert (letter.origin, letter.channel, letter.message_id) == (UPLOADS, SUB.name, message_id)
        assert json.loads(letter.payload) == {"name": "users/u1/documents/d1.pdf"}
        assert letter.attributes == {"k": "v"}
        assert letter.attempts == SUB.max_delivery_attempts
        assert letter.last_error == "source said 503"
        assert letter.failure_class is FailureClass.SOURCE_UNAVAILABLE
        assert dead == [letter]
        assert queue.pending(SUB.name) == 0

    def test_dead_lettered_message_is_republished_to_the_dlq_topic(self, queue: SqliteDeliveryQueue) -> None:
        queue.register(SUB.name, Recorder(failures=10**6))
        recorder = Recorder()
        queue.register(DLQ_RECORDER, recorder)
        message_id = queue.publish(UPLOADS, {"a": 1}, attributes={"k": "v"})

        queue.drain()

        [copy] = recorder.calls
        assert (copy.topic, copy.id, copy.data) == (SUB.dead_letter_topic, message_id, {"a": 1})
        assert copy.attributes["k"] == "v"
        assert copy.attributes["CloudPubSubDeadLetterSourceSubscription"] == SUB.name
        assert copy.attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == str(SUB.max_delivery_attempts)
        assert "CloudPubSubDeadLetterSourceTopicPublishTime" in copy.attributes

    def test_any_other_exception_is_internal(self, queue: SqliteDeliveryQueue) -> None:
        queue.register(SUB.name, Recorder(failures=10**6, error=RuntimeError("boom")))
        queue.publish(UPLOADS, {})

        queue.drain()

        [letter] = queue.dead_letters()
        assert (letter.failure_class, letter.last_error) == (FailureClass.INTERNAL, "boom")

    def test_task_failing_every_attempt_becomes_a_dead_letter(self, queue: SqliteDeliveryQueue) -> None:
        timeout = DeliveryFailed("upstream too slow", FailureClass.TIMEOUT)
        queue.register(QUEUE.name, Recorder(failures=10**6, error=timeout))
        name = queue.enqueue(QUEUE.name, {"source": "s1"}, name="crawl-s1-1")

        attempted = queue.drain()

        [letter] = queue.dead_letters()
        assert attempted == QUEUE.retry.max_attempts
        assert (letter.kind, letter.origin, letter.message_id) == ("task", QUEUE.name, name)
        assert json.loads(letter.payload) == {"source": "s1"}
        assert (letter.attempts, letter.failure_class) == (QUEUE.retry.max_attempts, FailureClass.TIMEOUT)

    def test_failing_dlq_recorder_does_not_loop_into_its_own_topic(self, queue: SqliteDeliveryQueue) -> None:
        recorder_sub = TOPOLOGY.subscription(DLQ_RECORDER)
        handler = Recorder(failures=10**6)
        queue.register(DLQ_RECORDER, handler)
        queue.publish(SUB.dead_letter_topic, {"a": 1})

        queue.drain()

        assert len(handler.calls) == recorder_sub.max_delivery_attempts
        assert len(queue.dead_letters()) == 1
        assert queue.pending() == 0

    def test_hook_failure_still_dead_letters(self, clock: ManualClock) -> None:
        def broken_hook(letter: DeadLetter) -> None:
            raise RuntimeError("operator view down")

        q = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock, on_dead_letter=broken_hook)
        q.register(SUB.name, Recorder(failures=10**6))
        q.publish(UPLOADS, {})

        q.drain()

        assert len(q.dead_letters()) == 1
        assert q.pending(SUB.dead_letter_topic + "-record") == 1
        q.close()


class TestRestart:
    def test_close_and_reopen_mid_way_loses_nothing(
        self, open_file: Callable[[], SqliteDeliveryQueue]
    ) -> None:
        first = open_file()
        first.register(SUB.name, Recorder(failures=2))
        first.publish(UPLOADS, {"n": 1})
        first.publish(UPLOADS, {"n": 2})
        first.enqueue(QUEUE.name, {"s": 1}, name="task-1")  # no worker for tasks in this process
        first.drain(skip_backoff=False)  # both messages failed once and wait for their backoff
        first.close()

        second = open_file()
        handler, tasks = Recorder(), Recorder()
        second.register(SUB.name, handler)
        second.register(QUEUE.name, tasks)
        second.drain()

        assert sorted(d.data["n"] for d in handler.calls) == [1, 2]
        assert [d.attempt for d in handler.calls] == [2, 2]
        assert [d.id for d in tasks.calls] == ["task-1"]
        assert second.pending() == 0

    def test_row_claimed_by_a_dead_worker_is_redelivered_after_its_lease(
        self, open_file: Callable[[], SqliteDeliveryQueue], clock: ManualClock
    ) -> None:
        crashed = open_file()

        def die(delivery: Delivery) -> None:
            raise SystemExit("worker process killed mid-delivery")

        crashed.register(SUB.name, die)
        crashed.publish(UPLOADS, {"n": 1})
        with pytest.raises(SystemExit):
            crashed.drain()
        survivor = open_file()  # the crashed instance never closed: its lease stands
        handler = Recorder()
        survivor.register(SUB.name, handler)

        before_deadline = survivor.drain()
        clock.advance(seconds=SUB.ack_deadline_s)
        after_deadline = survivor.drain()

        assert (before_deadline, after_deadline) == (0, 1)
        assert [d.attempt for d in handler.calls] == [2]

    def test_leases_of_a_process_that_is_gone_are_taken_back_on_start(
        self, open_file: Callable[[], SqliteDeliveryQueue], tmp_path: Path
    ) -> None:
        # Before: a task leased by a killed process waited its whole dispatch deadline.
        crashed = open_file()
        crashed.enqueue(CRAWLS, {"n": 1}, name="task-1")
        crashed.register(CRAWLS, lambda d: (_ for _ in ()).throw(SystemExit("killed")))
        with pytest.raises(SystemExit):
            crashed.drain()
        dead_pid = _exited_pid()
        with sqlite3.connect(tmp_path / "queue.sqlite3") as db:  # as if that process held it
            db.execute("UPDATE deliveries SET lease_owner = ?", (f"{socket.gethostname()}/{dead_pid}.0/x:l",))
        survivor = open_file()
        handler = Recorder()
        survivor.register(CRAWLS, handler)

        taken = survivor.recover_leases()
        delivered = survivor.drain()

        assert (taken, delivered) == (1, 1)
        assert [d.attempt for d in handler.calls] == [2]  # the killed attempt still counts

    def test_leases_of_a_live_process_are_kept(self, open_file: Callable[[], SqliteDeliveryQueue]) -> None:
        holder = open_file()  # this process: alive, its lease stands
        holder.enqueue(CRAWLS, {"n": 1}, name="task-1")
        holder.register(CRAWLS, lambda d: (_ for _ in ()).throw(SystemExit("stuck")))
        with pytest.raises(SystemExit):
            holder.drain()
        other = open_file()
        other.register(CRAWLS, Recorder())

        assert (other.recover_leases(), other.drain()) == (0, 0)

    def test_lease_expiring_on_the_last_attempt_dead_letters_as_timeout(
        self, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        def fail_then_die(delivery: Delivery) -> None:
            if delivery.attempt < SUB.max_delivery_attempts:
                raise DeliveryFailed("not yet")
            raise SystemExit("killed during the last attempt")

        queue.register(SUB.name, fail_then_die)
        queue.publish(UPLOADS, {})
        with pytest.raises(SystemExit):
            queue.drain()
        later = Recorder()
        queue.register(SUB.name, later)
        clock.advance(seconds=SUB.ack_deadline_s)

        queue.drain()

        [letter] = queue.dead_letters()
        assert (letter.failure_class, letter.attempts) == (FailureClass.TIMEOUT, SUB.max_delivery_attempts)
        assert later.calls == []


class TestTasks:
    def test_same_task_name_twice_is_a_no_op(self, queue: SqliteDeliveryQueue) -> None:
        handler = Recorder()
        queue.register(QUEUE.name, handler)

        first = queue.enqueue(QUEUE.name, {"v": 1}, name="crawl-s1-42")
        second = queue.enqueue(QUEUE.name, {"v": 2}, name="crawl-s1-42")
        queue.drain()
        third = queue.enqueue(QUEUE.name, {"v": 3}, name="crawl-s1-42")  # already ran: still deduped
        queue.drain()

        assert first == second == third == "crawl-s1-42"
        assert [d.data for d in handler.calls] == [{"v": 1}]

    def test_task_name_is_reusable_after_the_retention_window(
        self, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        handler = Recorder()
        queue.register(QUEUE.name, handler)
        queue.enqueue(QUEUE.name, {"v": 1}, name="n1")
        queue.drain()
        clock.advance(hours=2)

        queue.enqueue(QUEUE.name, {"v": 2}, name="n1")
        queue.drain()

        assert [d.data for d in handler.calls] == [{"v": 1}, {"v": 2}]

    def test_schedule_at_delays_the_task(self, queue: SqliteDeliveryQueue, clock: ManualClock) -> None:
        handler = Recorder()
        queue.register(QUEUE.name, handler)
        queue.enqueue(QUEUE.name, {}, schedule_at=clock.now() + timedelta(minutes=5))

        early = queue.drain()
        clock.advance(minutes=5)
        on_time = queue.drain()

        assert (early, on_time) == (0, 1)

    def test_refuses_unknown_queue_and_bad_names(self, queue: SqliteDeliveryQueue) -> None:
        with pytest.raises(InvalidInput, match="unknown task queue"):
            queue.enqueue("no-such-queue", {})
        with pytest.raises(InvalidInput, match="task name"):
            queue.enqueue(QUEUE.name, {}, name="has/slash")
        with pytest.raises(InvalidInput, match="timezone-aware"):
            queue.enqueue(QUEUE.name, {}, schedule_at=datetime(2026, 1, 2))  # noqa: DTZ001 - the point
        assert queue.pending() == 0

    def test_unnamed_tasks_get_unique_names(self, queue: SqliteDeliveryQueue) -> None:
        names = {queue.enqueue(QUEUE.name, {}) for _ in range(20)}

        assert len(names) == 20
        assert queue.pending(QUEUE.name) == 20


class TestOrderingKeys:
    def test_same_key_delivers_in_publish_order_and_a_failure_blocks_the_rest(
        self, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        handler = Recorder(failures=1)
        queue.register(SUB.name, handler)
        for n in range(3):
            queue.publish(UPLOADS, {"n": n}, ordering_key="user-1")
        queue.publish(UPLOADS, {"n": 99}, ordering_key="user-2")

        queue.drain(skip_backoff=False)
        blocked = [d.data["n"] for d in handler.calls]
        clock.advance(seconds=SUB.retry.minimum_backoff_s)
        queue.drain(skip_backoff=False)

        assert blocked == [0, 99]  # n=0 failed: n=1 and n=2 wait; the other key goes on
        assert [d.data["n"] for d in handler.calls] == [0, 99, 0, 1, 2]

    def test_an_empty_key_means_unordered_as_in_pub_sub(self, queue: SqliteDeliveryQueue) -> None:
        handler = Recorder(failures=1)
        queue.register(SUB.name, handler)
        for n in range(3):
            queue.publish(UPLOADS, {"n": n}, ordering_key="")

        queue.drain(skip_backoff=False)

        assert [d.data["n"] for d in handler.calls] == [0, 1, 2]  # n=0's failure blocks nothing


class TestWorkerThread:
    def test_background_worker_delivers_published_messages(self, queue: SqliteDeliveryQueue) -> None:
        delivered = threading.Event()
        queue.register(SUB.name, lambda d: delivered.set())
        queue.start()

        queue.publish(UPLOADS, {"a": 1})

        assert delivered.wait(10)
        queue.stop()
        assert queue.pending() == 0

    def test_unknown_channel_cannot_be_registered(self, queue: SqliteDeliveryQueue) -> None:
        with pytest.raises(InvalidInput, match="no subscription or task queue"):
            queue.register("nope", Recorder())
