"""Every screen on a phone (375 x 812) and on a desktop (1280 x 900): no sideways page scroll,
the main controls on screen and not covered, and no serious or critical axe violation.

One stack per module: an operator crawls a local board and a user's CV becomes a profile,
matches and two notebook entries (one moved on to 'applied'), all over the API; each test
then opens one screen in a fresh browser context of its size.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.local_server import Server
from tests.web.browser import Steps, serious_violations
from tests.web.seed import CV, SeededUser, crawled_board, user_with_matches

pytestmark = pytest.mark.web

PHONE = (375, 812)
DESKTOP = (1280, 900)


@dataclass(frozen=True)
class World:
    server: Server
    user: SeededUser
    operator_token: str


@pytest.fixture(scope="module")
def world(web_server: Server, shared_data_module: Path) -> Iterator[World]:
    with crawled_board(web_server, shared_data_module):
        user = user_with_matches(web_server, shared_data_module, "screens-user")
        operator = web_server.token("screens-ops", "--email", "screens-ops@example.com", "--role", "operator")
        yield World(web_server, user, operator)


def sign_in_as(page: Page, server: Server, uid: str, token: str, role: str) -> None:
    session = {"mode": "local", "token": token, "uid": uid, "email": f"{uid}@example.com", "role": role}
    page.goto(server.url + "/sign-in")
    page.evaluate("s => localStorage.setItem('career.session', s)", json.dumps(session))


Controls = Callable[[Page, World], list[Locator]]


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    who: str  # "nobody", "user" or "operator"
    ready: Callable[[Page, World], Locator]
    controls: Controls


def _main_nav(page: Page) -> list[Locator]:
    nav = page.get_by_role("navigation", name="Main")
    return [nav.get_by_role("link", name=name, exact=True) for name in ("Inputs", "Matches", "Notebook")] + [
        page.get_by_role("button", name="Sign out")
    ]


def _saved_entry(page: Page, world: World) -> Locator:
    return page.get_by_test_id("entry").filter(has_text=world.user.saved_titles[1])


def _open_table(page: Page, world: World) -> Locator:
    page.get_by_role("tab", name="Table").click()
    return page.get_by_role("tabpanel", name="Table").get_by_role("table")


SCREENS = [
    Screen(
        "sign-in",
        "/sign-in",
        "nobody",
        lambda p, w: p.get_by_role("heading", name="Sign in"),
        lambda p, w: [
            p.get_by_label("E-mail"),
            p.get_by_label("Password"),
            p.get_by_role("button", name="Sign in"),
            p.get_by_role("link", name="Forgot your password?"),
            p.get_by_role("link", name="Create an account"),
        ],
    ),
    Screen(
        "sign-up",
        "/sign-up",
        "nobody",
        lambda p, w: p.get_by_role("heading", name="Create your account"),
        lambda p, w: [
            p.get_by_label("Your name"),
            p.get_by_label("Password"),
            p.get_by_role("button", name="Create account"),
        ],
    ),
    Screen(
        "inputs",
        "/inputs",
        "user",
        lambda p, w: p.get_by_label("Target roles"),
        lambda p, w: [
            *_main_nav(p),
            p.get_by_label("Target roles"),
            p.get_by_label("Remote preference"),
            p.get_by_role("button", name="Save inputs"),
        ],
    ),
    Screen(
        "documents",
        "/documents",
        "user",
        lambda p, w: p.get_by_test_id("document").filter(has_text=CV),
        lambda p, w: [
            *_main_nav(p),
            p.locator("label[for=cv-file]"),
            p.get_by_test_id("document").get_by_role("button", name=f"Delete {CV}"),
        ],
    ),
    Screen(
        "profile",
        "/profile",
        "user",
        lambda p, w: p.get_by_role("heading", name="Skills and evidence"),
        lambda p, w: [
            *_main_nav(p),
            p.get_by_role("complementary", name="Version history").get_by_role("button").first,
            p.get_by_text("Edit and refine this profile"),
        ],
    ),
    Screen(
        "matches",
        "/matches",
        "user",
        lambda p, w: p.get_by_test_id("match").first,
        lambda p, w: [
            *_main_nav(p),
            p.get_by_label("Minimum score (0-100)"),
            p.get_by_role("button", name="Apply filters"),
            p.get_by_test_id("match").first.get_by_role("button", name="Why this score?"),
            p.get_by_test_id("match").nth(2).get_by_role("button", name="Save to notebook"),
        ],
    ),
    Screen(
        "notebook-board",
        "/notebook",
        "user",
        _saved_entry,
        lambda p, w: [
            *_main_nav(p),
            p.get_by_role("tab", name="Table"),
            _saved_entry(p, w).get_by_role("button", name=w.user.saved_titles[1], exact=True),
            _saved_entry(p, w).get_by_label(f"Status of {w.user.saved_titles[1]}"),
            _saved_entry(p, w).get_by_role("button", name=f"Move {w.user.saved_titles[1]}"),
            p.get_by_test_id("entry").filter(has_text=w.user.saved_titles[0]).first,
        ],
    ),
    Screen(
        "notebook-table",
        "/notebook",
        "user",
        _open_table,
        lambda p, w: [
            p.get_by_role("row").filter(has_text=w.user.saved_titles[1]).get_by_role("button").first,
            p.get_by_label(f"Status of {w.user.saved_titles[1]}"),
        ],
    ),
    Screen(
        "settings",
        "/settings",
        "user",
        lambda p, w: p.get_by_role("heading", name="Account settings"),
        lambda p, w: [
            *_main_nav(p),
            p.get_by_role("button", name="Export my data"),
            p.get_by_label("Type DELETE to confirm"),
            p.get_by_role("button", name="Delete my account"),
        ],
    ),
    Screen(
        "console-sources",
        "/console/sources",
        "operator",
        lambda p, w: p.get_by_role("button", name="Crawl remotive-web now"),
        lambda p, w: [
            p.get_by_role("navigation", name="Main").get_by_role("link", name="Dead letters"),
            p.get_by_text("Add a source"),
            p.get_by_role("button", name="Crawl remotive-web now"),
        ],
    ),
    Screen(
        "console-runs",
        "/console/runs",
        "operator",
        lambda p, w: p.get_by_role("button", name="remotive-web").first,
        lambda p, w: [
            p.get_by_label("Status"),
            p.get_by_role("button", name="remotive-web").first,
        ],
    ),
    Screen(
        "console-dead-letters",
        "/console/dead-letters",
        "operator",
        lambda p, w: p.get_by_role("heading", name="Dead letters"),
        lambda p, w: [
            p.get_by_label("Channel"),
            p.get_by_role("button", name="Replay all matching the filters"),
        ],
    ),
]

_COVERED = """el => {
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !(hit && (hit === el || el.contains(hit) || (el.control && el.control === hit)));
}"""


def assert_usable(page: Page, control: Locator, width: int) -> None:
    """On screen horizontally without scrolling sideways, and not covered by anything."""
    expect(control).to_be_visible()
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    assert box is not None, control
    assert box["x"] >= 0, f"{control} starts left of the window ({box})"
    assert box["x"] + box["width"] <= width + 0.5, f"{control} ends right of the window ({box})"
    assert not control.evaluate(_COVERED), f"{control} is covered by another element"


def assert_journey_in_view(page: Page, width: int) -> None:
    """Every journey step, the current one included, is inside the window as the page opens."""
    steps = page.get_by_role("navigation", name="Your journey").get_by_role("link")
    expect(steps.first).to_be_visible()
    for step in steps.all():
        box = step.bounding_box()
        assert box is not None, step
        inside = box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        assert inside, f"journey step {step.inner_text()!r} is outside the {width} px window ({box})"


def _cases() -> list[object]:
    return [
        pytest.param(screen, id=f"{screen.name}-{w}", marks=pytest.mark.viewport(w, h))
        for (w, h) in (PHONE, DESKTOP)
        for screen in SCREENS
    ]


class TestScreens:
    @pytest.mark.parametrize("screen", _cases())
    def test_fits_the_window_with_its_controls_usable(
        self, world: World, screen: Screen, steps: Steps
    ) -> None:
        page = steps.page
        width = page.viewport_size["width"] if page.viewport_size else DESKTOP[0]
        if screen.who == "user":
            sign_in_as(page, world.server, world.user.uid, world.user.token, "user")
        elif screen.who == "operator":
            sign_in_as(page, world.server, "screens-ops", world.operator_token, "operator")
        page.goto(world.server.url + screen.path)
        expect(screen.ready(page, world)).to_be_visible(timeout=30_000)
        page.wait_for_load_state("networkidle")
        steps.shot(f"{screen.name} {width}")
        page.screenshot(path=str(steps.folder / f"{screen.name}-{width}-first-screen.png"))

        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        assert scroll_width <= width, f"{screen.name} scrolls sideways: {scroll_width} px wide in {width}"
        for control in screen.controls(page, world):
            assert_usable(page, control, width)
        if screen.who == "user":
            assert_journey_in_view(page, width)
        assert serious_violations(page) == [], f"axe on {screen.name} at {width} px"
