"""Account mail: one template per one-time-code purpose, as plain text and as HTML."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from shared.domain.otp import CODE_TTL, OtpPurpose

PRODUCT = "Career assistant"


@dataclass(frozen=True)
class RenderedMail:
    """Subject, plain text and HTML of one message."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _Template:
    subject: str
    lead: str
    action: str
    ignore: str


_TEMPLATES = {
    OtpPurpose.EMAIL_REGISTER: _Template(
        subject=f"{PRODUCT}: your verification code",
        lead="Welcome! Enter this code to verify your e-mail address:",
        action="verify your e-mail address",
        ignore="If you did not create an account, ignore this message: nothing happens without the code.",
    ),
    OtpPurpose.PASSWORD_RESET: _Template(
        subject=f"{PRODUCT}: your password reset code",
        lead="Someone asked to reset the password of your account. Enter this code to choose a new one:",
        action="reset your password",
        ignore="If it was not you, ignore this message: your password stays as it is.",
    ),
}


def render_code_mail(purpose: OtpPurpose, code: str) -> RenderedMail:
    """The message that carries ``code`` for ``purpose``."""
    t = _TEMPLATES[purpose]
    minutes = int(CODE_TTL.total_seconds() // 60)
    validity = f"The code works once, for {minutes} minutes, only to {t.action}."
    text = f"{t.lead}\n\n    {code}\n\n{validity}\n\n{t.ignore}\n\n-- {PRODUCT}\n"
    html = (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(t.subject)}</title></head>\n"
        '<body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a">\n'
        f"<p>{escape(t.lead)}</p>\n"
        '<p style="font-size:28px;font-weight:bold;letter-spacing:6px;font-family:monospace">'
        f"{escape(code)}</p>\n"
        f"<p>{escape(validity)}</p>\n"
        f'<p style="color:#555">{escape(t.ignore)}</p>\n'
        f"<p>&mdash; {escape(PRODUCT)}</p>\n"
        "</body></html>\n"
    )
    return RenderedMail(subject=t.subject, text=text, html=html)
