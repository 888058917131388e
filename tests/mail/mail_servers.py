"""Real SMTP server parts for the mail tests: an aiosmtpd handler that records, an authenticator."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from mail.config import MailSettings

SENDER = "compta@exemple.fr"


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Inbox:
    """aiosmtpd handler: keeps every accepted message; `replies[n]` answers the n-th DATA instead.

    `refuse_rcpt` maps an address to the reply its RCPT gets, `refuse_mail` is the reply to every MAIL,
    `drop_data` lists the DATA numbers after which the connection is cut without a reply, and
    `on_data` runs at each DATA (the throttle test moves its fake clock there).
    """

    replies: dict[int, str] = field(default_factory=dict)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)
    refuse_mail: str = ""
    drop_data: set[int] = field(default_factory=set)
    on_data: Callable[[], None] | None = None
    received: list[Received] = field(default_factory=list)
    data_count: int = 0

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_mail:
            return self.refuse_mail
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.data_count += 1
        if self.on_data:
            self.on_data()
        if self.data_count in self.drop_data:
            server.transport.close()
            return "250 OK"  # never reaches the client: the connection is already closed
        if self.data_count in self.replies:
            return self.replies[self.data_count]
        assert isinstance(envelope.content, bytes)
        self.received.append(Received(envelope.mail_from or "", list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@dataclass
class Logins:
    """aiosmtpd authenticator: accepts one login and password, remembers every attempt."""

    login: str
    password: str
    attempts: list[tuple[str, str]] = field(default_factory=list)
    refuse_after: int = 0  # refuse every login after this many successes (0: never)

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        login, password = data.login.decode(), data.password.decode()
        self.attempts.append((login, password))
        accepted = sum(1 for attempt in self.attempts[:-1] if attempt == (self.login, self.password))
        good = (login, password) == (self.login, self.password)
        if self.refuse_after and accepted >= self.refuse_after:
            good = False
        # handled=False: aiosmtpd then answers 535 itself (handled=True would leave the client waiting).
        return AuthResult(success=good, handled=False)


def mail_settings(port: int, **changes: Any) -> MailSettings:
    """Settings for a local server, with no security and no login unless changed."""
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "aucune",
        "user": "",
        "password": "",
        "sender": SENDER,
        "sender_name": "Service comptabilité",
        "reply_to": "",
        "bcc": (),
        "per_minute": 0,
        "notify": "",
    }
    values.update(changes)
    return MailSettings(**values)
