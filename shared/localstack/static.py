"""The web app's built files at ``/`` for ``career serve``, with the single-page-app fallback.

A path naming a file under the folder gets that file; any other GET that looks like a client
route (no file extension) asked for by a browser navigation (``Accept`` names ``text/html``)
gets ``index.html`` so the app's router can answer it; API clients get the 404 problem. Hashed build
assets are cached for a year; ``index.html`` is revalidated every time, so a rebuild shows up
on the next load.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath

from werkzeug.wrappers import Request, Response

_IMMUTABLE = "public, max-age=31536000, immutable"


class StaticSite:
    """Answers GET and HEAD from a built web app folder; ``None`` when it has nothing to give."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @property
    def available(self) -> bool:
        """True when the folder holds a built app."""
        return (self.root / "index.html").is_file()

    def respond(self, request: Request) -> Response | None:
        """The file or the app shell for this request, or None (the caller answers 404)."""
        if request.method not in ("GET", "HEAD") or not self.available:
            return None
        relative = PurePosixPath(request.path.lstrip("/"))
        if any(part in ("..", "") or part.startswith(".") for part in relative.parts):
            return None
        target = (self.root / relative).resolve() if relative.parts else self.root / "index.html"
        if target.is_file() and target.is_relative_to(self.root):
            return self._file(target, request)
        if relative.suffix:  # a missing asset is a 404, not the app shell
            return None
        if not _navigation(request):  # curl and API clients get the 404 problem, not HTML
            return None
        return self._file(self.root / "index.html", request)

    def _file(self, path: Path, request: Request) -> Response:
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        immutable = path.parent.name == "assets" and path.parent.parent == self.root
        response = Response(path.read_bytes(), mimetype=mimetype)
        response.headers["Cache-Control"] = _IMMUTABLE if immutable else "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if path.name == "index.html":
            response.headers["Referrer-Policy"] = "same-origin"
        response.add_etag()
        return response.make_conditional(request)


def _navigation(request: Request) -> bool:
    """True when the client names HTML explicitly, as browsers do when they load a page."""
    return any(value in ("text/html", "application/xhtml+xml") for value, _ in request.accept_mimetypes)
