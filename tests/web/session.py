"""Signing a browser in, as the app does once the account routes answer."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from playwright.sync_api import Page

from shared.adapters.local.outbox_mailer import OutboxMailer
from tests.e2e.local_server import Server


def use_dev_token(page: Page, server: Server, uid: str, *, role: str = "user") -> None:
    """Store a session for a dev token minted by ``career token``, as local sign-in does."""
    token = server.token(uid, "--email", f"{uid}@example.com", "--role", role)
    session = {"mode": "local", "token": token, "uid": uid, "email": f"{uid}@example.com", "role": role}
    page.goto(server.url + "/sign-in")
    page.evaluate("s => localStorage.setItem('career.session', s)", json.dumps(session))


def code_from_outbox(data_dir: Path, to: str, *, subject: str = "", timeout_s: float = 60) -> str:
    """The 6-digit code of the newest message to ``to`` (whose subject has ``subject``) in the
    local outbox."""
    outbox = OutboxMailer(data_dir / "outbox")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for message in reversed(outbox.sent()):
            if message["To"] == to and subject in str(message["Subject"]):
                body = message.get_body(preferencelist=("plain",))
                found = re.search(r"\b(\d{6})\b", body.get_content() if body else "")
                if found:
                    return found.group(1)
        time.sleep(0.25)
    raise AssertionError(f"no code for {to} in the outbox after {timeout_s} s")
