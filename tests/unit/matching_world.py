"""A small matching world: a profile maker, five offers, and how both are stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.domain.accounts import RemotePreference
from shared.domain.offers import JobOffer
from shared.domain.profiles import (
    CareerProfile,
    LanguageItem,
    Preferences,
    ProfileSkill,
    Provenance,
    WorkItem,
)


def make_profile(
    uid: str, version: int = 1, skills: tuple[str, ...] = ("Python", "PostgreSQL", "Docker")
) -> CareerProfile:
    return CareerProfile(
        uid=uid,
        version=version,
        seniority="senior",
        skills=[ProfileSkill(name=s, category="language", evidence=f"used {s}") for s in skills],
        work_history=[WorkItem(title="Software Engineer", employer="Initech")],
        languages=[LanguageItem(name="English")],
        preferences=Preferences(target_roles=["Backend Engineer"], remote=RemotePreference.ANY),
        provenance=Provenance(
            source_document_ids=["d1"],
            source_sha256s=["s"],
            inputs_hash="i",
            provider="heuristic",
            model="heuristic-v1",
            prompt_version="p1",
            created_at=datetime(2026, 3, 1, tzinfo=UTC),
        ),
    )


def make_offer(n: int, title: str, text: str, **extra: Any) -> JobOffer:
    return JobOffer.create(
        source_kind="lever",
        board="acme",
        external_id=str(n),
        title=title,
        company="Acme",
        url=f"https://jobs.invalid/{n}",
        description_text=text,
        language="en",
        posted_at=datetime(2026, 3, 15, tzinfo=UTC),
        **extra,
    )


OFFERS = [
    make_offer(
        1, "Senior Backend Engineer", "Python, PostgreSQL and Docker every day.", remote_policy="remote"
    ),
    make_offer(2, "Backend Developer", "We write Python services on PostgreSQL.", remote_policy="hybrid"),
    make_offer(
        3,
        "Account Executive",
        "Sell our product to enterprises. Salesforce experience.",
        remote_policy="onsite",
    ),
    make_offer(4, "Data Engineer", "Spark, Airflow and Python pipelines.", remote_policy="remote"),
    make_offer(5, "Customer Success Manager", "Own renewals.", remote_policy="remote"),
]


def save(store: SqliteDocumentStore, profiles: list[CareerProfile], offers: list[JobOffer]) -> None:
    for p in profiles:
        store.set(f"users/{p.uid}/career_profiles/{p.version}", p.model_dump(mode="python"))
    for o in offers:
        store.set(f"job_offers/{o.id}", {**o.model_dump(mode="python"), "closed_at": None})
