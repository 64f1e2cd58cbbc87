"""One-time codes: issue, redeem and forget, with per-e-mail and per-client rate limits.

Every public auth route calls ``throttle_client`` first. Nothing here knows whether an account
exists for an e-mail: issuing and redeeming do the same work for any address, which is what
keeps the public routes from telling known e-mails from unknown ones.
"""

from __future__ import annotations

import re

from shared.config import Settings
from shared.domain.errors import InvalidInput, RateLimited
from shared.domain.failures import FailureClass
from shared.domain.otp import (
    CLIENT,
    ISSUE_BURST,
    ISSUE_HOURLY,
    Check,
    CodeMail,
    OtpPurpose,
    OtpRecord,
    Verdict,
    check,
    code_mac,
    limit_key,
    new_code,
    normalise_email,
    record_id,
    same_mac,
)
from shared.ports import Clock
from shared.repositories.otp_codes import OtpCodes, RateCounters

_CODE = re.compile(r"^[0-9]{6}$")
_DUMMY_MAC = "0" * 64


class CodeInvalid(InvalidInput):
    """One answer for a wrong, used, expired, killed, superseded or other-purpose code."""

    default_class = FailureClass.CODE_INVALID

    def __init__(self) -> None:
        super().__init__("the code is not valid; request a new one")


class OneTimeCodes:
    """Issues and redeems typed one-time codes."""

    def __init__(self, otp_codes: OtpCodes, rate_counters: RateCounters, clock: Clock, settings: Settings):
        self._codes = otp_codes
        self._counters = rate_counters
        self._clock = clock
        self._pepper = settings.otp_pepper_bytes()

    def throttle_client(self, client: str) -> None:
        """Count one public auth request from ``client``; RateLimited past the limit."""
        wait = self._counters.hit([(limit_key(self._pepper, CLIENT.name, client), CLIENT)], self._clock.now())
        if wait:
            raise RateLimited("too many requests; try again later", retry_after_s=wait)

    def issue(self, email: str, purpose: OtpPurpose) -> str:
        """A new code for (e-mail, purpose), superseding the previous one; RateLimited when too soon.

        The plaintext is returned for the mail step only and never stored.
        """
        address = normalise_email(email)
        keys = [
            (limit_key(self._pepper, limit.name, address, purpose.value), limit)
            for limit in (ISSUE_BURST, ISSUE_HOURLY)
        ]
        now = self._clock.now()
        wait = self._counters.hit(keys, now)
        if wait:
            raise RateLimited(
                "too many codes requested for this address; try again later", retry_after_s=wait
            )
        code = new_code()
        self._codes.replace(OtpRecord.issue(self._pepper, address, purpose, code, now))
        return code

    def redeem(self, email: str, purpose: OtpPurpose, code: str) -> None:
        """Consume the code; CodeInvalid for anything but the live code of this e-mail and purpose."""
        address = normalise_email(email)
        well_formed = bool(_CODE.match(code))
        candidate = code_mac(self._pepper, address, purpose, code if well_formed else "x")
        now = self._clock.now()

        def judge(record: OtpRecord | None) -> Check:
            if record is None or record.purpose is not purpose:
                same_mac(_DUMMY_MAC, candidate)  # the same comparison work as a real record
                return Check(Verdict.KILLED, None)
            return check(record, candidate, now)

        outcome = self._codes.settle(record_id(self._pepper, address, purpose), judge)
        if outcome.verdict is not Verdict.ACCEPTED or not well_formed:
            raise CodeInvalid()

    def mail_state(self, email: str, purpose: OtpPurpose, code: str) -> CodeMail:
        """Whether ``code`` is still the unexpired, unused code of (e-mail, purpose), and whether
        its mail already went out; counts nothing."""
        record = self._codes.get(record_id(self._pepper, email, purpose))
        if record is None or record.purpose is not purpose or record.expired(self._clock.now()):
            return CodeMail.DEAD
        if not same_mac(record.code_mac, code_mac(self._pepper, email, purpose, code)):
            return CodeMail.DEAD
        return CodeMail.UNSENT if record.mailed_at is None else CodeMail.SENT

    def record_mailed(self, email: str, purpose: OtpPurpose, code: str) -> None:
        """Note that the mail of ``code`` went out, so a redelivered mail task sends nothing."""
        self._codes.mark_mailed(
            record_id(self._pepper, email, purpose),
            code_mac(self._pepper, email, purpose, code),
            self._clock.now(),
        )

    def forget(self, email: str) -> None:
        """Remove every code and per-e-mail counter of ``email`` (account deletion)."""
        address = normalise_email(email)
        for purpose in OtpPurpose:
            self._codes.delete(record_id(self._pepper, address, purpose))
            self._counters.clear(
                [
                    limit_key(self._pepper, lim.name, address, purpose.value)
                    for lim in (ISSUE_BURST, ISSUE_HOURLY)
                ]
            )
