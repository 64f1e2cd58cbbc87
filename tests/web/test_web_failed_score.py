"""A notebook score whose work was given up shows FAILED in the web app, and Retry scores it.

The failure is real, not seeded: after the user's CV became a profile, the local text bucket's
metadata folder becomes a symlink loop (a storage outage), so every attempt of the score task
fails with an OSError while it reads the CV text. The local queue spends production's attempts
(backoffs cut a thousandfold) and dead-letters the task; recording the letter marks the entry
FAILED (decision 0124). Nothing races: the outage starts before the score is asked for and ends
only once the page shows the failure.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from shared.messages import ScoreTask, channel_of
from shared.topology import TOPOLOGY
from tests.e2e.local_server import Server
from tests.web.browser import Steps, serious_violations
from tests.web.outages import text_metadata_outage
from tests.web.seed import user_with_profile
from tests.web.session import use_dev_token

pytestmark = pytest.mark.web

SLOW = 90_000  # ms: five attempts and the dead letter run through the local queue
TITLE = "Platform Engineer"


def score_letters(server: Server) -> list[dict[str, object]]:
    """The dead letters of the scoring queue, as an operator lists them."""
    ops = {"Authorization": f"Bearer {server.token('ops-failed-score', '--role', 'operator')}"}
    with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as client:
        listed = client.get("/ops/dead-letters", headers=ops)
    assert listed.status_code == 200, listed.text
    return [letter for letter in listed.json()["items"] if letter["origin"] == channel_of(ScoreTask)]


class TestAFailedScore:
    def test_shows_the_failure_and_its_next_action_and_retry_scores_it(
        self, quick_retry_server: Server, steps: Steps, shared_data_module: Path
    ) -> None:
        server, page = quick_retry_server, steps.page
        user_with_profile(server, shared_data_module, "failed-score")
        use_dev_token(page, server, "failed-score")
        page.goto(server.url + "/notebook")
        page.get_by_text("Add a posting", exact=True).click()
        page.get_by_role("tab", name="Paste the text").click()
        page.get_by_label("Title").fill(TITLE)
        page.get_by_label("Company").fill("Acme Robotics")
        page.get_by_label("Link").fill("https://careers.example.com/acme/platform-engineer")
        page.get_by_label("Description").fill(
            "Build and run our Python services on Google Cloud: Kubernetes, Terraform, Postgres."
        )
        page.get_by_role("button", name="Add posting").click()
        card = page.get_by_test_id("entry").filter(has_text=TITLE)
        expect(card).to_contain_text("not scored", timeout=SLOW)

        card.get_by_role("button", name=TITLE, exact=True).click()
        detail = page.get_by_role("region", name=f"Entry {TITLE}")
        expect(detail).to_contain_text("Acme Robotics · the posting")  # no remote policy was given
        failure = detail.get_by_test_id("score-failure")
        journey = page.get_by_role("navigation", name="Your journey")
        step = journey.get_by_role("listitem").filter(has_text="Keep offers in your notebook")
        with text_metadata_outage(server.data_dir):
            detail.get_by_role("button", name="Score this posting").click()
            expect(failure).to_be_visible(timeout=SLOW)
        # Through the real dead-letter path: every attempt the queue allows was spent.
        [letter] = score_letters(server)
        assert letter["attempts"] == TOPOLOGY.queue_for(ScoreTask.__name__).retry.max_attempts
        expect(failure).to_have_attribute("data-next-action", "retry")
        expect(failure).to_contain_text(
            "Scoring failed (INTERNAL). We could not score this posting after several attempts."
        )
        expect(failure).to_contain_text("Retry scoring to try again.")
        expect(card).to_contain_text("scoring failed")
        expect(detail.get_by_text("scoring failed", exact=True)).to_be_visible()
        expect(step).to_have_attribute("data-state", "failed", timeout=SLOW)  # the header polls
        expect(journey.get_by_role("status")).to_contain_text("(INTERNAL). It failed on our side: retry it.")
        steps.shot("score failed")
        assert serious_violations(page) == [], "axe on a failed score"

        retry = detail.get_by_role("button", name="Retry scoring")
        with page.expect_response(re.compile(r"/api/notebook/[^/]+:score$")) as sent:
            retry.click()
        assert (sent.value.request.method, sent.value.status) == ("POST", 202)
        expect(failure).to_be_hidden(timeout=SLOW)
        expect(card).to_contain_text(re.compile(r"score \d+"), timeout=SLOW)
        expect(card).not_to_contain_text("scoring failed")
        expect(detail.get_by_role("region", name="Score explanation")).to_contain_text("heuristic")
        expect(detail.get_by_role("button", name="Re-score")).to_be_enabled()
        expect(step).to_have_attribute("data-state", "done", timeout=SLOW)  # the header polls
        steps.shot("scored after retry")
