"""Emulated mode in a browser: the Firebase JS SDK signs in against the Auth emulator.

``make run-emulated``'s command (``scripts/emulators.py run``) starts the emulators and every
function; the web app is built with the Firebase variables pointing at that run's Auth
emulator and served with the API and ops prefixes passed to the functions, as Firebase
Hosting's rewrites do. A user signs up (our API creates the Firebase user), verifies with the
code from the outbox, signs in through the SDK and works on the journey with the emulator's
ID tokens. One test: the run alone costs a minute or more on a busy two-core machine.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.test_emulated_run import EmulatedRun, emulated_run
from tests.emulators.catalog import PROJECT
from tests.emulators.process import REPO
from tests.web.browser import Steps, serious_violations
from tests.web.hosting import HostingFront, build_for_firebase
from tests.web.session import code_from_outbox

pytestmark = [pytest.mark.web, pytest.mark.emulator(own_stack=True), pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def emulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatedRun]:
    with emulated_run(tmp_path_factory.mktemp("emulated-web")) as run:
        yield run


@pytest.fixture(scope="module")
def hosting(emulated: EmulatedRun, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostingFront]:
    auth = emulated.variables["FIREBASE_AUTH_EMULATOR_HOST"]
    dist = build_for_firebase(
        tmp_path_factory.mktemp("web-firebase") / "dist", project=PROJECT, auth_emulator=f"http://{auth}"
    )
    functions = emulated.variables["API_URL"].removesuffix("/api")
    front = HostingFront(dist, functions).start()
    try:
        yield front
    finally:
        front.stop()


class TestFirebaseSignIn:
    def test_sign_up_verify_and_sign_in_through_the_sdk_then_the_journey(
        self, hosting: HostingFront, steps: Steps
    ) -> None:
        page = steps.page
        # The outbox (.data/outbox under the repository) outlives runs: a fresh address each time.
        email, password = f"fia.{secrets.token_hex(4)}@example.com", "signed in by the emulator"
        sdk_calls: list[str] = []
        page.on("request", lambda r: sdk_calls.append(r.url) if "identitytoolkit" in r.url else None)

        page.goto(hosting.url + "/sign-up")
        page.get_by_label("Your name").fill("Fia Firebase")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("heading", name="Verify your e-mail")).to_be_visible(timeout=60_000)
        code = code_from_outbox(REPO / ".data", email, subject="verification code", timeout_s=120)
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

        journey = page.get_by_role("navigation", name="Your journey")
        expect(journey).to_contain_text("Tell us what you are looking for", timeout=60_000)
        session = page.evaluate("JSON.parse(localStorage.getItem('career.session'))")
        assert session["mode"] == "firebase"
        assert session["email"] == email
        assert any("accounts:signInWithPassword" in url for url in sdk_calls), sdk_calls
        steps.shot("signed in by the Auth emulator")

        page.get_by_label("Target roles").fill("Site Reliability Engineer")
        page.get_by_role("button", name="Save inputs").click()
        expect(page.get_by_text("Saved.")).to_be_visible(timeout=60_000)
        page.reload()  # the SDK restores the user from its own storage
        expect(page.get_by_label("Target roles")).to_have_value("Site Reliability Engineer", timeout=60_000)
        inputs_step = journey.get_by_role("listitem").filter(has_text="Tell us what you are looking for")
        expect(inputs_step).to_contain_text("done")
        assert serious_violations(page) == [], "axe on inputs (emulated)"
        steps.shot("inputs saved with an emulator token")
