"""The main flow from the keyboard alone: Tab, Shift+Tab, Enter, Space and arrows, no mouse.

Sign up, verify with the mailed code, set inputs, upload a CV (the file chooser opened with
Space on the focused file input), reach the matches, save one to the notebook and move it on
with the status menu. Every control the focus reaches must show a focus indicator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.local_server import Server
from tests.web.browser import Steps, serious_violations
from tests.web.keyboard import Keyboard
from tests.web.seed import CV, crawled_board, wait_for_matches
from tests.web.session import code_from_outbox

pytestmark = pytest.mark.web
SLOW = 120_000


@pytest.fixture(scope="module")
def crawled(web_server: Server, shared_data_module: Path) -> Iterator[Server]:
    with crawled_board(web_server, shared_data_module):
        yield web_server


def accessible(page: Page, where: str) -> None:
    assert serious_violations(page) == [], f"axe on {where}"


class TestKeyboardOnly:
    def test_sign_up_to_a_moved_notebook_entry_without_a_mouse(
        self, crawled: Server, steps: Steps, shared_data_module: Path
    ) -> None:
        server, page = crawled, steps.page
        keys = Keyboard(page)
        email, password = "kai.keys@example.com", "typing all the way through"

        page.goto(server.url + "/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        keys.tab_to(page.get_by_role("link", name="Skip to content"))  # the first stop
        keys.tab_to(page.get_by_role("link", name="Create an account"))
        keys.press("Enter")
        expect(page.get_by_role("heading", name="Create your account")).to_be_visible()

        keys.tab_to(page.get_by_label("Your name"))
        keys.type("Kai Keys")
        keys.tab_to(page.get_by_label("E-mail"))
        keys.type(email)
        keys.tab_to(page.get_by_label("Password"))
        keys.type(password)
        steps.shot("sign up")
        accessible(page, "sign up")
        keys.press("Enter")  # submits the form
        expect(page.get_by_role("heading", name="Verify your e-mail")).to_be_visible()

        keys.tab_to(page.get_by_label("Code"))
        accessible(page, "verify")
        keys.type(code_from_outbox(server.data_dir, email, subject="verification code"))
        keys.press("Enter")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        keys.tab_to(page.get_by_label("Password"))
        keys.type(password)
        keys.press("Enter")

        expect(page.get_by_role("heading", name="What you are looking for")).to_be_visible()
        keys.tab_to(page.get_by_label("Target roles"))
        accessible(page, "inputs")
        keys.type("Software Engineer\nBackend Engineer")
        keys.tab_to(page.get_by_label("Preferred locations"))
        keys.type("Berlin")
        remote = page.get_by_label("Remote preference")
        keys.tab_to(remote)
        keys.press("End")  # arrows and Home/End walk a closed select
        keys.press("Home")
        expect(remote).to_have_value("any")
        keys.tab_to(page.get_by_role("button", name="Save inputs"))
        keys.press("Enter")
        expect(page.get_by_text("Saved.")).to_be_visible()
        steps.shot("inputs saved")

        keys.tab_to(page.get_by_role("link", name="Next: upload your CV"))
        keys.press("Enter")
        expect(page.get_by_role("heading", name="Your CV documents")).to_be_visible()
        chooser_input = page.locator("#cv-file")
        keys.tab_to(chooser_input)  # the label "Choose a PDF" shows the focus
        keys.choose_file(str(shared_data_module / "resumes" / CV))  # Space opens the chooser
        document = page.get_by_test_id("document").filter(has_text=CV)
        expect(document).to_contain_text("extracted", timeout=SLOW)
        steps.shot("document extracted")
        accessible(page, "documents")

        keys.tab_to(document.get_by_role("link", name="See your career profile"))
        keys.press("Enter")
        expect(page.get_by_role("heading", name="Skills and evidence")).to_be_visible(timeout=SLOW)
        # Focus moved to the new page's content: back up to the main navigation from there.
        token = json.loads(page.evaluate("localStorage.getItem('career.session')"))["token"]
        wait_for_matches(server, token)
        main_nav = page.get_by_role("navigation", name="Main")
        keys.tab_to(main_nav.get_by_role("link", name="Matches"), backwards=True)
        keys.press("Enter")

        first = page.get_by_test_id("match").first
        expect(first).to_be_visible(timeout=SLOW)
        keys.tab_to(first.get_by_role("button", name="Why this score?"))
        keys.press("Enter")
        expect(first.get_by_role("region", name="Explanation")).to_contain_text("Gates", timeout=SLOW)
        saved_title = first.get_by_role("link").first.inner_text()
        save = first.get_by_role("button", name="Save to notebook")
        keys.tab_to(save)
        keys.press("Space")
        saved = first.get_by_role("button", name="Saved to notebook")
        expect(saved).to_be_disabled()
        assert keys.has_focus(saved), "the focus left the pressed button"
        steps.shot("saved from matches")
        accessible(page, "matches")

        keys.tab_to(main_nav.get_by_role("link", name="Notebook"), backwards=True)
        keys.press("Enter")
        board = page.get_by_role("tabpanel", name="Board")
        column = board.get_by_role("region", name=re.compile(r"^Saved \(1\)"))
        expect(column.get_by_test_id("entry")).to_contain_text(saved_title)
        status = column.get_by_label(f"Status of {saved_title}")
        keys.tab_to(status)
        keys.press("ArrowDown")  # picks "Move to applied"; nothing moves yet
        expect(status).to_have_value("applied")
        expect(column.get_by_test_id("entry")).to_have_count(1)
        keys.tab_to(column.get_by_role("button", name=f"Move {saved_title}"))
        keys.press("Enter")

        applied = board.get_by_role("region", name=re.compile(r"^Applied \(1\)"))
        expect(applied.get_by_test_id("entry")).to_contain_text(saved_title)
        entry_title = applied.get_by_role("button", name=saved_title, exact=True)
        expect(entry_title).to_be_focused()  # the focus followed the entry to its new column
        keys.check_focus()
        announced = page.get_by_role("status").filter(has_text=f"Moved {saved_title} to Applied.")
        expect(announced).to_be_attached()
        steps.shot("moved to applied")
        accessible(page, "notebook board")

        keys.press("Enter")  # opens the entry
        detail = page.get_by_role("region", name=f"Entry {saved_title}")
        expect(detail).to_be_visible()
        keys.tab_to(detail.get_by_label("Notes"))
        keys.type("Applied without touching the mouse.")
        keys.tab_to(detail.get_by_role("button", name="Save notes"))
        keys.press("Enter")
        expect(detail.get_by_text("Saved.")).to_be_visible()

        tags = {stop["tag"] for stop in keys.stops}
        assert {"a", "input", "textarea", "select", "button"} <= tags, tags
