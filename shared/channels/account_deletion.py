"""account-deletion (queue): erase everything stored for one user."""

from __future__ import annotations

from pydantic import Field

from shared.channels import Message


class AccountDeletion(Message):
    """account-deletion: erase everything stored for user ``uid``, the identity last; a first
    pass queues one ``follow_up`` sweep for what queued work may write in between."""

    uid: str = Field(min_length=1, max_length=128)
    follow_up: bool = True
