"""Policy tests of the Pulumi program, run under mocks on the real topology manifest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_stack import SECRET_VALUE, Stack

from infra import signals
from infra.names import env_key, service_name
from shared.topology import TOPOLOGY

pytestmark = pytest.mark.infra

FUNCTION = "gcp:cloudfunctionsv2/function:Function"
ACCOUNT = "gcp:serviceaccount/account:Account"
PROJECT_IAM = "gcp:projects/iAMMember:IAMMember"
ACCOUNT_IAM = "gcp:serviceaccount/iAMMember:IAMMember"
ACTS_AS_ACCOUNT = ("roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountUser")
RUN_INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
SUBSCRIPTION = "gcp:pubsub/subscription:Subscription"
TOPIC_IAM = "gcp:pubsub/topicIAMMember:TopicIAMMember"
SUBSCRIPTION_IAM = "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember"
BUCKET = "gcp:storage/bucket:Bucket"
BUCKET_OBJECT = "gcp:storage/bucketObject:BucketObject"
NOTIFICATION = "gcp:storage/notification:Notification"
INDEX = "gcp:firestore/index:Index"
FIELD = "gcp:firestore/field:Field"
QUEUE = "gcp:cloudtasks/queue:Queue"
JOB = "gcp:cloudscheduler/job:Job"
ALERT = "gcp:monitoring/alertPolicy:AlertPolicy"
SLO = "gcp:monitoring/slo:Slo"
LOG_METRIC = "gcp:logging/metric:Metric"
DASHBOARD = "gcp:monitoring/dashboard:Dashboard"
RELEASE = "gcp:firebaserules/release:Release"
SECRET_VERSION = "gcp:secretmanager/secretVersion:SecretVersion"

PUSH_SA = "push-invoker@career-mock.iam.gserviceaccount.com"
TASKS_SA = "tasks-invoker@career-mock.iam.gserviceaccount.com"


def _function(stack: Stack, name: str) -> dict[str, Any]:
    inputs: dict[str, Any] = stack.named(FUNCTION)[service_name(name)].inputs
    return inputs


class TestFunctions:
    def test_every_manifest_function_is_deployed_with_its_entry_point(self, stack: Stack) -> None:
        functions = stack.named(FUNCTION)

        assert set(functions) == {service_name(f.name) for f in TOPOLOGY.functions}
        for spec in TOPOLOGY.functions:
            assert functions[service_name(spec.name)].inputs["buildConfig"]["entryPoint"] == spec.entry_point

    def test_dev_sends_all_traffic_to_each_new_revision(self, stack: Stack) -> None:
        # staging and prod turn this off: infra/release.py shifts their traffic (canary)
        for spec in TOPOLOGY.functions:
            assert _function(stack, spec.name)["serviceConfig"]["allTrafficOnLatestRevision"] is True

    def test_every_function_runs_as_its_own_service_account(self, stack: Stack) -> None:
        emails = [
            _function(stack, f.name)["serviceConfig"]["serviceAccountEmail"] for f in TOPOLOGY.functions
        ]
        accounts = {
            f"{a.inputs['accountId']}@career-mock.iam.gserviceaccount.com" for a in stack.all(ACCOUNT)
        }

        assert len(set(emails)) == len(TOPOLOGY.functions)
        assert set(emails) <= accounts

    def test_function_source_is_the_archive_named_by_its_hash(self, stack: Stack) -> None:
        objects = {o.inputs["name"] for o in stack.all(BUCKET_OBJECT)}

        for spec in TOPOLOGY.functions:
            storage = _function(stack, spec.name)["buildConfig"]["source"]["storageSource"]
            assert storage["object"] == stack.bundles[spec.name].object_name
            assert storage["object"] in objects
            assert stack.bundles[spec.name].digest in storage["object"]

    def test_functions_get_the_gcp_backend_settings(self, stack: Stack) -> None:
        for spec in TOPOLOGY.functions:
            env = _function(stack, spec.name)["serviceConfig"]["environmentVariables"]
            assert env["CAREER_BACKEND"] == "gcp"
            assert env["CAREER_ENVIRONMENT"] == "dev"
            assert env["CAREER_PROJECT_ID"] == "career-mock"
            assert env["CAREER_UPLOADS_BUCKET"] == "career-mock-uploads"
            assert env["CAREER_TASKS_SERVICE_ACCOUNT"] == TASKS_SA


class TestProjectGrants:
    def test_no_account_may_act_as_every_account_of_the_project(self, stack: Stack) -> None:
        roles = {g.inputs["role"] for g in stack.all(PROJECT_IAM)}

        assert roles.isdisjoint(ACTS_AS_ACCOUNT)

    def test_a_function_that_signs_may_sign_only_as_itself(self, stack: Stack) -> None:
        signers = [f for f in TOPOLOGY.functions if "roles/iam.serviceAccountTokenCreator" in f.roles]
        grants = {
            (g.inputs["serviceAccountId"], g.inputs["member"])
            for g in stack.all(ACCOUNT_IAM)
            if g.inputs["role"] == "roles/iam.serviceAccountTokenCreator"
        }

        assert signers
        for spec in signers:
            email = _function(stack, spec.name)["serviceConfig"]["serviceAccountEmail"]
            own = f"projects/career-mock/serviceAccounts/{email}"
            assert (own, f"serviceAccount:{email}") in grants


class TestInvokers:
    def test_only_public_functions_allow_all_users(self, stack: Stack) -> None:
        open_to_all = {m.inputs["name"] for m in stack.all(RUN_INVOKER) if m.inputs["member"] == "allUsers"}

        assert open_to_all == {service_name(f.name) for f in TOPOLOGY.functions if f.public}

    def test_private_functions_are_invoked_only_by_the_push_or_tasks_identity(self, stack: Stack) -> None:
        private = {service_name(f.name) for f in TOPOLOGY.functions if not f.public}
        members = {(m.inputs["name"], m.inputs["member"]) for m in stack.all(RUN_INVOKER)}

        for name, member in members:
            if name in private:
                assert member in (f"serviceAccount:{PUSH_SA}", f"serviceAccount:{TASKS_SA}")
        for sub in TOPOLOGY.subscriptions:
            assert (service_name(sub.function), f"serviceAccount:{PUSH_SA}") in members
        for queue in TOPOLOGY.queues:
            assert (service_name(queue.function), f"serviceAccount:{TASKS_SA}") in members

    def test_no_function_is_reachable_by_all_authenticated_users(self, stack: Stack) -> None:
        assert all(m.inputs["member"] != "allAuthenticatedUsers" for m in stack.all(RUN_INVOKER))


class TestSubscriptions:
    def test_every_event_subscription_dead_letters_to_its_manifest_topic(self, stack: Stack) -> None:
        subs = stack.named(SUBSCRIPTION)

        for sub in TOPOLOGY.subscriptions:
            if not TOPOLOGY.topic(sub.topic).dead_letter:
                policy = subs[sub.name].inputs["deadLetterPolicy"]
                assert policy["deadLetterTopic"] == f"projects/career-mock/topics/{sub.dead_letter_topic}"
                assert 5 <= policy["maxDeliveryAttempts"] <= 100
                assert TOPOLOGY.topic(sub.dead_letter_topic).dead_letter

    def test_dead_letter_subscriptions_do_not_dead_letter_into_themselves(self, stack: Stack) -> None:
        subs = stack.named(SUBSCRIPTION)

        for sub in TOPOLOGY.subscriptions:
            if not sub.has_dead_letter_policy:
                assert "deadLetterPolicy" not in subs[sub.name].inputs

    def test_every_subscription_has_the_manifest_retry_policy(self, stack: Stack) -> None:
        subs = stack.named(SUBSCRIPTION)

        for sub in TOPOLOGY.subscriptions:
            assert subs[sub.name].inputs["retryPolicy"] == {
                "minimumBackoff": f"{sub.retry.minimum_backoff_s}s",
                "maximumBackoff": f"{sub.retry.maximum_backoff_s}s",
            }

    def test_every_dead_letter_topic_has_a_subscription(self, stack: Stack) -> None:
        subscribed = {s.inputs["topic"] for s in stack.all(SUBSCRIPTION)}

        for topic in TOPOLOGY.topics:
            if topic.dead_letter:
                assert f"projects/career-mock/topics/{topic.name}" in subscribed

    def test_pushes_carry_an_oidc_token_for_their_function(self, stack: Stack) -> None:
        subs = stack.named(SUBSCRIPTION)

        for sub in TOPOLOGY.subscriptions:
            push = subs[sub.name].inputs["pushConfig"]
            url = f"https://{service_name(sub.function)}-mock.a.run.app"
            assert push["oidcToken"] == {"serviceAccountEmail": PUSH_SA, "audience": url}
            assert push["pushEndpoint"] == f"{url}/projects/career-mock/topics/{sub.topic}"

    def test_pubsub_agent_publishes_to_dead_letter_topics_and_acks_source_subscriptions(
        self, stack: Stack
    ) -> None:
        agent = "serviceAccount:service-123456789@gcp-sa-pubsub.iam.gserviceaccount.com"
        publishes = {g.inputs["topic"] for g in stack.all(TOPIC_IAM) if g.inputs["member"] == agent}
        acks = {g.inputs["subscription"] for g in stack.all(SUBSCRIPTION_IAM) if g.inputs["member"] == agent}

        assert publishes == {t.name for t in TOPOLOGY.topics if t.dead_letter}
        assert acks == {s.name for s in TOPOLOGY.subscriptions if s.has_dead_letter_policy}


class TestBuckets:
    def test_no_bucket_is_public(self, stack: Stack) -> None:
        buckets = stack.all(BUCKET)

        assert buckets
        for bucket in buckets:
            assert bucket.inputs["publicAccessPrevention"] == "enforced"
            assert bucket.inputs["uniformBucketLevelAccess"] is True

    def test_uploads_accept_browser_puts_and_expire_abandoned_objects(self, stack: Stack) -> None:
        uploads = stack.named(BUCKET)["uploads"].inputs

        assert "PUT" in uploads["cors"][0]["methods"]
        assert {r["action"]["type"] for r in uploads["lifecycleRules"]} >= {
            "Delete",
            "AbortIncompleteMultipartUpload",
        }

    def test_finalized_uploads_are_announced_on_the_uploads_topic(self, stack: Stack) -> None:
        (notification,) = stack.all(NOTIFICATION)
        gcs_grants = [g for g in stack.all(TOPIC_IAM) if "gs-project-accounts" in g.inputs["member"]]

        assert notification.inputs["eventTypes"] == ["OBJECT_FINALIZE"]
        assert notification.inputs["payloadFormat"] == "JSON_API_V1"
        assert notification.inputs["topic"] == "projects/career-mock/topics/uploads"
        assert [g.inputs["topic"] for g in gcs_grants] == ["uploads"]


class TestFirestore:
    def test_every_manifest_composite_index_exists(self, stack: Stack) -> None:
        declared = {
            (
                i.inputs["collection"],
                tuple((f["fieldPath"], f.get("order") or f.get("arrayConfig")) for f in i.inputs["fields"]),
            )
            for i in stack.all(INDEX)
        }

        for index in TOPOLOGY.indexes:
            assert (index.collection_group, tuple((f.path, f.order) for f in index.fields)) in declared

    def test_every_ttl_field_has_a_ttl_policy(self, stack: Stack) -> None:
        policies = {
            (f.inputs["collection"], f.inputs["field"]) for f in stack.all(FIELD) if "ttlConfig" in f.inputs
        }

        assert policies == {(t.collection_group, t.field) for t in TOPOLOGY.ttl_fields}

    def test_security_rules_are_released_for_firestore_and_every_bucket(self, stack: Stack) -> None:
        releases = {r.inputs["name"] for r in stack.all(RELEASE)}

        assert "cloud.firestore" in releases
        for bucket in stack.all(BUCKET):
            if bucket.name != "function-sources":
                assert f"firebase.storage/{bucket.inputs['name']}" in releases


class TestTasksAndSchedules:
    def test_queues_carry_the_manifest_rate_limits_and_retry_config(self, stack: Stack) -> None:
        queues = stack.named(QUEUE)

        for spec in TOPOLOGY.queues:
            queue = queues[spec.name].inputs
            assert queue["rateLimits"]["maxDispatchesPerSecond"] == spec.rate_limits.max_dispatches_per_second
            assert (
                queue["rateLimits"]["maxConcurrentDispatches"] == spec.rate_limits.max_concurrent_dispatches
            )
            assert queue["retryConfig"]["maxAttempts"] == spec.retry.max_attempts
            assert queue["retryConfig"]["maxDoublings"] == spec.retry.max_doublings
            assert queue["httpTarget"]["oidcToken"]["serviceAccountEmail"] == TASKS_SA

    def test_scheduler_jobs_publish_to_their_topics(self, stack: Stack) -> None:
        jobs = {j.inputs["schedule"]: j.inputs["pubsubTarget"]["topicName"] for j in stack.all(JOB)}

        assert jobs == {j.schedule: f"projects/career-mock/topics/{j.topic}" for j in TOPOLOGY.schedules}


class TestSecrets:
    def test_no_secret_is_a_plain_environment_variable(self, stack: Stack) -> None:
        secret_keys = {env_key(s) for f in TOPOLOGY.functions for s in f.secrets}

        for function in stack.all(FUNCTION):
            env = function.inputs["serviceConfig"]["environmentVariables"]
            assert not secret_keys & set(env)
            assert SECRET_VALUE not in json.dumps(env)

    def test_functions_read_their_secrets_from_secret_manager(self, stack: Stack) -> None:
        for spec in TOPOLOGY.functions:
            refs = _function(stack, spec.name)["serviceConfig"]["secretEnvironmentVariables"]
            assert {(r["key"], r["secret"]) for r in refs} == {(env_key(s), s) for s in spec.secrets}

    def test_a_configured_secret_value_becomes_a_secret_version(self, stack: Stack) -> None:
        versions = stack.all(SECRET_VERSION)

        assert len(versions) == len({s for f in TOPOLOGY.functions for s in f.secrets})


class TestMonitoring:
    def test_alert_policies_cover_errors_dead_letters_runs_and_llm_latency(self, stack: Stack) -> None:
        alerts = set(stack.named(ALERT))
        dlq = {t.name for t in TOPOLOGY.topics if t.dead_letter}
        expected = {f"{f.name}-error-rate" for f in TOPOLOGY.functions if f.public}
        expected |= {f"{s.name}-backlog" for s in TOPOLOGY.subscriptions if s.topic in dlq}
        expected |= {"crawler-run-failure-rate", "llm-latency"}

        assert alerts == expected

    def test_every_public_function_has_availability_and_latency_slos(self, stack: Stack) -> None:
        slos = {(s.inputs["service"], s.inputs["sloId"]) for s in stack.all(SLO)}

        for spec in TOPOLOGY.functions:
            if spec.public:
                service = f"career-{service_name(spec.name)}-dev"
                assert {(service, "availability"), (service, "latency")} <= slos

    def test_failures_are_counted_by_failure_class_label(self, stack: Stack) -> None:
        failures = stack.named(LOG_METRIC)[signals.FAILURES_METRIC].inputs

        assert failures["labelExtractors"]["failure_class"] == "EXTRACT(labels.failure_class)"
        assert {"key": "failure_class"} in failures["metricDescriptor"]["labels"]

    def test_dashboard_is_valid_json_with_tiles(self, stack: Stack) -> None:
        (dashboard,) = stack.all(DASHBOARD)

        body = json.loads(dashboard.inputs["dashboardJson"])
        assert len(body["mosaicLayout"]["tiles"]) >= 6
