"""Account mail: queued from the request (never sent inline), delivered by the mail task.

The request seals the recipient and the code into the task payload (the Sealer port), so
neither appears in the queue's logs or in a dead letter; the envelope expires with the code.
The task decides whether to send at all: the code must still be live and the account must be
in the state the purpose needs (an unverified account for EMAIL_REGISTER, an enabled account
for PASSWORD_RESET). That keeps the request path identical for known and unknown e-mails.
"""

from __future__ import annotations

import json
from typing import Any

from shared.channels import enqueue
from shared.channels.mail import OtpMail
from shared.domain.accounts import mask_email
from shared.domain.errors import InvalidInput
from shared.domain.mail_templates import render_code_mail
from shared.domain.otp import CODE_TTL, OtpPurpose
from shared.ports import Identity, Mailer, Sealer, TaskQueue
from shared.services.otp import OneTimeCodes


class AccountMail:
    """Queues one-time-code mail."""

    def __init__(self, tasks: TaskQueue, sealer: Sealer) -> None:
        self._tasks = tasks
        self._sealer = sealer

    def queue_code(self, email: str, purpose: OtpPurpose, code: str) -> None:
        """Enqueue the mail carrying ``code``; the payload holds it only sealed."""
        sealed = self._sealer.seal(json.dumps({"to": email, "code": code}).encode())
        enqueue(self._tasks, OtpMail(purpose=purpose, sealed=sealed))


class MailDelivery:
    """The mail task: open the envelope, decide, render, send."""

    def __init__(self, mailer: Mailer, sealer: Sealer, identity: Identity, one_time_codes: OneTimeCodes):
        self._mailer = mailer
        self._sealer = sealer
        self._identity = identity
        self._codes = one_time_codes

    def deliver(self, message: OtpMail) -> dict[str, Any]:
        """Send the mail, or skip it; the result names no address and no code."""
        try:
            envelope = json.loads(self._sealer.unseal(message.sealed, max_age=CODE_TTL))
            to, code = str(envelope["to"]), str(envelope["code"])
        except (ValueError, KeyError, TypeError):
            raise InvalidInput("mail envelope is invalid or its code has expired") from None
        if not self._codes.is_live(to, message.purpose, code):
            return {"outcome": "skipped", "reason": "code superseded, used or expired"}
        user = self._identity.user_by_email(to)
        if user is None or user.disabled:
            return {"outcome": "skipped", "reason": "no account"}
        if message.purpose is OtpPurpose.EMAIL_REGISTER and user.email_verified:
            return {"outcome": "skipped", "reason": "already verified"}
        mail = render_code_mail(message.purpose, code)
        self._mailer.send(to, mail.subject, mail.text, mail.html)
        return {"outcome": "sent", "to": mask_email(to), "purpose": message.purpose.value}
