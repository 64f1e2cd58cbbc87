"""Deterministic matching on a MatchTrigger: a new profile version (profile-events) or changed
offers (offer-events), told apart by the message's ``kind``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import decode
from shared.channels.match_trigger import MatchTrigger
from shared.channels.offer_events import OffersChanged
from shared.edge.events import Event, run_event
from shared.edge.framework import harden
from shared.edge.logs import configure
from shared.services.matching import MatchingService

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """ProfileVersionCreated re-ranks one user; OffersChanged scores those offers for all."""
    message = decode(MatchTrigger, event.data).root
    service = container.make(MatchingService)
    if isinstance(message, OffersChanged):
        service.match_offers(message.offer_ids, message)  # one batch of users per delivery
    else:
        service.match_profile(message.uid, message.version)


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.cloud_event
def match_offers(cloud_event: Any) -> None:
    """Entry point (Pub/Sub push)."""
    configure()
    run_event(cloud_event, handle, function="match_offers")
