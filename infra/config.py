"""Typed stack configuration, read once from ``pulumi.Config``.

Keys (``pulumi config set ...``): ``gcp:project`` (required), ``gcp:region``,
``career:environment``, ``career:alertEmail`` (required), ``career:firestoreLocation``,
``career:corsOrigins`` (JSON list), ``career:geminiLocation``, ``career:abandonedUploadDays``,
``career:webSiteId`` (the Firebase Hosting site of the web app, default ``<project>-web``)
and one secret per Secret Manager secret the manifest names (``career:<secret-name>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pulumi

ENVIRONMENTS = ("dev", "staging", "prod")
DEFAULT_REGION = "europe-west1"
REPO_ROOT = Path(__file__).resolve().parents[1]


class ConfigError(ValueError):
    """A stack configuration value is missing or invalid."""


@dataclass(frozen=True)
class StackConfig:
    """Everything the components need to know about the target project."""

    project: str
    region: str
    environment: str
    alert_email: str
    firestore_location: str
    gemini_location: str
    cors_origins: tuple[str, ...] = ("*",)
    abandoned_upload_days: int = 3
    web_site_id: str = ""  # Firebase Hosting site; empty means "<project>-web"
    # Secret values given through `pulumi config set --secret`; absent ones are added out of band.
    secret_values: dict[str, pulumi.Output[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise ConfigError(f"career:environment must be one of {ENVIRONMENTS}, not {self.environment!r}")
        if "@" not in self.alert_email:
            raise ConfigError("career:alertEmail must be an e-mail address")
        if self.abandoned_upload_days < 1:
            raise ConfigError("career:abandonedUploadDays must be at least 1")
        if not self.web_site_id:
            object.__setattr__(self, "web_site_id", f"{self.project}-web")

    @property
    def labels(self) -> dict[str, str]:
        """Labels put on every resource that takes them."""
        return {"app": "career", "environment": self.environment}

    @property
    def canary_releases(self) -> bool:
        """Staging and prod deploy new revisions without traffic; infra/release.py shifts it."""
        return self.environment in ("staging", "prod")

    @property
    def protect_data(self) -> bool:
        """Production data stores refuse deletion."""
        return self.environment == "prod"


def load(secret_names: tuple[str, ...]) -> StackConfig:
    """Read the stack configuration (call once, from ``__main__``)."""
    gcp = pulumi.Config("gcp")
    own = pulumi.Config("career")
    region = gcp.get("region") or DEFAULT_REGION
    origins = own.get_object("corsOrigins")
    secrets: dict[str, pulumi.Output[str]] = {}
    for name in secret_names:
        value = own.get_secret(name)
        if value is not None:
            secrets[name] = value
    return StackConfig(
        project=gcp.require("project"),
        region=region,
        environment=own.get("environment") or "dev",
        alert_email=own.require("alertEmail"),
        firestore_location=own.get("firestoreLocation") or "eur3",
        gemini_location=own.get("geminiLocation") or region,
        cors_origins=tuple(str(o) for o in origins) if isinstance(origins, list) and origins else ("*",),
        abandoned_upload_days=own.get_int("abandonedUploadDays") or 3,
        web_site_id=own.get("webSiteId") or "",
        secret_values=secrets,
    )
