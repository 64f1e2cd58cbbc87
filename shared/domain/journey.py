"""The journey: which step of the product each user is on, and the state of each step."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field

from shared.domain.failures import FailureClass, NextAction, next_action
from shared.domain.model import DomainModel


class StepState(StrEnum):
    """State of one journey step."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"
    BLOCKED = "blocked"


class StepStatus(DomainModel):
    """What a step provider reports: its state plus step-specific detail for the frontend."""

    model_config = ConfigDict(frozen=True)

    state: StepState
    detail: dict[str, Any] = Field(default_factory=dict)
    failure_class: FailureClass | None = None
    # What the user can do about a failed step; derived from the class unless the step says.
    next_action: NextAction | None = None

    def with_next_action(self) -> StepStatus:
        """This status with its next action filled in from its class when it failed."""
        if self.state != StepState.FAILED or self.next_action is not None:
            return self
        action = next_action(self.failure_class) if self.failure_class else NextAction.CONTACT_SUPPORT
        return self.model_copy(update={"next_action": action})


class JourneyStep(DomainModel):
    """One step as the journey shows it."""

    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    state: StepState
    detail: dict[str, Any] = Field(default_factory=dict)
    failure_class: FailureClass | None = None
    next_action: NextAction | None = None
    requires: list[str] = Field(default_factory=list)


class Journey(DomainModel):
    """Every step in order, plus the first step that is not done yet."""

    model_config = ConfigDict(frozen=True)

    steps: list[JourneyStep]
    current_step: str | None

    @classmethod
    def of(cls, steps: list[JourneyStep]) -> Journey:
        """A journey whose current step is the first one not done."""
        current = next((s.key for s in steps if s.state != StepState.DONE), None)
        return cls(steps=steps, current_step=current)


def blocked_unless(requirements_done: bool, status: StepStatus) -> StepStatus:
    """A step that has not started while a step it needs is unfinished is blocked, not idle."""
    if not requirements_done and status.state == StepState.NOT_STARTED:
        return StepStatus(state=StepState.BLOCKED, detail=status.detail)
    return status
