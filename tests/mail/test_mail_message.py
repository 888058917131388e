"""Messages as built for sending and as written to .eml: headers, accents, attachments, re-parsed."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from mail.message import Email, build_message, write_eml

SUBJECT = "Relance n°2 – factures échues de la Société Générale d'Équipement à régler sous huit jours"
BODY = (
    "Madame, Monsieur,\n\nSauf erreur de notre part, 1 234,56 € restent dus.\n\n"
    "Cordialement,\nLe service comptabilité\n"
)


def parse(data: bytes) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_message_headers_and_body(pdf: Path) -> None:
    email = Email("client@exemple.fr", SUBJECT, BODY, (pdf,))
    message = build_message(
        email, "compta@exemple.fr", "Service comptabilité", "contact@exemple.fr", bcc=("archives@exemple.fr",)
    )
    data = message.as_bytes()
    # 7-bit and CRLF only: no server needs 8BITMIME or SMTPUTF8 for it.
    assert max(data) < 128
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"archives@exemple.fr" not in data

    parsed = parse(data)
    assert str(parsed["From"]) == "Service comptabilité <compta@exemple.fr>"
    assert parsed["From"].addresses[0].display_name == "Service comptabilité"
    assert parsed["To"] == "client@exemple.fr"
    assert parsed["Reply-To"] == "contact@exemple.fr"
    assert parsed["Subject"] == SUBJECT
    assert parsed["Date"].datetime is not None
    assert parsed["Message-ID"].endswith("@exemple.fr>")
    assert "Bcc" not in parsed
    assert "X-Unsent" not in parsed
    body = parsed.get_body(("plain",))
    assert body is not None
    assert body.get_content_type() == "text/plain"
    assert body.get_content().replace("\r\n", "\n") == BODY

    (attachment,) = parsed.iter_attachments()
    assert isinstance(attachment, EmailMessage)
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "Relance n°1 – Société Générale.pdf"
    assert attachment.get_content() == pdf.read_bytes()


def test_display_name_with_comma_and_quotes_is_quoted() -> None:
    message = build_message(Email("a@exemple.fr", "s", "b"), "compta@exemple.fr", 'Dupont, "Père & Fils"')
    assert parse(message.as_bytes())["From"].addresses[0].display_name == 'Dupont, "Père & Fils"'


def test_message_ids_are_unique() -> None:
    email = Email("a@exemple.fr", "s", "b")
    assert (
        build_message(email, "c@exemple.fr")["Message-ID"]
        != build_message(email, "c@exemple.fr")["Message-ID"]
    )


def test_body_naming_an_existing_file_stays_text(pdf: Path) -> None:
    # yagmail would attach a `contents` string that is a path: here the body is always text.
    message = build_message(Email("a@exemple.fr", "s", str(pdf)), "c@exemple.fr")
    parsed = parse(message.as_bytes())
    assert list(parsed.iter_attachments()) == []
    body = parsed.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip() == str(pdf)


def test_attachment_types(tmp_path: Path) -> None:
    files = [tmp_path / "relevé.PDF", tmp_path / "notes.txt", tmp_path / "données.zzq"]
    for path in files:
        path.write_bytes(b"x")
    parsed = parse(build_message(Email("a@exemple.fr", "s", "b", tuple(files)), "c@exemple.fr").as_bytes())
    assert [part.get_content_type() for part in parsed.iter_attachments()] == [
        "application/pdf",
        "text/plain",
        "application/octet-stream",
    ]


@pytest.mark.parametrize("address", ["client@exemple", "andré@exemple.fr", "Client <client@exemple.fr>", ""])
def test_bad_recipient_is_a_value_error(address: str) -> None:
    with pytest.raises(ValueError, match="n'est pas valide"):
        build_message(Email(address, "s", "b"), "compta@exemple.fr")


def test_missing_attachment_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        build_message(Email("a@exemple.fr", "s", "b", (tmp_path / "absent.pdf",)), "compta@exemple.fr")


def test_eml_file_reopens_with_accents_and_attachment(tmp_path: Path, pdf: Path) -> None:
    target = tmp_path / "emails" / "Société Générale.eml"
    write_eml(
        Email("client@exemple.fr", SUBJECT, BODY, (pdf,)), target, "compta@exemple.fr", "Service comptabilité"
    )
    parsed = parse(target.read_bytes())
    assert parsed["Subject"] == SUBJECT
    assert parsed["From"].addresses[0].display_name == "Service comptabilité"
    assert parsed["To"] == "client@exemple.fr"
    # Outlook opens it as a draft, ready to send from the user's own account.
    assert parsed["X-Unsent"] == "1"
    body = parsed.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == BODY
    (attachment,) = parsed.iter_attachments()
    assert isinstance(attachment, EmailMessage)
    assert attachment.get_filename() == pdf.name
    assert attachment.get_content() == pdf.read_bytes()
    assert [path.name for path in target.parent.iterdir()] == [target.name]  # no temporary file left


def test_eml_replaces_an_older_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "client.eml"
    target.write_bytes(b"x" * 100_000)
    write_eml(Email("client@exemple.fr", "Nouveau", "b"), target, "compta@exemple.fr")
    assert parse(target.read_bytes())["Subject"] == "Nouveau"
    assert len(target.read_bytes()) < 2_000


def test_eml_not_written_when_the_message_cannot_be_built(tmp_path: Path) -> None:
    target = tmp_path / "client.eml"
    with pytest.raises(FileNotFoundError):
        write_eml(Email("a@exemple.fr", "s", "b", (tmp_path / "absent.pdf",)), target, "compta@exemple.fr")
    assert list(tmp_path.iterdir()) == []
