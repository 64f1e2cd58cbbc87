"""The whole journey in a browser, as a user and an operator would walk it, on ``career serve``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.local_server import Server
from tests.support.job_board_server import JobBoardServer, Reply, running
from tests.web.browser import Steps, serious_violations
from tests.web.session import code_from_outbox, use_dev_token

pytestmark = pytest.mark.web

PAYLOAD = "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json"
CV = "senior-swe_two-column_chromium_1p.pdf"
SLOW = 90_000  # ms: extraction, profile and matching run through the local queue


@pytest.fixture(scope="module")
def board(shared_data_module: Path) -> Iterator[JobBoardServer]:
    """A local job board serving the kit's remotive payload."""
    with running() as server:
        server.script(
            "/api/remote-jobs",
            Reply(
                200,
                (shared_data_module / "job-sources" / PAYLOAD).read_bytes(),
                {"Content-Type": "application/json"},
            ),
        )
        yield server


def accessible(page: Page, where: str) -> None:
    """0 serious or critical axe violations on the current page."""
    assert serious_violations(page) == [], f"axe on {where}"


def crawl_as_operator(browser: Browser, server: Server, board: JobBoardServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        use_dev_token(page, server, "ops-web", role="operator")
        page.goto(server.url + "/console/sources")
        page.get_by_text("Add a source").click()
        page.get_by_label("Kind").select_option("remotive")
        page.get_by_label("Board").fill("all")
        page.get_by_label("Id (optional)").fill("remotive-web")
        page.get_by_label("Base URL (optional)").fill(board.base_url)
        page.get_by_role("button", name="Save source").click()
        page.get_by_role("button", name="Crawl remotive-web now").click()
        expect(page.get_by_text("Crawl started.")).to_be_visible()
        accessible(page, "operator sources")
        page.get_by_role("link", name="Runs").click()
        expect(page.get_by_role("cell", name="completed", exact=True).first).to_be_visible(timeout=SLOW)
        accessible(page, "operator runs")
    finally:
        context.close()


class TestUserJourney:
    def test_inputs_upload_profile_matches_in_the_browser(
        self,
        web_server: Server,
        browser: Browser,
        board: JobBoardServer,
        steps: Steps,
        shared_data_module: Path,
    ) -> None:
        crawl_as_operator(browser, web_server, board)
        page = steps.page
        email, password = "jo.web@example.com", "a long walk to the harbour"

        page.goto(web_server.url + "/")
        page.get_by_role("link", name="Create an account").click()
        page.get_by_label("Your name").fill("Jo Web")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        steps.shot("sign up")
        accessible(page, "sign up")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("heading", name="Verify your e-mail")).to_be_visible()
        page.get_by_label("Code").fill(code_from_outbox(web_server.data_dir, email))
        accessible(page, "verify")
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_label("E-mail")).to_have_value(email)
        page.get_by_label("Password").fill(password)
        accessible(page, "sign in")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("navigation", name="Your journey")).to_contain_text(
            "Tell us what you are looking for"
        )
        page.get_by_label("Target roles").fill("Software Engineer\nBackend Engineer")
        page.get_by_label("Preferred locations").fill("Berlin")
        page.get_by_label("Remote preference").select_option("any")
        page.get_by_role("button", name="Save inputs").click()
        expect(page.get_by_text("Saved.")).to_be_visible()
        steps.shot("inputs saved")
        accessible(page, "inputs")

        page.get_by_role("link", name="Next: upload your CV").click()
        expect(page.get_by_role("heading", name="Your CV documents")).to_be_visible()
        page.locator("#cv-file").set_input_files(str(shared_data_module / "resumes" / CV))
        document = page.get_by_test_id("document").filter(has_text=CV)
        expect(document).to_contain_text("extracted", timeout=SLOW)
        steps.shot("document extracted")
        accessible(page, "documents")

        document.get_by_role("link", name="See your career profile").click()
        expect(page.get_by_role("heading", name="Skills and evidence")).to_be_visible(timeout=SLOW)
        expect(page.get_by_role("table").first.locator("tbody tr").first).to_be_visible()
        steps.shot("profile")
        accessible(page, "profile")

        page.get_by_role("link", name="Matches", exact=True).click()
        first = page.get_by_test_id("match").first
        for _ in range(60):  # matching runs after the profile: reload until it has
            if first.is_visible():
                break
            page.wait_for_timeout(1_000)
            page.reload()
        expect(first).to_be_visible()
        first.get_by_role("button", name="Why this score?").click()
        expect(first.get_by_role("region", name="Explanation")).to_contain_text("Gates", timeout=SLOW)
        steps.shot("matches with an explanation")
        accessible(page, "matches")

        saved_title = first.get_by_role("link").first.inner_text()
        first.get_by_role("button", name="Save to notebook").click()
        expect(first.get_by_role("button", name="Saved to notebook")).to_be_disabled()

        everything = page.get_by_test_id("match").count()
        page.get_by_label("Minimum score (0-100)").fill("50")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_test_id("match")).not_to_have_count(everything)
        scores = [int(re.sub(r"\D", "", text)) for text in page.get_by_test_id("score").all_inner_texts()]
        assert scores, "no offer scores 50 or more"
        assert all(score >= 50 for score in scores)
        steps.shot("matches filtered")

        page.get_by_role("link", name="Notebook", exact=True).click()
        board = page.get_by_role("tabpanel", name="Board")
        saved = board.get_by_role("region", name=re.compile(r"^Saved \(1\)"))
        expect(saved.get_by_test_id("entry")).to_contain_text(saved_title)
        saved.get_by_label(f"Status of {saved_title}").select_option("applied")
        saved.get_by_role("button", name=f"Move {saved_title}").click()
        applied = board.get_by_role("region", name=re.compile(r"^Applied \(1\)"))
        expect(applied.get_by_test_id("entry")).to_contain_text(saved_title)
        accessible(page, "notebook board")

        applied.get_by_role("button", name=saved_title, exact=True).click()
        detail = page.get_by_role("region", name=f"Entry {saved_title}")
        detail.get_by_label("Notes").fill("Asked Sam for a referral.")
        detail.get_by_label("Tags").fill("Referral, remote")
        detail.get_by_role("button", name="Save notes").click()
        expect(detail.get_by_text("Saved.")).to_be_visible()
        detail.get_by_role("button", name="Score this posting").click()
        explanation = detail.get_by_role("region", name="Score explanation")
        expect(explanation).to_contain_text("by the heuristic provider", timeout=SLOW)
        expect(detail.get_by_role("button", name="Re-score")).to_be_enabled(timeout=SLOW)
        expect(detail.get_by_role("table").last).to_contain_text("heuristic")
        steps.shot("notebook entry scored")
        accessible(page, "notebook entry")

        page.get_by_role("tab", name="Table").click()
        table = page.get_by_role("tabpanel", name="Table")
        expect(table.get_by_role("row", name=re.compile(re.escape(saved_title)))).to_contain_text("referral")
        steps.shot("notebook table")
