"""maintenance: which housekeeping to run (Cloud Scheduler)."""

from __future__ import annotations

from typing import Literal

from shared.channels import Message


class MaintenanceTask(Message):
    """maintenance: which housekeeping to run (``sweep_runs`` fails runs stuck past their lease)."""

    task: Literal["sweep_runs"]
