"""Data migrations: discovery, the example migration, and runs that are idempotent and resumable."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.cli.main import main
from shared.config import Settings
from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass
from shared.messages import ExtractionTask, MigrationTask, channel_of, decode
from shared.migrations import MigrationNotFound, discover, find
from shared.ports import DocumentStore, Transaction
from shared.repositories.career_profiles import CareerProfiles
from shared.repositories.migrations import MigrationCheckpoints
from shared.services.migration_tasks import MigrationTasks
from shared.services.migrations import MigrationRunner, Progress

T = TypeVar("T")
CLAIMS = find("0001")
CREATED = datetime(2026, 3, 1, tzinfo=UTC)


class CrashingStore(SqliteDocumentStore):
    """A store whose transactions start failing after ``survive`` of them (a process dying mid-run)."""

    def __init__(self, survive: int) -> None:
        super().__init__()
        self.survive = survive

    def run_transaction(self, fn: Callable[[Transaction], T], *, max_attempts: int = 5) -> T:
        if self.survive <= 0:
            raise RuntimeError("the process died")
        self.survive -= 1
        return super().run_transaction(fn, max_attempts=max_attempts)


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    s = SqliteDocumentStore()
    yield s
    s.close()


def seed(store: DocumentStore, *, old: int, new: int = 0) -> list[str]:
    """Claims as the code before #11 wrote them (no schema_version) and as it writes them now."""
    paths = []
    for i in range(old + new):
        path = f"users/u{i % 5}/career_profile_hashes/h{i:03d}"
        data: dict[str, Any] = {"version": i + 1, "published": i % 2 == 0, "created_at": CREATED}
        if i >= old:
            data["schema_version"] = 1
        store.set(path, data)
        paths.append(path)
    store.set("users/u0/career_profiles/1", {"version": 1})  # another group: never touched
    return paths


def data(store: SqliteDocumentStore, path: str) -> dict[str, Any]:
    snap = store.get(path)
    assert snap is not None, path
    return snap.data


def runner(store: SqliteDocumentStore) -> MigrationRunner:
    return MigrationRunner(store, MigrationCheckpoints(store), ManualClock(), migrations=(CLAIMS,))


class TestDiscovery:
    def test_modules_are_found_in_number_order_with_their_group(self) -> None:
        migrations = discover()

        assert [m.id for m in migrations] == sorted(m.id for m in migrations)
        assert migrations[0].id == "0001_profile_claims_schema_version"
        assert migrations[0].group == "career_profile_hashes"

    def test_a_migration_is_found_by_id_or_number(self) -> None:
        assert find("1") is find("0001") is find("0001_profile_claims_schema_version")
        with pytest.raises(MigrationNotFound):
            find("9999")


class TestProfileClaimsMigration:
    def test_a_claim_without_a_version_gets_version_1_and_keeps_its_fields(self) -> None:
        old = {"version": 3, "published": True, "created_at": CREATED}

        assert CLAIMS.up(old) == {**old, "schema_version": 1}

    def test_a_claim_with_a_version_is_left_alone(self) -> None:
        assert CLAIMS.up({"version": 3, "published": True, "schema_version": 1}) is None

    def test_the_repository_reads_claims_before_and_after_the_migration(
        self, store: SqliteDocumentStore
    ) -> None:
        seed(store, old=1, new=1)
        repo = CareerProfiles(store)
        before = (repo.claim("u0", "h000"), repo.claim("u1", "h001"))

        runner(store).run(CLAIMS)

        after = (repo.claim("u0", "h000"), repo.claim("u1", "h001"))
        assert before == after
        assert [c.version for c in after if c] == [1, 2]


LETTER: dict[str, Any] = {"id": "x", "kind": "task", "payload": '{"uid": "u-9", "document_id": "d"}'}
EXTRACTION = channel_of(ExtractionTask)


class TestDeadLetterUidMigration:
    def test_an_older_letter_gets_the_uid_of_its_payload_and_version_3(self) -> None:
        old = {**LETTER, "attributes": {}, "schema_version": 2}

        assert find("0002").up(old) == {**old, "uid": "u-9", "schema_version": 3}

    def test_a_letter_of_no_user_gets_a_null_uid(self) -> None:
        old = {**LETTER, "payload": '{"source_id": "s"}', "schema_version": 1}

        assert find("0002").up(old) == {**old, "uid": None, "schema_version": 3}

    def test_a_letter_at_version_3_is_left_alone(self) -> None:
        assert find("0002").up({**LETTER, "uid": "u-9", "schema_version": 3}) is None

    def test_erasure_finds_a_migrated_letter_by_its_uid(self, store: SqliteDocumentStore) -> None:
        from shared.domain.dead_letters import DeadLetter
        from shared.repositories.user_data import UserData
        from shared.topology import TOPOLOGY

        letter = DeadLetter.for_task(
            queue=EXTRACTION,
            task_name="t",
            payload='{"uid": "u-9", "document_id": "d"}',
            attempts=5,
            last_error="boom",
            failure_class=FailureClass.INTERNAL,
            at=CREATED,
        )
        stored = {k: v for k, v in letter.model_dump().items() if k != "uid"}
        store.set(f"dead_letters/{letter.id}", {**stored, "schema_version": 2})
        data = UserData(store, store, TOPOLOGY)
        assert list(data.elsewhere("u-9")) == []

        MigrationRunner(store, MigrationCheckpoints(store), ManualClock(), migrations=(find("0002"),)).run(
            find("0002")
        )

        assert [s.path for s in data.elsewhere("u-9")] == [f"dead_letters/{letter.id}"]


class TestRun:
    def test_migrates_every_document_of_the_group_and_nothing_else(self, store: SqliteDocumentStore) -> None:
        paths = seed(store, old=7, new=3)

        result = runner(store).run(CLAIMS, batch_size=4)

        assert (result.scanned, result.changed, result.done) == (10, 7, True)
        for path in paths:
            snap = store.get(path)
            assert snap is not None
            assert snap.data["schema_version"] == 1
        other = store.get("users/u0/career_profiles/1")
        assert other is not None
        assert other.data == {"version": 1}

    def test_a_dry_run_counts_what_would_change_and_writes_nothing(self, store: SqliteDocumentStore) -> None:
        seed(store, old=7, new=3)
        writes = store.writes
        seen: list[Progress] = []

        result = runner(store).run(CLAIMS, dry_run=True, batch_size=4, progress=seen.append)

        assert (result.scanned, result.changed, result.dry_run) == (10, 7, True)
        assert store.writes == writes
        assert [p.scanned for p in seen] == [4, 8, 10, 10]
        assert runner(store).plan() == [CLAIMS]  # a dry run does not mark anything done

    def test_running_again_changes_nothing(self, store: SqliteDocumentStore) -> None:
        seed(store, old=6)
        first = runner(store).run(CLAIMS, batch_size=4)
        writes = store.writes

        again = runner(store).run(CLAIMS, batch_size=4)
        store.delete(f"migrations/{CLAIMS.id}")  # even with its checkpoint gone
        from_scratch = runner(store).run(CLAIMS, batch_size=4)

        assert first.changed == 6
        assert again.done
        assert store.writes - writes == 1 + 2 + 1  # the delete, two cursor-only batches, "done"
        assert from_scratch.changed == 0

    def test_resumes_after_a_crash_mid_way_without_redoing_committed_batches(self) -> None:
        store = CrashingStore(survive=2)
        paths = seed(store, old=10)
        scanned: list[int] = []

        with pytest.raises(RuntimeError, match="died"):
            runner(store).run(CLAIMS, batch_size=3, progress=lambda p: scanned.append(p.scanned))
        migrated = [p for p in paths if "schema_version" in data(store, p)]
        checkpoint = MigrationCheckpoints(store).get(CLAIMS.id)

        assert len(migrated) == 6  # two batches of three committed, with their cursor
        assert checkpoint is not None
        assert (checkpoint.status, checkpoint.scanned, checkpoint.cursor) == ("running", 6, migrated[-1])

        store.survive = 100
        result = runner(store).run(CLAIMS, batch_size=3)

        assert (result.scanned, result.changed, result.done) == (10, 10, True)
        assert all(data(store, p)["schema_version"] == 1 for p in paths)
        done = MigrationCheckpoints(store).get(CLAIMS.id)
        assert done is not None
        assert (done.status, done.batches) == ("done", 4)

    def test_a_run_told_to_stop_leaves_a_cursor_the_next_run_continues_from(
        self, store: SqliteDocumentStore
    ) -> None:
        seed(store, old=9)
        budget = iter([True, False])

        partial = runner(store).run(CLAIMS, batch_size=4, keep_going=lambda: next(budget))
        rest = runner(store).run(CLAIMS, batch_size=4)

        assert (partial.scanned, partial.done) == (4, False)
        assert (rest.scanned, rest.changed, rest.done) == (9, 9, True)

    def test_a_write_the_app_made_after_the_scan_is_not_lost(self, store: SqliteDocumentStore) -> None:
        seed(store, old=2)

        r = runner(store)
        original_scan = store.scan_group

        def scan_then_app_writes(group: str, **kw: Any) -> Any:
            page = original_scan(group, **kw)
            if page:
                store.update("users/u0/career_profile_hashes/h000", {"published": True, "seen": "app"})
            return page

        store.scan_group = scan_then_app_writes  # type: ignore[method-assign]
        r.run(CLAIMS, batch_size=10)

        snap = store.get("users/u0/career_profile_hashes/h000")
        assert snap is not None
        assert snap.data["seen"] == "app"
        assert snap.data["schema_version"] == 1

    def test_status_and_plan_follow_the_checkpoints(self, store: SqliteDocumentStore) -> None:
        seed(store, old=2)
        r = runner(store)
        assert [c.status for _, c in r.status()] == ["pending"]

        r.run(CLAIMS)

        assert [c.status for _, c in r.status()] == ["done"]
        assert r.plan() == []

    @pytest.mark.parametrize("size", [0, 401])
    def test_a_batch_size_outside_one_transaction_is_refused(
        self, store: SqliteDocumentStore, size: int
    ) -> None:
        with pytest.raises(InvalidInput, match="batch size"):
            runner(store).run(CLAIMS, batch_size=size)


class RecordingTasks:
    """The TaskQueue port, recording what was queued (named tasks de-duplicate, as Cloud Tasks)."""

    def __init__(self) -> None:
        self.queued: dict[str, tuple[str, dict[str, Any]]] = {}

    def enqueue(self, queue: str, payload: Any, *, name: str | None = None, schedule_at: Any = None) -> str:
        key = name or f"auto-{len(self.queued)}"
        self.queued.setdefault(key, (queue, dict(payload)))
        return key


class TestMigrationTasks:
    def test_a_task_out_of_time_queues_its_successor_once(self, store: SqliteDocumentStore) -> None:
        seed(store, old=9)
        tasks = RecordingTasks()
        ticks = iter([0.0, 1.0, 99.0, 99.0, 99.0])
        handler = MigrationTasks(runner(store), tasks, budget_s=10, monotonic=lambda: next(ticks))
        task = MigrationTask(migration_id=CLAIMS.id, batch_size=4)

        result = handler.run(task)

        assert (result["scanned"], result["done"]) == (4, False)
        assert list(tasks.queued) == [result["continued_as"]]
        queue, payload = tasks.queued[result["continued_as"]]
        assert queue == channel_of(MigrationTask)
        assert decode(MigrationTask, payload) == task

    def test_the_successor_finishes_and_queues_nothing(self, store: SqliteDocumentStore) -> None:
        seed(store, old=9)
        tasks = RecordingTasks()
        handler = MigrationTasks(runner(store), tasks, budget_s=60)

        result = handler.run(MigrationTask(migration_id=CLAIMS.id, batch_size=4))

        assert (result["scanned"], result["changed"], result["done"]) == (9, 9, True)
        assert tasks.queued == {}


class TestCommand:
    @pytest.fixture
    def data_dir(self, tmp_path: Path) -> Path:
        folder = tmp_path / "stack"
        built = Container(Settings(backend="local", environment="test", data_dir=folder))
        seed(built.store, old=5)
        built.close()
        return folder

    def cli(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["migrate", *args], env={"CAREER_ENVIRONMENT": "test"})
        return result.exit_code, result.output

    def test_plan_dry_run_run_and_status(self, data_dir: Path) -> None:
        where = ("--data-dir", str(data_dir))
        planned = "".join(f"{m.id}\t{m.group}\t{m.description}\n" for m in discover())

        assert self.cli("plan", *where) == (0, planned)
        code, out = self.cli("run", "--dry-run", "--batch-size", "2", *where)
        assert code == 0
        assert f"{CLAIMS.id}\tscanned=5\twould change=5\tdone" in out.splitlines()
        assert f"{CLAIMS.id}\t{CLAIMS.group}\tpending" in self.cli("status", *where)[1].splitlines()

        code, out = self.cli("run", *where)
        assert code == 0
        assert f"{CLAIMS.id}\tscanned=5\tchanged=5\tdone" in out.splitlines()
        status = self.cli("status", *where)[1].splitlines()
        assert f"{CLAIMS.id}\t{CLAIMS.group}\tdone\tscanned=5 changed=5" in status
        assert self.cli("plan", *where)[1] == "nothing to migrate\n"

    def test_an_unknown_migration_is_refused(self, data_dir: Path) -> None:
        code, out = self.cli("run", "--only", "0999", "--data-dir", str(data_dir))

        assert code != 0
        assert "no migration '0999'" in out
