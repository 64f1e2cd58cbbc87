"""Web app budget: the initial JavaScript a first visit downloads, gzipped.

``web_initial_js_kb_gz``: the entry script and every module it preloads in ``web/dist``
(what a first visit downloads before any screen chunk or the Firebase SDK), gzipped at
level 9. Budget: 200 KB.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "web" / "dist"


def initial_js_bytes_gz(dist: Path = DIST) -> int:
    """Gzipped bytes of the entry module and its modulepreloads named by index.html."""
    html = (dist / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]+type="module"[^>]+src="([^"]+)"', html)
    preloads = re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"', html)
    total = 0
    for ref in dict.fromkeys(scripts + preloads):
        total += len(gzip.compress((dist / ref.lstrip("/")).read_bytes(), compresslevel=9))
    return total


def run() -> None:
    """Print the initial-JS figure."""
    print(f"BENCH web_initial_js_kb_gz {initial_js_bytes_gz() / 1024:.1f} KB", flush=True)
