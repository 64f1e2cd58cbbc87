"""Deterministic matching, on a new profile version (profile-events) or changed offers (offer-events)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.domain.errors import InvalidInput
from shared.edge.events import Event, run_event
from shared.edge.logs import configure
from shared.services.matching import MatchingService

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """Route by payload: {uid, version} re-ranks one user; {offer_ids} scores those offers for all."""
    service = container.make(MatchingService)
    data = event.data
    if isinstance(data.get("uid"), str):
        version = data.get("version")
        service.match_profile(data["uid"], int(version) if version is not None else None)
    elif isinstance(data.get("offer_ids"), list):
        service.match_offers([str(i) for i in data["offer_ids"]])
    else:
        raise InvalidInput("expected {uid, version} or {offer_ids: [...]}")


@functions_framework.cloud_event
def match_offers(cloud_event: Any) -> None:
    """Entry point (Pub/Sub push)."""
    configure()
    run_event(cloud_event, handle, function="match_offers")
