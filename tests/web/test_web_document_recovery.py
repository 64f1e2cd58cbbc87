"""A user recovers failed documents in the browser: unlocks a password-protected CV, and
retries one whose extraction was dead-lettered during a storage outage."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from playwright.sync_api import expect

from tests.e2e.local_server import Server
from tests.web.browser import Steps, serious_violations
from tests.web.outages import break_text_bucket
from tests.web.session import use_dev_token

pytestmark = pytest.mark.web

CV = "fullstack-dev_john-doe_latex_2p.pdf"
OTHER_CV = "frontend-dev_barry-allen_moderncv_1p.pdf"
PASSWORD = "harbour-" + "lights-42"
SLOW = 90_000


def encrypted_copy(source: Path, folder: Path) -> Path:
    """The kit CV saved again with AES-256 and a user password (made at test time, not committed)."""
    target = folder / f"locked-{source.name}"
    with pymupdf.open(source) as doc:
        doc.save(target, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=PASSWORD, owner_pw=PASSWORD)
    return target


class TestDocumentRecovery:
    def test_unlock_a_password_protected_cv(
        self, quick_retry_server: Server, steps: Steps, shared_data_module: Path, tmp_path: Path
    ) -> None:
        server, page = quick_retry_server, steps.page
        use_dev_token(page, server, "locked-user")
        locked = encrypted_copy(shared_data_module / "resumes" / CV, tmp_path)

        page.goto(server.url + "/documents")
        page.locator("#cv-file").set_input_files(str(locked))
        document = page.get_by_test_id("document").filter(has_text=locked.name)
        failure = document.get_by_test_id("document-failure")
        expect(failure).to_contain_text("password-protected", timeout=SLOW)
        expect(page.get_by_role("navigation", name="Your journey")).to_contain_text("give it to unlock")
        steps.shot("document locked")
        assert serious_violations(page) == [], "axe on a locked document"

        failure.get_by_label("PDF password").fill("not the password")
        failure.get_by_role("button", name="Unlock").click()
        expect(failure).to_contain_text("The password does not open this PDF.")
        failure.get_by_label("PDF password").fill(PASSWORD)
        failure.get_by_role("button", name="Unlock").click()

        expect(document).to_contain_text("Text extracted", timeout=SLOW)
        steps.shot("document unlocked")
        logs = "".join(p.read_text(errors="replace") for p in (server.data_dir.parent / "logs").glob("*"))
        assert PASSWORD not in logs

    def test_retry_a_document_whose_extraction_was_dead_lettered(
        self, quick_retry_server: Server, steps: Steps, shared_data_module: Path
    ) -> None:
        server, page = quick_retry_server, steps.page
        use_dev_token(page, server, "retry-user")
        blocker = break_text_bucket(server.data_dir)

        page.goto(server.url + "/documents")
        page.locator("#cv-file").set_input_files(str(shared_data_module / "resumes" / OTHER_CV))
        document = page.get_by_test_id("document").filter(has_text=OTHER_CV)
        expect(document.get_by_role("button", name="Retry")).to_be_visible(timeout=SLOW)
        steps.shot("document failed with retry")

        blocker.unlink()  # the outage is over
        document.get_by_role("button", name="Retry").click()

        expect(document).to_contain_text("Text extracted", timeout=SLOW)
        steps.shot("document retried")
