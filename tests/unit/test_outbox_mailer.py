"""The outbox mailer writes one readable .eml file per message."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.adapters.local.outbox_mailer import OutboxMailer
from shared.domain.errors import InvalidInput


class TestOutboxMailer:
    def test_writes_one_eml_file_per_message_in_sending_order(self, tmp_path: Path) -> None:
        mailer = OutboxMailer(tmp_path / "outbox")

        mailer.send("ada@example.com", "Your code", "Code: 123456")
        mailer.send("bob@example.com", "Second", "Body two")

        files = sorted((tmp_path / "outbox").glob("*.eml"))
        assert len(files) == 2
        [first, second] = mailer.sent()
        assert (first["To"], first["Subject"], first.get_content().strip()) == (
            "ada@example.com",
            "Your code",
            "Code: 123456",
        )
        assert second["Subject"] == "Second"

    def test_the_newest_code_to_an_address_is_found(self, tmp_path: Path) -> None:
        mailer = OutboxMailer(tmp_path / "outbox")

        mailer.send("ada@example.com", "Your code", "Your code is 111111.")
        mailer.send("ada@example.com", "Your new code", "Your code is 222222.")
        mailer.send("ada@example.com", "Welcome", "No code in this one.")
        mailer.send("bob@example.com", "Your code", "Your code is 333333.")

        assert mailer.newest_code("ada@example.com") == "222222"
        assert mailer.newest_code("eve@example.com") is None

    def test_creates_nothing_until_the_first_message(self, tmp_path: Path) -> None:
        mailer = OutboxMailer(tmp_path / "outbox")

        assert not (tmp_path / "outbox").exists()
        assert mailer.sent() == []

    @pytest.mark.parametrize(
        ("to", "subject"), [("ada@example.com", "Hi\r\nBcc: eve@example.com"), ("not-an-address", "Hi")]
    )
    def test_refuses_header_injection_and_bad_recipients(self, tmp_path: Path, to: str, subject: str) -> None:
        mailer = OutboxMailer(tmp_path / "outbox")

        with pytest.raises(InvalidInput):
            mailer.send(to, subject, "body")
        assert mailer.sent() == []
