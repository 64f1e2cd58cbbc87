"""The operations dashboard: traffic, errors, latency, failures by class, dead letters, queues."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp

from infra import signals
from infra.components.monitoring import dead_letter_subscriptions
from shared.topology import Topology

_COLUMNS = 48  # mosaic layout width
_TILE_W, _TILE_H = 24, 16


def _chart(title: str, filter_: str, aligner: str, reducer: str, group_by: list[str]) -> dict[str, Any]:
    return {
        "title": title,
        "xyChart": {
            "dataSets": [
                {
                    "plotType": "LINE",
                    "timeSeriesQuery": {
                        "timeSeriesFilter": {
                            "filter": filter_,
                            "aggregation": {
                                "alignmentPeriod": "60s",
                                "perSeriesAligner": aligner,
                                "crossSeriesReducer": reducer,
                                "groupByFields": group_by,
                            },
                        }
                    },
                }
            ]
        },
    }


def dashboard_json(topology: Topology, environment: str) -> str:
    """The dashboard definition (Cloud Monitoring JSON), built from the manifest."""
    run_services = 'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision"'
    by_service = ["resource.label.service_name"]
    dead_letter_subs = dead_letter_subscriptions(topology)
    widgets = [
        _chart("Requests by function", run_services, "ALIGN_RATE", "REDUCE_SUM", by_service),
        _chart(
            "5xx by function",
            f'{run_services} AND metric.label.response_code_class="5xx"',
            "ALIGN_RATE",
            "REDUCE_SUM",
            by_service,
        ),
        _chart(
            "p95 latency by function",
            'metric.type="run.googleapis.com/request_latencies" AND resource.type="cloud_run_revision"',
            "ALIGN_DELTA",
            "REDUCE_PERCENTILE_95",
            by_service,
        ),
        _chart(
            "Failures by class",
            signals.failures(),
            "ALIGN_RATE",
            "REDUCE_SUM",
            ["metric.label.failure_class"],
        ),
        _chart(
            "Task queue depth", signals.queue_depth(), "ALIGN_MAX", "REDUCE_MAX", ["resource.label.queue_id"]
        ),
        _chart("Crawler runs", signals.run_outcomes(), "ALIGN_RATE", "REDUCE_SUM", ["metric.label.status"]),
        _chart("LLM latency p95", signals.llm_latency(), "ALIGN_DELTA", "REDUCE_PERCENTILE_95", []),
    ]
    if dead_letter_subs:
        widgets.append(
            _chart(
                "Dead letters waiting",
                signals.backlog(dead_letter_subs),
                "ALIGN_MAX",
                "REDUCE_MAX",
                ["resource.label.subscription_id"],
            )
        )
    per_row = _COLUMNS // _TILE_W
    tiles = [
        {
            "xPos": (i % per_row) * _TILE_W,
            "yPos": (i // per_row) * _TILE_H,
            "width": _TILE_W,
            "height": _TILE_H,
            "widget": widget,
        }
        for i, widget in enumerate(widgets)
    ]
    body = {"displayName": f"Career ({environment})", "mosaicLayout": {"columns": _COLUMNS, "tiles": tiles}}
    return json.dumps(body, sort_keys=True)


@dataclass
class DashboardArgs:
    """Project, manifest, environment and the metrics the charts read."""

    project: str
    topology: Topology
    environment: str
    metrics: list[pulumi.Resource]


class Dashboard(pulumi.ComponentResource):
    """One dashboard per stack."""

    dashboard: gcp.monitoring.Dashboard

    def __init__(self, name: str, args: DashboardArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:monitoring:Dashboard", name, {}, opts)
        self.dashboard = gcp.monitoring.Dashboard(
            "career",
            project=args.project,
            dashboard_json=dashboard_json(args.topology, args.environment),
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.metrics),
        )
        self.register_outputs({"dashboard": self.dashboard.id})
