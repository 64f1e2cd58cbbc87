"""Push delivery on the Pub/Sub emulator and the edge decoder, on envelopes the emulator really sent.

A push subscription delivers to a loopback receiver; the captured envelope is turned into a
CloudEvent by functions-framework's own conversion and decoded by shared.edge.events.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import flask
import pytest
from functions_framework import event_conversion

from shared.adapters.gcp.pubsub_publisher import PubSubPublisher
from shared.edge.events import Event, decode_cloud_event
from shared.messages import ProfileVersionCreated, channel_of
from shared.topology import TOPOLOGY
from tests.emulators import provision
from tests.emulators.catalog import PROJECT
from tests.emulators.receiver import receiving

pytestmark = pytest.mark.emulator("pubsub")
TOPIC = channel_of(ProfileVersionCreated)


def _decode(envelope: dict[str, Any]) -> Event:
    """What a cloud_event function receives for this push body, decoded by our edge."""
    with flask.Flask(__name__).test_request_context("/", method="POST", json=envelope):
        cloud_event = event_conversion.background_event_to_cloud_event(flask.request)
    return decode_cloud_event(cloud_event)


def _push_one(data: dict[str, Any], attributes: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Publish once through a manifest push subscription; (message id, the envelope pushed)."""
    subscription = TOPOLOGY.subscriptions_of(TOPIC)[0]
    with receiving(status=204) as receiver:
        provision.create_topics([TOPIC, subscription.dead_letter_topic])
        provision.create_push_subscription(subscription, f"{receiver.url}/push")
        publisher = PubSubPublisher(PROJECT)
        message_id = publisher.publish(TOPIC, data, attributes=attributes)
        [request] = receiver.wait_for(1)
        publisher.close()
    return message_id, json.loads(request.body)


class TestPushEnvelope:
    def test_pushes_the_standard_envelope(self) -> None:
        message_id, envelope = _push_one({"uid": "u1", "version": 3}, {"kind": "profile"})

        message = envelope["message"]
        assert envelope["subscription"] == provision.subscription_path("profile-events-match")
        assert message["messageId"] == message_id
        assert json.loads(base64.b64decode(message["data"])) == {"uid": "u1", "version": 3}
        assert message["attributes"] == {"kind": "profile"}

    def test_the_edge_decodes_a_pushed_envelope_into_the_event(self) -> None:
        message_id, envelope = _push_one({"uid": "u2", "version": 1}, {"kind": "profile"})

        event = _decode(envelope)

        assert (event.id, event.data, event.attributes) == (
            message_id,
            {"uid": "u2", "version": 1},
            {"kind": "profile"},
        )
        assert event.type == "google.cloud.pubsub.topic.v1.messagePublished"
        assert event.time is not None
        assert event.time.utcoffset() is not None

    def test_a_5xx_answer_gets_the_message_redelivered(self) -> None:
        subscription = TOPOLOGY.subscriptions_of(TOPIC)[0]
        with receiving(status=503) as receiver:
            provision.create_topics([TOPIC, subscription.dead_letter_topic])
            provision.create_push_subscription(provision.quick_retries(subscription), f"{receiver.url}/push")
            publisher = PubSubPublisher(PROJECT)
            message_id = publisher.publish(TOPIC, {"uid": "u3"})

            requests = receiver.wait_for(2)
            publisher.close()

        assert [json.loads(r.body)["message"]["messageId"] for r in requests] == [message_id, message_id]
