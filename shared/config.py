"""Settings: the only place that reads os.environ.

Every variable is prefixed ``CAREER_`` except the standard Google ones that the SDKs read
themselves (FIRESTORE_EMULATOR_HOST and friends), which are mirrored here read-only so the
rest of the code never touches os.environ. Pulumi sets the same names in production.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

Backend = Literal["local", "gcp"]
Environment = Literal["local", "test", "dev", "staging", "prod"]


class Settings(BaseSettings):
    """Runtime configuration. Built once per process and passed down."""

    model_config = SettingsConfigDict(env_prefix="CAREER_", extra="ignore", frozen=True)

    backend: Backend = "local"
    environment: Environment = "local"
    project_id: str = Field(
        "demo-career",
        validation_alias=AliasChoices("CAREER_PROJECT_ID", "GOOGLE_CLOUD_PROJECT"),
    )
    region: str = "europe-west1"
    log_level: str = "INFO"
    # `career serve` listens here (PORT is the name Cloud Run and most tools use); 0 = any free port.
    port: int = Field(8080, ge=0, le=65535, validation_alias=AliasChoices("CAREER_PORT", "PORT"))
    # career serve: a client that sends nothing for this long loses its connection
    http_read_timeout_s: float = Field(30.0, gt=0, le=600)

    # Browser origins allowed to call the HTTPS functions (CORS); "*" only for local development.
    cors_origins: list[str] = Field(default_factory=list)

    # local backend
    data_dir: Path = Path(".data")
    public_base_url: str = "http://127.0.0.1:8080"
    dev_token_secret: SecretStr = SecretStr("local-dev-token-secret-change-me")
    upload_signing_secret: SecretStr = SecretStr("local-upload-signing-secret-change-me")
    # Local queue only: multiplies every retry backoff (0.01 lets a demo or a browser test see a
    # delivery exhaust its attempts in seconds); the attempt counts and order stay production's.
    local_retry_backoff_scale: float = Field(1.0, gt=0, le=1)
    # The web app's built files `career serve` serves at / (default: the checkout's web/dist).
    web_dir: Path | None = None

    # storage
    uploads_bucket: str = "career-uploads"
    text_bucket: str = "career-text"
    max_upload_bytes: int = 10 * 1024 * 1024
    upload_url_ttl_s: int = Field(900, le=900)
    document_quota: int = 20
    signing_service_account: str | None = None  # IAM signBlob when no key file is present

    # events and tasks
    max_event_age_s: int = 24 * 3600
    tasks_service_account: str | None = None  # OIDC identity Cloud Tasks presents
    function_base_url: str | None = None  # https://REGION-PROJECT.cloudfunctions.net

    # matching: results kept per user (the best K, plus offers in the user's notebook)
    match_top_k: int = Field(200, ge=1, le=5000)
    # subscribers scored per offers-event delivery (the next batch is a new message)
    match_users_per_batch: int = Field(500, ge=1, le=10_000)
    # offer descriptions read by the compiled reader when it is built (decision 0092);
    # CAREER_NATIVE_READING=0 forces the Python reading (the same features, slower)
    native_reading: bool = True

    # extraction limits
    max_pdf_pages: int = 50
    max_text_chars: int = 200_000

    # LLM
    llm_provider: Literal["heuristic", "gemini"] = "heuristic"
    gemini_model: str = "gemini-2.5-flash"
    gemini_location: str = "europe-west1"
    vertex_base_url: str | None = None  # a local stub of the Vertex REST API in tests
    llm_daily_budget: int = Field(50, ge=0)  # scoring calls per user and UTC day
    notebook_auto_rescore: bool = True  # re-score stale notebook entries within the budget

    # notebook imports: API root override for posting URLs of supported boards (a test server)
    posting_api_base_url: str | None = None

    # accounts: the pepper one-time codes are MACed with (Secret Manager ``otp-pepper`` in
    # production; the local default is refused outside local/test), and outgoing mail
    otp_pepper: SecretStr | None = None
    mail_backend: Literal["outbox", "smtp"] = "outbox"
    mail_sender: str = "Career assistant <no-reply@career.localhost>"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None  # Secret Manager ``smtp-password`` in production
    smtp_starttls: bool = True
    smtp_timeout_s: float = 20.0
    # Which request header carries the client address the front end saw (rate limits).
    client_ip_header: str = "X-Forwarded-For"

    # `career smoke --identity firebase`: the project's web API key (public by design)
    firebase_api_key: SecretStr | None = None

    # callbacks from external scrapers
    callback_hmac_key: SecretStr | None = None

    # Standard Google variables (read-only mirrors; SDKs read them themselves).
    firestore_emulator_host: str | None = Field(None, validation_alias="FIRESTORE_EMULATOR_HOST")
    pubsub_emulator_host: str | None = Field(None, validation_alias="PUBSUB_EMULATOR_HOST")
    storage_emulator_host: str | None = Field(None, validation_alias="STORAGE_EMULATOR_HOST")
    firebase_auth_emulator_host: str | None = Field(None, validation_alias="FIREBASE_AUTH_EMULATOR_HOST")
    cloud_tasks_emulator_host: str | None = Field(None, validation_alias="CLOUD_TASKS_EMULATOR_HOST")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then the environment. No .env file or secrets directory is
        configured, yet their sources would still walk every field on every cold start."""
        return (init_settings, env_settings)

    def otp_pepper_bytes(self) -> bytes:
        """The one-time-code pepper; a built-in default only in local and test environments."""
        if self.otp_pepper is not None and self.otp_pepper.get_secret_value():
            return self.otp_pepper.get_secret_value().encode()
        if not self.is_local:
            raise RuntimeError("CAREER_OTP_PEPPER is required outside the local and test environments")
        return b"local-otp-pepper-change-me-0123456789"

    @property
    def is_local(self) -> bool:
        """Dev tokens and the heuristic default are only allowed here."""
        return self.environment in ("local", "test")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
