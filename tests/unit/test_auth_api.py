"""The public /auth routes end to end on the local backend: codes by mail, verification,
reset with revocation, the unverified-account rule, rate limits and no user enumeration."""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Iterator

import pytest

from shared.config import Settings
from shared.domain.errors import TransientError
from shared.messages import OtpMail, channel_of
from shared.ports import Query
from shared.topology import TOPOLOGY
from tests.unit.accounts_world import PASSWORD, AccountsWorld, new_email


@pytest.fixture
def world(settings: Settings) -> Iterator[AccountsWorld]:
    w = AccountsWorld(settings)
    yield w
    w.close()


def other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


class TestSignUpAndVerify:
    def test_sign_up_mails_a_register_code_in_text_and_html(self, world: AccountsWorld) -> None:
        email = new_email()

        response = world.post("/auth/sign-up", {"email": email, "password": PASSWORD, "display_name": "Jane"})

        assert response.status_code == 202
        [mail] = world.mails_to(email)
        assert "verification code" in str(mail["Subject"])
        code = world.code_for(email, "EMAIL_REGISTER")
        html = mail.get_body(preferencelist=("html",))
        assert html is not None
        assert code in html.get_content()

    def test_an_unverified_account_reads_but_may_not_write(self, world: AccountsWorld) -> None:
        email = new_email()
        world.sign_up(email)
        token = world.sign_in(email)

        assert world.get("/me", token).status_code == 200
        response = world.client.put(
            "/me", json={"locale": "en"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 403
        assert response.get_json()["failure_class"] == "EMAIL_NOT_VERIFIED"

    def test_verified_accounts_write(self, world: AccountsWorld) -> None:
        _, token = world.verified_user()

        response = world.client.put(
            "/me", json={"locale": "en"}, headers={"Authorization": f"Bearer {token}"}
        )

        assert response.status_code == 200
        assert world.get("/me", token).get_json()["display_name"] == "Jane"

    def test_a_register_code_is_single_use(self, world: AccountsWorld) -> None:
        email = new_email()
        world.sign_up(email)
        code = world.code_for(email, "EMAIL_REGISTER")

        assert world.post("/auth/email:verify", {"email": email, "code": code}).status_code == 200
        again = world.post("/auth/email:verify", {"email": email, "code": code})
        assert again.status_code == 422
        assert again.get_json()["failure_class"] == "CODE_INVALID"

    def test_a_register_code_does_not_reset_a_password(self, world: AccountsWorld) -> None:
        email = new_email()
        world.sign_up(email)
        code = world.code_for(email, "EMAIL_REGISTER")

        swapped = world.post(
            "/auth/password:reset", {"email": email, "code": code, "new_password": "another fine passphrase"}
        )
        wrong = world.post("/auth/email:verify", {"email": email, "code": other(code)})

        assert swapped.status_code == wrong.status_code == 422
        assert swapped.get_json()["detail"] == wrong.get_json()["detail"]
        assert swapped.get_json()["failure_class"] == "CODE_INVALID"
        world.sign_in(email)  # the password did not change

    @pytest.mark.parametrize(
        ("password", "why"),
        [("short", "10 characters"), ("password123", "too common"), ("{email}", "e-mail")],
    )
    def test_weak_passwords_are_refused(self, world: AccountsWorld, password: str, why: str) -> None:
        email = new_email()

        response = world.post("/auth/sign-up", {"email": email, "password": password.format(email=email)})

        assert response.status_code == 422
        assert response.get_json()["failure_class"] == "WEAK_PASSWORD"
        assert why in response.get_json()["detail"]
        assert world.mails_to(email) == []

    def test_an_unknown_purpose_is_422(self, world: AccountsWorld) -> None:
        response = world.post("/auth/otp:resend", {"email": new_email(), "purpose": "LOGIN"})

        assert response.status_code == 422
        assert response.get_json()["failure_class"] == "INVALID_INPUT"

    def test_resend_supersedes(self, world: AccountsWorld) -> None:
        email = new_email()
        world.sign_up(email)
        first = world.code_for(email, "EMAIL_REGISTER")
        world.clock.advance(seconds=31)

        assert (
            world.post("/auth/otp:resend", {"email": email, "purpose": "EMAIL_REGISTER"}).status_code == 202
        )
        second = world.code_for(email, "EMAIL_REGISTER")

        if first != second:
            assert world.post("/auth/email:verify", {"email": email, "code": first}).status_code == 422
        assert world.post("/auth/email:verify", {"email": email, "code": second}).status_code == 200


class TestReset:
    def test_reset_sets_the_password_and_revokes_sessions(self, world: AccountsWorld) -> None:
        email, old_token = world.verified_user()
        assert world.post("/auth/password:forgot", {"email": email}).status_code == 202
        code = world.code_for(email, "PASSWORD_RESET")
        world.clock.advance(seconds=1)

        response = world.post(
            "/auth/password:reset", {"email": email, "code": code, "new_password": "a brand new passphrase"}
        )

        assert response.status_code == 200
        assert world.get("/me", old_token).status_code == 401
        assert world.post("/auth/sign-in", {"email": email, "password": PASSWORD}).status_code == 401
        new_token = world.sign_in(email, "a brand new passphrase")
        assert world.get("/me", new_token).status_code == 200

    def test_a_weak_new_password_keeps_the_code(self, world: AccountsWorld) -> None:
        email, _ = world.verified_user()
        world.post("/auth/password:forgot", {"email": email})
        code = world.code_for(email, "PASSWORD_RESET")

        weak = world.post("/auth/password:reset", {"email": email, "code": code, "new_password": "short"})
        good = world.post(
            "/auth/password:reset", {"email": email, "code": code, "new_password": "a brand new passphrase"}
        )

        assert (weak.status_code, good.status_code) == (422, 200)


class TestNoEnumeration:
    def test_forgot_answers_alike_for_known_and_unknown(self, world: AccountsWorld) -> None:
        known, _ = world.verified_user()

        a = world.post("/auth/password:forgot", {"email": known})
        b = world.post("/auth/password:forgot", {"email": new_email()})

        assert (a.status_code, a.get_json()) == (b.status_code, b.get_json())
        assert world.mails_to(known)[-1]["Subject"].endswith("password reset code")

    def test_no_mail_goes_to_an_unknown_address(self, world: AccountsWorld) -> None:
        stranger = new_email()

        world.post("/auth/password:forgot", {"email": stranger})

        assert world.mails_to(stranger) == []

    def test_sign_up_answers_alike_for_a_taken_address(self, world: AccountsWorld) -> None:
        taken, _ = world.verified_user()
        world.clock.advance(seconds=31)

        a = world.post("/auth/sign-up", {"email": taken, "password": "someone else entirely"})
        b = world.post("/auth/sign-up", {"email": new_email(), "password": "someone else entirely"})

        assert (a.status_code, a.get_json()) == (b.status_code, b.get_json())
        world.sign_in(taken)  # the owner's password stands
        assert len(world.mails_to(taken)) == 1  # only the original verification mail

    def test_a_code_for_an_unknown_address_fails_like_a_wrong_code(self, world: AccountsWorld) -> None:
        known, _ = world.verified_user()
        world.post("/auth/password:forgot", {"email": known})
        code = world.code_for(known, "PASSWORD_RESET")
        body = {"code": other(code), "new_password": "a brand new passphrase"}

        a = world.post("/auth/password:reset", {"email": known, **body})
        b = world.post("/auth/password:reset", {"email": new_email(), **body})

        assert (a.status_code, a.get_json()["detail"]) == (b.status_code, b.get_json()["detail"])

    def test_sign_in_answers_alike_for_unknown_and_wrong(self, world: AccountsWorld) -> None:
        known, _ = world.verified_user()

        a = world.post("/auth/sign-in", {"email": known, "password": "not the password"})
        b = world.post("/auth/sign-in", {"email": new_email(), "password": "not the password"})

        assert a.status_code == b.status_code == 401
        assert a.get_json()["detail"] == b.get_json()["detail"]

    def test_forgot_takes_similar_time_for_known_and_unknown(self, world: AccountsWorld) -> None:
        known = [world.verified_user()[0] for _ in range(6)]
        unknown = [new_email() for _ in range(6)]
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        for k, u in zip(known, unknown, strict=True):  # interleaved: machine noise hits both
            for label, email in (("known", k), ("unknown", u)):
                start = time.perf_counter()
                assert world.post("/auth/password:forgot", {"email": email}).status_code == 202
                timings[label].append(time.perf_counter() - start)

        a, b = statistics.median(timings["known"]), statistics.median(timings["unknown"])
        # The same work on both paths; the tolerance only absorbs scheduling noise.
        assert abs(a - b) <= max(0.5 * max(a, b), 0.02), timings


class TestRateLimits:
    def test_a_second_code_too_soon_is_429_with_retry_after(self, world: AccountsWorld) -> None:
        email = new_email()
        world.post("/auth/password:forgot", {"email": email})
        world.clock.advance(seconds=12)

        response = world.post("/auth/password:forgot", {"email": email})

        assert response.status_code == 429
        assert response.headers["Retry-After"] == "18"
        assert response.get_json()["failure_class"] == "RATE_LIMITED"

    def test_one_client_is_limited_across_addresses(self, world: AccountsWorld) -> None:
        for _ in range(30):
            assert (
                world.post("/auth/password:forgot", {"email": new_email()}, ip="203.0.113.9").status_code
                == 202
            )

        response = world.post("/auth/password:forgot", {"email": new_email()}, ip="203.0.113.9")

        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) == 600
        assert world.post("/auth/password:forgot", {"email": new_email()}).status_code == 202


class TestSecretsStayOut:
    def test_codes_and_addresses_never_reach_logs_or_the_queue(
        self, world: AccountsWorld, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        email = new_email()
        world.sign_up(email)
        queued = b"".join(p.read_bytes() for p in world.settings.data_dir.glob("queue.sqlite3*"))
        code = world.code_for(email, "EMAIL_REGISTER")
        world.post("/auth/email:verify", {"email": email, "code": code})

        assert code.encode() not in queued
        assert email.encode() not in queued
        assert code not in caplog.text
        for record in caplog.records:
            assert code not in str(getattr(record, "fields", ""))

    def test_a_superseded_code_is_not_mailed(self, world: AccountsWorld) -> None:
        email = new_email()
        world.sign_up(email)  # queued, not delivered yet
        world.clock.advance(seconds=31)
        world.post("/auth/otp:resend", {"email": email, "purpose": "EMAIL_REGISTER"})

        assert len(world.mails_to(email)) == 1


class RelayDown:
    """A Mailer whose relay never answers."""

    def __init__(self) -> None:
        self.calls = 0

    def send(self, to: str, subject: str, body: str, html: str | None = None) -> None:
        self.calls += 1
        raise TransientError("SMTP relay unreachable: ConnectionRefusedError")


class TestMailQueue:
    def test_a_relay_outage_retries_then_dead_letters_without_the_code(self, settings: Settings) -> None:
        relay = RelayDown()
        world = AccountsWorld(settings, mailer=relay)
        try:
            email = new_email()
            world.sign_up(email)
            world.deliver()

            assert relay.calls == TOPOLOGY.queue(channel_of(OtpMail)).retry.max_attempts
            [dead] = world.container.delivery.dead_letters()
            assert channel_of(OtpMail) in dead.model_dump_json()
            stored = world.container.store.query(Query("dead_letters"))
            assert stored, "the last attempt is recorded in the operator view"
            text = dead.model_dump_json() + repr([s.data for s in stored])
            assert email not in text
            assert "sealed" in text
        finally:
            world.close()


class TestJourney:
    def test_the_account_step_is_done_once_the_email_is_verified(self, world: AccountsWorld) -> None:
        email = new_email()
        world.sign_up(email)
        token = world.sign_in(email)

        def account_step(token: str) -> dict[str, object]:
            steps = world.get("/journey", token).get_json()["steps"]
            assert steps[0]["key"] == "account"
            step: dict[str, object] = steps[0]
            return step

        assert account_step(token)["state"] == "in_progress"
        assert world.get("/journey", token).get_json()["current_step"] == "account"
        code = world.code_for(email, "EMAIL_REGISTER")
        assert world.post("/auth/email:verify", {"email": email, "code": code}).status_code == 200

        assert account_step(token)["state"] == "done"  # even before the token is refreshed
        assert world.get("/me", token).get_json()["email_verified"] is True
