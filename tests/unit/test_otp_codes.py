"""One-time codes: every rule with an injected clock, on the local document store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.config import Settings
from shared.domain.errors import RateLimited
from shared.domain.otp import (
    CODE_TTL,
    OtpPurpose,
    code_mac,
    new_code,
    normalise_email,
    record_id,
)
from shared.ports import Query
from shared.repositories.otp_codes import CODES, OtpCodes, RateCounters
from shared.services.otp import CodeInvalid, OneTimeCodes

EMAIL = "Jane.Doe@Example.com"
REG, RESET = OtpPurpose.EMAIL_REGISTER, OtpPurpose.PASSWORD_RESET


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    store = SqliteDocumentStore(":memory:")
    yield store
    store.close()


@pytest.fixture
def codes(store: SqliteDocumentStore, clock: ManualClock, settings: Settings) -> OneTimeCodes:
    return OneTimeCodes(OtpCodes(store), RateCounters(store), clock, settings)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


class TestCodes:
    def test_codes_are_six_digits_and_vary(self) -> None:
        drawn = {new_code() for _ in range(200)}

        assert all(len(c) == 6 and c.isdigit() for c in drawn)
        assert len(drawn) > 150

    def test_the_right_code_is_accepted_once(self, codes: OneTimeCodes) -> None:
        code = codes.issue(EMAIL, REG)

        codes.redeem(EMAIL, REG, code)

        with pytest.raises(CodeInvalid):
            codes.redeem(EMAIL, REG, code)

    def test_the_email_is_normalised(self, codes: OneTimeCodes) -> None:
        code = codes.issue(EMAIL, REG)

        codes.redeem("  jane.doe@EXAMPLE.com ", REG, code)

    def test_only_a_mac_is_stored(self, codes: OneTimeCodes, store: SqliteDocumentStore) -> None:
        code = codes.issue(EMAIL, REG)

        [snap] = store.query(Query(CODES))
        text = repr(snap.data) + snap.path
        assert code not in text
        assert normalise_email(EMAIL) not in text
        assert "jane" not in text.lower()
        assert snap.data["schema_version"] == 1


class TestPurpose:
    def test_a_register_code_never_resets_a_password(self, codes: OneTimeCodes) -> None:
        code = codes.issue(EMAIL, REG)

        with pytest.raises(CodeInvalid) as swapped:
            codes.redeem(EMAIL, RESET, code)

        # the same generic error as a plainly wrong code
        with pytest.raises(CodeInvalid) as plain:
            codes.redeem(EMAIL, REG, wrong(code))
        assert (swapped.value.message, swapped.value.failure_class) == (
            plain.value.message,
            plain.value.failure_class,
        )
        codes.redeem(EMAIL, REG, code)  # still valid for its own purpose

    def test_a_reset_code_never_registers(self, codes: OneTimeCodes) -> None:
        code = codes.issue(EMAIL, RESET)

        with pytest.raises(CodeInvalid):
            codes.redeem(EMAIL, REG, code)

    def test_the_mac_binds_email_and_purpose(self) -> None:
        pepper = b"p" * 32
        base = code_mac(pepper, EMAIL, REG, "123456")

        assert base != code_mac(pepper, EMAIL, RESET, "123456")
        assert base != code_mac(pepper, "other@example.com", REG, "123456")
        assert base != code_mac(b"q" * 32, EMAIL, REG, "123456")
        assert record_id(pepper, EMAIL, REG) != record_id(pepper, EMAIL, RESET)

    def test_an_unknown_purpose_is_refused(self) -> None:
        with pytest.raises(ValueError, match="PHONE_LOGIN"):
            OtpPurpose("PHONE_LOGIN")

    def test_a_code_for_another_email_is_refused(self, codes: OneTimeCodes) -> None:
        code = codes.issue(EMAIL, REG)

        with pytest.raises(CodeInvalid):
            codes.redeem("someone@example.com", REG, code)


class TestLifetime:
    def test_valid_just_before_ten_minutes(self, codes: OneTimeCodes, clock: ManualClock) -> None:
        code = codes.issue(EMAIL, REG)
        clock.advance(seconds=CODE_TTL.total_seconds() - 1)

        codes.redeem(EMAIL, REG, code)

    def test_expired_after_ten_minutes(self, codes: OneTimeCodes, clock: ManualClock) -> None:
        code = codes.issue(EMAIL, REG)
        clock.advance(minutes=10)

        with pytest.raises(CodeInvalid):
            codes.redeem(EMAIL, REG, code)

    def test_the_record_carries_expires_at_for_the_ttl_policy(
        self, codes: OneTimeCodes, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        codes.issue(EMAIL, REG)

        [snap] = store.query(Query(CODES))
        assert snap.data["expires_at"] == clock.now() + CODE_TTL


class TestAttempts:
    def test_four_wrong_attempts_leave_the_code_usable(self, codes: OneTimeCodes) -> None:
        code = codes.issue(EMAIL, REG)
        for _ in range(4):
            with pytest.raises(CodeInvalid):
                codes.redeem(EMAIL, REG, wrong(code))

        codes.redeem(EMAIL, REG, code)

    def test_the_fifth_wrong_attempt_kills_the_code(self, codes: OneTimeCodes) -> None:
        code = codes.issue(EMAIL, REG)
        for _ in range(5):
            with pytest.raises(CodeInvalid):
                codes.redeem(EMAIL, REG, wrong(code))

        with pytest.raises(CodeInvalid):
            codes.redeem(EMAIL, REG, code)

    @pytest.mark.parametrize("garbage", ["", "12345", "1234567", "abcdef", "12 456"])
    def test_malformed_codes_are_wrong_attempts(self, codes: OneTimeCodes, garbage: str) -> None:
        code = codes.issue(EMAIL, REG)
        for _ in range(5):
            with pytest.raises(CodeInvalid):
                codes.redeem(EMAIL, REG, garbage)

        with pytest.raises(CodeInvalid):
            codes.redeem(EMAIL, REG, code)


class TestSupersede:
    def test_a_new_code_supersedes_the_old_one(self, codes: OneTimeCodes, clock: ManualClock) -> None:
        first = codes.issue(EMAIL, REG)
        clock.advance(seconds=31)
        second = codes.issue(EMAIL, REG)
        if first == second:  # one chance in a million: draw again
            clock.advance(seconds=31)
            second = codes.issue(EMAIL, REG)

        with pytest.raises(CodeInvalid):
            codes.redeem(EMAIL, REG, first)
        codes.redeem(EMAIL, REG, second)

    def test_a_new_code_resets_the_attempts(self, codes: OneTimeCodes, clock: ManualClock) -> None:
        first = codes.issue(EMAIL, REG)
        for _ in range(4):
            with pytest.raises(CodeInvalid):
                codes.redeem(EMAIL, REG, wrong(first))
        clock.advance(seconds=31)
        second = codes.issue(EMAIL, REG)
        for _ in range(4):
            with pytest.raises(CodeInvalid):
                codes.redeem(EMAIL, REG, wrong(second))

        codes.redeem(EMAIL, REG, second)

    def test_issuing_one_purpose_leaves_the_other(self, codes: OneTimeCodes) -> None:
        reg = codes.issue(EMAIL, REG)
        codes.issue(EMAIL, RESET)

        codes.redeem(EMAIL, REG, reg)


class TestRateLimits:
    def test_a_second_code_within_thirty_seconds_waits(self, codes: OneTimeCodes, clock: ManualClock) -> None:
        codes.issue(EMAIL, REG)
        clock.advance(seconds=10)

        with pytest.raises(RateLimited) as err:
            codes.issue(EMAIL, REG)
        assert err.value.retry_after_s == 20
        assert err.value.detail == {"retry_after_s": 20}

    def test_the_limit_is_per_purpose_and_per_email(self, codes: OneTimeCodes) -> None:
        codes.issue(EMAIL, REG)

        codes.issue(EMAIL, RESET)
        codes.issue("other@example.com", REG)

    def test_five_codes_an_hour(self, codes: OneTimeCodes, clock: ManualClock) -> None:
        for _ in range(5):
            codes.issue(EMAIL, REG)
            clock.advance(seconds=31)

        with pytest.raises(RateLimited) as err:
            codes.issue(EMAIL, REG)
        assert err.value.retry_after_s == 3600 - 5 * 31

        clock.advance(seconds=err.value.retry_after_s)
        codes.issue(EMAIL, REG)

    def test_a_refused_request_does_not_supersede(self, codes: OneTimeCodes) -> None:
        code = codes.issue(EMAIL, REG)
        with pytest.raises(RateLimited):
            codes.issue(EMAIL, REG)

        codes.redeem(EMAIL, REG, code)

    def test_clients_are_limited(self, codes: OneTimeCodes, clock: ManualClock) -> None:
        for _ in range(30):
            codes.throttle_client("203.0.113.7")

        with pytest.raises(RateLimited) as err:
            codes.throttle_client("203.0.113.7")
        assert err.value.retry_after_s == 600
        codes.throttle_client("198.51.100.1")  # another client is unaffected
        clock.advance(minutes=10)
        codes.throttle_client("203.0.113.7")


class TestForget:
    def test_forget_removes_codes_and_counters(self, codes: OneTimeCodes, store: SqliteDocumentStore) -> None:
        code = codes.issue(EMAIL, REG)
        codes.issue(EMAIL, RESET)

        codes.forget(EMAIL)

        assert store.query(Query(CODES)) == []
        assert store.query(Query("otp_limits")) == []
        with pytest.raises(CodeInvalid):
            codes.redeem(EMAIL, REG, code)


def test_the_pepper_is_required_outside_local() -> None:
    with pytest.raises(RuntimeError, match="CAREER_OTP_PEPPER"):
        Settings(environment="prod").otp_pepper_bytes()
