"""``GET /docs``: an interactive reference of an HTTP function, built from its OpenAPI document.

Swagger UI's assets come from a Python package (flask-swagger-ui's ``dist``), served by the
function itself under ``/docs/{asset}``: no CDN, so the page works offline and under a strict
Content-Security-Policy. The page and the assets are public, like ``/openapi.json``; calls
made from the page carry the bearer token the reader gives to "Authorize".
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from typing import NamedTuple

from shared.domain.errors import NotFound

ASSETS: dict[str, str] = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "index.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
# Assets never change within a release of the package: let browsers keep them for a day.
CACHE = "public, max-age=86400"


class Document(NamedTuple):
    """Bytes to send, with their content type."""

    body: bytes
    content_type: str


def page(title: str) -> Document:
    """The HTML page. Its links are relative to ``.../docs``, so the page works wherever the
    function is mounted (``/api`` locally and behind Hosting, the root on its own URL)."""
    base = "docs"
    text = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} reference</title>
<link rel="stylesheet" href="{base}/swagger-ui.css">
<link rel="icon" type="image/png" href="{base}/favicon-32x32.png">
</head>
<body>
<div id="reference"></div>
<script src="{base}/swagger-ui-bundle.js"></script>
<script src="{base}/swagger-ui-standalone-preset.js"></script>
<script src="{base}/start.js"></script>
</body>
</html>
"""
    return Document(text.encode(), "text/html; charset=utf-8")


def start_script() -> Document:
    """The script that starts Swagger UI on the function's own OpenAPI document (a sibling of
    the page, so relative)."""
    text = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",
    dom_id: "#reference",
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout"
  });
});
"""
    return Document(text.encode(), "text/javascript; charset=utf-8")


def asset(name: str) -> Document:
    """One of Swagger UI's files; NotFound for any other name."""
    content_type = ASSETS.get(name)
    if content_type is None:
        raise NotFound(f"no documentation asset {name}")
    return Document(_read(name), content_type)


@cache
def _read(name: str) -> bytes:
    return resources.files("flask_swagger_ui").joinpath("dist", name).read_bytes()
