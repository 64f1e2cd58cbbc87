"""Account mail: queued from the request (never sent inline), delivered by the mail task.

The request seals the recipient and the code into the task payload (the Sealer port), so
neither appears in the queue's logs or in a dead letter; the envelope expires with the code.
The task decides whether to send at all: the code must still be live, its mail not sent yet,
and the account must be in the state the purpose needs (an unverified account for
EMAIL_REGISTER, an enabled account for PASSWORD_RESET). That keeps the request path identical
for known and unknown e-mails. After sending, the task notes the code as mailed, so a
redelivered task sends nothing; only a kill between the relay's accept and that note can send
a code twice (at least once, never lost: docs/decisions/0123).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from shared.channels import enqueue
from shared.channels.mail import OtpMail
from shared.domain.accounts import mask_email
from shared.domain.errors import CareerError, InvalidInput, SealExpired
from shared.domain.mail_templates import render_code_mail
from shared.domain.otp import CODE_TTL, CodeMail, OtpPurpose
from shared.ports import Identity, Mailer, Sealer, TaskQueue
from shared.services.otp import OneTimeCodes

_log = logging.getLogger("career.mail")


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
        except SealExpired:
            # The code inside died with the envelope (an operator's late replay): obsolete work.
            return {"outcome": "skipped", "reason": "code expired"}
        except (ValueError, KeyError, TypeError):
            raise InvalidInput("mail envelope is invalid or its code has expired") from None
        state = self._codes.mail_state(to, message.purpose, code)
        if state is CodeMail.DEAD:
            return {"outcome": "skipped", "reason": "code superseded, used or expired"}
        if state is CodeMail.SENT:
            return {"outcome": "skipped", "reason": "already sent"}  # a redelivered task
        user = self._identity.user_by_email(to)
        if user is None or user.disabled:
            return {"outcome": "skipped", "reason": "no account"}
        if message.purpose is OtpPurpose.EMAIL_REGISTER and user.email_verified:
            return {"outcome": "skipped", "reason": "already verified"}
        mail = render_code_mail(message.purpose, code)
        self._mailer.send(to, mail.subject, mail.text, mail.html)
        try:
            self._codes.record_mailed(to, message.purpose, code)
        except CareerError as err:
            # The mail is out: failing the task now would only send it again. Without the note
            # a redelivery of this task (rare: the ack itself got lost) sends a second copy.
            _log.warning(
                "mail sent but not noted as sent: %s",
                err.message,
                extra={"fields": {"class": err.failure_class}},
            )
        return {"outcome": "sent", "to": mask_email(to), "purpose": message.purpose.value}
