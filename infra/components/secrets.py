"""Secret Manager secrets the manifest names, and who may read them.

Functions receive secrets through ``secret_environment_variables`` only; a value given with
``pulumi config set --secret career:<name>`` becomes the first version, otherwise an operator
adds one (``gcloud secrets versions add``) before the first deploy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from infra.names import kebab
from shared.topology import Topology


def secret_names(topology: Topology) -> tuple[str, ...]:
    """Every secret some function uses, sorted, each once."""
    return tuple(sorted({s for f in topology.functions for s in f.secrets}))


@dataclass
class SecretsArgs:
    """Manifest, the functions' accounts and optional initial values."""

    project: str
    topology: Topology
    accounts: Mapping[str, gcp.serviceaccount.Account]
    labels: Mapping[str, str]
    values: Mapping[str, pulumi.Output[str]] = field(default_factory=dict)


class Secrets(pulumi.ComponentResource):
    """One secret per name; ``secretAccessor`` only for the functions that use it."""

    secrets: dict[str, gcp.secretmanager.Secret]

    def __init__(self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:secrets:Secrets", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.secrets = {}
        for secret_name in secret_names(args.topology):
            secret = gcp.secretmanager.Secret(
                secret_name,
                project=args.project,
                secret_id=secret_name,
                labels=dict(args.labels),
                replication={"auto": {}},
                opts=child,
            )
            self.secrets[secret_name] = secret
            value = args.values.get(secret_name)
            if value is not None:
                gcp.secretmanager.SecretVersion(
                    f"{secret_name}-initial",
                    secret=secret.id,
                    secret_data=value,
                    opts=child,
                )
        for spec in args.topology.functions:
            for secret_name in spec.secrets:
                gcp.secretmanager.SecretIamMember(
                    f"{kebab(spec.name)}-reads-{secret_name}",
                    project=args.project,
                    secret_id=self.secrets[secret_name].secret_id,
                    role="roles/secretmanager.secretAccessor",
                    member=args.accounts[spec.name].member,
                    opts=child,
                )
        self.register_outputs({"secrets": list(self.secrets)})
