"""One-time codes with a typed purpose: the rules, free of storage and time sources.

A code is six digits drawn from ``secrets``. Only an HMAC of it is ever stored, keyed with a
server-side pepper and bound to the normalised e-mail and the purpose, so a code issued to
register an e-mail never resets a password (the MAC simply differs) and a stolen table reveals
no code. The stored record's id is an HMAC of (e-mail, purpose) too: no e-mail appears in it.

Lifecycle of a record (one per e-mail and purpose; a new issue replaces it):

    ACTIVE --right code--> consumed (record deleted)
    ACTIVE --wrong code--> ACTIVE (attempts + 1) ... 5th wrong --> dead (record deleted)
    ACTIVE --10 minutes--> expired (refused; Firestore TTL removes it later)
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from hashlib import sha256

from pydantic import ConfigDict

from shared.domain.model import DomainModel

SCHEMA_VERSION = 1
CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_WRONG_ATTEMPTS = 5


class OtpPurpose(StrEnum):
    """What a one-time code may be used for; a code works for its own purpose only."""

    EMAIL_REGISTER = "EMAIL_REGISTER"
    PASSWORD_RESET = "PASSWORD_RESET"  # noqa: S105 - a purpose, not a password


def normalise_email(email: str) -> str:
    """The canonical form codes and limits are keyed on: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def new_code() -> str:
    """Six decimal digits from the operating system's CSPRNG."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _mac(pepper: bytes, *parts: str) -> str:
    return hmac.new(pepper, "\x1f".join(parts).encode(), sha256).hexdigest()


def code_mac(pepper: bytes, email: str, purpose: OtpPurpose, code: str) -> str:
    """The stored form of ``code``, bound to the e-mail and the purpose."""
    return _mac(pepper, "otp-code", normalise_email(email), purpose.value, code)


def record_id(pepper: bytes, email: str, purpose: OtpPurpose) -> str:
    """The id of the one record per (e-mail, purpose); reveals neither."""
    return _mac(pepper, "otp-record", normalise_email(email), purpose.value)[:40]


def limit_key(pepper: bytes, *parts: str) -> str:
    """The id of a rate-limit counter (an e-mail or a client address never appears in it)."""
    return _mac(pepper, "otp-limit", *parts)[:40]


def same_mac(a: str, b: str) -> bool:
    """Constant-time comparison of two MACs."""
    return hmac.compare_digest(a.encode(), b.encode())


class OtpRecord(DomainModel):
    """The stored state of one code (``otp_codes/{id}``)."""

    model_config = ConfigDict(frozen=True)

    id: str
    purpose: OtpPurpose
    code_mac: str
    issued_at: datetime
    expires_at: datetime
    wrong_attempts: int = 0
    mailed_at: datetime | None = None  # when the mail task handed this code to the relay
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def issue(cls, pepper: bytes, email: str, purpose: OtpPurpose, code: str, now: datetime) -> OtpRecord:
        """A fresh record for ``code``, valid for CODE_TTL from ``now``."""
        return cls(
            id=record_id(pepper, email, purpose),
            purpose=purpose,
            code_mac=code_mac(pepper, email, purpose, code),
            issued_at=now,
            expires_at=now + CODE_TTL,
        )

    def expired(self, now: datetime) -> bool:
        """True from expires_at on."""
        return now >= self.expires_at


class CodeMail(StrEnum):
    """Where the mail of a code stands, as the mail task sees it."""

    DEAD = "DEAD"  # superseded, used, expired or never issued: nothing to send
    UNSENT = "UNSENT"  # live, and no mail of it went out yet
    SENT = "SENT"  # live, and its mail already went out (a redelivered task sends nothing)


class Verdict(StrEnum):
    """The outcome of presenting a code to a record."""

    ACCEPTED = "ACCEPTED"  # consume: delete the record
    WRONG = "WRONG"  # count the attempt: keep the record with wrong_attempts + 1
    KILLED = "KILLED"  # the last allowed wrong attempt, or an expired record: delete it


@dataclass(frozen=True)
class Check:
    """What to do with a record after a presentation."""

    verdict: Verdict
    after: OtpRecord | None  # the record to store for WRONG, None otherwise


def check(record: OtpRecord, candidate_mac: str, now: datetime) -> Check:
    """Judge ``candidate_mac`` (the MAC of the presented code) against ``record`` at ``now``.

    The MAC is compared even for an expired record, so every path costs the same.
    """
    matches = same_mac(record.code_mac, candidate_mac)
    if record.expired(now) or record.wrong_attempts >= MAX_WRONG_ATTEMPTS:
        return Check(Verdict.KILLED, None)
    if matches:
        return Check(Verdict.ACCEPTED, None)
    attempts = record.wrong_attempts + 1
    if attempts >= MAX_WRONG_ATTEMPTS:
        return Check(Verdict.KILLED, None)
    return Check(Verdict.WRONG, record.model_copy(update={"wrong_attempts": attempts}))


@dataclass(frozen=True)
class Limit:
    """At most ``max_events`` in a fixed window of ``window``."""

    name: str
    max_events: int
    window: timedelta


# Issuing codes (sign-up, forgot, resend) per e-mail and purpose: a mailbox gets at most five
# codes an hour, and at most one every 30 seconds.
ISSUE_BURST = Limit("issue-burst", 1, timedelta(seconds=30))
ISSUE_HOURLY = Limit("issue-hourly", 5, timedelta(hours=1))
# Everything a client address does on the public auth routes (issue and redeem alike).
CLIENT = Limit("client", 30, timedelta(minutes=10))


class LimitCounter(DomainModel):
    """A fixed-window counter (``otp_limits/{id}``), removed by TTL at ``expires_at``."""

    model_config = ConfigDict(frozen=True)

    id: str
    window_start: datetime
    count: int
    expires_at: datetime
    schema_version: int = SCHEMA_VERSION


def count_event(counter: LimitCounter | None, key: str, limit: Limit, now: datetime) -> LimitCounter | int:
    """The counter after one more event, or the seconds to wait when the limit is reached."""
    if counter is None or now >= counter.window_start + limit.window:
        return LimitCounter(id=key, window_start=now, count=1, expires_at=now + limit.window)
    if counter.count >= limit.max_events:
        remaining = (counter.window_start + limit.window - now).total_seconds()
        return max(1, int(remaining + 0.999))
    return counter.model_copy(update={"count": counter.count + 1})
