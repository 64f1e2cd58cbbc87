"""The SMTP mailer against a real SMTP server (aiosmtpd) on 127.0.0.1: STARTTLS before the
login, plain text with an HTML alternative, and relay answers mapped to retry or give up."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from shared.adapters.smtp_mailer import SmtpMailer
from shared.domain.errors import PermanentError, TransientError
from shared.domain.mail_templates import render_code_mail
from shared.domain.otp import OtpPurpose

SENDER = "Career assistant <no-reply@career.example>"
USER, PASSWORD = "mailer", "relay-password"


@dataclass
class Received:
    """What the server saw."""

    messages: list[EmailMessage] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)
    answer: str = "250 OK"


class Handler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.received.answer.startswith("250"):
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.received.messages.append(message)
            self.received.tls.append(session.ssl is not None)
        return self.received.answer


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class Server:
    port: int
    received: Received
    client_tls: ssl.SSLContext


def _serve(certificate: tuple[Path, Path], *, starttls: bool) -> Iterator[Server]:
    cert_path, key_path = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_path, key_path)
    received = Received()
    port = free_port()
    kwargs: dict[str, Any] = {"authenticator": authenticator, "auth_require_tls": True}
    if starttls:
        kwargs |= {"tls_context": server_tls, "require_starttls": True}
    controller = Controller(Handler(received), hostname="127.0.0.1", port=port, ready_timeout=30, **kwargs)
    controller.start()
    try:
        yield Server(port, received, ssl.create_default_context(cafile=str(cert_path)))
    finally:
        controller.stop()


@pytest.fixture
def server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    yield from _serve(certificate, starttls=True)


@pytest.fixture
def plain_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    yield from _serve(certificate, starttls=False)


def mailer(server: Server, **overrides: Any) -> SmtpMailer:
    options: dict[str, Any] = {
        "sender": SENDER,
        "username": USER,
        "password": PASSWORD,
        "timeout_s": 20,
        "tls_context": server.client_tls,
    }
    return SmtpMailer("127.0.0.1", server.port, **(options | overrides))


class TestDelivery:
    def test_a_code_mail_arrives_over_starttls_with_both_parts(self, server: Server) -> None:
        mail = render_code_mail(OtpPurpose.PASSWORD_RESET, "042917")

        mailer(server).send("jane@example.com", mail.subject, mail.text, mail.html)

        [message] = server.received.messages
        assert server.received.tls == [True]
        assert (message["To"], message["From"], message["Subject"]) == (
            "jane@example.com",
            SENDER,
            mail.subject,
        )
        plain, html = message.get_body(("plain",)), message.get_body(("html",))
        assert plain is not None
        assert html is not None
        assert "042917" in plain.get_content()
        assert "042917" in html.get_content()
        assert "<p" in html.get_content()

    def test_each_purpose_has_its_own_wording(self) -> None:
        register = render_code_mail(OtpPurpose.EMAIL_REGISTER, "111111")
        reset = render_code_mail(OtpPurpose.PASSWORD_RESET, "111111")

        assert register.subject != reset.subject
        assert "verify your e-mail" in register.text
        assert "reset your password" in reset.text
        assert "<script" not in register.html


class TestRefusals:
    def test_wrong_credentials_are_permanent(self, server: Server) -> None:
        with pytest.raises(PermanentError, match="535"):
            mailer(server, password="wrong").send("jane@example.com", "s", "b")

        assert server.received.messages == []

    def test_a_deferral_is_transient(self, server: Server) -> None:
        server.received.answer = "451 Try again later"

        with pytest.raises(TransientError, match="451"):
            mailer(server).send("jane@example.com", "s", "b")

    def test_a_rejection_is_permanent(self, server: Server) -> None:
        server.received.answer = "554 Rejected"

        with pytest.raises(PermanentError, match="554"):
            mailer(server).send("jane@example.com", "s", "b")

    def test_no_starttls_means_no_login(self, plain_server: Server) -> None:
        with pytest.raises(PermanentError, match="STARTTLS"):
            mailer(plain_server).send("jane@example.com", "s", "b")

        assert plain_server.received.messages == []

    def test_credentials_without_starttls_are_refused_at_construction(self) -> None:
        with pytest.raises(ValueError, match="STARTTLS"):
            SmtpMailer("127.0.0.1", 25, sender=SENDER, username=USER, password=PASSWORD, starttls=False)

    def test_an_unreachable_relay_is_transient(self) -> None:
        with pytest.raises(TransientError, match="unreachable"):
            SmtpMailer("127.0.0.1", free_port(), sender=SENDER, timeout_s=5).send(
                "jane@example.com", "s", "b"
            )

    def test_header_injection_is_refused(self, server: Server) -> None:
        with pytest.raises(PermanentError):
            mailer(server).send("jane@example.com", "hi\r\nBcc: all@example.com", "b")
