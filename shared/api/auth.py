"""Public account routes under /auth: sign-up, e-mail verification, password reset, resend.

Every route here is ``auth="public"`` (no token) and rate limited per client and per e-mail.
Answers never tell whether an e-mail has an account (docs/decisions/0131-one-time-codes.md).
``POST /auth/sign-in`` exists on the local backend only; on gcp the Firebase client SDK signs
in and this route answers 404.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.domain.errors import NotFound
from shared.domain.otp import OtpPurpose
from shared.edge.http import Call, Reply, Route
from shared.services.account_auth import AccountAuth

Email = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=12)]
Password = Annotated[str, Field(min_length=1, max_length=1024)]

ACCEPTED = "If this address can be used, a code is on its way to it."


class SignUpIn(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email
    password: Password = Field(description="at least 10 characters, not the e-mail, not a common password")
    display_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None
    ) = None


class EmailIn(BaseModel):
    """An e-mail address."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email


class VerifyIn(BaseModel):
    """An EMAIL_REGISTER code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email
    code: Code


class ResetIn(BaseModel):
    """A PASSWORD_RESET code and the new password."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email
    code: Code
    new_password: Password


class ResendIn(BaseModel):
    """Which code to send again."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email
    purpose: OtpPurpose


class SignInIn(BaseModel):
    """Local backend only: e-mail and password."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email
    password: Password


class Accepted(BaseModel):
    """The same answer for every address."""

    model_config = ConfigDict(frozen=True)

    status: Literal["accepted"] = "accepted"
    message: str = ACCEPTED


class Done(BaseModel):
    """A completed step."""

    model_config = ConfigDict(frozen=True)

    status: Literal["verified", "password_reset"]


class TokenOut(BaseModel):
    """A dev ID token (local backend)."""

    model_config = ConfigDict(frozen=True)

    id_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name


def client_of(call: Call) -> str:
    """The client address the front end saw: the last hop of the configured header."""
    wanted = call.container.settings.client_ip_header.lower()
    for name, value in call.headers.items():
        if name.lower() == wanted and value.strip():
            return value.split(",")[-1].strip()
    return "unknown"


def _service(call: Call) -> AccountAuth:
    service = call.container.make(AccountAuth)
    service.throttle(client_of(call))
    return service


def sign_up(call: Call) -> Reply:
    """Create an unverified account and mail an EMAIL_REGISTER code."""
    body = call.body_as(SignUpIn)
    _service(call).sign_up(body.email, body.password, body.display_name)
    return Reply(202, Accepted())


def verify_email(call: Call) -> Done:
    """Mark the e-mail verified with its EMAIL_REGISTER code."""
    body = call.body_as(VerifyIn)
    _service(call).verify_email(body.email, body.code)
    return Done(status="verified")


def forgot_password(call: Call) -> Reply:
    """Mail a PASSWORD_RESET code."""
    _service(call).forgot_password(call.body_as(EmailIn).email)
    return Reply(202, Accepted())


def reset_password(call: Call) -> Done:
    """Set a new password with a PASSWORD_RESET code; every other session ends."""
    body = call.body_as(ResetIn)
    _service(call).reset_password(body.email, body.code, body.new_password)
    return Done(status="password_reset")


def resend_code(call: Call) -> Reply:
    """Mail a new code for the purpose, superseding the previous one."""
    body = call.body_as(ResendIn)
    _service(call).resend(body.email, body.purpose)
    return Reply(202, Accepted())


def sign_in(call: Call) -> TokenOut:
    """Local backend only: a dev ID token for a right e-mail and password (404 on gcp)."""
    signer = call.container.password_sign_in
    if signer is None:
        raise NotFound("no route for POST /auth/sign-in")
    call.container.make(AccountAuth).throttle(client_of(call))
    body = call.body_as(SignInIn)
    return TokenOut(id_token=signer.sign_in(body.email, body.password))


_TAGS = ("auth",)


def _public(method: str, path: str, handler: object, **kwargs: object) -> Route:
    return Route(method, path, handler, auth="public", rate_limited=True, tags=_TAGS, **kwargs)  # type: ignore[arg-type]


ROUTES: list[Route] = [
    _public(
        "POST",
        "/auth/sign-up",
        sign_up,
        body=SignUpIn,
        response=Accepted,
        status=202,
        summary="Create an account (unverified) and mail an EMAIL_REGISTER code",
    ),
    _public(
        "POST",
        "/auth/email:verify",
        verify_email,
        body=VerifyIn,
        response=Done,
        summary="Verify the e-mail with its EMAIL_REGISTER code (422 CODE_INVALID otherwise)",
    ),
    _public(
        "POST",
        "/auth/password:forgot",
        forgot_password,
        body=EmailIn,
        response=Accepted,
        status=202,
        summary="Mail a PASSWORD_RESET code (the same answer for any address)",
    ),
    _public(
        "POST",
        "/auth/password:reset",
        reset_password,
        body=ResetIn,
        response=Done,
        summary="Set a new password with a PASSWORD_RESET code; revokes every session",
    ),
    _public(
        "POST",
        "/auth/otp:resend",
        resend_code,
        body=ResendIn,
        response=Accepted,
        status=202,
        summary="Mail a new code for a purpose, superseding the previous one",
    ),
    _public(
        "POST",
        "/auth/sign-in",
        sign_in,
        body=SignInIn,
        response=TokenOut,
        summary="Local backend only: e-mail and password sign-in returning a dev ID token",
    ),
]
