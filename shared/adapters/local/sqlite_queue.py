"""The local backend's Pub/Sub and Cloud Tasks: one SQLite table of pending deliveries.

Publishing fans a message out to one row per push subscription of its topic; enqueueing
adds one row on the queue. A worker (the background thread, or ``drain`` in the caller's
thread) claims a due row under a lease, calls the channel's deliver callable outside any
lock, and settles it: return = ack, raise = nack with backoff, last attempt = dead letter.
Rows live in the file until settled, so closing and reopening it loses nothing; a row
claimed by a worker that died is redelivered once its lease (the ack or dispatch deadline)
expires, which makes delivery at-least-once, as in production.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from shared.adapters.local import lease_holders
from shared.adapters.local import queue_sql as sql
from shared.adapters.local.queue_rules import (
    Channel,
    Delivery,
    DeliveryFailed,
    channel_of,
    check_attributes,
    dead_letter_attributes,
    dead_letter_of,
    describe_failure,
    encode_payload,
)
from shared.domain.dead_letters import DeadLetter
from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass
from shared.ports import Clock
from shared.topology import Topology

__all__ = ["Delivery", "DeliveryFailed", "SqliteDeliveryQueue"]

# Cloud Tasks refuses to reuse a task name for about an hour after the task ran.
TASK_NAME_RETENTION = timedelta(hours=1)
_POLL_S = 0.2
_log = logging.getLogger("career.queue")


class SqliteDeliveryQueue:
    """Publisher and TaskQueue for the local backend, with production's retry and DLQ rules."""

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        topology: Topology,
        clock: Clock,
        on_dead_letter: Callable[[DeadLetter], None] | None = None,
        backoff_scale: float = 1.0,
    ) -> None:
        self._topology = topology
        self._backoff_scale = backoff_scale
        self._clock = clock
        self._on_dead_letter = on_dead_letter
        self._owner = lease_holders.this_holder()  # marks the leases this instance holds
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10.0)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._handlers: dict[str, Callable[[Delivery], None]] = {}
        self._channels: dict[str, Channel] = {}
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._inflight = 0
        self._closed = False
        sql.create_schema(self._db, file_backed=str(path) != ":memory:")

    # ------------------------------------------------------------------ Publisher / TaskQueue
    def publish(
        self,
        topic: str,
        data: Mapping[str, Any],
        *,
        attributes: Mapping[str, str] | None = None,
        ordering_key: str | None = None,
    ) -> str:
        """Fan ``data`` out to every push subscription of ``topic``; returns the message id."""
        if topic not in {t.name for t in self._topology.topics}:
            raise InvalidInput(f"unknown topic {topic!r}: not in the topology manifest")
        body, attrs = encode_payload(data), check_attributes(attributes)
        message_id = uuid.uuid4().hex
        key = ordering_key or None  # Pub/Sub treats an empty ordering key as none
        with self._tx() as db:
            sql.fan_out(db, self._topology, topic, message_id, body, attrs, key, self._clock.now())
        self._wake.set()
        return message_id

    def enqueue(
        self,
        queue: str,
        payload: Mapping[str, Any],
        *,
        name: str | None = None,
        schedule_at: datetime | None = None,
    ) -> str:
        """Add a task on ``queue``; a name already used (within the retention) is a no-op."""
        if queue not in {q.name for q in self._topology.queues}:
            raise InvalidInput(f"unknown task queue {queue!r}: not in the topology manifest")
        task_name = name if name is not None else uuid.uuid4().hex
        sql.check_task_name(task_name)
        if schedule_at is not None and schedule_at.tzinfo is None:
            raise InvalidInput("schedule_at must be timezone-aware")
        body, now = encode_payload(payload), self._clock.now()
        not_before = max(schedule_at, now) if schedule_at is not None else now
        with self._tx() as db:
            sql.prune_tombstones(db, (now - TASK_NAME_RETENTION).timestamp())
            sql.insert(db, queue, "task", task_name, None, body, {}, None, now, not_before.timestamp())
        self._wake.set()
        return task_name

    # ------------------------------------------------------------------ workers
    def register(self, channel: str, deliver: Callable[[Delivery], None]) -> None:
        """Deliver ``channel``'s rows to ``deliver`` (which returns to ack and raises to nack)."""
        rules = channel_of(self._topology, channel)
        with self._lock:
            self._channels[channel] = rules
            self._handlers[channel] = deliver
        self._wake.set()

    def start(self) -> None:
        """Take back the leases of processes that died, then start the worker thread (a daemon)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self.recover_leases()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="career-delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker thread, letting the delivery in progress finish."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def drain(self, *, timeout: float = 30.0, skip_backoff: bool = True) -> int:
        """Deliver in this thread until nothing registered is due; returns deliveries attempted.

        With ``skip_backoff`` a retry waiting for its backoff is due at once (tests), but a
        task's ``schedule_at`` and another worker's lease are still honoured.
        """
        deadline = time.monotonic() + timeout
        attempted = 0
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"drain did not finish within {timeout} s ({self.pending()} pending)")
            if self._step(skip_backoff=skip_backoff):
                attempted += 1
            elif self._inflight:
                time.sleep(0.01)  # the worker thread holds a delivery; wait for it to settle
            else:
                return attempted

    def recover_leases(self) -> int:
        """Release the leases of holders whose process is gone; returns how many rows.

        Without this, work a killed process had claimed waits for its whole lease (the
        dispatch deadline) before anyone retries it. The attempt it used still counts.
        """
        with self._tx() as db:
            dead = [h for h in sql.leased_owners(db) if lease_holders.gone(h)]
            taken = sum(sql.take_back_leases(db, holder) for holder in dead)
        if taken:
            _log.info(
                "took back %d lease(s) of stopped processes", taken, extra={"fields": {"holders": dead}}
            )
            self._wake.set()
        return taken

    def pending(self, channel: str | None = None) -> int:
        """Rows not yet acknowledged or dead-lettered (on ``channel`` or overall)."""
        with self._lock:
            return sql.count_pending(self._db, channel)

    def dead_letters(self) -> list[DeadLetter]:
        """Every dead letter this queue produced, oldest first."""
        with self._lock:
            return [DeadLetter.model_validate_json(body) for body in sql.dead_letter_bodies(self._db)]

    def close(self) -> None:
        """Stop the worker, hand back this instance's leases and close the file (idempotent)."""
        self.stop()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            sql.release_leases(self._db, self._owner)
            self._db.close()

    # ------------------------------------------------------------------ internals
    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                worked = self._step(skip_backoff=False)
            except Exception:
                _log.exception("delivery worker step failed")
                worked = False
            if not worked:
                self._wake.wait(_POLL_S)

    def _step(self, *, skip_backoff: bool) -> bool:
        """Claim, deliver and settle one due row; False when none is due."""
        with self._lock:
            handlers = dict(self._handlers)
            if not handlers:
                return False
            now = self._clock.now().timestamp()
            with self._tx() as db:
                claimed = sql.claim(db, list(handlers), now, skip_backoff, self._channels, self._owner)
            if claimed is None:
                return False
            self._inflight += 1
        row, lease_expired = claimed
        channel = self._channels[row["channel"]]
        try:
            if lease_expired and channel.exhausted(row["attempt"] - 1, now - float(row["first_attempt_at"])):
                # As in Pub/Sub, an attempt whose deadline passed counts: the last one dead-letters.
                err = DeliveryFailed("ack deadline exceeded on the last attempt", FailureClass.TIMEOUT)
                self._fail(row, channel, err, attempts=row["attempt"] - 1)
                return True
            try:
                handlers[channel.name](sql.to_delivery(row))
            except Exception as err:
                self._fail(row, channel, err, attempts=row["attempt"])
            else:
                with self._tx() as db:
                    sql.settle_done(db, row, self._clock.now().timestamp())
        finally:
            with self._lock:
                self._inflight -= 1
        return True

    def _fail(self, row: sqlite3.Row, channel: Channel, err: Exception, *, attempts: int) -> None:
        """Nack: schedule the retry, or dead-letter when the channel's attempts are used up."""
        error, failure = describe_failure(err)
        now = self._clock.now()
        labels = {"failure_class": failure, "queue": channel.name, "attempt": attempts}
        if not channel.exhausted(attempts, now.timestamp() - float(row["first_attempt_at"])):
            _log.warning("delivery failed, will retry: %s", error, extra={"fields": labels})
            with self._tx() as db:
                due = now.timestamp() + channel.backoff_s(attempts) * self._backoff_scale
                sql.settle_retry(db, row, due, error, failure)
            return
        letter = dead_letter_of(row, attempts, error, failure, now)
        _log.error("delivery dead-lettered after %d attempts: %s", attempts, error, extra={"fields": labels})
        # The operator view hears first, so it keeps the real error even when the DLQ copy
        # (which, as in Pub/Sub, carries no error) is recorded by its own subscriber too.
        if self._on_dead_letter is not None:
            try:
                self._on_dead_letter(letter)
            except Exception:
                _log.exception("on_dead_letter hook failed; the dead letter stays in the queue file")
        with self._tx() as db:
            settled = sql.settle_dead(db, row, letter, now.timestamp())
            sub = channel.subscription
            # A DLQ's own recorder subscription names its topic as DLQ: never loop back into it.
            if settled and sub is not None and sub.has_dead_letter_policy:
                attrs = {
                    **json.loads(row["attributes"]),
                    **dead_letter_attributes(row, sub.name, attempts),
                }
                dlq = sub.dead_letter_topic
                sql.fan_out(db, self._topology, dlq, row["id"], row["data"], attrs, None, now)
        self._wake.set()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so two processes never claim one row.
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
