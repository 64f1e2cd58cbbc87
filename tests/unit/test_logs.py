"""JSON log lines in Cloud Logging's shape, with personal data and credentials masked."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from shared.edge import logs


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A career logger writing formatted lines into a buffer; context cleared before and after."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logs.CloudLoggingFormatter())
    logger = logs.get_logger("test-logs")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logs.begin()
    yield logger, buffer
    logs.begin()
    logger.handlers[:], logger.level, logger.propagate = saved


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


class TestLineShape:
    def test_each_record_is_one_json_object_per_line(
        self, capture: tuple[logging.Logger, io.StringIO]
    ) -> None:
        logger, buffer = capture

        logger.info("first")
        logger.info("second\nwith a newline")

        lines = _lines(buffer)
        assert [line["message"] for line in lines] == ["first", "second\nwith a newline"]
        assert all({"severity", "message", "time", "logger"} <= line.keys() for line in lines)

    @pytest.mark.parametrize(
        ("level", "severity"),
        [
            (logging.DEBUG, "DEBUG"),
            (logging.INFO, "INFO"),
            (logging.WARNING, "WARNING"),
            (logging.ERROR, "ERROR"),
            (logging.CRITICAL, "CRITICAL"),
        ],
    )
    def test_severity_follows_the_level(
        self, capture: tuple[logging.Logger, io.StringIO], level: int, severity: str
    ) -> None:
        logger, buffer = capture

        logger.log(level, "x")

        assert _lines(buffer)[0]["severity"] == severity

    def test_time_is_utc_iso_8601(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture

        logger.info("x")

        assert _lines(buffer)[0]["time"].endswith("+00:00")

    def test_known_fields_become_labels_and_others_stay_top_level(
        self, capture: tuple[logging.Logger, io.StringIO]
    ) -> None:
        logger, buffer = capture
        logs.begin(function="api", trace="projects/p/traces/abc", uid="u1")

        logs.log(logger, logging.WARNING, "refused", failure_class="INVALID_INPUT", attempt=2)

        line = _lines(buffer)[0]
        assert line["logging.googleapis.com/labels"] == {"function": "api", "failure_class": "INVALID_INPUT"}
        assert line["logging.googleapis.com/trace"] == "projects/p/traces/abc"
        assert line["uid"] == "u1"
        assert line["attempt"] == 2

    def test_begin_drops_the_previous_invocation_context(
        self, capture: tuple[logging.Logger, io.StringIO]
    ) -> None:
        logger, buffer = capture
        logs.begin(uid="first-user")

        logs.begin(function="api")
        logger.info("x")

        assert "uid" not in _lines(buffer)[0]

    def test_exception_carries_a_stack_trace(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture

        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")

        line = _lines(buffer)[0]
        assert line["severity"] == "ERROR"
        assert "ValueError: boom" in line["stack_trace"]


class TestRedaction:
    def test_masks_email_addresses_in_messages(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture

        logger.info("invited %s", "jane.doe+cv@example.co.uk")

        assert "jane.doe" not in buffer.getvalue()
        assert "[redacted-email]" in _lines(buffer)[0]["message"]

    def test_masks_bearer_tokens(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture

        logger.info("header was Authorization: Bearer abc.DEF-123_456")

        assert "abc.DEF-123_456" not in buffer.getvalue()
        assert _lines(buffer)[0]["message"] == "header was Authorization: Bearer [redacted]"

    def test_masks_bare_jwts(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture
        jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"

        logger.info("token=%s", jwt)

        assert jwt not in buffer.getvalue()

    def test_masks_fields_nested_in_structures(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture

        logs.log(logger, logging.INFO, "x", detail={"to": ["a.person@example.org"], "n": 1})

        line = _lines(buffer)[0]
        assert line["detail"] == {"to": ["[redacted-email]"], "n": 1}

    def test_masks_context_fields(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture
        logs.begin(caller="someone@example.com")

        logger.info("x")

        assert _lines(buffer)[0]["caller"] == "[redacted-email]"

    def test_masks_labels_and_the_trace(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture
        logs.begin(source_id="someone@example.com", trace="projects/p/traces/someone@example.com")

        logger.info("x")

        line = _lines(buffer)[0]
        assert line["logging.googleapis.com/labels"]["source_id"] == "[redacted-email]"
        assert line["logging.googleapis.com/trace"] == "projects/p/traces/[redacted-email]"

    def test_masks_stack_traces(self, capture: tuple[logging.Logger, io.StringIO]) -> None:
        logger, buffer = capture

        try:
            raise RuntimeError("could not mail someone@example.com")
        except RuntimeError:
            logger.exception("failed")

        assert "someone@example.com" not in buffer.getvalue()
