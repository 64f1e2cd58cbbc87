"""The base of domain models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DomainModel(BaseModel):
    """A pydantic model whose validator is built on first use, not at import.

    A function imports many models but a request validates few: deferring the build keeps a
    cold start to what its request uses (DESIGN.md budgets). Subclasses' own model_config is
    merged with this one.
    """

    model_config = ConfigDict(defer_build=True)
