"""An operator replays a dead letter in the console, and the user's stuck document completes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from shared.messages import ExtractionTask, channel_of
from tests.e2e.local_server import Server
from tests.web.browser import Steps, serious_violations
from tests.web.outages import break_text_bucket
from tests.web.session import use_dev_token

pytestmark = pytest.mark.web

CV = "frontend-dev_barry-allen_moderncv_1p.pdf"
SLOW = 90_000


class TestDeadLetterReplay:
    def test_operator_replay_completes_the_users_stuck_document(
        self, quick_retry_server: Server, browser: Browser, steps: Steps, shared_data_module: Path
    ) -> None:
        server, page = quick_retry_server, steps.page
        use_dev_token(page, server, "stuck-user")
        blocker = break_text_bucket(server.data_dir)

        page.goto(server.url + "/documents")
        page.locator("#cv-file").set_input_files(str(shared_data_module / "resumes" / CV))
        document = page.get_by_test_id("document").filter(has_text=CV)
        expect(document).to_contain_text("failed", timeout=SLOW)
        expect(document).to_contain_text("on our side: retry it")
        steps.shot("document stuck")

        blocker.unlink()  # the storage outage is over; the work is still dead
        operator = browser.new_context()
        console = operator.new_page()
        try:
            use_dev_token(console, server, "ops-dlq", role="operator")
            console.goto(server.url + "/console/dead-letters")
            queue = channel_of(ExtractionTask)
            letter = console.get_by_test_id("dead-letter").filter(has_text=queue).first
            expect(letter).to_be_visible()
            expect(console.get_by_role("figure")).to_contain_text("INTERNAL")
            letter.get_by_role("button", name="View payload").click()
            expect(letter.get_by_label("Payload")).to_contain_text("document_id")
            steps.page = console
            steps.shot("dead letter with its payload")
            assert serious_violations(console) == [], "axe on dead letters"
            letter.get_by_role("button", name=f"Replay {queue}").click()
            expect(console.get_by_text("Replayed.")).to_be_visible()
        finally:
            steps.page = page
            operator.close()

        for _ in range(60):  # the replayed task runs through the local queue
            page.reload()
            if "extracted" in document.inner_text():
                break
            page.wait_for_timeout(1_000)
        expect(document).to_contain_text("extracted")
        steps.shot("document completed")
