"""The local stack's root app: health, the signed upload endpoint, problem+json for the rest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client, TestResponse

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.queue_rules import Delivery, DeliveryFailed
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.failures import FailureClass
from shared.localstack.server import RootApp, mount_http_functions
from shared.localstack.stack import FUNCTIONS_DIR, LocalStack
from shared.messages import CrawlTask, channel_of
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY

CRAWLS = channel_of(CrawlTask)

PDF = b"%PDF-1.7\n" + b"x" * 200


@pytest.fixture
def container(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    queue = SqliteDeliveryQueue(":memory:", topology=TOPOLOGY, clock=clock)
    container = Container(settings.model_copy(update={"max_upload_bytes": 4096}), clock=clock, delivery=queue)
    yield container
    container.close()


@pytest.fixture
def client(container: Container) -> Client:
    return Client(RootApp(container))


def _signed_path(container: Container, name: str, *, max_bytes: int = 1024, ttl_s: int = 300) -> str:
    signed = container.uploads.signed_upload_url(
        name, content_type="application/pdf", max_bytes=max_bytes, expires_in=timedelta(seconds=ttl_s)
    )
    parts = urlsplit(signed.url)
    return f"{parts.path}?{parts.query}"


def _problem(response: TestResponse, status: int, failure_class: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["failure_class"] == failure_class


class TestRoutes:
    def test_health(self, client: Client) -> None:
        assert client.get("/healthz").get_json() == {"status": "ok", "function": "localstack"}

    def test_unknown_path_is_a_404_problem(self, client: Client) -> None:
        _problem(client.get("/nope"), 404, "NOT_FOUND")

    def test_wrong_method_is_a_405_problem(self, client: Client) -> None:
        response = client.post("/healthz")

        _problem(response, 405, "INVALID_INPUT")
        assert "GET" in response.headers["Allow"]


class TestSignedUpload:
    def test_stores_the_body_and_announces_it(self, client: Client, container: Container) -> None:
        path = _signed_path(container, "users/u1/documents/d1.pdf")

        response = client.put(path, data=PDF, content_type="application/pdf")

        assert response.status_code == 200
        assert response.get_json()["size"] == len(PDF)
        assert container.uploads.read("users/u1/documents/d1.pdf") == PDF
        assert container.delivery.pending("uploads-confirm") == 1

    def test_refuses_another_content_type(self, client: Client, container: Container) -> None:
        path = _signed_path(container, "users/u1/documents/d1.pdf")

        response = client.put(path, data=PDF, content_type="text/plain")

        _problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")
        assert not container.uploads.exists("users/u1/documents/d1.pdf")

    def test_refuses_an_expired_url(self, client: Client, container: Container, clock: ManualClock) -> None:
        path = _signed_path(container, "users/u1/documents/d1.pdf", ttl_s=60)
        clock.advance(seconds=61)

        _problem(client.put(path, data=PDF, content_type="application/pdf"), 403, "FORBIDDEN")

    def test_refuses_a_url_signed_for_another_object(self, client: Client, container: Container) -> None:
        path = _signed_path(container, "users/u1/documents/d1.pdf").replace("/d1.pdf", "/d2.pdf")

        _problem(client.put(path, data=PDF, content_type="application/pdf"), 403, "FORBIDDEN")

    def test_refuses_a_body_above_the_server_cap_before_reading_it(
        self, client: Client, container: Container
    ) -> None:
        path = _signed_path(container, "users/u1/documents/d1.pdf", max_bytes=100_000)

        response = client.put(path, data=b"%PDF-" + b"x" * 5000, content_type="application/pdf")

        _problem(response, 413, "FILE_TOO_LARGE")

    def test_refuses_a_body_above_the_signed_maximum(self, client: Client, container: Container) -> None:
        path = _signed_path(container, "users/u1/documents/d1.pdf", max_bytes=100)

        _problem(client.put(path, data=PDF, content_type="application/pdf"), 413, "PAYLOAD_TOO_LARGE")
        assert not container.uploads.exists("users/u1/documents/d1.pdf")

    def test_unknown_bucket_is_404(self, client: Client, container: Container) -> None:
        path = _signed_path(container, "users/u1/documents/d1.pdf").replace(
            container.settings.uploads_bucket, "someone-elses-bucket"
        )

        _problem(client.put(path, data=PDF, content_type="application/pdf"), 404, "NOT_FOUND")


class TestMounts:
    def test_mounts_every_http_function_at_its_prefix(self) -> None:
        mounts = mount_http_functions(TOPOLOGY, FUNCTIONS_DIR, lambda d, spec, sig: (spec.name, sig))

        assert mounts == {"/api": ("api", "http"), "/ops": ("ops", "http")}

    def test_skips_functions_not_on_disk(self, tmp_path: Path) -> None:
        assert mount_http_functions(TOPOLOGY, tmp_path, lambda d, spec, sig: spec.name) == {}


class TestGuards:
    def test_refuses_the_gcp_backend(self, settings: Settings) -> None:
        with pytest.raises(ValueError, match="local backend"):
            LocalStack(settings.model_copy(update={"backend": "gcp"}), port=0)

    def test_refuses_environments_where_dev_tokens_are_refused(self, settings: Settings) -> None:
        with pytest.raises(ValueError, match="local or test"):
            LocalStack(settings.model_copy(update={"environment": "prod"}), port=0)


class TestDeadLetterWiring:
    def test_a_task_that_exhausts_its_attempts_lands_in_the_operator_view(self, settings: Settings) -> None:
        stack = LocalStack(settings, port=0, scheduler=False)
        try:
            queue = stack.container.delivery

            def always_fails(delivery: Delivery) -> None:
                raise DeliveryFailed("board is down", FailureClass.SOURCE_UNAVAILABLE)

            queue.register(CRAWLS, always_fails)
            stack.container.tasks.enqueue(CRAWLS, {"source_id": "s1"}, name="crawl-s1")
            queue.drain()

            letter = stack.container.make(DeadLetterService).get(DeadLetter.key("task", CRAWLS, "crawl-s1"))
        finally:
            stack.stop()

        assert letter.failure_class == FailureClass.SOURCE_UNAVAILABLE
        assert letter.attempts == TOPOLOGY.queue(CRAWLS).retry.max_attempts
        assert "board is down" in letter.last_error
