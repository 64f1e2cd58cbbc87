"""The whole local stack in one process: container, HTTP server, delivery worker, scheduler.

The container is installed as the process-wide one, so the functions' own apps (which call
``bootstrap.container()``) share this store, queue and blob folder with the server.
"""

from __future__ import annotations

import logging
from pathlib import Path

import shared
from shared import bootstrap
from shared.config import Settings
from shared.localstack.function_feed import create_function_app, register_functions
from shared.localstack.scheduler import Scheduler
from shared.localstack.server import HttpServer, RootApp, mount_http_functions
from shared.localstack.static import StaticSite
from shared.topology import TOPOLOGY, Topology

FUNCTIONS_DIR = Path(shared.__file__).resolve().parents[1] / "functions"
WEB_DIST = Path(shared.__file__).resolve().parents[1] / "web" / "dist"
_log = logging.getLogger("career.localstack")


class LocalStack:
    """Starts and stops every moving part of ``career serve``."""

    def __init__(
        self,
        settings: Settings,
        *,
        port: int,
        scheduler: bool = True,
        topology: Topology = TOPOLOGY,
        functions_dir: Path = FUNCTIONS_DIR,
    ) -> None:
        if settings.backend != "local":
            raise ValueError("career serve runs the local backend only (CAREER_BACKEND=local)")
        if not settings.is_local:
            raise ValueError("career serve accepts dev tokens, so CAREER_ENVIRONMENT must be local or test")
        self._server = HttpServer(port, read_timeout_s=settings.http_read_timeout_s)
        # Signed upload URLs must point at the port actually bound, unless one was configured.
        if "public_base_url" not in settings.model_fields_set:
            settings = settings.model_copy(update={"public_base_url": self._server.url})
        self.settings = settings
        self._topology = topology
        self._functions_dir = functions_dir
        self._with_scheduler = scheduler
        self._scheduler: Scheduler | None = None
        self.container = self._build_container()
        self._previous: bootstrap.Container | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return self._server.url

    def start(self) -> str:
        """Load the functions, start the worker, the scheduler and the server; returns the URL."""
        self._previous = bootstrap.install(self.container)
        queue = self.container.delivery
        fed = register_functions(queue, self._topology, self._functions_dir, project=self.settings.project_id)
        _log.info("delivering %d channels: %s", len(fed), ", ".join(fed))
        queue.start()
        if self._with_scheduler:
            self._scheduler = Scheduler(
                self._topology.schedules, self.container.publisher, self.container.clock
            )
            self._scheduler.start()
        mounts = mount_http_functions(self._topology, self._functions_dir, create_function_app)
        site = StaticSite(self.settings.web_dir or WEB_DIST)
        if not site.available:
            _log.warning("no built web app in %s: run `make install` to build it", site.root)
        self._server.install(RootApp(self.container, site), mounts)
        self._server.start()
        return self.url

    def stop(self) -> None:
        """Stop taking requests, stop firing jobs, finish the delivery in flight, close files."""
        self._server.stop()
        if self._scheduler is not None:
            self._scheduler.stop()
        self.container.close()  # stops the delivery worker, then closes queue and store
        bootstrap.install(self._previous)

    def _build_container(self) -> bootstrap.Container:
        # The container's own delivery queue records dead letters through DeadLetterService.
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return bootstrap.Container(self.settings, self._topology)
