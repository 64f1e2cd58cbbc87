"""The local Mailer: every message becomes one RFC 5322 ``.eml`` file in an outbox folder.

Nothing leaves the machine. A developer (or a test) reads the folder to find, say, a one-time
code. File names sort in sending order.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import threading
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

from shared.adapters.mail_message import build_message

SENDER = "Career assistant <no-reply@career.localhost>"
_CODE = re.compile(r"\b(\d{6})\b")


class OutboxMailer:
    """Writes each message to ``folder`` instead of sending it (``Mailer`` port)."""

    def __init__(self, folder: Path | str, *, sender: str = SENDER) -> None:
        self.folder = Path(folder)  # created on the first send, never at construction
        self.sender = sender
        self._lock = threading.Lock()
        self._counter = 0

    def send(self, to: str, subject: str, body: str, html: str | None = None) -> None:
        """Write one message; InvalidInput for an address or subject that would forge headers."""
        message = build_message(self.sender, to, subject, body, html)
        with self._lock:
            self._counter += 1
            stem = f"{time.time_ns():020d}-{self._counter:06d}-{uuid.uuid4().hex[:8]}"
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{stem}.tmp"
        tmp.write_bytes(message.as_bytes())
        os.replace(tmp, self.folder / f"{stem}.eml")  # readers never see half a message

    def sent(self) -> list[EmailMessage]:
        """Every message in the outbox, oldest first."""
        if not self.folder.is_dir():
            return []
        messages = []
        for path in sorted(self.folder.glob("*.eml")):
            messages.append(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
        return messages

    def newest_code(self, to: str) -> str | None:
        """The 6-digit one-time code of the newest message to ``to`` that has one, if any."""
        for message in reversed(self.sent()):
            if message["To"] == to:
                body = message.get_body(preferencelist=("plain",))
                found = _CODE.search(body.get_content() if body else "")
                if found:
                    return found.group(1)
        return None
