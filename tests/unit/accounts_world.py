"""The accounts slice as a user meets it: the api routes over HTTP, the mail queue feeding the
send_mail function, the local identity and the outbox, all on one local container."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.outbox_mailer import OutboxMailer
from shared.api.routes import api_routes
from shared.bootstrap import Container
from shared.config import Settings
from shared.localstack.function_feed import register_functions
from shared.topology import TOPOLOGY
from tests.support.http import client_for

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
PASSWORD = "a long enough passphrase"
SUBJECTS = {"EMAIL_REGISTER": "verification code", "PASSWORD_RESET": "password reset code"}


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


class AccountsWorld:
    """One local backend with the api and the task functions wired like `career serve`."""

    def __init__(self, settings: Settings, **ports: Any) -> None:
        # Wall-clock start: dev tokens are checked against real time; tests move it forward.
        self.clock = ManualClock(datetime.now(UTC))
        self.settings = settings
        self.container = Container(settings, clock=self.clock, **ports)
        bootstrap.install(self.container)
        register_functions(self.container.delivery, TOPOLOGY, FUNCTIONS, project=settings.project_id)
        self.client: FlaskClient = client_for(api_routes(), self.container, name="api")
        self._ip = 0

    def close(self) -> None:
        bootstrap.install(None)
        self.container.close()

    # ------------------------------------------------------------------ http
    def fresh_ip(self) -> str:
        self._ip += 1
        return f"198.51.100.{self._ip % 250 + 1}"

    def post(
        self, path: str, body: dict[str, Any], *, ip: str | None = None, token: str | None = None
    ) -> Any:
        headers = {"X-Forwarded-For": f"10.0.0.1, {ip or self.fresh_ip()}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.post(path, json=body, headers=headers)

    def get(self, path: str, token: str) -> Any:
        return self.client.get(path, headers={"Authorization": f"Bearer {token}"})

    def put(self, path: str, body: dict[str, Any], token: str) -> Any:
        return self.client.put(path, json=body, headers={"Authorization": f"Bearer {token}"})

    # ------------------------------------------------------------------ mail
    @property
    def outbox(self) -> OutboxMailer:
        mailer = self.container.mailer
        assert isinstance(mailer, OutboxMailer)
        return mailer

    def deliver(self) -> None:
        self.container.delivery.drain()

    def mails_to(self, email: str) -> list[EmailMessage]:
        self.deliver()
        return [m for m in self.outbox.sent() if m["To"] == email]

    def code_for(self, email: str, purpose: str) -> str:
        """The code in the latest mail of ``purpose`` to ``email``."""
        mails = [m for m in self.mails_to(email) if SUBJECTS[purpose] in str(m["Subject"])]
        assert mails, f"no {purpose} mail to {email}"
        body = mails[-1].get_body(preferencelist=("plain",))
        assert body is not None
        match = re.search(r"\b(\d{6})\b", body.get_content())
        assert match is not None
        return match.group(1)

    # ------------------------------------------------------------------ journeys
    def sign_up(self, email: str, password: str = PASSWORD) -> None:
        response = self.post("/auth/sign-up", {"email": email, "password": password, "display_name": "Jane"})
        assert response.status_code == 202, response.get_json()

    def sign_in(self, email: str, password: str = PASSWORD) -> str:
        response = self.post("/auth/sign-in", {"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        token: str = response.get_json()["id_token"]
        return token

    def verified_user(self, email: str | None = None) -> tuple[str, str]:
        """A signed-up, verified account: (e-mail, token)."""
        email = email or new_email()
        self.sign_up(email)
        code = self.code_for(email, "EMAIL_REGISTER")
        response = self.post("/auth/email:verify", {"email": email, "code": code})
        assert response.status_code == 200, response.get_json()
        return email, self.sign_in(email)
