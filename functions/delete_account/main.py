"""Cloud Tasks target of the account-deletion queue: erases one user, the identity last."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import channel_of, decode
from shared.channels.account_deletion import AccountDeletion
from shared.edge.events import Task, run_task
from shared.edge.logs import configure
from shared.services.data_rights import DataRights

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Decode the AccountDeletion and run one idempotent erasure pass."""
    message = decode(AccountDeletion, task.payload)
    report = container.make(DataRights).erase(message.uid, follow_up=message.follow_up)
    return report.model_dump()


@functions_framework.http
def delete_account(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the account-deletion queue's retry rules."""
    configure()
    return run_task(request, handle, function="delete_account", queue=channel_of(AccountDeletion))
