"""The release ports over Google's REST APIs: Cloud Run Admin v2 and Cloud Monitoring v3.

Used by ``python -m infra.deploy`` in the deploy workflow, with the workflow's federated
credentials (Application Default Credentials). There is no emulator for these APIs: the
decisions they feed are unit-tested in tests/infra/test_release.py on fakes of the ports,
and these adapters only translate JSON.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.release import Health, ServiceState, Target

RUN = "https://run.googleapis.com/v2"
MONITORING = "https://monitoring.googleapis.com/v3"
_REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
_LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"

Json = dict[str, Any]
Request = Callable[..., Any]  # requests.Session.request-shaped


def _short(revision: str) -> str:
    """'projects/p/locations/r/services/s/revisions/s-0002-abc' -> 's-0002-abc'."""
    return revision.rsplit("/", 1)[-1]


def parse_state(service: str, body: Mapping[str, Any]) -> ServiceState:
    """A ServiceState from a Cloud Run v2 Service resource (LATEST resolved to its revision)."""
    latest = body.get("latestReadyRevision")
    latest_short = _short(latest) if latest else None
    targets = []
    for entry in body.get("traffic", []):
        revision = latest_short if entry.get("type") == _LATEST else entry.get("revision")
        if revision:
            targets.append(Target(_short(revision), int(entry.get("percent", 0)), entry.get("tag") or None))
    return ServiceState(service, latest_short, tuple(targets))


def traffic_body(targets: Sequence[Target]) -> list[Json]:
    """Cloud Run v2 ``traffic`` entries pinning each revision explicitly."""
    out: list[Json] = []
    for t in targets:
        entry: Json = {"type": _REVISION, "revision": t.revision, "percent": t.percent}
        if t.tag:
            entry["tag"] = t.tag
        out.append(entry)
    return out


class RestCloudRun:
    """The CloudRun port on the Cloud Run Admin API v2."""

    def __init__(self, project: str, region: str, request: Request | None = None) -> None:
        self._base = f"{RUN}/projects/{project}/locations/{region}/services"
        self._request = request or _authorized()

    def _get(self, service: str) -> Json:
        response = self._request("GET", f"{self._base}/{service}", timeout=30)
        response.raise_for_status()
        body: Json = response.json()
        return body

    def state(self, service: str) -> ServiceState:
        """The service's traffic and newest ready revision."""
        return parse_state(service, self._get(service))

    def set_traffic(self, service: str, targets: Sequence[Target]) -> None:
        """Replace the traffic split (etag-checked) and wait for the operation to finish."""
        body = self._get(service)
        body["traffic"] = traffic_body(targets)
        response = self._request("PATCH", f"{self._base}/{service}", json=body, timeout=60)
        response.raise_for_status()
        operation: Json = response.json()
        deadline = time.monotonic() + 600
        while not operation.get("done"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"traffic update of {service} still running after 10 minutes")
            time.sleep(5)
            polled = self._request("GET", f"{RUN}/{operation['name']}", timeout=30)
            polled.raise_for_status()
            operation = polled.json()
        if "error" in operation:
            raise RuntimeError(f"traffic update of {service} failed: {operation['error']}")

    def tag_url(self, service: str, tag: str) -> str:
        """The URL that reaches the revision carrying ``tag``."""
        for status in self._get(service).get("trafficStatuses", []):
            if status.get("tag") == tag and status.get("uri"):
                return str(status["uri"])
        raise LookupError(f"{service} has no URL for tag {tag!r}")


class MonitoringHealth:
    """The RevisionHealth port on Cloud Monitoring's request_count of one revision."""

    def __init__(self, project: str, request: Request | None = None) -> None:
        self._url = f"{MONITORING}/projects/{project}/timeSeries"
        self._request = request or _authorized()

    def health(self, service: str, revision: str, window_s: int) -> Health:
        """Requests and 5xx answers of ``revision`` over the last ``window_s`` seconds."""
        end = datetime.now(UTC)
        start = end - timedelta(seconds=max(window_s, 60))
        base = (
            'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision" '
            f'AND resource.labels.service_name="{service}" AND resource.labels.revision_name="{revision}"'
        )
        total = self._count(base, start, end)
        errors = self._count(f'{base} AND metric.labels.response_code_class="5xx"', start, end)
        return Health(requests=total, errors=errors)

    def _count(self, flt: str, start: datetime, end: datetime) -> int:
        params = {
            "filter": flt,
            "interval.startTime": start.isoformat().replace("+00:00", "Z"),
            "interval.endTime": end.isoformat().replace("+00:00", "Z"),
            "aggregation.alignmentPeriod": f"{int((end - start).total_seconds())}s",
            "aggregation.perSeriesAligner": "ALIGN_SUM",
            "aggregation.crossSeriesReducer": "REDUCE_SUM",
        }
        response = self._request("GET", self._url, params=params, timeout=30)
        response.raise_for_status()
        total = 0
        for series in response.json().get("timeSeries", []):
            for point in series.get("points", []):
                total += int(point.get("value", {}).get("int64Value", 0))
        return total


def _authorized() -> Request:
    """An authorized session from Application Default Credentials (the workflow's WIF login)."""
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    return session.request
