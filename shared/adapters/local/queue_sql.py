"""The SQL of the local delivery queue: schema, claim under a lease, and settling a row.

A row is one message on one subscription, or one task on one queue. ``not_before`` is a
task's schedule time; ``due_at`` is when the next attempt may start (schedule or backoff).
Settled task rows stay as tombstones (status done/dead) so their names still deduplicate.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from shared.adapters.local.queue_rules import Channel, Delivery
from shared.domain.dead_letters import DeadLetter
from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass
from shared.topology import Topology

SCHEMA_VERSION = 1
_TASK_NAME = re.compile(r"^[A-Za-z0-9_-]{1,500}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  topic TEXT,
  data TEXT NOT NULL,
  attributes TEXT NOT NULL,
  ordering_key TEXT,
  published_at TEXT NOT NULL,
  not_before REAL NOT NULL,
  due_at REAL NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  first_attempt_at REAL,
  lease_until REAL,
  lease_owner TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  done_at REAL,
  last_error TEXT,
  failure_class TEXT,
  UNIQUE (channel, id)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, due_at, seq);
CREATE INDEX IF NOT EXISTS deliveries_ordering ON deliveries (channel, ordering_key, seq)
  WHERE ordering_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
);
"""

# Oldest due first; a row whose ordering key has an earlier unsettled row waits behind it.
_CLAIM = """
SELECT * FROM deliveries AS d
WHERE d.status = 'pending' AND d.channel IN ({channels})
  AND d.not_before <= :now
  AND (:skip OR d.due_at <= :now)
  AND (d.lease_until IS NULL OR d.lease_until <= :now)
  AND (d.ordering_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM deliveries AS e
        WHERE e.channel = d.channel AND e.ordering_key = d.ordering_key
          AND e.status = 'pending' AND e.seq < d.seq))
ORDER BY d.due_at, d.seq
LIMIT 1
"""


def create_schema(db: sqlite3.Connection, *, file_backed: bool) -> None:
    """Create the tables (idempotent) and refuse a file written by a newer schema."""
    if file_backed:
        # WAL lets the CLI read while the local server writes the same file.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"queue file has schema {version}, this code knows {SCHEMA_VERSION}")
    db.executescript(_SCHEMA)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def check_task_name(name: str) -> None:
    """Cloud Tasks' rule for task ids: letters, digits, hyphens, underscores, at most 500."""
    if not _TASK_NAME.match(name):
        raise InvalidInput("task name must be 1-500 characters of letters, digits, '-' or '_'")


def insert(
    db: sqlite3.Connection,
    channel: str,
    kind: str,
    row_id: str,
    topic: str | None,
    body: str,
    attributes: Mapping[str, str],
    ordering_key: str | None,
    published_at: datetime,
    not_before: float,
) -> None:
    """Add a pending row; an existing (channel, id) wins, which is what dedupes task names."""
    db.execute(
        "INSERT OR IGNORE INTO deliveries (channel, kind, id, topic, data, attributes, ordering_key,"
        " published_at, not_before, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            channel,
            kind,
            row_id,
            topic,
            body,
            json.dumps(dict(attributes)),
            ordering_key,
            published_at.astimezone(UTC).isoformat(),
            not_before,
            not_before,
        ),
    )


def fan_out(
    db: sqlite3.Connection,
    topology: Topology,
    topic: str,
    message_id: str,
    body: str,
    attributes: Mapping[str, str],
    ordering_key: str | None,
    now: datetime,
) -> None:
    """One pending row per push subscription of ``topic`` (none: lost, as in Pub/Sub)."""
    for sub in topology.subscriptions_of(topic):
        insert(
            db, sub.name, "message", message_id, topic, body, attributes, ordering_key, now, now.timestamp()
        )


def claim(
    db: sqlite3.Connection,
    channels: list[str],
    now: float,
    skip_backoff: bool,
    rules: Mapping[str, Channel],
    owner: str,
) -> tuple[sqlite3.Row, bool] | None:
    """Lease the next due row and count the attempt; also says whether a lease had expired."""
    # Only placeholders are formatted into the SQL; channel names travel as parameters.
    marks = ", ".join(f":c{i}" for i in range(len(channels)))
    params = {"now": now, "skip": int(skip_backoff), **{f"c{i}": c for i, c in enumerate(channels)}}
    row = db.execute(_CLAIM.format(channels=marks), params).fetchone()
    if row is None:
        return None
    expired = row["lease_until"] is not None
    token = f"{owner}:{uuid.uuid4().hex}"
    db.execute(
        "UPDATE deliveries SET attempt = attempt + 1, lease_until = ?, lease_owner = ?,"
        " first_attempt_at = COALESCE(first_attempt_at, ?) WHERE seq = ?",
        (now + rules[row["channel"]].lease_s, token, now, row["seq"]),
    )
    return db.execute("SELECT * FROM deliveries WHERE seq = ?", (row["seq"],)).fetchone(), expired


def to_delivery(row: sqlite3.Row) -> Delivery:
    """The Delivery a handler receives for a claimed row."""
    return Delivery(
        channel=row["channel"],
        kind=row["kind"],
        id=row["id"],
        topic=row["topic"],
        data=json.loads(row["data"]),
        attributes=json.loads(row["attributes"]),
        attempt=int(row["attempt"]),
        published_at=datetime.fromisoformat(row["published_at"]),
    )


def settle_done(db: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
    """Ack: a message row goes away; a task row becomes a tombstone that keeps its name."""
    if row["kind"] == "message":
        db.execute("DELETE FROM deliveries WHERE seq = ?", (row["seq"],))
    else:
        db.execute(
            "UPDATE deliveries SET status = 'done', done_at = ?, lease_until = NULL, lease_owner = NULL"
            " WHERE seq = ?",
            (now, row["seq"]),
        )


def settle_retry(
    db: sqlite3.Connection, row: sqlite3.Row, due_at: float, error: str, failure: FailureClass
) -> None:
    """Nack: due again after the backoff, unless another worker already took the row over."""
    db.execute(
        "UPDATE deliveries SET due_at = ?, lease_until = NULL, lease_owner = NULL, last_error = ?,"
        " failure_class = ? WHERE seq = ? AND lease_owner = ?",
        (due_at, error, str(failure), row["seq"], row["lease_owner"]),
    )


def settle_dead(db: sqlite3.Connection, row: sqlite3.Row, letter: DeadLetter, now: float) -> bool:
    """Last attempt failed: keep the dead letter, settle the row; False if the lease was lost."""
    if row["kind"] == "message":
        query = "DELETE FROM deliveries WHERE seq = ? AND lease_owner = ?"
        cur = db.execute(query, (row["seq"], row["lease_owner"]))
    else:
        cur = db.execute(
            "UPDATE deliveries SET status = 'dead', done_at = ?, lease_until = NULL, lease_owner = NULL,"
            " last_error = ?, failure_class = ? WHERE seq = ? AND lease_owner = ?",
            (now, letter.last_error, str(letter.failure_class), row["seq"], row["lease_owner"]),
        )
    if cur.rowcount == 0:
        return False
    db.execute(
        "INSERT OR IGNORE INTO dead_letters (id, body) VALUES (?, ?)", (letter.id, letter.model_dump_json())
    )
    return True


def prune_tombstones(db: sqlite3.Connection, before: float) -> None:
    """Forget settled task names older than the name-reuse window."""
    db.execute("DELETE FROM deliveries WHERE status != 'pending' AND done_at < ?", (before,))


def count_pending(db: sqlite3.Connection, channel: str | None) -> int:
    """Unsettled rows, on one channel or overall."""
    if channel is None:
        return int(db.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'").fetchone()[0])
    query = "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND channel = ?"
    return int(db.execute(query, (channel,)).fetchone()[0])


def dead_letter_bodies(db: sqlite3.Connection) -> list[str]:
    """Recorded dead letters as JSON, oldest first."""
    return [r[0] for r in db.execute("SELECT body FROM dead_letters ORDER BY seq")]


def release_leases(db: sqlite3.Connection, owner: str) -> None:
    """Hand this instance's leases back on a clean close, so nothing waits for them to expire."""
    db.execute(
        "UPDATE deliveries SET lease_until = NULL, lease_owner = NULL WHERE lease_owner LIKE ?",
        (f"{owner}:%",),
    )


def leased_owners(db: sqlite3.Connection) -> list[str]:
    """The distinct holders of current leases (each ``<instance>:<lease>``)."""
    rows = db.execute("SELECT DISTINCT lease_owner FROM deliveries WHERE lease_owner IS NOT NULL")
    return sorted({str(r[0]).rsplit(":", 1)[0] for r in rows})


def take_back_leases(db: sqlite3.Connection, instance: str) -> int:
    """Release every lease ``instance`` holds (its process is gone); returns how many."""
    cur = db.execute(
        "UPDATE deliveries SET lease_until = NULL, lease_owner = NULL WHERE lease_owner LIKE ?",
        (f"{instance}:%",),
    )
    return int(cur.rowcount)
