"""Debian's chromium driven by Playwright for Python, and step screenshots kept on failure."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.emulators.process import REPO

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "build" / "test-artifacts" / "web"
WEB_DIST = REPO / "web" / "dist"


def chromium_path() -> str | None:
    """The system chromium (``make test`` installs it with apt-get when missing)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Steps:
    """Screenshots of each step of a journey; the folder is kept only when the test fails."""

    page: Page
    folder: Path
    taken: list[Path] = field(default_factory=list)

    def shot(self, name: str) -> Path:
        """Screenshot the whole page as the next numbered step."""
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{len(self.taken) + 1:02d}-{slug}.png"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
