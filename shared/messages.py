"""What travels between functions: one frozen model per topic and per task-queue payload.

This module gathers every message; each is defined in its channel's module of
shared/channels/ (``UploadFinalized`` in shared/channels/uploads.py, ...), and functions and
services import it from there, so a cold instance builds only the models it sends or reads
(docs/decisions/0090-cold-start-budget.md). The manifest (shared/topology.py) names each
channel's model beside the channel, and no message module names a channel:
``channel_of(Model)`` reads it from the manifest. Producers
send models (``publish`` / ``enqueue`` below); consumers decode them at the edge with
``decode``, and a payload that does not validate raises ``InvalidMessage`` (INVALID_INPUT),
which the edge records as a dead letter and acknowledges: redelivering it cannot help.

Channel by channel (producer -> message -> consumer):

- uploads: Cloud Storage (OBJECT_FINALIZE notification; the local blob store imitates it)
  -> ``UploadFinalized`` -> on_upload_finalized.
- crawl-requests: Cloud Scheduler (the manifest's schedules) -> ``CrawlRequest`` ->
  dispatch_crawls.
- crawls (queue): dispatch_crawls, the operator API and the run callbacks (CrawlRequests)
  -> ``CrawlTask`` -> crawl_source.
- extraction (queue): on_upload_finalized (UploadConfirmation) -> ``ExtractionTask`` ->
  extract_document.
- profiles (queue): extract_document and POST :generate -> ``ProfileTask`` ->
  generate_profile.
- profile-events: generate_profile / refinement (a new career profile version) ->
  ``ProfileVersionCreated`` -> match_offers (re-ranks that user).
- offer-events: crawl_source and scraper callbacks (offers created, changed or closed by a run)
  -> ``OffersChanged`` -> match_offers (scores those offers for every user) and refresh_scores.
- scoring (queue): POST /notebook/{id}:score and refresh_scores (stale scores, within the
  user's budget) -> ``ScoreTask`` -> score_offer.
- profile-events and offer-events also feed refresh_scores, which marks notebook scores stale.
- migrations (queue): ``career migrate run --enqueue`` (the deploy workflow) and
  run_migration itself when its time budget ends -> ``MigrationTask`` -> run_migration.
- maintenance: Cloud Scheduler -> ``MaintenanceTask`` -> maintenance (the stuck-run sweep).
- mail (queue): the public /auth routes (AccountAuth) -> ``OtpMail`` -> send_mail.
- account-deletion (queue): DELETE /me and ``career users delete`` (DataRights) ->
  ``AccountDeletion`` -> delete_account.
- every ``<topic>-dead-letter`` topic: Pub/Sub itself, after a subscription's last attempt
  -> ``DeadLetterForward`` -> record_dead_letter (the operator view).

Each model carries ``schema_version``. Readers accept only the versions they know: a newer
message is dead-lettered (and can be replayed after the reader is deployed), never guessed at.
"""

from __future__ import annotations

from shared.channels import InvalidMessage, Message, channel_of, decode, enqueue, publish
from shared.channels.account_deletion import AccountDeletion
from shared.channels.crawl_requests import CrawlRequest
from shared.channels.crawls import CrawlTask
from shared.channels.dead_letters import DeadLetterForward
from shared.channels.extraction import ExtractionTask
from shared.channels.mail import OtpMail
from shared.channels.maintenance import MaintenanceTask
from shared.channels.match_trigger import MatchTrigger
from shared.channels.migrations import MigrationTask
from shared.channels.offer_events import OffersChanged
from shared.channels.profile_events import ProfileVersionCreated
from shared.channels.profiles import ProfileTask
from shared.channels.scoring import ScoreTask
from shared.channels.uploads import UploadFinalized

__all__ = [
    "MESSAGES",
    "AccountDeletion",
    "CrawlRequest",
    "CrawlTask",
    "DeadLetterForward",
    "ExtractionTask",
    "InvalidMessage",
    "MaintenanceTask",
    "MatchTrigger",
    "Message",
    "MigrationTask",
    "OffersChanged",
    "OtpMail",
    "ProfileTask",
    "ProfileVersionCreated",
    "ScoreTask",
    "UploadFinalized",
    "channel_of",
    "decode",
    "enqueue",
    "publish",
]

# Every channel message by class name (the manifest names models by these names).
MESSAGES: dict[str, type[Message]] = {
    m.__name__: m
    for m in (
        UploadFinalized,
        CrawlRequest,
        ProfileVersionCreated,
        OffersChanged,
        MaintenanceTask,
        DeadLetterForward,
        ExtractionTask,
        ProfileTask,
        CrawlTask,
        OtpMail,
        ScoreTask,
        MigrationTask,
        AccountDeletion,
    )
}
