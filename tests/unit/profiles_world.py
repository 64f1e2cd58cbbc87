"""Test wiring of the profiles slice on top of the documents slice (local backend)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.domain.accounts import ProfileInputs
from shared.domain.documents import Document
from shared.ports import ProfileProvider, ProviderResult
from shared.repositories.accounts import Accounts
from shared.services.accounts import AccountsService
from shared.services.profiles import ProfileService
from tests.unit.cv_texts import pdf_path
from tests.unit.documents_world import UID, World


@dataclass
class CountingProvider:
    """A fake of our own ProfileProvider port: delegates and counts calls (or raises ``fail``)."""

    inner: ProfileProvider
    calls: int = 0
    fail: Exception | None = None
    name: str = field(init=False)
    model: str = field(init=False)
    prompt_version: str = field(init=False)

    def __post_init__(self) -> None:
        self.name, self.model, self.prompt_version = (
            self.inner.name,
            self.inner.model,
            self.inner.prompt_version,
        )

    def generate(self, cv_text: str, inputs: ProfileInputs | None = None) -> ProviderResult:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        return self.inner.generate(cv_text, inputs)


def profile_service(world: World, provider: ProfileProvider | None = None) -> ProfileService:
    """The profiles service on the world's ports (the heuristic provider on the world's clock by default)."""
    chosen = provider or HeuristicProfileProvider(world.clock)
    return world.container.make(ProfileService, profile_provider=chosen)


def upload_cv(world: World, shared_data: Path, stem: str) -> Document:
    """Upload and extract one kit CV for UID (it may end FAILED)."""
    return world.upload_and_extract(pdf_path(shared_data, stem).read_bytes())


def put_inputs(world: World, roles: list[str], uid: str = UID) -> None:
    """PUT /me/profile-inputs."""
    inputs = ProfileInputs(target_roles=roles, preferred_locations=["Madrid"], remote_preference="hybrid")
    AccountsService(Accounts(world.store), world.clock).put_inputs(uid, inputs)
