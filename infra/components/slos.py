"""SLOs for each public HTTPS function: availability (non-5xx) and latency, over 28 days."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from infra import signals
from infra.names import service_name
from shared.topology import Topology

AVAILABILITY_GOAL = 0.995
LATENCY_GOAL = 0.95
LATENCY_THRESHOLD_MS = 1000
WINDOW_DAYS = 28


@dataclass
class ServiceLevelsArgs:
    """Project, manifest, environment."""

    project: str
    topology: Topology
    environment: str


class ServiceLevels(pulumi.ComponentResource):
    """A custom Monitoring service per public function, with its two SLOs."""

    services: dict[str, gcp.monitoring.CustomService]
    slos: dict[str, gcp.monitoring.Slo]

    def __init__(
        self, name: str, args: ServiceLevelsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("career:monitoring:ServiceLevels", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.services, self.slos = {}, {}
        for spec in args.topology.functions:
            if not spec.public:
                continue
            ident = f"career-{service_name(spec.name)}-{args.environment}"
            service = gcp.monitoring.CustomService(
                ident,
                project=args.project,
                service_id=ident,
                display_name=f"Career {spec.name} ({args.environment})",
                opts=child,
            )
            self.services[spec.name] = service
            self.slos[f"{spec.name}-availability"] = gcp.monitoring.Slo(
                f"{ident}-availability",
                project=args.project,
                service=service.service_id,
                slo_id="availability",
                display_name=f"{spec.name}: {AVAILABILITY_GOAL:.1%} of requests without a 5xx",
                goal=AVAILABILITY_GOAL,
                rolling_period_days=WINDOW_DAYS,
                request_based_sli={
                    "good_total_ratio": {
                        "bad_service_filter": signals.requests(spec.name, "5xx"),
                        "total_service_filter": signals.requests(spec.name),
                    }
                },
                opts=child,
            )
            self.slos[f"{spec.name}-latency"] = gcp.monitoring.Slo(
                f"{ident}-latency",
                project=args.project,
                service=service.service_id,
                slo_id="latency",
                display_name=f"{spec.name}: {LATENCY_GOAL:.0%} of requests under {LATENCY_THRESHOLD_MS} ms",
                goal=LATENCY_GOAL,
                rolling_period_days=WINDOW_DAYS,
                request_based_sli={
                    "distribution_cut": {
                        "distribution_filter": signals.latencies(spec.name),
                        "range": {"min": 0, "max": LATENCY_THRESHOLD_MS},
                    }
                },
                opts=child,
            )
        self.register_outputs({"slos": list(self.slos)})
