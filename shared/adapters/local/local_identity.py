"""The local identity provider: SQLite users with scrypt password hashes, dev tokens as ID tokens.

It plays Firebase Auth for ``make run`` and the tests: accounts, e-mail verification, custom
role claims, password sign-in and refresh-token revocation. Tokens it issues carry
``src: "local"`` and the issue instant in milliseconds; such a token is refused once its
account is gone or disabled, or when it was issued before the account's last revocation.
Tokens minted by ``career token`` (no ``src``) keep working without an account, as before.
Like dev tokens, it is refused outside the local and test environments.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.domain.errors import AlreadyExists, NotFound, Unauthenticated
from shared.ports import Clock, IdentityUser, Principal, Role

SOURCE = "local"
# scrypt parameters (RFC 7914): n=2**14, r=8, p=1 is the interactive-login recommendation.
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    uid TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT,
    password_hash TEXT NOT NULL,
    email_verified INTEGER NOT NULL DEFAULT 0,
    role TEXT NOT NULL DEFAULT 'user',
    disabled INTEGER NOT NULL DEFAULT 0,
    valid_after_ms INTEGER NOT NULL DEFAULT 0
)
"""


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (hex) of ``password``."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a ``hash_password`` string."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


# Checked against when the e-mail is unknown, so a wrong e-mail costs what a wrong password does.
_DECOY_HASH = "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 32


class LocalIdentity:
    """Identity and PasswordSignIn ports on a SQLite file."""

    def __init__(
        self,
        path: Path | str,
        *,
        secret: str,
        environment: str,
        clock: Clock,
        token_ttl_s: int = 3600,
    ) -> None:
        self._tokens = DevTokenIdentity(secret, environment=environment)  # refuses non-local envs
        self._clock = clock
        self._ttl = token_ttl_s
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=10000")
        self._conn.execute(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._conn.close()

    # ------------------------------------------------------------------ tokens
    def verify(self, token: str) -> Principal:
        """The caller; Unauthenticated for a bad, expired, revoked or orphaned token."""
        principal = self._tokens.verify(token)
        if principal.claims.get("src") != SOURCE:
            return principal
        row = self._row("uid = ?", principal.uid)
        if row is None or row["disabled"]:
            raise Unauthenticated("invalid token")
        issued_ms = principal.claims.get("iat_ms")
        if not isinstance(issued_ms, int) or issued_ms < row["valid_after_ms"]:
            raise Unauthenticated("token revoked")
        return principal

    def mint(self, uid: str, **kwargs: Any) -> str:
        """A dev token not tied to an account (what ``career token`` prints)."""
        return self._tokens.mint(uid, **kwargs)

    def sign_in(self, email: str, password: str) -> str:
        """A fresh ID token for a right e-mail and password pair."""
        row = self._row("email = ?", email.strip().lower())
        ok = password_matches(password, row["password_hash"] if row else _DECOY_HASH)
        if row is None or not ok or row["disabled"]:
            raise Unauthenticated("wrong e-mail or password")
        now = self._clock.now()
        return self._tokens.mint(
            row["uid"],
            email=row["email"],
            role=Role(row["role"]),
            ttl_s=self._ttl,
            # iat/exp follow the wall clock the verifier checks them against; revocation
            # compares iat_ms with the injected clock, which revoke() reads as well.
            extra={
                "src": SOURCE,
                "iat_ms": int(now.timestamp() * 1000),
                "email_verified": bool(row["email_verified"]),
                "name": row["display_name"],
            },
        )

    # ------------------------------------------------------------------ accounts
    def create_user(self, email: str, password: str, display_name: str | None = None) -> IdentityUser:
        """A new unverified account; AlreadyExists for a taken e-mail."""
        uid = uuid.uuid4().hex[:28]
        address = email.strip().lower()
        try:
            with self._lock:
                self._conn.execute(
                    "INSERT INTO users (uid, email, display_name, password_hash) VALUES (?, ?, ?, ?)",
                    (uid, address, display_name, hash_password(password)),
                )
        except sqlite3.IntegrityError:
            raise AlreadyExists("an account with this e-mail exists") from None
        return IdentityUser(uid=uid, email=address, email_verified=False, display_name=display_name)

    def user(self, uid: str) -> IdentityUser | None:
        """The account ``uid``, None when unknown."""
        return _user(self._row("uid = ?", uid))

    def user_by_email(self, email: str) -> IdentityUser | None:
        """The account of ``email``, None when unknown."""
        return _user(self._row("email = ?", email.strip().lower()))

    def set_password(self, uid: str, password: str) -> None:
        """Replace the password hash."""
        self._update(uid, "password_hash = ?", hash_password(password))

    def mark_verified(self, uid: str) -> None:
        """Mark the e-mail verified."""
        self._update(uid, "email_verified = 1")

    def revoke(self, uid: str) -> None:
        """Refuse every token issued before now."""
        self._update(uid, "valid_after_ms = ?", int(self._clock.now().timestamp() * 1000))

    def delete_user(self, uid: str) -> None:
        """Remove the account (no-op when absent)."""
        with self._lock:
            self._conn.execute("DELETE FROM users WHERE uid = ?", (uid,))

    def set_role(self, uid: str, role: Role) -> None:
        """Set the role claim carried by the next token."""
        self._update(uid, "role = ?", Role(role).value)

    # ------------------------------------------------------------------ helpers
    def _row(self, where: str, value: str) -> dict[str, Any] | None:
        with self._lock:
            cursor = self._conn.execute(f"SELECT * FROM users WHERE {where}", (value,))  # noqa: S608
            row = cursor.fetchone()
            names = [d[0] for d in cursor.description]
        return dict(zip(names, row, strict=True)) if row else None

    def _update(self, uid: str, assignment: str, *values: Any) -> None:
        with self._lock:
            cursor = self._conn.execute(
                f"UPDATE users SET {assignment} WHERE uid = ?",  # noqa: S608 - fixed fragments only
                (*values, uid),
            )
        if cursor.rowcount == 0:
            raise NotFound("no such account")


def _user(row: dict[str, Any] | None) -> IdentityUser | None:
    if row is None:
        return None
    return IdentityUser(
        uid=row["uid"],
        email=row["email"],
        email_verified=bool(row["email_verified"]),
        role=Role(row["role"]),
        display_name=row["display_name"],
        disabled=bool(row["disabled"]),
    )
