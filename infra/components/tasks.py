"""Cloud Tasks queues with the manifest's rate limits and retry_config.

Each queue pins its target: the host of its worker function and an OIDC token of the tasks
identity (the only identity allowed to invoke task handlers), whatever the enqueuer put in
the task, so a task can never reach another function or arrive unauthenticated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import pulumi
import pulumi_gcp as gcp

from infra.components.functions import grant_invoker
from infra.names import service_name
from shared.topology import TaskQueueSpec, Topology


def duration(seconds: float) -> str:
    """Seconds as a protobuf Duration string (``5s``, ``0.5s``)."""
    return f"{int(seconds)}s" if float(seconds).is_integer() else f"{seconds}s"


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None


@dataclass
class TasksArgs:
    """Manifest, worker functions and the tasks identity."""

    project: str
    region: str
    topology: Topology
    functions: Mapping[str, gcp.cloudfunctionsv2.Function]
    tasks_invoker: gcp.serviceaccount.Account


class Tasks(pulumi.ComponentResource):
    """Queues and the invoker grants on their workers."""

    queues: dict[str, gcp.cloudtasks.Queue]

    def __init__(self, name: str, args: TasksArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:tasks:Tasks", name, {}, opts)
        self._args = args
        grants = [
            grant_invoker(
                f"{service_name(target)}-tasks-invoker",
                args.functions[target],
                args.tasks_invoker.member,
                self,
            )
            for target in sorted({q.function for q in args.topology.queues})
        ]
        self.queues = {q.name: self._queue(q, grants) for q in args.topology.queues}
        self.register_outputs({"queues": list(self.queues)})

    def _queue(self, spec: TaskQueueSpec, grants: Sequence[pulumi.Resource]) -> gcp.cloudtasks.Queue:
        args = self._args
        worker = args.functions[spec.function]
        return gcp.cloudtasks.Queue(
            spec.name,
            project=args.project,
            location=args.region,
            name=spec.name,
            rate_limits={
                "max_dispatches_per_second": spec.rate_limits.max_dispatches_per_second,
                "max_concurrent_dispatches": spec.rate_limits.max_concurrent_dispatches,
            },
            retry_config={
                "max_attempts": spec.retry.max_attempts,
                "min_backoff": duration(spec.retry.min_backoff_s),
                "max_backoff": duration(spec.retry.max_backoff_s),
                "max_doublings": spec.retry.max_doublings,
                "max_retry_duration": duration(spec.retry.max_retry_duration_s),  # 0s = unlimited
            },
            http_target={
                "oidc_token": {"service_account_email": args.tasks_invoker.email, "audience": worker.url},
                "uri_override": {
                    "scheme": "HTTPS",
                    "host": worker.url.apply(_host),
                    "uri_override_enforce_mode": "ALWAYS",
                },
            },
            # Every attempt is logged: the operator view of retries comes from these entries.
            stackdriver_logging_config={"sampling_ratio": 1.0},
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(grants)),
        )
