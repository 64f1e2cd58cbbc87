"""Message base and helpers; each channel's model lives in its own module of this package.

A function imports only its own channel's model (``from shared.channels.uploads import
UploadFinalized``), so a cold instance builds one model class, not every message there is
(docs/decisions/0090-cold-start-budget.md). shared/messages.py gathers them all: read it for
what travels between functions, channel by channel, and who produces and reads each message.

The manifest (shared/topology.py) names each channel's model beside the channel, and no
module here names a channel: ``channel_of(Model)`` reads it from the manifest. Producers send
models (``publish`` / ``enqueue``); consumers decode them at the edge with ``decode``, and a
payload that does not validate raises ``InvalidMessage`` (INVALID_INPUT), which the edge
records as a dead letter and acknowledges: redelivering it cannot help.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.domain.errors import InvalidInput

if TYPE_CHECKING:
    from shared.ports import Publisher, TaskQueue
    from shared.topology import Topology

M = TypeVar("M", bound=BaseModel)


class InvalidMessage(InvalidInput):
    """A payload that does not validate as its channel's message (failure class INVALID_INPUT)."""


class Message(BaseModel):
    """Base of every message: frozen, built on first use, tolerant of fields added later."""

    # defer_build: a producer may import several messages and send one (cold-start budget).
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    schema_version: Literal[1] = 1

    def wire(self) -> dict[str, Any]:
        """The JSON object that goes on the wire."""
        return self.model_dump(mode="json")


def decode(model: type[M], data: Any) -> M:
    """Validate ``data`` as ``model``; InvalidMessage (permanent) when it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        where = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
            for e in err.errors(include_input=False)[:5]
        )
        raise InvalidMessage(f"not a valid {model.__name__}: {where}") from None


def channel_of(model: type[Message], topology: Topology | None = None) -> str:
    """The one topic or task queue whose manifest entry names ``model``."""
    try:
        return _channels(topology)[model.__name__]
    except KeyError:
        raise KeyError(f"the manifest names no channel for {model.__name__}") from None


def publish(
    publisher: Publisher,
    message: Message,
    *,
    attributes: dict[str, str] | None = None,
    ordering_key: str | None = None,
) -> str:
    """Publish ``message`` on its topic; returns the message id."""
    return publisher.publish(
        channel_of(type(message)), message.wire(), attributes=attributes, ordering_key=ordering_key
    )


def enqueue(
    tasks: TaskQueue, message: Message, *, name: str | None = None, schedule_at: datetime | None = None
) -> str:
    """Enqueue ``message`` on its task queue; returns the task name."""
    return tasks.enqueue(channel_of(type(message)), message.wire(), name=name, schedule_at=schedule_at)


def _channels(topology: Topology | None) -> dict[str, str]:
    if topology is None:
        from shared.topology import TOPOLOGY

        topology = TOPOLOGY
    return _index(topology)


def _index(topology: Topology) -> dict[str, str]:
    """Model name -> channel; dead-letter topics all share one model and are left out."""
    index: dict[str, str] = {}
    for topic in topology.topics:
        if not topic.dead_letter:
            index[topic.message] = topic.name
    for queue in topology.queues:
        index[queue.message] = queue.name
    return index
