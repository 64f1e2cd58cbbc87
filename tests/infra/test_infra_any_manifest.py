"""The program follows whatever the manifest declares: new functions, queues, topics, indexes."""

from __future__ import annotations

import dataclasses
import re
import zipfile

import pytest
from infra_stack import Stack, run_stack

from infra.names import env_key, service_name
from shared.topology import (
    TOPOLOGY,
    CompositeIndex,
    FunctionSpec,
    IndexField,
    PushSubscription,
    RateLimits,
    TaskQueueSpec,
    TaskRetry,
    Topic,
    Topology,
    TtlField,
)

pytestmark = pytest.mark.infra

NEW_TASK = "score_offers_with_the_language_model_worker"
NEW_PUSH = "notify_users"


def _extended() -> Topology:
    return dataclasses.replace(
        TOPOLOGY,
        functions=(
            *TOPOLOGY.functions,
            FunctionSpec(
                NEW_TASK,
                NEW_TASK,
                "task",
                "scores offers",
                secrets=("llm-api-key",),
                roles=("roles/datastore.user",),
                packages=("google-genai",),
            ),
            FunctionSpec(NEW_PUSH, NEW_PUSH, "push", "notifies users", roles=("roles/datastore.user",)),
        ),
        topics=(
            *TOPOLOGY.topics,
            Topic("notifications"),
            Topic("notifications-dead-letter", dead_letter=True),
        ),
        subscriptions=(
            *TOPOLOGY.subscriptions,
            PushSubscription("notifications-send", "notifications", NEW_PUSH, "notifications-dead-letter"),
            PushSubscription(
                "notifications-dead-letter-record",
                "notifications-dead-letter",
                "record_dead_letter",
                "notifications-dead-letter",
            ),
        ),
        queues=(
            *TOPOLOGY.queues,
            TaskQueueSpec("rescoring", NEW_TASK, RateLimits(0.5, 2), TaskRetry(3, 1.5, 60, 2, 3600)),
        ),
        indexes=(
            *TOPOLOGY.indexes,
            CompositeIndex(
                "bookmarks", (IndexField("tags", "CONTAINS"), IndexField("saved_at", "DESCENDING"))
            ),
        ),
        ttl_fields=(*TOPOLOGY.ttl_fields, TtlField("sessions", "expires_at")),
    )


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Stack:
    """The program run once on the extended manifest."""
    return run_stack(tmp_path_factory.mktemp("extended"), _extended())


class TestNewManifestEntries:
    def test_a_new_function_gets_its_own_valid_service_account(self, extended: Stack) -> None:
        accounts = [a.inputs["accountId"] for a in extended.all("gcp:serviceaccount/account:Account")]

        assert len(accounts) == len(set(accounts))
        assert all(re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", a) for a in accounts)
        assert service_name(NEW_TASK) in extended.named("gcp:cloudfunctionsv2/function:Function")

    def test_a_new_function_ships_the_optional_packages_it_names(self, extended: Stack) -> None:
        with zipfile.ZipFile(extended.bundles[NEW_TASK].path) as zf:
            requirements = zf.read("requirements.txt").decode().splitlines()
        with zipfile.ZipFile(extended.bundles[NEW_PUSH].path) as zf:
            plain = zf.read("requirements.txt").decode().splitlines()

        assert any(line.startswith("google-genai") for line in requirements)
        assert not any(line.startswith("google-genai") for line in plain)

    def test_a_new_queue_keeps_fractional_backoffs_and_its_retry_duration(self, extended: Stack) -> None:
        queue = extended.named("gcp:cloudtasks/queue:Queue")["rescoring"].inputs

        assert queue["retryConfig"]["minBackoff"] == "1.5s"
        assert queue["retryConfig"]["maxRetryDuration"] == "3600s"
        assert queue["rateLimits"]["maxDispatchesPerSecond"] == 0.5

    def test_a_new_topic_gets_its_push_subscription_and_dead_letter_policy(self, extended: Stack) -> None:
        subs = extended.named("gcp:pubsub/subscription:Subscription")

        policy = subs["notifications-send"].inputs["deadLetterPolicy"]
        assert policy["deadLetterTopic"].endswith("/topics/notifications-dead-letter")
        assert "deadLetterPolicy" not in subs["notifications-dead-letter-record"].inputs

    def test_an_array_contains_index_uses_array_config(self, extended: Stack) -> None:
        bookmarks = [
            i.inputs
            for i in extended.all("gcp:firestore/index:Index")
            if i.inputs["collection"] == "bookmarks"
        ]

        assert bookmarks[0]["fields"][0] == {"fieldPath": "tags", "arrayConfig": "CONTAINS"}

    def test_a_new_secret_is_created_and_referenced_never_inlined(self, extended: Stack) -> None:
        secrets = {s.inputs["secretId"] for s in extended.all("gcp:secretmanager/secret:Secret")}
        fn = extended.named("gcp:cloudfunctionsv2/function:Function")[service_name(NEW_TASK)].inputs

        assert "llm-api-key" in secrets
        assert fn["serviceConfig"]["secretEnvironmentVariables"][0]["key"] == env_key("llm-api-key")
        assert env_key("llm-api-key") not in fn["serviceConfig"]["environmentVariables"]

    def test_a_new_ttl_field_gets_a_policy(self, extended: Stack) -> None:
        fields = {
            (f.inputs["collection"], f.inputs["field"]) for f in extended.all("gcp:firestore/field:Field")
        }

        assert ("sessions", "expires_at") in fields
