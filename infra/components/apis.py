"""The Google APIs the system needs, enabled before anything else is created."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from shared.topology import Topology

# Always needed: functions gen2 (build, run, registry), storage, Firestore, Pub/Sub, IAM, ops.
_BASE = (
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "firebasehosting.googleapis.com",  # the web app's site
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",  # signBlob for V4 signed upload URLs
    "identitytoolkit.googleapis.com",  # Firebase Auth
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "storage.googleapis.com",
)


def required_apis(topology: Topology) -> tuple[str, ...]:
    """The base APIs plus those the manifest's queues, schedules, secrets and roles call for."""
    apis = set(_BASE)
    if topology.queues:
        apis.add("cloudtasks.googleapis.com")
    if topology.schedules:
        apis.add("cloudscheduler.googleapis.com")
    if any(f.secrets for f in topology.functions):
        apis.add("secretmanager.googleapis.com")
    if any(r.startswith("roles/aiplatform.") for f in topology.functions for r in f.roles):
        apis.add("aiplatform.googleapis.com")
    return tuple(sorted(apis))


@dataclass
class ApisArgs:
    """Which project, which services."""

    project: str
    services: tuple[str, ...]


class Apis(pulumi.ComponentResource):
    """Enables every required API; other components depend on this one."""

    services: dict[str, gcp.projects.Service]

    def __init__(self, name: str, args: ApisArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:apis:Apis", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.services = {
            api: gcp.projects.Service(
                api.split(".")[0],
                project=args.project,
                service=api,
                # Disabling an API on destroy would break anything else in the project using it.
                disable_on_destroy=False,
                opts=child,
            )
            for api in args.services
        }
        self.register_outputs({"services": list(self.services)})
