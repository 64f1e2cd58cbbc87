"""Sign-up, e-mail verification and password reset with typed one-time codes.

No answer tells whether an e-mail has an account: sign-up, forgot and resend do the same work
and give the same answer for any address (the mail task decides whether a mail goes out), and
a code for an address without an account fails like any wrong code.
"""

from __future__ import annotations

from shared.domain.errors import AlreadyExists
from shared.domain.otp import OtpPurpose, normalise_email
from shared.domain.passwords import check_password
from shared.ports import Identity
from shared.services.account_mail import AccountMail
from shared.services.accounts import AccountsService
from shared.services.otp import CodeInvalid, OneTimeCodes


class AccountAuth:
    """The public account flows."""

    def __init__(
        self,
        identity: Identity,
        one_time_codes: OneTimeCodes,
        account_mail: AccountMail,
        accounts_service: AccountsService,
    ) -> None:
        self._identity = identity
        self._codes = one_time_codes
        self._mail = account_mail
        self._accounts = accounts_service

    def throttle(self, client: str) -> None:
        """Count one public auth request from ``client`` (RateLimited past the limit)."""
        self._codes.throttle_client(client)

    def sign_up(self, email: str, password: str, display_name: str | None) -> None:
        """Create the unverified account and queue an EMAIL_REGISTER code.

        A taken address that is still unverified takes the new password and loses its
        sessions: whoever proves the mailbox owns the account, so nobody can pre-register
        someone else's address and keep a way in.
        """
        address = normalise_email(email)
        check_password(password, address)
        code = self._codes.issue(address, OtpPurpose.EMAIL_REGISTER)  # rate limits first
        try:
            created = self._identity.create_user(address, password, display_name)
        except AlreadyExists:
            existing = self._identity.user_by_email(address)
            if existing is not None and not existing.email_verified:
                self._identity.set_password(existing.uid, password)
                self._identity.revoke(existing.uid)
        else:
            self._accounts.create_record(created.uid, address, display_name)
        self._mail.queue_code(address, OtpPurpose.EMAIL_REGISTER, code)

    def verify_email(self, email: str, code: str) -> None:
        """Mark the e-mail verified; CodeInvalid for anything but its live EMAIL_REGISTER code."""
        address = normalise_email(email)
        self._codes.redeem(address, OtpPurpose.EMAIL_REGISTER, code)
        user = self._identity.user_by_email(address)
        if user is None:
            raise CodeInvalid()
        self._identity.mark_verified(user.uid)
        self._accounts.mark_verified(user.uid)

    def forgot_password(self, email: str) -> None:
        """Queue a PASSWORD_RESET code (the mail task skips addresses without an account)."""
        self.resend(email, OtpPurpose.PASSWORD_RESET)

    def reset_password(self, email: str, code: str, new_password: str) -> None:
        """Set the password and end every session; CodeInvalid for anything but the live code."""
        address = normalise_email(email)
        check_password(new_password, address)  # before the code is spent
        self._codes.redeem(address, OtpPurpose.PASSWORD_RESET, code)
        user = self._identity.user_by_email(address)
        if user is None:
            raise CodeInvalid()
        self._identity.set_password(user.uid, new_password)
        self._identity.revoke(user.uid)
        if not user.email_verified:
            self._identity.mark_verified(user.uid)  # the code proved the mailbox
            self._accounts.mark_verified(user.uid)

    def resend(self, email: str, purpose: OtpPurpose) -> None:
        """Queue a new code for ``purpose``, superseding the previous one."""
        address = normalise_email(email)
        code = self._codes.issue(address, purpose)
        self._mail.queue_code(address, purpose, code)
