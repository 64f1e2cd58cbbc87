"""mail (queue): send one one-time code, sealed."""

from __future__ import annotations

from pydantic import Field

from shared.channels import Message
from shared.domain.otp import OtpPurpose


class OtpMail(Message):
    """mail: send one one-time code.

    Neither the address nor the code appear in clear: ``sealed`` is an authenticated,
    encrypted envelope (the Sealer port) that expires with the code, because task payloads
    reach the queue's logs and, after the last attempt, the dead-letter view
    (docs/decisions/0131-one-time-codes.md).
    """

    purpose: OtpPurpose
    sealed: str = Field(min_length=1, max_length=4096)
