"""Journey steps, one module each defining ``STEP = StepProvider(...)``.

``STEPS`` is the journey: add a step by writing its module and naming it here.
"""

from __future__ import annotations

from shared.services.journey_steps import (
    account,
    career_profile,
    documents,
    matching,
    notebook,
    profile_inputs,
)

STEPS = (account.STEP, profile_inputs.STEP, documents.STEP, career_profile.STEP, matching.STEP, notebook.STEP)
