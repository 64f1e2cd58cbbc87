"""Browser tests: ``career serve`` with the built web app, and chromium through Playwright.

Each test gets its own browser context (fresh storage); the server is shared per module.
Screenshots of every step go to build/test-artifacts/web/<test>/ and stay there only when
the test fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.conftest import require
from tests.e2e.local_server import CAREER, URL_LINE, Server, environment
from tests.emulators.process import ManagedProcess
from tests.web.browser import ARTIFACTS, CHROMIUM_ARGS, WEB_DIST, Steps, chromium_path

pytestmark = pytest.mark.web


# Locally a missing piece skips with the fix; CI builds everything, so there it fails.
_require = require


def start_server(root: Path, extra_env: dict[str, str] | None = None) -> tuple[ManagedProcess, Server]:
    """``career serve --port 0`` serving web/dist, in its own process group."""
    _require((WEB_DIST / "index.html").is_file(), f"{WEB_DIST} is not built: run `make install`")
    env = {**environment(secrets.token_urlsafe(48)), **(extra_env or {})}
    data_dir = root / "data"
    process = ManagedProcess(
        name="career-serve-web",
        argv=[str(CAREER), "serve", "--port", "0", "--data-dir", str(data_dir), "--no-scheduler"],
        env=env,
        log_dir=root / "logs",
        pid_dir=root / "pids",
    ).start()
    found: list[str] = []

    def url_printed() -> bool:
        match = URL_LINE.search(process.log_path.read_text(errors="replace"))
        if match:
            found.append(match.group(1))
        return bool(match)

    try:
        process.wait_ready(url_printed, timeout_s=60)
        process.wait_ready(
            lambda: httpx.get(f"{found[0]}/healthz", timeout=2).status_code == 200, timeout_s=30
        )
    except BaseException:
        process.stop()
        raise
    return process, Server(found[0], env, data_dir)


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A local stack for this module's tests, stopped by PID at the end."""
    process, server = start_server(tmp_path_factory.mktemp("career-web"))
    try:
        yield server
    finally:
        process.stop()


@pytest.fixture(scope="module")
def quick_retry_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A stack whose retries follow production's attempts with backoffs cut a thousandfold."""
    process, server = start_server(
        tmp_path_factory.mktemp("career-web-retry"), {"CAREER_LOCAL_RETRY_BACKOFF_SCALE": "0.001"}
    )
    try:
        yield server
    finally:
        process.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's chromium, headless."""
    path = chromium_path()
    _require(path is not None, "chromium is not installed: `apt-get install -y chromium` (make test does it)")
    launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember each phase's outcome on the item, so fixtures know whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def steps(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Steps]:
    """A page (desktop unless ``@pytest.mark.viewport(width, height)`` says otherwise) and its
    step screenshots (kept under build/test-artifacts on failure)."""
    marker = request.node.get_closest_marker("viewport")
    width, height = marker.args if marker else (1280, 900)
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    context.set_default_timeout(20_000)
    page: Page = context.new_page()
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    recorder = Steps(page, folder)
    try:
        yield recorder
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            recorder.shot("at failure")
        elif not os.environ.get("WEB_KEEP_SCREENSHOTS"):  # set it to look at a passing run
            shutil.rmtree(folder, ignore_errors=True)
        context.close()


@pytest.fixture(scope="module")
def shared_data_module() -> Path:
    """The kit's CVs and job payloads (../shared/data), for module-scoped fixtures too."""
    from tests.conftest import SHARED_DATA

    _require(SHARED_DATA.is_dir(), f"test data kit not found at {SHARED_DATA}")
    return SHARED_DATA
