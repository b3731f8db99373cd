"""A real SMTP server on loopback (aiosmtpd), receiving what the app sends, and one that refuses (fixtures)."""

import email
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from tests.helpers.servers import free_port


class Mailbox:
    """What the SMTP server took: envelope recipients and the parsed message, in order."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse_with: str | None = None  # e.g. "451 4.3.0 Try again later"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.refuse_with:
            return self.refuse_with
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=default)))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.messages if address in recipients]


def _use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_servers(settings):
    """Start SMTP servers on free loopback ports, each time pointing the app's e-mail settings at the new one."""
    controllers = []

    def start() -> Mailbox:
        mailbox = Mailbox()
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        _use_smtp(settings, controller.port)
        return mailbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(smtp_servers):
    """An SMTP server on a free loopback port, which the app's e-mail settings point at."""
    return smtp_servers()


@pytest.fixture
def no_smtp_server(settings):
    """E-mail settings pointing at a loopback port nobody listens on: connection refused."""
    _use_smtp(settings, free_port())


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )
