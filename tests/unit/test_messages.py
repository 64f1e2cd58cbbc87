"""Messages: the manifest names a model per channel, producers' output validates against what
each consumer decodes, and no topic or queue name is written outside the manifest."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from shared.adapters.http_fetcher import HttpxFetcher
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_queue import Delivery, DeliveryFailed
from shared.config import Settings
from shared.domain.offers import offer_id
from shared.domain.runs import RunStatus
from shared.messages import (
    MESSAGES,
    AccountDeletion,
    CrawlRequest,
    CrawlTask,
    DeadLetterForward,
    ExtractionTask,
    InvalidMessage,
    MaintenanceTask,
    MatchTrigger,
    Message,
    MigrationTask,
    OffersChanged,
    OtpMail,
    ProfileTask,
    ProfileVersionCreated,
    ScoreTask,
    UploadFinalized,
    channel_of,
    decode,
)
from shared.services.account_auth import AccountAuth
from shared.services.crawl_requests import CrawlRequests
from shared.services.data_rights import DataRights
from shared.services.migration_tasks import MigrationTasks
from shared.services.migrations import MigrationRunner
from shared.services.notebook import NotebookService, SaveRequest
from shared.services.runs import RunService
from shared.services.scoring import ScoringService
from shared.services.sources import SourceService, SourceSpec
from shared.topology import TOPOLOGY
from tests.support.job_board_server import JobBoardServer, Reply, running
from tests.unit.documents_world import UID, World
from tests.unit.profiles_world import profile_service, upload_cv

REPO = Path(__file__).resolve().parents[2]
FULLSTACK = "fullstack-dev_john-doe_latex_2p"

# What each event or task function decodes (each main.py imports it from its channel module).
CONSUMES: dict[str, type[BaseModel]] = {
    "on_upload_finalized": UploadFinalized,
    "dispatch_crawls": CrawlRequest,
    "match_offers": MatchTrigger,
    "maintenance": MaintenanceTask,
    "record_dead_letter": DeadLetterForward,
    "extract_document": ExtractionTask,
    "generate_profile": ProfileTask,
    "crawl_source": CrawlTask,
    "send_mail": OtpMail,
    "score_offer": ScoreTask,
    "refresh_scores": MatchTrigger,
    "run_migration": MigrationTask,
    "delete_account": AccountDeletion,
}


def model_of(channel: str) -> type[Message]:
    """The model the manifest names for topic or queue ``channel``."""
    named = [t.message for t in TOPOLOGY.topics if t.name == channel]
    named += [q.message for q in TOPOLOGY.queues if q.name == channel]
    [name] = named
    return MESSAGES[name]


def consumers_of(channel: str) -> list[str]:
    """The functions that read a topic (through its subscriptions) or a task queue."""
    functions = [s.function for s in TOPOLOGY.subscriptions_of(channel)]
    return functions + [q.function for q in TOPOLOGY.queues if q.name == channel]


def consume(function: str, data: dict[str, Any], attributes: dict[str, str]) -> BaseModel:
    """Decode ``data`` exactly as ``function``'s edge does."""
    if function == "record_dead_letter":
        return DeadLetterForward.from_push("m-1", data, attributes)
    return decode(CONSUMES[function], data)


class TestManifest:
    def test_every_topic_and_queue_names_a_message_model_that_exists(self) -> None:
        named = [t.message for t in TOPOLOGY.topics] + [q.message for q in TOPOLOGY.queues]

        assert all(named)
        assert set(named) <= set(MESSAGES)

    def test_every_model_is_the_message_of_exactly_one_channel_and_back(self) -> None:
        for model in MESSAGES.values():
            if model is DeadLetterForward:
                continue  # every dead-letter topic carries it
            assert model_of(channel_of(model)) is model

    def test_every_dead_letter_topic_carries_forwarded_messages(self) -> None:
        dead = [t for t in TOPOLOGY.topics if t.dead_letter]

        assert dead
        assert {t.message for t in dead} == {DeadLetterForward.__name__}

    def test_every_scheduler_payload_is_its_topics_message(self) -> None:
        for job in TOPOLOGY.schedules:
            model = model_of(job.topic)
            assert isinstance(decode(model, job.payload), model)

    def test_every_consumed_model_has_its_consumer_function(self) -> None:
        triggered = {f.name for f in TOPOLOGY.functions if f.trigger != "http"}

        assert set(CONSUMES) == triggered

    def test_each_message_carries_a_schema_version(self) -> None:
        for model in MESSAGES.values():
            assert model.model_fields["schema_version"].default == 1


class TestDecoding:
    def test_match_offers_tells_the_two_messages_apart_by_kind(self) -> None:
        profile = decode(MatchTrigger, ProfileVersionCreated(uid="u1", version=2).wire()).root
        offers = decode(MatchTrigger, OffersChanged(run_id="r", source_id="s", offer_ids=["o"]).wire()).root

        assert isinstance(profile, ProfileVersionCreated)
        assert isinstance(offers, OffersChanged)

    @pytest.mark.parametrize(
        ("model", "data"),
        [
            (MatchTrigger, {"uid": "u1", "version": 1}),  # no kind: never guessed from keys
            (MaintenanceTask, {"task": "reindex"}),
            (CrawlTask, {"source_id": "Bad Id", "request_id": "r"}),
            (ExtractionTask, {"uid": "u1", "document_id": "d1", "schema_version": 2}),
        ],
    )
    def test_a_payload_that_does_not_fit_is_an_invalid_message(
        self, model: type[BaseModel], data: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidMessage) as caught:
            decode(model, data)

        assert caught.value.failure_class == "INVALID_INPUT"
        assert model.__name__ in caught.value.message

    def test_messages_are_frozen(self) -> None:
        task = ProfileTask(uid="u1", document_id="d1")

        with pytest.raises(ValueError, match="frozen"):
            task.uid = "u2"  # type: ignore[misc]


class Recorder:
    """Wraps the local queue's publish and enqueue, recording (channel, payload, attributes)."""

    def __init__(self, world: World) -> None:
        self.seen: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        queue = world.queue
        publish, enqueue = queue.publish, queue.enqueue

        def recorded_publish(topic: str, data: Any, *, attributes: Any = None, **kw: Any) -> str:
            self.seen.append((topic, json.loads(json.dumps(dict(data))), dict(attributes or {})))
            return publish(topic, data, attributes=attributes, **kw)

        def recorded_enqueue(queue_name: str, payload: Any, **kw: Any) -> str:
            self.seen.append((queue_name, json.loads(json.dumps(dict(payload))), {}))
            return enqueue(queue_name, payload, **kw)

        queue.publish = recorded_publish  # type: ignore[method-assign]
        queue.enqueue = recorded_enqueue  # type: ignore[method-assign]


@pytest.fixture
def board() -> Iterator[JobBoardServer]:
    with running() as server:
        yield server


class TestProducersAndConsumers:
    def test_every_producers_output_validates_against_each_consumers_model(
        self, tmp_path: Path, settings: Settings, clock: ManualClock, shared_data: Path, board: JobBoardServer
    ) -> None:
        world = World(tmp_path, settings, clock, notify=True)
        recorder = Recorder(world)
        # uploads -> extraction -> profiles -> profile-events
        document = upload_cv(world, shared_data, FULLSTACK)
        world.finalize(document, world.uploads.stat(document.object_name).generation)  # type: ignore[union-attr]
        profile_service(world).generate(UID, document.id)
        profile_service(world).request_generation(UID, document.id)
        # crawls -> offer-events
        jobs = {"jobs": [{"id": 1, "title": "Data Engineer", "absolute_url": "https://b.example/1"}]}
        board.script("/v1/boards/acme/jobs", Reply(200, json.dumps(jobs).encode()))
        spec = SourceSpec(kind="greenhouse", board="acme", base_url=board.base_url)
        source_id = world.container.make(SourceService).save(spec)[0].id
        world.container.make(CrawlRequests).request(source_id, "op-1")
        fetcher = HttpxFetcher(timeout_s=2, max_attempts=1)
        run = world.container.make(RunService, fetcher=fetcher).crawl(source_id, "op-1", trigger="operator")
        fetcher.close()
        assert run.status == RunStatus.COMPLETED
        # mail: a public auth route queues a one-time code
        world.container.make(AccountAuth).forgot_password("jane@example.com")
        # notebook -> scoring
        kept = world.container.make(NotebookService).save(
            UID, SaveRequest(offer_id=offer_id("greenhouse", "acme", "1"))
        )
        world.container.make(ScoringService).request(UID, kept.entry.id)
        # account-deletion: DELETE /me queues the erasure
        world.container.make(DataRights).request_erasure("someone-else")
        # a subscription that gives up forwards to its dead-letter topic
        [confirm] = TOPOLOGY.subscriptions_of(channel_of(UploadFinalized))

        def refuse(_: Delivery) -> None:
            raise DeliveryFailed("refused")

        world.queue.register(confirm.name, refuse)
        for recorder_sub in TOPOLOGY.subscriptions_of(confirm.dead_letter_topic):
            world.queue.register(
                recorder_sub.name,
                lambda d: recorder.seen.append((d.topic or "", d.data, d.attributes)),
            )
        world.queue.drain()
        # migrations: the deploy workflow queues one task per pending migration
        migrations = world.container.make(MigrationRunner)
        world.container.make(MigrationTasks, runner=migrations).enqueue_all(
            [m.id for m in migrations.plan()], 50
        )
        # scheduler jobs
        for job in TOPOLOGY.schedules:
            recorder.seen.append((job.topic, dict(job.payload), {}))

        produced = {channel for channel, _, _ in recorder.seen}
        channels = {t.name for t in TOPOLOGY.topics} | {q.name for q in TOPOLOGY.queues}
        assert {channel_of(m) for m in MESSAGES.values() if m is not DeadLetterForward} <= produced
        assert confirm.dead_letter_topic in produced
        for channel, data, attributes in recorder.seen:
            assert channel in channels
            for function in consumers_of(channel):
                consume(function, data, attributes)  # raises InvalidMessage on a mismatch
        # Every document those producers stored carries its schema_version (the local store's
        # own table, read directly: no port lists every collection).
        rows = world.store._conn.execute("SELECT parent, id, data FROM documents").fetchall()
        unversioned = [
            f"{parent}/{doc}" for parent, doc, data in rows if "schema_version" not in json.loads(data)
        ]
        assert rows
        assert unversioned == []
        world.queue.close()


class TestNoChannelNameOutsideTheManifest:
    # Homonyms that are not channels: the API area and OpenAPI tag "profiles", the uploads
    # bucket of infra/storage, a function and a bench case both named "maintenance", the
    # checkpoint collection of data migrations.
    ALLOWED: ClassVar[dict[str, set[str]]] = {
        "shared/api/routes.py": {"profiles"},
        "shared/api/profiles.py": {"profiles"},
        "infra/components/storage.py": {"uploads"},
        "infra/__main__.py": {"uploads"},
        "tests/unit/test_import_budget.py": {"profiles", "maintenance"},
        "tests/infra/test_infra_policies.py": {"uploads"},
        "tests/infra/test_infra_bundle.py": {"maintenance"},
        "bench/_cold_cases.py": {"maintenance"},
        "shared/repositories/migrations.py": {"migrations"},
    }
    ROOTS = ("shared", "functions", "tests", "bench", "infra", "scripts")

    def channel_names(self) -> set[str]:
        return {t.name for t in TOPOLOGY.topics} | {q.name for q in TOPOLOGY.queues}

    def literals(self, path: Path, keep: Callable[[ast.Constant, ast.AST | None], bool]) -> set[str]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        return {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and keep(n, parents.get(n))
        }

    def test_no_topic_or_queue_name_is_written_outside_the_manifest(self) -> None:
        names = self.channel_names()

        def not_a_function_name(node: ast.Constant, parent: ast.AST | None) -> bool:
            # ``function="maintenance"`` names the function, which shares the topic's name.
            return not (isinstance(parent, ast.keyword) and parent.arg == "function")

        found: dict[str, set[str]] = {}
        for root in self.ROOTS:
            for path in sorted((REPO / root).rglob("*.py")):
                rel = path.relative_to(REPO).as_posix()
                # The manifest itself, and this file, whose allow-list spells the homonyms.
                if rel in ("shared/topology.py", "tests/unit/test_messages.py") or "/node_modules/" in rel:
                    continue
                hits = (self.literals(path, not_a_function_name) & names) - self.ALLOWED.get(rel, set())
                if hits:
                    found[rel] = hits

        assert found == {}

    def test_every_event_and_task_function_imports_its_message_model_from_its_module(self) -> None:
        for function, model in CONSUMES.items():
            tree = ast.parse((REPO / "functions" / function / "main.py").read_text(encoding="utf-8"))
            imported = {
                (node.module, alias.name)
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("shared.")
                for alias in node.names
            }
            # The model's own module (shared/channels/<module>.py), never the whole catalogue.
            assert (model.__module__, model.__name__) in imported, function
            assert model.__module__.startswith("shared.channels."), function

    def test_the_catalogue_holds_every_channel_module_model(self) -> None:
        defined = {
            node.name
            for path in sorted((REPO / "shared" / "channels").glob("*.py"))
            if path.name != "__init__.py"
            for node in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(node, ast.ClassDef)
        }

        assert defined - {MatchTrigger.__name__} == set(MESSAGES)

    def test_the_base_model_is_not_a_channel_message(self) -> None:
        assert Message.__name__ not in MESSAGES
