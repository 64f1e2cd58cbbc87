"""Account screens in a browser: forgot password → reset, export my data, delete my account."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.local_server import Server
from tests.web.browser import Steps, serious_violations
from tests.web.session import code_from_outbox

pytestmark = pytest.mark.web

RESET_SUBJECT = "password reset code"


def accessible(page: Page, where: str) -> None:
    """0 serious or critical axe violations on the current page."""
    assert serious_violations(page) == [], f"axe on {where}"


def sign_up_and_verify(page: Page, server: Server, name: str, email: str, password: str) -> None:
    """Create an account and verify it with the code from the local outbox; ends on Sign in."""
    page.goto(server.url + "/sign-up")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Verify your e-mail")).to_be_visible()
    page.get_by_label("Code").fill(code_from_outbox(server.data_dir, email, subject="verification code"))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in(page: Page) -> None:
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


class TestPasswordReset:
    def test_forgot_password_reset_with_the_mailed_code_then_sign_in_with_the_new_one(
        self, web_server: Server, steps: Steps
    ) -> None:
        page = steps.page
        email, old, new = "rosa.reset@example.com", "the first long passphrase", "a second, newer passphrase"
        sign_up_and_verify(page, web_server, "Rosa Reset", email, old)

        page.get_by_role("link", name="Forgot your password?").click()
        expect(page.get_by_role("heading", name="Forgot your password")).to_be_visible()
        page.get_by_label("E-mail").fill(email)
        accessible(page, "forgot password")
        page.get_by_role("button", name="Send the code").click()
        expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
        expect(page.get_by_label("E-mail")).to_have_value(email)
        page.get_by_label("Code").fill(code_from_outbox(web_server.data_dir, email, subject=RESET_SUBJECT))
        page.get_by_label("New password").fill(new)
        steps.shot("reset")
        accessible(page, "reset password")
        page.get_by_role("button", name="Set password").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

        sign_in(page, email, old)  # the old password no longer works
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        steps.shot("old password refused")

        page.get_by_label("Password").fill(new)
        page.get_by_role("button", name="Sign in").click()
        signed_in(page)
        steps.shot("signed in with the new password")

    def test_a_wrong_reset_code_is_refused_and_the_password_stays(
        self, web_server: Server, steps: Steps
    ) -> None:
        page = steps.page
        email, password = "tomas.typo@example.com", "a passphrase that stays"
        sign_up_and_verify(page, web_server, "Tomas Typo", email, password)
        page.get_by_role("link", name="Forgot your password?").click()
        page.get_by_label("E-mail").fill(email)
        page.get_by_role("button", name="Send the code").click()
        real = code_from_outbox(web_server.data_dir, email, subject=RESET_SUBJECT)
        page.get_by_label("Code").fill(f"{(int(real) + 1) % 1_000_000:06d}")
        page.get_by_label("New password").fill("somebody else's passphrase")
        page.get_by_role("button", name="Set password").click()
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
        accessible(page, "reset refused")

        page.goto(web_server.url + "/sign-in")
        sign_in(page, email, password)
        signed_in(page)


class TestSettings:
    def test_export_downloads_the_users_data_as_json(self, web_server: Server, steps: Steps) -> None:
        page = steps.page
        email, password = "edda.export@example.com", "export everything please"
        sign_up_and_verify(page, web_server, "Edda Export", email, password)
        sign_in(page, email, password)
        signed_in(page)
        page.get_by_label("Target roles").fill("Data Engineer")
        page.get_by_label("Preferred locations").fill("Lisbon")
        page.get_by_role("button", name="Save inputs").click()
        expect(page.get_by_text("Saved.")).to_be_visible()

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
        expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
        expect(page.get_by_text(email)).to_be_visible()
        accessible(page, "settings")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Export my data").click()
        download = download_info.value
        assert re.fullmatch(r"career-export-.+\.json", download.suggested_filename)
        exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
        expect(page.get_by_text("Your export was downloaded.")).to_be_visible()
        steps.shot("exported")

        assert exported["identity"]["email"] == email
        dumped = json.dumps(exported["collections"])
        assert "Data Engineer" in dumped
        assert "Lisbon" in dumped
        assert exported["uid"]
        assert exported["uid"] in download.suggested_filename

    def test_delete_account_needs_confirmation_then_sign_in_fails(
        self, web_server: Server, steps: Steps
    ) -> None:
        page = steps.page
        email, password = "dario.delete@example.com", "please forget about me"
        sign_up_and_verify(page, web_server, "Dario Delete", email, password)
        sign_in(page, email, password)
        signed_in(page)
        page.goto(web_server.url + "/settings")

        delete = page.get_by_role("button", name="Delete my account")
        expect(delete).to_be_disabled()  # nothing happens before DELETE is typed
        page.get_by_label("Type DELETE to confirm").fill("DELETE")
        delete.click()
        dialog = page.get_by_role("dialog", name="Delete your account?")
        expect(dialog).to_be_visible()
        accessible(page, "delete confirmation")
        steps.shot("confirm deletion")
        dialog.get_by_role("button", name="Cancel").click()  # cancelling keeps the account
        expect(dialog).to_be_hidden()
        signed_in(page)

        delete.click()
        dialog.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
        steps.shot("deleted and signed out")

        sign_in(page, email, password)
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert page.evaluate("localStorage.getItem('career.session')") is None
        steps.shot("sign-in refused after deletion")
