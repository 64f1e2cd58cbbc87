"""scoring (queue): score one notebook entry."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.channels import Message


class ScoreTask(Message):
    """scoring: score notebook entry ``entry_id`` of user ``uid`` (``inputs_hash``: the inputs
    the request saw; the task recomputes them and answers from the cache when unchanged)."""

    uid: str = Field(min_length=1, max_length=128)
    entry_id: str = Field(min_length=1, max_length=64)
    inputs_hash: str = Field(min_length=64, max_length=64)
    reason: Literal["request", "refresh"] = "request"
