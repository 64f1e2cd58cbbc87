"""Route tables of the two HTTP functions. Each area module exposes ``ROUTES``.

Area modules are imported here, inside the functions, so a cold start pays only for the
function actually being loaded.
"""

from __future__ import annotations

from shared.edge.http import Route


def api_routes() -> list[Route]:
    """Routes of the job seekers' API (functions/api)."""
    from shared.api import accounts, documents, matches, profiles

    return [*accounts.ROUTES, *documents.ROUTES, *matches.ROUTES, *profiles.ROUTES]


def ops_routes() -> list[Route]:
    """Routes of the operators' API (functions/ops)."""
    from shared.api import operations, sources

    return [*operations.ROUTES, *sources.ROUTES]
