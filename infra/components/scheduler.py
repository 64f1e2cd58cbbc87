"""Cloud Scheduler jobs publishing the manifest's payloads to their topics."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from infra.names import kebab
from shared.topology import SchedulerJob, Topology


def message_data(job: SchedulerJob) -> str:
    """The job's payload as base64 JSON with sorted keys (stable, so no spurious diff)."""
    return base64.b64encode(json.dumps(job.payload, sort_keys=True).encode()).decode()


@dataclass
class SchedulerArgs:
    """Manifest and the topics jobs publish to."""

    project: str
    region: str
    topology: Topology
    topics: Mapping[str, gcp.pubsub.Topic]


class Scheduler(pulumi.ComponentResource):
    """One job per manifest schedule."""

    jobs: dict[str, gcp.cloudscheduler.Job]

    def __init__(self, name: str, args: SchedulerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:scheduler:Scheduler", name, {}, opts)
        self.jobs = {
            job.name: gcp.cloudscheduler.Job(
                kebab(job.name),
                project=args.project,
                region=args.region,
                name=kebab(job.name),
                description=job.description,
                schedule=job.schedule,
                time_zone=job.time_zone,
                pubsub_target={
                    "topic_name": args.topics[job.topic].id,
                    "data": message_data(job),
                    "attributes": {"origin": "scheduler", "job": job.name},
                },
                retry_config={"retry_count": 3},
                opts=pulumi.ResourceOptions(parent=self),
            )
            for job in args.topology.schedules
        }
        self.register_outputs({"jobs": list(self.jobs)})
