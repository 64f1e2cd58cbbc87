"""The password policy: at least 10 characters, not the e-mail, not a well-known password."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass

MIN_LENGTH = 10
MAX_LENGTH = 128  # long passphrases are welcome; this only bounds the hashing work


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower case (read on first use)."""
    text = resources.files("shared").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def check_password(password: str, email: str) -> None:
    """InvalidInput(WEAK_PASSWORD) naming the rule ``password`` breaks; None when it passes."""
    if len(password) < MIN_LENGTH:
        raise _weak(f"the password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise _weak(f"the password may have at most {MAX_LENGTH} characters")
    folded, address = _fold(password), _fold(email)
    if folded in (address, address.partition("@")[0]) and address:
        raise _weak("the password must not be the e-mail address")
    if folded in common_passwords():
        raise _weak("this password is too common; choose another")


def _weak(message: str) -> InvalidInput:
    return InvalidInput(message, failure_class=FailureClass.WEAK_PASSWORD, detail={"field": "password"})
