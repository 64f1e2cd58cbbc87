"""Stack configuration and resource naming."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pulumi
import pytest

from infra import mocks
from infra.config import ConfigError, load
from infra.names import account_id, env_key, service_name

pytestmark = pytest.mark.infra


Configure = Callable[[dict[str, str]], None]


@pytest.fixture
def configure() -> Iterator[Configure]:
    """Set the stack configuration for one test, cleared afterwards."""

    def _set(values: dict[str, str]) -> None:
        pulumi.runtime.set_all_config(values, [])

    yield _set
    pulumi.runtime.set_all_config({}, [])


class TestLoad:
    def test_reads_project_region_and_defaults(self, configure: Configure) -> None:
        configure(mocks.default_config("p-123"))

        cfg = load(())

        assert (cfg.project, cfg.region, cfg.environment) == ("p-123", "europe-west1", "dev")
        assert cfg.firestore_location == "eur3"
        assert cfg.gemini_location == cfg.region

    def test_requires_an_alert_email(self, configure: Configure) -> None:
        values = mocks.default_config()
        del values["career:alertEmail"]
        configure(values)

        with pytest.raises(pulumi.ConfigMissingError):
            load(())

    def test_refuses_an_unknown_environment(self, configure: Configure) -> None:
        configure({**mocks.default_config(), "career:environment": "qa"})

        with pytest.raises(ConfigError, match="environment"):
            load(())

    def test_only_production_protects_data(self, configure: Configure) -> None:
        configure({**mocks.default_config(), "career:environment": "prod"})

        assert load(()).protect_data

    @pytest.mark.parametrize(("environment", "canary"), [("dev", False), ("staging", True), ("prod", True)])
    def test_staging_and_prod_release_new_revisions_as_canaries(
        self, configure: Configure, environment: str, canary: bool
    ) -> None:
        configure({**mocks.default_config(), "career:environment": environment})

        assert load(()).canary_releases is canary

    def test_reads_cors_origins_as_a_json_list(self, configure: Configure) -> None:
        configure({**mocks.default_config(), "career:corsOrigins": '["https://app.example.com"]'})

        assert load(()).cors_origins == ("https://app.example.com",)


class TestNames:
    @pytest.mark.parametrize("name", ["api", "on_upload_finalized", "a" * 80, "x"])
    def test_account_ids_are_valid(self, name: str) -> None:
        assert re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", account_id("fn", name))

    def test_long_names_sharing_a_prefix_stay_distinct(self) -> None:
        assert account_id("fn", "a" * 40 + "_one") != account_id("fn", "a" * 40 + "_two")

    def test_service_names_use_hyphens(self) -> None:
        assert service_name("record_dead_letter") == "record-dead-letter"

    def test_secret_names_map_to_settings_variables(self) -> None:
        assert env_key("callback-hmac-key") == "CAREER_CALLBACK_HMAC_KEY"
