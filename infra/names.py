"""How manifest names become cloud resource names (one place, so every component agrees)."""

from __future__ import annotations

import hashlib
import re

_ACCOUNT_MAX = 30  # service account ids: 6-30 chars, [a-z][a-z0-9-]*[a-z0-9]
_ACCOUNT_MIN = 6


def kebab(name: str) -> str:
    """``on_upload_finalized`` -> ``on-upload-finalized`` (Cloud Run and most ids refuse ``_``)."""
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")


def service_name(function: str) -> str:
    """The deployed function's name, which is also its Cloud Run service name."""
    return kebab(function)


def account_id(prefix: str, name: str) -> str:
    """A valid, stable service account id for ``name``; long names keep a hash suffix to stay unique."""
    candidate = kebab(f"{prefix}-{name}")
    if len(candidate) > _ACCOUNT_MAX:
        suffix = hashlib.sha256(name.encode()).hexdigest()[:6]
        candidate = f"{candidate[: _ACCOUNT_MAX - len(suffix) - 1].rstrip('-')}-{suffix}"
    return candidate.ljust(_ACCOUNT_MIN, "x")


def env_key(name: str) -> str:
    """``callback-hmac-key`` -> ``CAREER_CALLBACK_HMAC_KEY`` (the Settings field it fills)."""
    return "CAREER_" + re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def topic_path(project: str, topic: str) -> str:
    """Full resource path of a Pub/Sub topic."""
    return f"projects/{project}/topics/{topic}"
