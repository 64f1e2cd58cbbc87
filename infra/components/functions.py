"""Cloud Functions (gen2), one per manifest entry, each from its content-hashed archive.

Every function runs as its own service account. Only ``public`` functions (the HTTPS APIs,
which verify Firebase ID tokens themselves) let ``allUsers`` invoke them; push and task
handlers stay private and are invoked by the push and tasks identities (granted in the
messaging and tasks components). Secrets reach a function only through Secret Manager.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from infra.bundle import Bundle
from infra.bytecode import RUNTIME
from infra.names import env_key, service_name
from shared.topology import FunctionSpec, Topology


def grant_invoker(
    name: str, function: gcp.cloudfunctionsv2.Function, member: pulumi.Input[str], parent: pulumi.Resource
) -> gcp.cloudrunv2.ServiceIamMember:
    """Let ``member`` invoke ``function`` (run.invoker on the Cloud Run service behind it)."""
    return gcp.cloudrunv2.ServiceIamMember(
        name,
        project=function.project,
        location=function.location,
        name=function.service_config.apply(lambda c: c.service if c else None),
        role="roles/run.invoker",
        member=member,
        opts=pulumi.ResourceOptions(parent=parent),
    )


@dataclass
class FunctionsArgs:
    """Everything a function needs: its archive, identity, environment and secrets."""

    project: str
    region: str
    topology: Topology
    bundles: Mapping[str, Bundle]
    accounts: Mapping[str, gcp.serviceaccount.Account]
    builder: gcp.serviceaccount.Account
    sources_bucket: gcp.storage.Bucket
    environment: Mapping[str, pulumi.Input[str]]
    secrets: Mapping[str, gcp.secretmanager.Secret]
    labels: Mapping[str, str]
    # New revisions start with no traffic; infra/release.py smokes and shifts them (canary).
    canary: bool = False


class Functions(pulumi.ComponentResource):
    """Archives, functions and the public invoker grants."""

    functions: dict[str, gcp.cloudfunctionsv2.Function]
    urls: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: FunctionsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:functions:Functions", name, {}, opts)
        self._args = args
        self.functions = {spec.name: self._function(spec) for spec in args.topology.functions}
        self.urls = {n: f.url for n, f in self.functions.items()}
        for spec in args.topology.functions:
            if spec.public:
                # The HTTPS APIs verify Firebase ID tokens themselves.
                grant_invoker(
                    f"{service_name(spec.name)}-public", self.functions[spec.name], "allUsers", self
                )
        self.register_outputs({"urls": self.urls})

    def _function(self, spec: FunctionSpec) -> gcp.cloudfunctionsv2.Function:
        args = self._args
        bundle = args.bundles[spec.name]
        child = pulumi.ResourceOptions(parent=self)
        # Named by content hash: an unchanged archive keeps its name, so nothing redeploys.
        archive = gcp.storage.BucketObject(
            f"{service_name(spec.name)}-archive",
            bucket=args.sources_bucket.name,
            name=bundle.object_name,
            source=pulumi.FileAsset(str(bundle.path)),
            content_type="application/zip",
            opts=child,
        )
        account = args.accounts[spec.name]
        env: dict[str, pulumi.Input[str]] = dict(args.environment)
        env["CAREER_SIGNING_SERVICE_ACCOUNT"] = account.email
        return gcp.cloudfunctionsv2.Function(
            service_name(spec.name),
            project=args.project,
            location=args.region,
            name=service_name(spec.name),
            description=spec.description,
            labels={**args.labels, "trigger": spec.trigger},
            build_config={
                "runtime": RUNTIME,
                "entry_point": spec.entry_point,
                "service_account": args.builder.id,
                "source": {"storage_source": {"bucket": args.sources_bucket.name, "object": archive.name}},
            },
            service_config={
                "available_memory": spec.memory,
                "timeout_seconds": spec.timeout_s,
                "max_instance_count": spec.max_instances,
                "min_instance_count": 0,
                "service_account_email": account.email,
                "ingress_settings": "ALLOW_ALL",
                "all_traffic_on_latest_revision": not args.canary,
                "environment_variables": env,
                "secret_environment_variables": [
                    {
                        "key": env_key(secret),
                        "project_id": args.project,
                        "secret": args.secrets[secret].secret_id,
                        "version": "latest",
                    }
                    for secret in spec.secrets
                ],
            },
            opts=child,
        )
