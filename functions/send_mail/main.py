"""Cloud Tasks target of the mail queue: sends one account mail (one-time code)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import channel_of, decode
from shared.channels.mail import OtpMail
from shared.edge.events import Task, run_task
from shared.edge.logs import configure
from shared.services.account_mail import MailDelivery

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Decode the OtpMail (an invalid one is permanent) and deliver it."""
    return container.make(MailDelivery).deliver(decode(OtpMail, task.payload))


@functions_framework.http
def send_mail(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the mail queue's retry rules."""
    configure()
    return run_task(request, handle, function="send_mail", queue=channel_of(OtpMail))
