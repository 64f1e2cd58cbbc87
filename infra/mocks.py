"""Run the program under Pulumi mocks (no cloud, no CLI) and record what it declares.

Used by ``make infra-inventory`` and the policy tests in tests/infra. The mocks answer like
the provider would for the outputs the program reads (account e-mails, function URLs and
service names, topic paths, service agents), and echo every input back as state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

PROJECT = "career-mock"
_GCS_AGENT_LOOKUP = "gcp:storage/getProjectServiceAccount:getProjectServiceAccount"


@dataclass(frozen=True)
class Declared:
    """One resource the program registered: Pulumi type token, name and (camelCase) inputs."""

    type: str
    name: str
    inputs: dict[str, Any]
    custom: bool


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every registration and fills in provider-computed outputs."""

    def __init__(self, project: str = PROJECT) -> None:
        self.project = project
        self.declared: list[Declared] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Record the resource and answer with plausible computed outputs."""
        inputs = dict(args.inputs)
        self.declared.append(Declared(args.typ, args.name, inputs, bool(args.custom)))
        state = {**inputs, **self._computed(args.typ, args.name, inputs)}
        return state.get("id") or f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        """Answer data-source invocations (no check failures)."""
        if args.token == _GCS_AGENT_LOOKUP:
            email = "service-123456789@gs-project-accounts.iam.gserviceaccount.com"
            return {"emailAddress": email, "member": f"serviceAccount:{email}", "project": self.project}, []
        return {}, []

    def _computed(self, typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        if typ == "gcp:serviceaccount/account:Account":
            email = f"{inputs['accountId']}@{self.project}.iam.gserviceaccount.com"
            path = f"projects/{self.project}/serviceAccounts/{email}"
            return {"email": email, "member": f"serviceAccount:{email}", "name": path, "id": path}
        if typ == "gcp:cloudfunctionsv2/function:Function":
            service = {**inputs.get("serviceConfig", {}), "service": inputs["name"]}
            return {"url": f"https://{inputs['name']}-mock.a.run.app", "serviceConfig": service}
        if typ == "gcp:pubsub/topic:Topic":
            return {"id": f"projects/{self.project}/topics/{inputs['name']}"}
        if typ == "gcp:projects/serviceIdentity:ServiceIdentity":
            email = f"service-123456789@gcp-sa-{inputs['service'].split('.')[0]}.iam.gserviceaccount.com"
            return {"email": email, "member": f"serviceAccount:{email}"}
        if typ == "gcp:firebaserules/ruleset:Ruleset":
            return {"name": f"{name}-ruleset"}
        if typ == "gcp:monitoring/notificationChannel:NotificationChannel":
            return {"name": f"projects/{self.project}/notificationChannels/1"}
        return {}


def run(
    program: Callable[[], object],
    config: Mapping[str, str],
    secret_keys: tuple[str, ...] = (),
    project: str = PROJECT,
) -> list[Declared]:
    """Run ``program`` under fresh mocks with ``config`` and return what it declared."""
    mocks = RecordingMocks(project)
    pulumi.runtime.set_mocks(mocks, project="career", stack="mock", preview=False)
    pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]  # the SDK leaves it untyped
    return mocks.declared


def default_config(project: str = PROJECT) -> dict[str, str]:
    """The smallest valid stack configuration."""
    return {
        "gcp:project": project,
        "gcp:region": "europe-west1",
        "career:environment": "dev",
        "career:alertEmail": "alerts@example.com",
    }
