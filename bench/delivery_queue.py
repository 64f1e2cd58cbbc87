"""Throughput of the local delivery queue on a file: publish, then drain with a no-op handler."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from shared.adapters.local.clock import SystemClock
from shared.adapters.local.sqlite_queue import Delivery, SqliteDeliveryQueue
from shared.channels import channel_of
from shared.channels.uploads import UploadFinalized
from shared.topology import TOPOLOGY

UPLOADS = channel_of(UploadFinalized)

N = 2000


def run() -> None:
    """Print messages per second for publish and for delivery."""
    with tempfile.TemporaryDirectory() as tmp:
        queue = SqliteDeliveryQueue(Path(tmp) / "queue.sqlite3", topology=TOPOLOGY, clock=SystemClock())

        def ack(delivery: Delivery) -> None:
            return None

        queue.register("uploads-confirm", ack)
        start = time.perf_counter()
        for n in range(N):
            queue.publish(UPLOADS, {"n": n, "name": f"users/u1/documents/d{n}.pdf"})
        published = time.perf_counter() - start
        start = time.perf_counter()
        delivered = queue.drain(timeout=120)
        drained = time.perf_counter() - start
        queue.close()
    print(f"BENCH delivery_queue_publish {N / published:.0f} msg/s")
    print(f"BENCH delivery_queue_deliver {delivered / drained:.0f} msg/s")
