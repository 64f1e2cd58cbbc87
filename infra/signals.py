"""What we measure: log-based metric names and Cloud Monitoring filters, shared by the alert
policies, the SLOs and the dashboard so each signal is spelled once.

Our functions write JSON logs whose ``logging.googleapis.com/labels`` become LogEntry
``labels`` (``failure_class``, ``function``, ``run_id``...). The contract with the code:
a failed invocation logs its ``failure_class`` label; a crawler run that finishes logs
``run_status`` (``COMPLETED`` or ``FAILED``) with ``run_id`` bound; every LLM call logs
``llm_latency_ms`` (and ``llm_model``).
"""

from __future__ import annotations

from collections.abc import Iterable

from infra.names import service_name

FAILURES_METRIC = "career_failures"
RUN_OUTCOMES_METRIC = "career_run_outcomes"
LLM_LATENCY_METRIC = "career_llm_latency"
# Share of 5xx answers over 5 minutes that fires an API error-rate alert and fails a canary.
API_ERROR_RATIO = 0.05

_RUN = 'resource.type="cloud_run_revision"'


def log_metric_type(metric: str) -> str:
    """The Cloud Monitoring type of a user-defined log-based metric."""
    return f"logging.googleapis.com/user/{metric}"


# Log filters (Cloud Logging query language) of the log-based metrics.
FAILURES_LOG_FILTER = f"{_RUN} AND labels.failure_class:*"
RUN_OUTCOMES_LOG_FILTER = f'{_RUN} AND labels.run_id:* AND jsonPayload.run_status=("COMPLETED" OR "FAILED")'
LLM_LATENCY_LOG_FILTER = f"{_RUN} AND jsonPayload.llm_latency_ms>=0"


def requests(function: str, response_class: str | None = None) -> str:
    """Request count of a function's Cloud Run service, optionally one response class (``5xx``)."""
    base = (
        f'metric.type="run.googleapis.com/request_count" AND {_RUN} '
        f'AND resource.labels.service_name="{service_name(function)}"'
    )
    return f'{base} AND metric.labels.response_code_class="{response_class}"' if response_class else base


def latencies(function: str) -> str:
    """Request latency distribution of a function's Cloud Run service."""
    return (
        f'metric.type="run.googleapis.com/request_latencies" AND {_RUN} '
        f'AND resource.labels.service_name="{service_name(function)}"'
    )


def backlog(subscriptions: Iterable[str]) -> str:
    """Undelivered messages on the given subscriptions."""
    names = ", ".join(f'"{s}"' for s in sorted(subscriptions))
    return (
        'metric.type="pubsub.googleapis.com/subscription/num_undelivered_messages" '
        f'AND resource.type="pubsub_subscription" AND resource.labels.subscription_id=one_of({names})'
    )


def run_outcomes(status: str | None = None) -> str:
    """Finished crawler runs, optionally only those with ``status``."""
    base = f'metric.type="{log_metric_type(RUN_OUTCOMES_METRIC)}"'
    return f'{base} AND metric.labels.status="{status}"' if status else base


def llm_latency() -> str:
    """LLM call latency distribution."""
    return f'metric.type="{log_metric_type(LLM_LATENCY_METRIC)}"'


def failures() -> str:
    """Failures by class."""
    return f'metric.type="{log_metric_type(FAILURES_METRIC)}"'


def queue_depth() -> str:
    """Tasks waiting in each Cloud Tasks queue."""
    return 'metric.type="cloudtasks.googleapis.com/queue/depth" AND resource.type="cloud_tasks_queue"'
