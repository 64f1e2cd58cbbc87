"""The functions-framework app's own answers, made problem+json like every other answer.

functions-framework builds a Flask app around each function. Flask answers some requests
before the function runs: a path its ``<path:path>`` rule cannot match (an id with ``%0A``)
is an HTML 404, ``//`` is an HTML 308 redirect, and an exception that escapes a push
function is a plain-text 500. ``harden()`` is called by each function's main.py while
functions-framework imports it (inside the app's context, before the routes are added), so
those answers become problem+json too, and ``//`` reaches the function's own router.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.domain.failures import FailureClass
from shared.edge import logs
from shared.edge.problem import class_for_status, problem_response

if TYPE_CHECKING:
    import flask
    from werkzeug.exceptions import HTTPException

_log = logs.get_logger("framework")
# functions-framework marks crashes with this header; Cloud Run's logs read it.
_CRASH_HEADERS = {"X-Google-Status": "crash"}


def harden() -> None:
    """Configure the functions-framework app being built, if there is one (no-op otherwise)."""
    import flask

    if not flask.has_app_context():  # imported by a test or a tool, not by the framework
        return
    install(flask.current_app._get_current_object())  # type: ignore[attr-defined]


def install(app: flask.Flask) -> None:
    """Problem+json for the app's own errors; ``//`` routed, not redirected."""
    from werkzeug.exceptions import HTTPException

    # Rules are bound after the module is imported, so they take the map's settings.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _crash)
    app.register_error_handler(500, _crash)


def _http_error(err: HTTPException) -> flask.Response:
    import flask

    status = err.code or 500
    headers = {"Allow": ", ".join(sorted(err.valid_methods))} if getattr(err, "valid_methods", None) else {}  # type: ignore[attr-defined]
    detail = "no such resource" if status == 404 else (err.name or "error").lower()
    return problem_response(status, class_for_status(status), detail, flask.request.path, headers=headers)


def _crash(err: BaseException) -> flask.Response:
    import flask

    original = getattr(err, "original_exception", None) or err
    _log.error(
        "uncaught error: %s",
        type(original).__name__,
        exc_info=(type(original), original, original.__traceback__),
        extra={"fields": {"failure_class": FailureClass.INTERNAL}},
    )
    return problem_response(
        500, FailureClass.INTERNAL, "internal error", flask.request.path, headers=_CRASH_HEADERS
    )
