"""Route tables of the two HTTP functions. Each area module exposes ``ROUTES``.

Area modules are imported here, inside the functions, so a cold start pays only for the
function actually being loaded. The functions themselves use the route groups: each area is
imported on the first request under one of its path segments, so ``/healthz`` imports no area
and ``GET /me/profile-inputs`` imports accounts alone (bench/cold_start.py measures it). A
route whose first segment its group does not list still answers (the app then loads every
area), and tests/unit/test_route_groups.py keeps the segment lists right.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from shared.edge.http import Route, RouteGroup

API_TITLE = "Career assistant API"
OPS_TITLE = "Career assistant operator API"


def api_routes() -> list[Route]:
    """Routes of the job seekers' API (functions/api)."""
    from shared.api import accounts, auth, documents, matches, notebook, profiles

    return [
        *accounts.ROUTES,
        *auth.ROUTES,
        *documents.ROUTES,
        *matches.ROUTES,
        *profiles.ROUTES,
        *notebook.ROUTES,
    ]


def ops_routes() -> list[Route]:
    """Routes of the operators' API (functions/ops)."""
    from shared.api import failures, operations, sources, usage

    return [*operations.ROUTES, *sources.ROUTES, *usage.ROUTES, *failures.ROUTES]


def api_route_groups() -> list[RouteGroup]:
    """The api function's areas, each imported on its first request."""
    return [
        RouteGroup(("me", "journey"), _area("accounts")),
        RouteGroup(("auth",), _area("auth")),
        RouteGroup(("documents",), _area("documents")),
        RouteGroup(("matches", "match-runs"), _area("matches")),
        RouteGroup(("career-profiles",), _area("profiles")),
        RouteGroup(("notebook",), _area("notebook")),
    ]


def ops_route_groups() -> list[RouteGroup]:
    """The ops function's areas, each imported on its first request."""
    return [
        RouteGroup(("dead-letters",), _area("operations")),
        RouteGroup(("job-sources",), _area("sources")),
        RouteGroup(("llm-usage",), _area("usage")),
        RouteGroup(("failures",), _area("failures")),
    ]


def _area(module: str) -> Callable[[], Sequence[Route]]:
    def load() -> Sequence[Route]:
        routes: Sequence[Route] = importlib.import_module(f"shared.api.{module}").ROUTES
        return routes

    return load
