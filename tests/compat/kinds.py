"""Every stored document kind (collection group -> the model its reader validates with) and
every message kind, with the schema version the current code writes."""

from __future__ import annotations

from pydantic import BaseModel

from shared.domain.accounts import StoredProfileInputs, User
from shared.domain.dead_letters import DeadLetter
from shared.domain.documents import Document
from shared.domain.job_sources import JobSource
from shared.domain.matching.results import MatchResult
from shared.domain.matching.runs import MatchRun
from shared.domain.notebook import NotebookEntry
from shared.domain.offers import JobOffer
from shared.domain.otp import LimitCounter, OtpRecord
from shared.domain.profiles import CareerProfile
from shared.domain.runs import Run
from shared.messages import MESSAGES
from shared.repositories.migrations import COLLECTION as MIGRATIONS
from shared.repositories.migrations import Checkpoint

DOCUMENTS: dict[str, type[BaseModel]] = {
    "users": User,
    "inputs": StoredProfileInputs,
    "documents": Document,
    "career_profiles": CareerProfile,
    "matches": MatchResult,
    "match_runs": MatchRun,
    "job_offers": JobOffer,
    "job_sources": JobSource,
    "runs": Run,
    "dead_letters": DeadLetter,
    "notebook": NotebookEntry,
    "otp_codes": OtpRecord,
    "otp_limits": LimitCounter,
    MIGRATIONS: Checkpoint,  # the checkpoint collection (its name is also a queue's)
}
MESSAGE_MODELS: dict[str, type[BaseModel]] = dict(MESSAGES)


def version_of(model: type[BaseModel]) -> int:
    """The schema_version the current code writes for ``model`` (1 when it has none)."""
    field = model.model_fields.get("schema_version")
    default = field.default if field is not None else 1
    return int(default) if isinstance(default, int) else 1
