"""Pub/Sub: topics, dead-letter topics, Pulumi-owned push subscriptions and the grants they need.

Events reach functions through push subscriptions owned here (not Eventarc triggers) so each
one has a retry policy and a dead-letter policy (docs/decisions/0070). Pushes carry an OIDC
token of the push identity, which alone may invoke the private targets. The Pub/Sub service
agent may publish to the dead-letter topics and acknowledge on the source subscriptions, as
dead-lettering requires. GCS finalize notifications of the uploads bucket feed ``uploads``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from infra.components.functions import grant_invoker
from infra.names import service_name, topic_path
from shared.topology import PushSubscription, Topology

UPLOADS_MESSAGE = "UploadFinalized"  # what GCS notifications are, in the manifest


@dataclass
class MessagingArgs:
    """Manifest, push targets, the push identity and the bucket that notifies."""

    project: str
    topology: Topology
    functions: Mapping[str, gcp.cloudfunctionsv2.Function]
    push_invoker: gcp.serviceaccount.Account
    uploads_bucket: gcp.storage.Bucket
    labels: Mapping[str, str]


class Messaging(pulumi.ComponentResource):
    """Topics, subscriptions, the GCS notification and the service agents' grants."""

    topics: dict[str, gcp.pubsub.Topic]
    subscriptions: dict[str, gcp.pubsub.Subscription]

    def __init__(self, name: str, args: MessagingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:messaging:Messaging", name, {}, opts)
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        topology = args.topology
        self.topics = {
            t.name: gcp.pubsub.Topic(
                t.name, project=args.project, name=t.name, labels=dict(args.labels), opts=self._child
            )
            for t in topology.topics
        }
        agent = gcp.projects.ServiceIdentity(
            "pubsub-agent", project=args.project, service="pubsub.googleapis.com", opts=self._child
        )
        dlq_grants = [
            gcp.pubsub.TopicIAMMember(
                f"{t.name}-agent-publisher",
                project=args.project,
                topic=self.topics[t.name].name,
                role="roles/pubsub.publisher",
                member=agent.member,
                opts=self._child,
            )
            for t in topology.topics
            if t.dead_letter
        ]
        # Pub/Sub mints the push OIDC tokens as the push identity.
        token_grant = gcp.serviceaccount.IAMMember(
            "pubsub-agent-mints-push-tokens",
            service_account_id=args.push_invoker.name,
            role="roles/iam.serviceAccountTokenCreator",
            member=agent.member,
            opts=self._child,
        )
        invoker_grants = [
            grant_invoker(
                f"{service_name(target)}-push-invoker", args.functions[target], args.push_invoker.member, self
            )
            for target in sorted({s.function for s in topology.subscriptions})
        ]
        ready = [*dlq_grants, token_grant, *invoker_grants]
        self.subscriptions = {s.name: self._subscription(s, ready) for s in topology.subscriptions}
        for sub in topology.subscriptions:
            if sub.has_dead_letter_policy:
                gcp.pubsub.SubscriptionIAMMember(
                    f"{sub.name}-agent-subscriber",
                    project=args.project,
                    subscription=self.subscriptions[sub.name].name,
                    role="roles/pubsub.subscriber",
                    member=agent.member,
                    opts=self._child,
                )
        self._notify_uploads()
        self.register_outputs({"topics": list(self.topics), "subscriptions": list(self.subscriptions)})

    def _subscription(
        self, sub: PushSubscription, ready: Sequence[pulumi.Resource]
    ) -> gcp.pubsub.Subscription:
        target = self._args.functions[sub.function]
        dead_letter: gcp.pubsub.SubscriptionDeadLetterPolicyArgsDict | None = (
            {
                "dead_letter_topic": self.topics[sub.dead_letter_topic].id,
                "max_delivery_attempts": sub.max_delivery_attempts,
            }
            if sub.has_dead_letter_policy
            else None
        )
        return gcp.pubsub.Subscription(
            sub.name,
            project=self._args.project,
            name=sub.name,
            topic=self.topics[sub.topic].id,
            labels=dict(self._args.labels),
            ack_deadline_seconds=sub.ack_deadline_s,
            message_retention_duration=f"{sub.message_retention_s}s",
            expiration_policy={"ttl": ""},  # never expire an idle subscription
            filter=sub.filter,
            push_config={
                # The topic in the path lets functions-framework name it as the CloudEvent source.
                "push_endpoint": pulumi.Output.concat(
                    target.url, "/", topic_path(self._args.project, sub.topic)
                ),
                "oidc_token": {
                    "service_account_email": self._args.push_invoker.email,
                    "audience": target.url,
                },
            },
            retry_policy={
                "minimum_backoff": f"{sub.retry.minimum_backoff_s}s",
                "maximum_backoff": f"{sub.retry.maximum_backoff_s}s",
            },
            dead_letter_policy=dead_letter,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(ready)),
        )

    def _notify_uploads(self) -> None:
        args = self._args
        name = args.topology.topic_for(UPLOADS_MESSAGE).name
        topic = self.topics[name]
        gcs_agent = gcp.storage.get_project_service_account_output(
            project=args.project, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        grant = gcp.pubsub.TopicIAMMember(
            f"{name}-gcs-agent-publisher",
            project=args.project,
            topic=topic.name,
            role="roles/pubsub.publisher",
            member=gcs_agent.email_address.apply(lambda email: f"serviceAccount:{email}"),
            opts=self._child,
        )
        gcp.storage.Notification(
            f"{name}-finalize",
            bucket=args.uploads_bucket.name,
            topic=topic.id,
            payload_format="JSON_API_V1",
            event_types=["OBJECT_FINALIZE"],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[grant]),
        )
