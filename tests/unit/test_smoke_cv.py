"""The CV the smoke journey uploads ships inside the package and is the quick start's sample."""

from __future__ import annotations

from pathlib import Path

from shared.smoke.journey import smoke_cv

REPO = Path(__file__).resolve().parents[2]


def test_the_bundled_cv_is_the_quick_start_sample_pdf() -> None:
    data = smoke_cv()

    assert data.startswith(b"%PDF-")
    assert data == (REPO / "samples" / "cv" / "mara-quinn-backend.pdf").read_bytes()
