"""Web app budget: the initial JavaScript a first visit downloads, gzipped.

``web_initial_js_kb_gz``: the entry script and every module it preloads in ``web/dist``
(what a first visit downloads before any screen chunk or the Firebase SDK), gzipped at
level 9. Budget: 200 KB.

``web_matches_lcp_ms``: largest contentful paint of ``/matches`` for a user with 200 results,
loaded cold in headless chromium from a ``career serve`` this bench seeds, starts and stops
(bench/_matches_page.py); the median of five loads. Target: under 1500 ms.
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
    """Print the initial-JS figure and the matches page's LCP."""
    print(f"BENCH web_initial_js_kb_gz {initial_js_bytes_gz() / 1024:.1f} KB", flush=True)
    from bench._matches_page import TARGET_MS, measure

    lcp = measure()
    print(
        f"BENCH web_matches_lcp_ms {lcp.median_ms:.0f} ms (median of {len(lcp.samples_ms)} cold loads, "
        f"{lcp.results} results, {lcp.shown} on the first page; LCP element {lcp.element}; "
        f"samples {', '.join(f'{t:.0f}' for t in lcp.samples_ms)}; target < {TARGET_MS:.0f})",
        flush=True,
    )
