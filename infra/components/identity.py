"""Service accounts: one per function with the manifest's roles, plus the invoker identities.

Each function runs as its own account holding exactly the roles the manifest lists (those that
act as a service account, on that account alone, not the project). Pub/Sub
pushes and Cloud Tasks dispatches carry OIDC tokens of two dedicated invoker accounts, and
functions are built by a dedicated builder account rather than the default compute one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from infra.names import account_id, kebab
from shared.topology import Topology

_ENQUEUER = "roles/cloudtasks.enqueuer"
# Roles that let a principal act as a service account: granted on the function's own account
# only. Granted project-wide, they would let it sign or act as every account (the builder,
# the invokers) of the project.
_ON_OWN_ACCOUNT = frozenset({"roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountUser"})
# What Cloud Build needs to turn a source archive into a function image.
_BUILDER_ROLES = (
    "roles/artifactregistry.writer",
    "roles/cloudbuild.builds.builder",
    "roles/logging.logWriter",
    "roles/storage.objectViewer",
)


@dataclass
class IdentityArgs:
    """Project and manifest."""

    project: str
    topology: Topology


class Identity(pulumi.ComponentResource):
    """Service accounts and their project-level grants."""

    functions: dict[str, gcp.serviceaccount.Account]
    push_invoker: gcp.serviceaccount.Account
    tasks_invoker: gcp.serviceaccount.Account
    builder: gcp.serviceaccount.Account

    def __init__(self, name: str, args: IdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:identity:Identity", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self._project = args.project
        self._child = child

        self.functions = {}
        for spec in args.topology.functions:
            account = self._account("fn", spec.name, f"Runs the {spec.name} function")
            self.functions[spec.name] = account
            for role in spec.roles:
                if role in _ON_OWN_ACCOUNT:
                    self._grant_on_itself(f"{kebab(spec.name)}-self-{role}", role, account)
                else:
                    self._grant(f"{kebab(spec.name)}-{role}", role, account)

        self.push_invoker = self._account("push", "invoker", "Identity of Pub/Sub push deliveries (OIDC)")
        self.tasks_invoker = self._account("tasks", "invoker", "Identity of Cloud Tasks dispatches (OIDC)")
        self.builder = self._account("fn", "builder", "Builds function images from source archives")
        for role in _BUILDER_ROLES:
            self._grant(f"builder-{role}", role, self.builder)

        # Creating a task that carries an OIDC token means acting as the tasks identity.
        for spec in args.topology.functions:
            if _ENQUEUER in spec.roles:
                gcp.serviceaccount.IAMMember(
                    f"{kebab(spec.name)}-acts-as-tasks-invoker",
                    service_account_id=self.tasks_invoker.name,
                    role="roles/iam.serviceAccountUser",
                    member=self.functions[spec.name].member,
                    opts=child,
                )

        self.register_outputs(
            {
                "functions": {n: a.email for n, a in self.functions.items()},
                "push_invoker": self.push_invoker.email,
                "tasks_invoker": self.tasks_invoker.email,
                "builder": self.builder.email,
            }
        )

    def _account(self, prefix: str, name: str, description: str) -> gcp.serviceaccount.Account:
        ident = account_id(prefix, name)
        return gcp.serviceaccount.Account(
            ident,
            project=self._project,
            account_id=ident,
            display_name=description,
            opts=self._child,
        )

    def _grant(self, name: str, role: str, account: gcp.serviceaccount.Account) -> None:
        gcp.projects.IAMMember(
            name, project=self._project, role=role, member=account.member, opts=self._child
        )

    def _grant_on_itself(self, name: str, role: str, account: gcp.serviceaccount.Account) -> None:
        # Signing upload URLs through IAM signBlob needs token-creator on the signer itself.
        gcp.serviceaccount.IAMMember(
            name, service_account_id=account.name, role=role, member=account.member, opts=self._child
        )
