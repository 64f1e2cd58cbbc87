"""The operator console: discard dead letters with a reason, the 24 h failure counts, run detail.

Dead letters and a failed run are written into the server's own store through the local
repositories (a second process on the same SQLite file, as the CLI does); the browser then
works only through the console.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from shared.adapters.local.clock import SystemClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.domain.dead_letters import DeadLetter
from shared.domain.failures import FailureClass
from shared.messages import ExtractionTask, channel_of
from shared.repositories.dead_letters import DeadLetters
from shared.repositories.runs import RunLedger
from shared.topology import TOPOLOGY
from tests.e2e.local_server import Server
from tests.web.browser import Steps, serious_violations
from tests.web.session import use_dev_token

pytestmark = pytest.mark.web

QUEUE = channel_of(ExtractionTask)


@pytest.fixture
def store(web_server: Server) -> Iterator[SqliteDocumentStore]:
    """The running server's store, opened by this process too."""
    opened = SqliteDocumentStore(web_server.data_dir / "store.sqlite3", indexes=TOPOLOGY.indexes)
    yield opened
    opened.close()


def seed_letters(store: SqliteDocumentStore, count: int) -> list[DeadLetter]:
    """``count`` extraction tasks that exhausted their attempts just now."""
    letters = [
        DeadLetter.for_task(
            queue=QUEUE,
            task_name=f"console-{uuid.uuid4().hex[:8]}",
            payload=json.dumps({"uid": "u1", "document_id": f"d{n}"}),
            attempts=5,
            last_error="text bucket unavailable",
            failure_class=FailureClass.INTERNAL,
            at=SystemClock().now(),
        )
        for n in range(count)
    ]
    for dl in letters:
        DeadLetters(store).add(dl)
    return letters


def operator_page(steps: Steps, server: Server) -> Page:
    use_dev_token(steps.page, server, "ops-console", role="operator")
    return steps.page


class TestDiscard:
    def test_operator_discards_one_letter_then_two_selected_each_with_a_reason(
        self, web_server: Server, store: SqliteDocumentStore, steps: Steps
    ) -> None:
        first, *rest = seed_letters(store, 3)
        page = operator_page(steps, web_server)
        page.goto(web_server.url + "/console/dead-letters")
        letters = page.get_by_test_id("dead-letter")
        expect(letters).to_have_count(3)
        expect(page.get_by_role("figure")).to_contain_text("INTERNAL")
        target = letters.first
        target.get_by_role("button", name="View payload").click()
        target_payload = target.get_by_label("Payload").inner_text()
        target.get_by_role("button", name=f"Discard {QUEUE}").click()
        dialog = page.get_by_role("dialog")
        confirm = dialog.get_by_role("button", name="Discard", exact=True)
        expect(confirm).to_be_disabled()
        dialog.get_by_label("Reason (required)").fill("document re-uploaded by the user")
        expect(confirm).to_be_enabled()
        steps.shot("discard dialog")
        assert serious_violations(page) == [], "axe on the discard dialog"
        confirm.click()

        expect(page.get_by_text("Discarded.")).to_be_visible()
        expect(letters).to_have_count(2)
        page.get_by_label("Status").select_option("discarded")
        expect(letters).to_have_count(1)
        expect(letters.first.get_by_test_id("discarded")).to_contain_text("Discarded by ops-console")
        expect(letters.first.get_by_test_id("discarded")).to_contain_text("document re-uploaded by the user")
        payload = letters.first.get_by_label("Payload")
        if payload.count() == 0:  # the screen may keep the opened payload open across filters
            letters.first.get_by_role("button", name="View payload").click()
        expect(payload).to_have_text(target_payload)
        expect(letters.first.get_by_role("button", name=f"Replay {QUEUE}")).to_have_count(0)
        steps.shot("discarded letter on record")

        page.get_by_label("Status").select_option("dead")
        expect(letters).to_have_count(2)
        for n in range(2):
            letters.nth(n).get_by_role("checkbox").check()
        page.get_by_role("button", name="Discard selected (2)").click()
        page.get_by_role("dialog").get_by_label("Reason (required)").fill("source removed")
        page.get_by_role("dialog").get_by_role("button", name="Discard", exact=True).click()

        expect(page.get_by_text("2 discarded.")).to_be_visible()
        expect(page.get_by_text("No dead letters match.")).to_be_visible()
        stored = {dl.id: DeadLetters(store).get(dl.id) for dl in (first, *rest)}
        assert {d.status for d in stored.values() if d} == {"discarded"}
        assert sorted(d.discard_reason or "" for d in stored.values() if d) == [
            "document re-uploaded by the user",
            "source removed",
            "source removed",
        ]


class TestRunDetail:
    def test_detail_is_read_from_the_single_run_with_stats_failure_and_timings(
        self, web_server: Server, store: SqliteDocumentStore, steps: Steps
    ) -> None:
        board = f"scraper-{uuid.uuid4().hex[:6]}"
        operator = {"Authorization": f"Bearer {web_server.token('ops-console', '--role', 'operator')}"}
        created = httpx.post(
            web_server.url + "/ops/job-sources",
            json={"kind": "external", "board": board, "enabled": False},
            headers=operator,
            timeout=30,
        )
        assert created.status_code == 201, created.text
        source_id = created.json()["id"]
        ledger = RunLedger(store, SystemClock())
        run = ledger.open(source_id, "console-detail", "operator").run
        ledger.begin(run.id)
        ledger.fail(run.id, FailureClass.SOURCE_PARSE_ERROR, "the scraper sent HTML, not JSON")

        page = operator_page(steps, web_server)
        page.goto(web_server.url + "/console/runs")
        with page.expect_response(lambda r: r.url.endswith(f"/ops/job-sources/runs/{run.id}")) as answer:
            page.get_by_role("button", name=source_id).click()
        assert answer.value.status == 200

        detail = page.get_by_test_id("run-detail")
        expect(detail).to_contain_text(f"Run {run.id}")
        expect(detail.get_by_test_id("run-failure")).to_have_text(
            "SOURCE_PARSE_ERROR: the scraper sent HTML, not JSON"
        )
        expect(detail).to_contain_text("requests 0")
        expect(detail).not_to_contain_text("finished —")
        steps.shot("run detail")
        assert serious_violations(page) == [], "axe on runs"

        page.goto(web_server.url + "/console/dead-letters")
        chart = page.get_by_role("figure")
        expect(chart).to_contain_text("SOURCE_PARSE_ERROR")
        chart.get_by_text("By channel", exact=True).click()
        expect(chart.get_by_role("row").filter(has_text=source_id)).to_contain_text("crawler run")
