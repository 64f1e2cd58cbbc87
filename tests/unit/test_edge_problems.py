"""One rule at the edge: every answer that is not a success is problem+json with a failure class.

Each case here was a 500, an HTML page or a leak before (issue 12, "What did not hold").
The requests go through the local stack's whole app, functions-framework included.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import flask
import pytest
from werkzeug.test import Client, TestResponse

from shared.config import Settings
from shared.edge.framework import install
from shared.localstack.server import HttpServer
from tests.support.stack_app import StackApp, stack_app

UID = "edge-user"


@pytest.fixture
def stack(settings: Settings) -> Iterator[StackApp]:
    with stack_app(settings) as s:
        yield s


@pytest.fixture
def client(stack: StackApp) -> Client:
    return Client(stack.app)


def assert_problem(response: TestResponse, status: int, failure_class: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = json.loads(response.get_data())
    assert body["status"] == status
    assert body["failure_class"]
    if failure_class is not None:
        assert body["failure_class"] == failure_class
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert "users/" not in text
    return body


class TestFrameworkAnswers:
    def test_an_id_with_a_newline_is_a_404_problem_not_html(self, stack: StackApp, client: Client) -> None:
        response = client.get("/api/documents/a%0Ab", headers=stack.bearer(UID))

        assert_problem(response, 404, "NOT_FOUND")

    def test_a_trailing_slash_is_a_problem_not_a_redirect(self, stack: StackApp, client: Client) -> None:
        response = client.get("/api/documents/", headers=stack.bearer(UID))

        assert_problem(response, 404, "NOT_FOUND")

    @pytest.mark.parametrize("path", ["/api//documents", "/ops//dead-letters"])
    def test_a_leading_double_slash_is_served_not_redirected(
        self, stack: StackApp, client: Client, path: str
    ) -> None:
        # The request's path drops leading slashes, so "//x" is "/x"; it was an HTML 308.
        response = client.get(path, headers=stack.bearer(UID, operator=True))

        assert (response.status_code, response.mimetype) == (200, "application/json")

    def test_a_double_slash_inside_a_path_is_a_404_problem(self, stack: StackApp, client: Client) -> None:
        response = client.get("/api/documents//text", headers=stack.bearer(UID))

        assert_problem(response, 404, "NOT_FOUND")

    def test_the_frameworks_robots_route_is_a_404_problem(self, client: Client) -> None:
        assert_problem(client.get("/api/robots.txt"), 404, "NOT_FOUND")

    def test_a_wrong_method_is_a_405_problem_with_allow(self, stack: StackApp, client: Client) -> None:
        response = client.patch("/api/documents", headers=stack.bearer(UID))

        assert_problem(response, 405)
        assert "GET" in response.headers["Allow"]

    def test_an_uncaught_exception_is_a_500_problem_and_a_json_log_line(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        from shared.edge.logs import CloudLoggingFormatter

        app = flask.Flask("crashes")
        install(app)

        @app.post("/")
        def boom() -> str:
            raise RuntimeError("secret detail /users/x")

        response = app.test_client().post("/")

        assert response.status_code == 500
        assert response.mimetype == "application/problem+json"
        assert "secret" not in response.get_data(as_text=True)
        record = next(r for r in caplog.records if r.name == "career.framework")
        line = json.loads(CloudLoggingFormatter().format(record))
        assert (line["severity"], line["logging.googleapis.com/labels"]["failure_class"]) == (
            "ERROR",
            "INTERNAL",
        )
        assert "RuntimeError" in line["stack_trace"]


class TestUploadEndpoint:
    def test_a_double_slash_in_the_upload_path_is_a_404_problem(
        self, stack: StackApp, client: Client
    ) -> None:
        bucket = stack.container.settings.uploads_bucket
        response = client.put(f"/_uploads/{bucket}//x", data=b"%PDF-1.7")

        assert_problem(response, 404, "NOT_FOUND")


class TestBodies:
    def test_json_nested_100000_deep_is_a_400_problem(self, stack: StackApp, client: Client) -> None:
        body = "[" * 100_000 + "]" * 100_000
        response = client.put(
            "/api/me/profile-inputs",
            data=body,
            content_type="application/json",
            headers=stack.bearer(UID),
        )

        assert_problem(response, 400, "INVALID_INPUT")

    def test_a_salary_with_5000_digits_is_a_400_problem(self, stack: StackApp, client: Client) -> None:
        body = (
            '{"target_roles": ["Engineer"], "salary_floor": {"amount": '
            + "9" * 5000
            + ', "currency": "EUR"}}'
        )
        response = client.put(
            "/api/me/profile-inputs",
            data=body,
            content_type="application/json",
            headers=stack.bearer(UID),
        )

        assert_problem(response, 400, "INVALID_INPUT")


class TestNoStorageDetails:
    @pytest.mark.parametrize("doc_id", ["__x__", ".", "..", "a.b", "x" * 200])
    def test_an_id_no_document_can_have_is_a_404_without_storage_paths(
        self, stack: StackApp, client: Client, doc_id: str
    ) -> None:
        response = client.get(f"/api/documents/{doc_id}", headers=stack.bearer(UID))

        body = assert_problem(response, 404, "NOT_FOUND")
        assert UID not in json.dumps(body)


class TestAuthBeforeBody:
    @pytest.mark.parametrize(
        ("data", "content_type"),
        [(b"not json", "application/json"), (b"{}", "text/plain"), (b'{"unknown": 1}', "application/json")],
    )
    def test_the_completion_callback_without_credentials_is_401_whatever_the_body(
        self, client: Client, data: bytes, content_type: str
    ) -> None:
        response = client.post("/ops/job-sources/runs/r1/complete", data=data, content_type=content_type)

        assert_problem(response, 401, "UNAUTHENTICATED")


def _raw_exchange(port: int, request: bytes, *, timeout: float = 60.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


class TestServerAnswers:
    @pytest.fixture
    def server(self) -> Iterator[HttpServer]:
        server = HttpServer(0, read_timeout_s=0.5)
        server.slot.app = lambda environ, start: [start("200 OK", [("Content-Type", "text/plain")]) or b"ok"][
            0:1
        ]
        server.start()
        yield server
        server.stop()

    def test_a_header_line_too_long_is_a_431_problem(self, server: HttpServer) -> None:
        request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"

        answer = _raw_exchange(server.port, request)

        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 431") or head.startswith(b"HTTP/1.0 431")
        assert b"application/problem+json" in head
        assert json.loads(body)["failure_class"] == "INVALID_INPUT"

    def test_a_request_line_too_long_is_a_414_problem(self, server: HttpServer) -> None:
        answer = _raw_exchange(server.port, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")

        head, _, body = answer.partition(b"\r\n\r\n")
        assert b" 414 " in head.split(b"\r\n")[0]
        assert json.loads(body)["status"] == 414

    def test_a_client_that_sends_nothing_is_disconnected(self, server: HttpServer) -> None:
        done = threading.Event()
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")  # and then nothing: a stalled client
            assert sock.recv(1) == b""  # the server closed the connection (no wait forever)
            done.set()

        assert done.is_set()


class TestDocumentedStatuses:
    def test_the_documents_list_the_statuses_that_were_missing(self, client: Client) -> None:
        api = client.get("/api/openapi.json").get_json()["paths"]
        ops = client.get("/ops/openapi.json").get_json()["paths"]

        assert "404" in api["/documents/{doc_id}"]["get"]["responses"]
        assert "404" in api["/career-profiles:diff"]["get"]["responses"]
        callback = ops["/job-sources/runs/{run_id}/complete"]["post"]["responses"]
        assert {"401", "403", "409", "422"} <= callback.keys()

    def test_every_error_answer_is_documented_as_a_problem(self, client: Client) -> None:
        for doc in ("/api/openapi.json", "/ops/openapi.json"):
            for operations in client.get(doc).get_json()["paths"].values():
                for op in operations.values():
                    for status, answer in op["responses"].items():
                        if int(status) >= 400:
                            assert "application/problem+json" in answer["content"], (
                                op["operationId"],
                                status,
                            )


class TestTaskBodies:
    def test_a_task_payload_nested_too_deep_is_acknowledged_not_retried(self, stack: StackApp) -> None:
        from shared.localstack.function_feed import create_function_app
        from shared.localstack.stack import FUNCTIONS_DIR
        from shared.topology import TOPOLOGY

        app = create_function_app(FUNCTIONS_DIR, TOPOLOGY.function("extract_document"), "http")
        response = app.test_client().post(
            "/", data="[" * 100_000 + "]" * 100_000, headers={"X-CloudTasks-TaskName": "t1"}
        )

        assert response.status_code == 200
        assert response.get_json()["failure_class"] == "INVALID_INPUT"


class TestUncaughtErrors:
    def test_an_exception_escaping_a_thread_is_one_json_error_line(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        from shared.edge.logs import CloudLoggingFormatter, uncaught_in_thread

        def boom() -> None:
            raise RuntimeError("a bug in a worker")

        errors: list[Any] = []
        thread = threading.Thread(target=boom, name="career-delivery")
        previous = threading.excepthook
        threading.excepthook = lambda args: (errors.append(args), uncaught_in_thread(args))  # type: ignore[assignment]
        try:
            thread.start()
            thread.join(60)
        finally:
            threading.excepthook = previous

        record = next(r for r in caplog.records if r.name == "career.uncaught")
        line = json.loads(CloudLoggingFormatter().format(record))
        assert line["severity"] == "ERROR"
        assert "career-delivery" in line["message"]
        assert "RuntimeError" in line["stack_trace"]
        assert len(errors) == 1


class TestWorkLog:
    def test_a_handled_task_logs_one_info_line_with_what_id_outcome_and_duration(
        self, stack: StackApp, caplog: pytest.LogCaptureFixture
    ) -> None:
        from shared.localstack.function_feed import create_function_app
        from shared.localstack.stack import FUNCTIONS_DIR
        from shared.topology import TOPOLOGY

        app = create_function_app(FUNCTIONS_DIR, TOPOLOGY.function("extract_document"), "http")
        caplog.set_level("INFO", logger="career")

        response = app.test_client().post(
            "/", json={"uid": UID, "document_id": "gone"}, headers={"X-CloudTasks-TaskName": "t-log"}
        )

        assert response.status_code == 200
        lines = [r for r in caplog.records if getattr(r, "fields", {}).get("outcome") == "done"]
        assert len(lines) == 1
        fields = lines[0].fields  # type: ignore[attr-defined]
        assert (lines[0].levelname, fields["id"], fields["what"]) == ("INFO", "t-log", "task extraction")
        assert fields["duration_ms"] >= 0
