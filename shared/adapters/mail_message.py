"""The one way both mailers build a message (the outbox and SMTP send the same bytes)."""

from __future__ import annotations

import email.policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from shared.domain.errors import InvalidInput


def build_message(sender: str, to: str, subject: str, body: str, html: str | None) -> EmailMessage:
    """One RFC 5322 message, plain text with an optional HTML alternative.

    InvalidInput for a recipient that is not an address or a header that would span lines.
    """
    if "@" not in to or any(ch in to + subject + sender for ch in "\r\n"):
        raise InvalidInput("recipient must be an address and headers must be single lines")
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    domain = sender.rpartition("@")[2].strip(" >") or "career.localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message
