"""Log-based metrics and alert policies, e-mailed to the stack's alert address.

Alerts: API 5xx rate per public function, dead-letter backlog per DLQ subscription, crawler
run failure rate and LLM latency. Thresholds are product decisions kept as constants here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from infra import signals
from shared.topology import Topology

API_ERROR_RATIO = signals.API_ERROR_RATIO  # also the canary limit of infra/release.py
RUN_FAILURE_RATIO = 0.25  # share of failed crawler runs over an hour
LLM_P95_MS = 30_000
DLQ_BACKLOG_MINUTES = 10  # a dead letter the recorder has not taken within this long


def dead_letter_subscriptions(topology: Topology) -> list[str]:
    """Subscriptions attached to dead-letter topics."""
    dlq = {t.name for t in topology.topics if t.dead_letter}
    return [s.name for s in topology.subscriptions if s.topic in dlq]


Threshold = gcp.monitoring.AlertPolicyConditionConditionThresholdArgsDict
Aggregation = gcp.monitoring.AlertPolicyConditionConditionThresholdAggregationArgsDict


def _agg(period_s: int, aligner: str, reducer: str = "REDUCE_SUM") -> list[Aggregation]:
    return [
        {"alignment_period": f"{period_s}s", "per_series_aligner": aligner, "cross_series_reducer": reducer}
    ]


@dataclass
class MonitoringArgs:
    """Project, manifest and where alerts go."""

    project: str
    topology: Topology
    alert_email: str
    environment: str


class Monitoring(pulumi.ComponentResource):
    """Notification channel, log-based metrics and alert policies."""

    channel: gcp.monitoring.NotificationChannel
    metrics: dict[str, gcp.logging.Metric]
    alerts: dict[str, gcp.monitoring.AlertPolicy]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:monitoring:Monitoring", name, {}, opts)
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self.channel = gcp.monitoring.NotificationChannel(
            "alert-email",
            project=args.project,
            display_name=f"Career alerts ({args.environment})",
            type="email",
            labels={"email_address": args.alert_email},
            opts=self._child,
        )
        self.metrics = self._metrics()
        self.alerts = {}
        for spec in args.topology.functions:
            if spec.public:
                self._ratio_alert(
                    f"{spec.name}-error-rate",
                    f"{spec.name}: 5xx rate above {API_ERROR_RATIO:.0%}",
                    signals.requests(spec.name, "5xx"),
                    signals.requests(spec.name),
                    API_ERROR_RATIO,
                    period_s=300,
                )
        for sub in dead_letter_subscriptions(args.topology):
            self._alert(
                f"{sub}-backlog",
                f"Dead letters waiting on {sub}",
                {
                    "filter": signals.backlog([sub]),
                    "comparison": "COMPARISON_GT",
                    "threshold_value": 0,
                    "duration": f"{DLQ_BACKLOG_MINUTES * 60}s",
                    "aggregations": _agg(60, "ALIGN_MAX", "REDUCE_MAX"),
                },
            )
        self._ratio_alert(
            "crawler-run-failure-rate",
            f"Crawler runs failing above {RUN_FAILURE_RATIO:.0%}",
            signals.run_outcomes("FAILED"),
            signals.run_outcomes(),
            RUN_FAILURE_RATIO,
            period_s=3600,
        )
        self._alert(
            "llm-latency",
            f"LLM p95 latency above {LLM_P95_MS / 1000:.0f}s",
            {
                "filter": signals.llm_latency(),
                "comparison": "COMPARISON_GT",
                "threshold_value": LLM_P95_MS,
                "duration": "600s",
                "aggregations": _agg(300, "ALIGN_PERCENTILE_95", "REDUCE_MAX"),
            },
        )
        self.register_outputs({"alerts": list(self.alerts), "metrics": list(self.metrics)})

    def _metrics(self) -> dict[str, gcp.logging.Metric]:
        project = self._args.project
        failures = gcp.logging.Metric(
            signals.FAILURES_METRIC,
            project=project,
            name=signals.FAILURES_METRIC,
            description="Failures by failure class and function",
            filter=signals.FAILURES_LOG_FILTER,
            metric_descriptor={
                "metric_kind": "DELTA",
                "value_type": "INT64",
                "labels": [{"key": "failure_class"}, {"key": "function"}],
            },
            label_extractors={
                "failure_class": "EXTRACT(labels.failure_class)",
                "function": "EXTRACT(labels.function)",
            },
            opts=self._child,
        )
        runs = gcp.logging.Metric(
            signals.RUN_OUTCOMES_METRIC,
            project=project,
            name=signals.RUN_OUTCOMES_METRIC,
            description="Finished crawler runs by status",
            filter=signals.RUN_OUTCOMES_LOG_FILTER,
            metric_descriptor={"metric_kind": "DELTA", "value_type": "INT64", "labels": [{"key": "status"}]},
            label_extractors={"status": "EXTRACT(jsonPayload.run_status)"},
            opts=self._child,
        )
        llm = gcp.logging.Metric(
            signals.LLM_LATENCY_METRIC,
            project=project,
            name=signals.LLM_LATENCY_METRIC,
            description="LLM call latency",
            filter=signals.LLM_LATENCY_LOG_FILTER,
            metric_descriptor={
                "metric_kind": "DELTA",
                "value_type": "DISTRIBUTION",
                "unit": "ms",
                "labels": [{"key": "model"}],
            },
            value_extractor="EXTRACT(jsonPayload.llm_latency_ms)",
            label_extractors={"model": "EXTRACT(jsonPayload.llm_model)"},
            # 100 ms .. ~2 min in 24 steps of 1.35x
            bucket_options={
                "exponential_buckets": {"num_finite_buckets": 24, "growth_factor": 1.35, "scale": 100}
            },
            opts=self._child,
        )
        return {
            signals.FAILURES_METRIC: failures,
            signals.RUN_OUTCOMES_METRIC: runs,
            signals.LLM_LATENCY_METRIC: llm,
        }

    def _ratio_alert(
        self, key: str, title: str, numerator: str, denominator: str, ratio: float, period_s: int
    ) -> None:
        self._alert(
            key,
            title,
            {
                "filter": numerator,
                "denominator_filter": denominator,
                "comparison": "COMPARISON_GT",
                "threshold_value": ratio,
                "duration": "0s",
                "aggregations": _agg(period_s, "ALIGN_RATE"),
                "denominator_aggregations": _agg(period_s, "ALIGN_RATE"),
            },
        )

    def _alert(self, key: str, title: str, threshold: Threshold) -> None:
        env = self._args.environment
        self.alerts[key] = gcp.monitoring.AlertPolicy(
            key,
            project=self._args.project,
            display_name=f"[{env}] {title}",
            combiner="OR",
            severity="ERROR",
            conditions=[{"display_name": title, "condition_threshold": threshold}],
            notification_channels=[self.channel.name],
            documentation={
                "mime_type": "text/markdown",
                "content": f"{title}. Failures by class and dead letters are on the operator view "
                "and the *Career* dashboard.",
            },
            alert_strategy={"auto_close": "86400s"},
            user_labels={"app": "career", "environment": env},
            # Log-based metrics must exist before a policy can refer to them.
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(self.metrics.values())),
        )
