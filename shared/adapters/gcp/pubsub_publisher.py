"""The Pub/Sub Publisher: JSON messages with attributes and, where needed, ordering keys.

Topics are checked against the topology manifest first, as the local queue does, so a typo
fails in every backend the same way. Two SDK clients are built lazily: a plain one, and one
with message ordering enabled for the first publish that carries an ordering key (ordering
costs throughput, so only publishers that need it pay). PUBSUB_EMULATOR_HOST points the SDK
at the emulator by itself.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from shared.adapters.local.queue_rules import check_attributes, encode_payload
from shared.domain.errors import InvalidInput, TransientError
from shared.topology import TOPOLOGY, Topology

PUBLISH_TIMEOUT_S = 30.0


class PubSubPublisher:
    """Publisher port on Google Cloud Pub/Sub."""

    def __init__(self, project: str, *, topology: Topology = TOPOLOGY) -> None:
        self.project = project
        self._topics = frozenset(t.name for t in topology.topics)
        self._clients: dict[bool, Any] = {}
        self._lock = threading.Lock()

    def _client(self, *, ordered: bool) -> Any:
        with self._lock:
            client = self._clients.get(ordered)
            if client is None:
                import google.cloud.pubsub_v1 as pubsub_v1

                options = pubsub_v1.types.PublisherOptions(enable_message_ordering=ordered)
                client = self._clients[ordered] = pubsub_v1.PublisherClient(publisher_options=options)
            return client

    def topic_path(self, topic: str) -> str:
        """``projects/P/topics/T`` of a manifest topic."""
        return f"projects/{self.project}/topics/{topic}"

    def publish(
        self,
        topic: str,
        data: Mapping[str, Any],
        *,
        attributes: Mapping[str, str] | None = None,
        ordering_key: str | None = None,
    ) -> str:
        """Publish ``data`` as JSON to ``topic``; returns the server-assigned message id."""
        from google.api_core import exceptions as gexc

        if topic not in self._topics:
            raise InvalidInput(f"unknown topic {topic!r}: not in the topology manifest")
        body = encode_payload(data).encode("utf-8")
        attrs = check_attributes(attributes)
        ordered = bool(ordering_key)
        client = self._client(ordered=ordered)
        path = self.topic_path(topic)
        kwargs: dict[str, Any] = {"ordering_key": ordering_key} if ordered else {}
        try:
            future = client.publish(path, body, **attrs, **kwargs)
            message_id: str = future.result(timeout=PUBLISH_TIMEOUT_S)
        except (gexc.GoogleAPICallError, TimeoutError) as err:
            if ordered:
                # A failed publish pauses its ordering key; resume so the caller's retry can go out.
                client.resume_publish(path, ordering_key)
            if isinstance(err, gexc.NotFound):
                raise InvalidInput(f"topic {path} does not exist: {err.message}") from err
            raise TransientError(f"publishing to {topic} failed: {err}") from err
        return message_id

    def close(self) -> None:
        """Flush and stop the clients' batching threads."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.stop()
