"""SMTP mailer: one connection per message, STARTTLS before any credential, smtplib only.

The password comes from Secret Manager (``smtp-password``) through settings. A relay that is
unreachable or answers 4xx is a TransientError (the mail task retries with backoff); a 5xx
refusal of the message is permanent.
"""

from __future__ import annotations

import smtplib
import ssl

from shared.adapters.mail_message import build_message
from shared.config import Settings
from shared.domain.errors import PermanentError, TransientError


class SmtpMailer:
    """Mailer port over SMTP."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout_s: float = 20.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if username and not starttls:
            raise ValueError("refusing to send SMTP credentials without STARTTLS")
        self.host, self.port, self.sender = host, port, sender
        self._username, self._password = username, password
        self._starttls = starttls
        self._timeout = timeout_s
        self._tls = tls_context

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        """The relay the settings name."""
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            sender=settings.mail_sender,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls,
            timeout_s=settings.smtp_timeout_s,
        )

    def send(self, to: str, subject: str, body: str, html: str | None = None) -> None:
        """Deliver one message to the relay."""
        message = build_message(self.sender, to, subject, body, html)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self._timeout) as smtp:
                smtp.ehlo()
                if self._starttls:
                    smtp.starttls(context=self._tls or ssl.create_default_context())
                    smtp.ehlo()
                if self._username:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(message)
        except smtplib.SMTPResponseException as err:
            code = err.smtp_code
            if 400 <= code < 500:
                raise TransientError(f"SMTP relay deferred the message ({code})") from None
            raise PermanentError(f"SMTP relay refused the message ({code})") from None
        except smtplib.SMTPRecipientsRefused as err:
            codes = sorted({c for c, _ in err.recipients.values()})
            if codes and all(400 <= c < 500 for c in codes):
                raise TransientError(f"SMTP relay deferred the recipient ({codes[0]})") from None
            raise PermanentError("SMTP relay refused the recipient") from None
        except smtplib.SMTPNotSupportedError:
            raise PermanentError("SMTP relay does not offer STARTTLS; refusing to send") from None
        except (smtplib.SMTPException, OSError) as err:
            raise TransientError(f"SMTP relay unreachable: {type(err).__name__}") from None
