"""JSON-line logs in Cloud Logging's shape, with request-scoped context.

Each invocation calls ``begin()`` first (clears the context), then ``bind(...)``. Records carry
``severity``, ``message``, ``time``, the trace field and ``logging.googleapis.com/labels``
(failure_class and friends). E-mail addresses and bearer tokens are masked in every message;
CV text must never be passed to a logger at all.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "career_log_context", default=None
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER = re.compile(r"(?i)(bearer\s+)[\w.\-~+/=]+")
_JWT = re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]+")
_LABELS = ("failure_class", "function", "route", "queue", "topic", "source_id", "run_id")
_TRACE = "logging.googleapis.com/trace"


def redact(text: str) -> str:
    """Mask e-mail addresses and tokens."""
    text = _BEARER.sub(r"\1[redacted]", text)
    text = _JWT.sub("[redacted-jwt]", text)
    return _EMAIL.sub("[redacted-email]", text)


def begin(**fields: Any) -> None:
    """Start a new invocation: drop the previous context and bind ``fields``."""
    _context.set({k: v for k, v in fields.items() if v is not None})


def bind(**fields: Any) -> None:
    """Add fields to the current invocation's context."""
    current = dict(_context.get() or {})
    current.update({k: v for k, v in fields.items() if v is not None})
    _context.set(current)


def context() -> dict[str, Any]:
    """A copy of the bound fields (for tests)."""
    return dict(_context.get() or {})


class CloudLoggingFormatter(logging.Formatter):
    """Formats a record as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "severity": _severity(record.levelno),
            "message": redact(record.getMessage()),
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "logger": record.name,
        }
        fields = dict(_context.get() or {})
        fields.update(getattr(record, "fields", {}) or {})
        # Labels and the trace come from requests too (ids, a client's trace header): masked alike.
        labels = {k: redact(str(fields.pop(k))) for k in _LABELS if k in fields}
        if labels:
            payload["logging.googleapis.com/labels"] = labels
        trace = fields.pop("trace", None)
        if trace:
            payload[_TRACE] = redact(str(trace))
        for key, value in fields.items():
            payload[key] = _scrub(value)
        if record.exc_info:
            payload["stack_trace"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)


def _scrub(value: Any) -> Any:
    # Structured fields may nest (a problem detail, a payload summary): redact all the way down.
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def _severity(levelno: int) -> str:
    if levelno >= logging.CRITICAL:
        return "CRITICAL"
    if levelno >= logging.ERROR:
        return "ERROR"
    if levelno >= logging.WARNING:
        return "WARNING"
    if levelno >= logging.INFO:
        return "INFO"
    return "DEBUG"


_configured = False


def configure(level: str = "INFO") -> None:
    """Send the ``career`` loggers to stdout as JSON lines (idempotent)."""
    global _configured  # noqa: PLW0603 - logging is process-global by nature
    if _configured:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter())
    logger = logging.getLogger("career")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
    _configured = True


def capture_process(level: str = "INFO") -> None:
    """For a long-running process (``career serve``): every log line and crash is JSON.

    werkzeug's own records (its "Error on request" tracebacks included) go through the same
    JSON handler, and an exception that escapes any thread becomes one ERROR line with its
    stack trace instead of a raw traceback on stderr.
    """
    import threading

    configure(level)
    handler = logging.getLogger("career").handlers[0]
    server = logging.getLogger("werkzeug")
    server.handlers[:] = [handler]
    server.propagate = False
    threading.excepthook = uncaught_in_thread
    sys.excepthook = uncaught


def uncaught(kind: type[BaseException], err: BaseException, tb: Any) -> None:
    """Log an exception nobody caught as one JSON ERROR line."""
    logging.getLogger("career.uncaught").error(
        "uncaught %s",
        kind.__name__,
        exc_info=(kind, err, tb),
        extra={"fields": {"failure_class": "INTERNAL"}},
    )


def uncaught_in_thread(args: Any) -> None:
    """``threading.excepthook``: the same JSON line, naming the thread."""
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("career.uncaught").error(
        "uncaught %s in thread %s",
        args.exc_type.__name__,
        name,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        extra={"fields": {"failure_class": "INTERNAL"}},
    )


def get_logger(name: str) -> logging.Logger:
    """A logger under the ``career`` hierarchy."""
    return logging.getLogger(f"career.{name}")


def log(logger: logging.Logger, level: int, message: str, **fields: Any) -> None:
    """Log ``message`` with structured ``fields`` (labels such as failure_class included)."""
    logger.log(level, message, extra={"fields": fields})
