"""The HTTP side of the local stack: one threaded WSGI server on 127.0.0.1.

Every HTTP function of the manifest is mounted at its ``mount`` prefix through its own
functions-framework app (the code Cloud Run runs); the root answers ``/healthz`` and the
signed upload endpoint that stands in for GCS V4 signed URLs. Anything else is a
problem+json 404.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from shared.adapters.local.file_blobs import FileBlobStore
from shared.domain.errors import CareerError
from shared.domain.failures import FailureClass
from shared.edge.problem import PROBLEM_MIMETYPE, class_for_status, problem_json, problem_response, status_for
from shared.localstack.function_feed import SignatureType, function_source
from shared.localstack.static import StaticSite
from shared.topology import FunctionSpec, Topology

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from shared.bootstrap import Container

HOST = "127.0.0.1"
# A client that sends nothing for this long loses its connection: a slow or stalled client
# cannot hold a server thread indefinitely.
READ_TIMEOUT_S = 30.0
_log = logging.getLogger("career.localstack")


class RootApp:
    """``/healthz``, ``PUT /_uploads/<bucket>/<name>``, ``GET /_downloads/<bucket>/<name>``
    (signed) and the web app; else a 404 problem."""

    def __init__(self, container: Container, site: StaticSite | None = None) -> None:
        self._container = container
        self._site = site
        self._map = Map(
            [
                Rule("/healthz", endpoint="health", methods=["GET"]),
                Rule("/_uploads/<bucket>/<path:name>", endpoint="upload", methods=["PUT"]),
                Rule("/_downloads/<bucket>/<path:name>", endpoint="download", methods=["GET"]),
            ],
            # "//" is a path of its own (a 404 problem), never an HTML redirect.
            merge_slashes=False,
            strict_slashes=False,
        )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """WSGI entry point."""
        request = Request(environ)
        return self._dispatch(request)(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        adapter = self._map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except NotFound:
            page = self._site.respond(request) if self._site is not None else None
            if page is not None:
                return page
            return problem_response(
                404, FailureClass.NOT_FOUND, f"no route for {request.method} {request.path}", request.path
            )
        except MethodNotAllowed as err:
            allowed = sorted(err.valid_methods or [])
            return problem_response(
                405,
                FailureClass.INVALID_INPUT,
                "method not allowed",
                request.path,
                {"allowed": allowed},
                {"Allow": ", ".join(allowed)},
            )
        except HTTPException as err:  # any other routing answer (a redirect) is still a problem
            status = err.code or 500
            return problem_response(status, class_for_status(status), "no such resource", request.path)
        if endpoint == "health":
            return Response(
                json.dumps({"status": "ok", "function": "localstack"}), mimetype="application/json"
            )
        if endpoint == "download":
            return self._download(request, str(args["bucket"]), str(args["name"]))
        return self._upload(request, str(args["bucket"]), str(args["name"]))

    def _download(self, request: Request, bucket: str, name: str) -> Response:
        """A signed GET of one object (the local twin of a V4 GET URL)."""
        stores = [self._container.uploads, self._container.texts]
        store = next((s for s in stores if isinstance(s, FileBlobStore) and s.bucket == bucket), None)
        if store is None:
            return problem_response(404, FailureClass.NOT_FOUND, "no such bucket", request.path)
        try:
            data, content_type = store.read_signed(name, dict(request.args))
        except CareerError as err:
            return problem_response(status_for(err), err.failure_class, err.message, request.path)
        return Response(data, status=200, mimetype=content_type or "application/octet-stream")

    def _upload(self, request: Request, bucket: str, name: str) -> Response:
        uploads = self._container.uploads
        if not isinstance(uploads, FileBlobStore) or bucket != uploads.bucket:
            return problem_response(404, FailureClass.NOT_FOUND, "no such bucket", request.path)
        limit = self._container.settings.max_upload_bytes
        too_large = problem_response(
            413, FailureClass.FILE_TOO_LARGE, f"upload exceeds {limit} bytes", request.path
        )
        if request.content_length is not None and request.content_length > limit:
            return too_large
        request.max_content_length = limit + 1  # a stream without a length is cut silently
        try:
            body = request.get_data()
        except RequestEntityTooLarge:
            return too_large
        except ClientDisconnected:
            # The client gave up mid-upload: nothing was stored, nothing failed on our side.
            _log.info("upload aborted by the client", extra={"fields": {"failure_class": "INVALID_INPUT"}})
            return problem_response(
                400, FailureClass.INVALID_INPUT, "the client disconnected mid-upload", request.path
            )
        if len(body) > limit:
            return too_large
        try:
            # The whole header, as GCS compares it with the signed content type.
            info = uploads.accept_signed_upload(
                name, dict(request.args), request.headers.get("Content-Type"), body
            )
        except CareerError as err:
            _log.info(
                "upload refused: %s", err.message, extra={"fields": {"failure_class": err.failure_class}}
            )
            return problem_response(status_for(err), err.failure_class, err.message, request.path, err.detail)
        payload = {
            "bucket": info.bucket,
            "name": info.name,
            "size": info.size,
            "generation": info.generation,
            "contentType": info.content_type,
        }
        return Response(
            json.dumps(payload),
            status=200,
            mimetype="application/json",
            headers={"ETag": f'"{info.generation}"'},
        )


def mount_http_functions(
    topology: Topology,
    functions_dir: Path,
    app_factory: Callable[[Path, FunctionSpec, SignatureType], Any],
) -> dict[str, WSGIApplication]:
    """Every HTTP function on disk with a mount prefix, as ``{prefix: app}``."""
    mounts: dict[str, WSGIApplication] = {}
    for spec in topology.functions:
        if spec.trigger != "http" or not spec.mount:
            continue
        if not function_source(functions_dir, spec).is_file():
            _log.warning("HTTP function %s is not on disk yet: %s is not mounted", spec.name, spec.mount)
            continue
        mounts[spec.mount] = app_factory(functions_dir, spec, "http")
    return mounts


class AppSlot:
    """A WSGI app set after the socket is bound (the app needs to know the real port)."""

    def __init__(self) -> None:
        self.app: WSGIApplication | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Delegate to the installed app; 503 until there is one."""
        if self.app is None:
            response = problem_response(
                503, FailureClass.INTERNAL, "starting up", environ.get("PATH_INFO", "/")
            )
            return response(environ, start_response)
        return self.app(environ, start_response)


class ProblemRequestHandler(WSGIRequestHandler):
    """werkzeug's handler with a read timeout, and problem+json for the answers it gives itself.

    http.server answers a header line that is too long (431), too many headers (431), a
    request line that is too long (414) or malformed (400) before any WSGI app runs, in HTML.
    """

    timeout = READ_TIMEOUT_S

    def log_error(self, format: str, *args: Any) -> None:
        """http.server's complaints (a read timeout, a malformed or oversized request) are the
        client's doing: one INFO line with its class, not an ERROR (werkzeug's default)."""
        _log.info(
            "client request not served: %s",
            format % args,
            extra={"fields": {"failure_class": "INVALID_INPUT"}},
        )

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer ``code`` as a problem and close the connection."""
        try:
            phrase = self.responses[code][0]
        except KeyError:
            phrase = "Error"
        path = getattr(self, "path", "/") or "/"
        body = problem_json(code, class_for_status(code), message or phrase, path.split("?", 1)[0][:200])
        self.log_error("code %d, message %s", code, message)
        self.send_response(code, phrase)
        self.send_header("Content-Type", PROBLEM_MIMETYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if getattr(self, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


class HttpServer:
    """A threaded werkzeug server on 127.0.0.1 serving on a background thread."""

    def __init__(self, port: int, *, read_timeout_s: float = READ_TIMEOUT_S) -> None:
        self.slot = AppSlot()
        handler = type("TimedProblemRequestHandler", (ProblemRequestHandler,), {"timeout": read_timeout_s})
        self._server: BaseWSGIServer = make_server(
            HOST, port, self.slot, threaded=True, request_handler=handler
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 was asked for)."""
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://{HOST}:{self.port}"

    def install(self, root: WSGIApplication, mounts: Mapping[str, WSGIApplication]) -> None:
        """Serve ``root`` with ``mounts`` dispatched by path prefix."""
        self.slot.app = DispatcherMiddleware(root, dict(mounts))

    def start(self) -> None:
        """Serve on a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="career-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting requests and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(10)
            self._thread = None
        self._server.server_close()
