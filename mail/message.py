"""One reminder email as a standard MIME message: built for sending, or written as an .eml file."""

from __future__ import annotations

import mimetypes
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from mail.config import is_address

# Fixed types for what we attach: on Windows mimetypes reads the registry, which some installers rewrite.
_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Attachment:
    """A file to attach, under the name the customer sees (« Mise_en_demeure_2026-12-02.pdf »)."""

    path: Path
    name: str


@dataclass(frozen=True)
class Email:
    """What to send to one customer: bare address, subject, plain-text body and files to attach (a path
    alone is attached under its own name)."""

    to: str
    subject: str
    body: str
    attachments: tuple[Path | Attachment, ...] = ()

    @property
    def files(self) -> tuple[Attachment, ...]:
        return tuple(a if isinstance(a, Attachment) else Attachment(a, a.name) for a in self.attachments)


def _address(text: str, name: str = "") -> Address:
    if not is_address(text):
        raise ValueError(f"L'adresse email « {text} » n'est pas valide.")
    username, domain = text.rsplit("@", 1)
    return Address(display_name=name, username=username, domain=domain)


def _mime_type(path: Path) -> tuple[str, str]:
    kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    maintype, subtype = kind.split("/", 1)
    return maintype, subtype


def build_message(
    email: Email, sender: str, sender_name: str = "", reply_to: str = "", bcc: Sequence[str] = ()
) -> EmailMessage:
    """The message as sent: CRLF line ends, 7-bit clean, accents encoded; raises ValueError for a bad address.

    `bcc` is accepted for symmetry with the settings but never written: blind copies are envelope
    recipients only (Mailer.send adds them), else every customer would see them.
    """
    del bcc
    message = EmailMessage(policy=policy.SMTP)
    # headerregistry encodes a display name with accents as RFC 2047 words, which every client decodes.
    message["From"] = _address(sender, sender_name)
    message["To"] = _address(email.to)
    if reply_to:
        message["Reply-To"] = _address(reply_to)
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[1])
    # quoted-printable keeps the body 7-bit: no need for the server's 8BITMIME, and readable in the .eml.
    message.set_content(email.body, cte="quoted-printable")
    for attachment in email.files:
        maintype, subtype = _mime_type(attachment.path)
        # The file name is also given as Content-Type `name`, which some Outlook versions read first;
        # the email package writes both with RFC 2231 when they hold accents.
        message.add_attachment(
            attachment.path.read_bytes(),
            maintype=maintype,
            subtype=subtype,
            filename=attachment.name,
            params={"name": attachment.name},
        )
    return message


def write_eml(email: Email, target: Path, sender: str, sender_name: str = "", reply_to: str = "") -> None:
    """Write the message as an .eml file that Outlook and Thunderbird open; never a half-written file."""
    message = build_message(email, sender, sender_name, reply_to)
    # Outlook opens a message marked unsent as a draft, ready to send from the user's own account.
    message["X-Unsent"] = "1"
    data = message.as_bytes()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
