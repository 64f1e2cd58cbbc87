"""Identifier shapes shared by stored models and messages."""

from __future__ import annotations

# Source ids end up in Cloud Tasks names ("crawl-<id>-<request>") and document paths.
SOURCE_ID = r"^[a-z0-9][a-z0-9_-]{0,62}$"
