"""What match_offers and refresh_scores read from profile-events and offer-events."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, RootModel

from shared.channels.offer_events import OffersChanged
from shared.channels.profile_events import ProfileVersionCreated


class MatchTrigger(RootModel[ProfileVersionCreated | OffersChanged]):
    """What match_offers reads from its two subscriptions, told apart by ``kind``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    root: Annotated[ProfileVersionCreated | OffersChanged, Field(discriminator="kind")]
