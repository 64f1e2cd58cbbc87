"""Every ``<topic>-dead-letter`` topic: a message Pub/Sub gave up on, as it forwards it."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from shared.channels import Message, decode


class DeadLetterForward(Message):
    """Every ``<topic>-dead-letter`` topic: a message Pub/Sub gave up on, as it forwards it
    (the original payload and attributes plus CloudPubSubDeadLetterSource* attributes)."""

    SOURCE_SUBSCRIPTION: ClassVar[str] = "CloudPubSubDeadLetterSourceSubscription"
    SOURCE_DELIVERY_COUNT: ClassVar[str] = "CloudPubSubDeadLetterSourceDeliveryCount"

    message_id: str
    subscription: str = Field(min_length=1)  # the subscription that gave up (short name)
    delivery_count: int = 0
    payload: dict[str, Any]
    attributes: dict[str, str] = Field(default_factory=dict)  # the original message's own

    @classmethod
    def from_push(
        cls, message_id: str, data: dict[str, Any], attributes: dict[str, str]
    ) -> DeadLetterForward:
        """Read a forwarded push; InvalidMessage when it is not a dead-lettered message."""
        source = attributes.get(cls.SOURCE_SUBSCRIPTION, "")
        try:
            count = int(attributes.get(cls.SOURCE_DELIVERY_COUNT, "0"))
        except ValueError:
            count = 0
        return decode(
            cls,
            {
                "message_id": message_id,
                "subscription": source.rsplit("/", 1)[-1],  # the short or the full resource name
                "delivery_count": count,
                "payload": data,
                "attributes": {
                    k: v for k, v in attributes.items() if not k.startswith("CloudPubSubDeadLetter")
                },
            },
        )
