"""A loopback front door that routes ``/{function}/...`` to each function's own process.

In production every function has the URL ``https://REGION-PROJECT.cloudfunctions.net/NAME``;
in emulated mode this gateway plays that host, so ``CAREER_FUNCTION_BASE_URL`` (Cloud Tasks
targets) and push endpoints keep production's shape.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


class Gateway:
    """Routes requests by their first path segment to ``routes[name]`` (a base URL)."""

    def __init__(self, routes: Mapping[str, str]) -> None:
        self.routes = dict(routes)
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                name, _, rest = self.path.lstrip("/").partition("/")
                target = gateway.routes.get(name.split("?", 1)[0])
                if target is None:
                    self.send_error(404, f"no function {name!r}")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                request = urllib.request.Request(
                    f"{target.rstrip('/')}/{rest}", data=body, method=self.command, headers=headers
                )
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                try:
                    with opener.open(request, timeout=600) as response:
                        status, reply, reply_headers = response.status, response.read(), response.headers
                except urllib.error.HTTPError as err:
                    status, reply, reply_headers = err.code, err.read(), err.headers
                self.send_response(status)
                for key, value in reply_headers.items():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the emulated function base URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Gateway:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
