"""Firebase Hosting's part in emulated mode: the built web app at ``/`` with the SPA fallback,
and ``/api/**`` and ``/ops/**`` passed to the functions (web/firebase.json's rewrites), so the
browser stays same-origin as it does in production."""

from __future__ import annotations

import mimetypes
import subprocess
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.emulators.process import REPO

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}
WEB = REPO / "web"


def build_for_firebase(out_dir: Path, *, project: str, auth_emulator: str) -> Path:
    """``vite build`` of web/ with the Firebase variables (the SDK signs in, against the Auth
    emulator at ``auth_emulator``), into ``out_dir``. The type check is the main build's job."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(out_dir),
        "VITE_FIREBASE_API_KEY": "emulated-web-api-key",  # the emulator takes any key
        "VITE_FIREBASE_PROJECT_ID": project,
        "VITE_FIREBASE_AUTH_DOMAIN": f"{project}.firebaseapp.com",
        "VITE_FIREBASE_AUTH_EMULATOR": auth_emulator,
    }
    vite = WEB / "node_modules" / ".bin" / "vite"
    done = subprocess.run(
        [str(vite), "build", "--outDir", str(out_dir), "--emptyOutDir", "--logLevel", "error"],
        cwd=WEB, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out_dir


class HostingFront:
    """A loopback server: static files from ``root``, the API and ops prefixes to ``functions``
    (the emulated functions' gateway, which routes ``/api/...`` to the api function)."""

    def __init__(self, root: Path, functions: str) -> None:
        front = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                path = self.path.split("?", 1)[0]
                if path.startswith(("/api/", "/ops/")):
                    front._forward(self)
                    return
                file = (root / path.lstrip("/")).resolve()
                if not file.is_file() or root.resolve() not in file.parents:
                    file = root / "index.html"  # a client route
                body = file.read_bytes()
                self.send_response(200)
                kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:
                return

        self.functions = functions.rstrip("/")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
        request = urllib.request.Request(
            self.functions + handler.path, data=body, method=handler.command, headers=headers
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=120) as response:
                status, reply, reply_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as err:
            status, reply, reply_headers = err.code, err.read(), err.headers
        handler.send_response(status)
        for key, value in reply_headers.items():
            if key.lower() not in _HOP_BY_HOP:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(reply)))
        handler.end_headers()
        handler.wfile.write(reply)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> HostingFront:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
