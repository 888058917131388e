"""Sending through real aiosmtpd servers on 127.0.0.1: delivery, TLS, login, failures, reconnects, pacing."""

from __future__ import annotations

import logging
import ssl
import time
from pathlib import Path

import pytest

from mail.config import load_mail_settings, read_env
from mail.message import Email
from mail.smtp import Mailer, SendFailure
from models.errors import RelanceError
from tests.mail.conftest import ServerFactory
from tests.mail.mail_servers import SENDER, Inbox, Logins, free_port, mail_settings

SUBJECT = "Relance n°1 – facture F-2026-0042 échue"
BODY = "Madame, Monsieur,\nsauf erreur, la facture F-2026-0042 (1 234,56 €) reste due.\n"


def emails(count: int, attachment: Path | None = None) -> list[Email]:
    files = (attachment,) if attachment else ()
    return [Email(f"client{n}@exemple.fr", f"{SUBJECT} ({n})", BODY, files) for n in range(1, count + 1)]


def send_all(mailer: Mailer, batch: list[Email]) -> list[SendFailure | None]:
    """Send every email as the orchestration does: a failure is kept and the run goes on."""
    results: list[SendFailure | None] = []
    for email in batch:
        try:
            mailer.send(email)
            results.append(None)
        except SendFailure as failure:
            results.append(failure)
    return results


def test_plain_server_receives_three_intact_emails(smtp_server: ServerFactory, pdf: Path) -> None:
    inbox = Inbox()
    port = smtp_server(inbox)
    settings = mail_settings(port, bcc=("archives@exemple.fr",), reply_to="contact@exemple.fr")
    batch = emails(3, pdf)
    with Mailer(settings) as mailer:
        for email in batch:
            mailer.send(email)
    assert mailer.connections == 1  # one connection for the whole run
    assert len(inbox.received) == 3
    for email, received in zip(batch, inbox.received, strict=True):
        assert received.mail_from == SENDER
        assert received.rcpt_tos == [email.to, "archives@exemple.fr"]  # the blind copy is delivered...
        assert b"archives@exemple.fr" not in received.content  # ...but named nowhere in the message
        message = received.message
        assert message["To"] == email.to
        assert str(message["From"]) == "Service comptabilité <compta@exemple.fr>"
        assert message["From"].addresses[0].display_name == "Service comptabilité"
        assert message["Reply-To"] == "contact@exemple.fr"
        assert message["Subject"] == email.subject
        assert "Bcc" not in message
        body = message.get_body(("plain",))
        assert body is not None
        assert body.get_content().replace("\r\n", "\n") == BODY
        (attachment,) = message.iter_attachments()
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == pdf.name
        assert attachment.get_content() == pdf.read_bytes()


def test_starttls_login_with_settings_from_env_file(
    smtp_server: ServerFactory, server_tls: ssl.SSLContext, trust_certificate: None, tmp_path: Path
) -> None:
    # A plain account name (no @) and a password with $, # and a space, as a user writes them in .env.
    logins = Logins("relances", "p$a#ss w0rd")
    inbox = Inbox()
    port = smtp_server(
        inbox, tls_context=server_tls, require_starttls=True, authenticator=logins, auth_required=True
    )
    env = tmp_path / ".env"
    env.write_text(
        f"SMTP_HOST=localhost\nSMTP_PORT={port}\nSMTP_USER=relances\nSMTP_PASSWORD='p$a#ss w0rd'\n"
        f"MAIL_FROM={SENDER}\nMAIL_FROM_NAME=Service comptabilité\n",
        encoding="utf-8",
    )
    settings = load_mail_settings(read_env(env))
    assert settings is not None
    assert settings.security == "starttls"
    with Mailer(settings) as mailer:
        mailer.send(emails(1)[0])
    assert logins.attempts == [("relances", "p$a#ss w0rd")]
    assert [r.rcpt_tos for r in inbox.received] == [["client1@exemple.fr"]]


def test_wrong_password_stops_before_the_first_message(
    smtp_server: ServerFactory, server_tls: ssl.SSLContext, trust_certificate: None
) -> None:
    inbox = Inbox()
    port = smtp_server(
        inbox, tls_context=server_tls, require_starttls=True, authenticator=Logins("relances", "bon")
    )
    settings = mail_settings(port, host="localhost", security="starttls", user="relances", password="mauvais")
    entered = False
    with pytest.raises(RelanceError) as caught, Mailer(settings):
        entered = True
    assert str(caught.value) == (
        "Le serveur SMTP localhost a refusé l'identifiant ou le mot de passe : "
        "vérifiez SMTP_USER et SMTP_PASSWORD dans .env."
    )
    assert not entered
    assert inbox.data_count == 0


def test_empty_password_never_prompts_nor_asks_a_keyring(
    smtp_server: ServerFactory, server_tls: ssl.SSLContext, trust_certificate: None
) -> None:
    # load_mail_settings refuses this; settings built otherwise must still not reach yagmail's
    # keyring-then-getpass path (that path raises here: no keyring installed, no terminal).
    logins = Logins("relances", "secret")
    port = smtp_server(Inbox(), tls_context=server_tls, authenticator=logins)
    settings = mail_settings(port, host="localhost", security="starttls", user="relances", password="")
    with pytest.raises(RelanceError) as caught, Mailer(settings):
        pass
    assert str(caught.value).startswith("Le serveur SMTP localhost a refusé l'identifiant ou le mot de passe")
    assert logins.attempts[0] == ("relances", "")


def test_untrusted_certificate_is_refused(
    smtp_server: ServerFactory, server_tls: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    port = smtp_server(Inbox(), tls_context=server_tls, require_starttls=True)
    with (
        pytest.raises(RelanceError) as caught,
        Mailer(mail_settings(port, host="localhost", security="starttls")),
    ):
        pass
    assert str(caught.value) == (
        f"Le certificat du serveur SMTP localhost:{port} n'est pas reconnu (self-signed certificate) : "
        "vérifiez SMTP_HOST dans .env (le nom doit être celui du certificat du serveur)."
    )


def test_certificate_for_another_name_is_refused(
    smtp_server: ServerFactory, server_tls: ssl.SSLContext, trust_certificate: None
) -> None:
    port = smtp_server(Inbox(), tls_context=server_tls, require_starttls=True)
    # The certificate names localhost: the same server reached as 127.0.0.1 must not be trusted.
    with pytest.raises(RelanceError) as caught, Mailer(mail_settings(port, security="starttls")):
        pass
    assert str(caught.value).startswith(
        f"Le certificat du serveur SMTP 127.0.0.1:{port} n'est pas reconnu (IP address mismatch"
    )


def test_implicit_ssl(
    smtp_server: ServerFactory, server_tls: ssl.SSLContext, trust_certificate: None
) -> None:
    inbox = Inbox()
    # auth_require_tls=False: aiosmtpd only counts STARTTLS as TLS, though this whole connection is TLS.
    port = smtp_server(
        inbox, ssl_context=server_tls, authenticator=Logins("relances", "secret"), auth_require_tls=False
    )
    settings = mail_settings(port, host="localhost", security="ssl", user="relances", password="secret")
    with Mailer(settings) as mailer:
        mailer.send(emails(1)[0])
    assert len(inbox.received) == 1


def test_ssl_against_a_plain_server_names_smtp_security(smtp_server: ServerFactory) -> None:
    port = smtp_server(Inbox())
    with pytest.raises(RelanceError) as caught, Mailer(mail_settings(port, security="ssl")):
        pass
    assert str(caught.value) == (
        f"La connexion chiffrée au serveur SMTP 127.0.0.1:{port} a échoué (WRONG_VERSION_NUMBER) : "
        "vérifiez SMTP_SECURITY dans .env (ssl pour le port 465, starttls pour le port 587, "
        "aucune pour un relais interne sans chiffrement)."
    )


def test_starttls_against_an_implicit_ssl_server_times_out_with_a_hint(
    smtp_server: ServerFactory, server_tls: ssl.SSLContext
) -> None:
    port = smtp_server(Inbox(), ssl_context=server_tls)
    started = time.monotonic()
    with pytest.raises(RelanceError) as caught, Mailer(mail_settings(port, security="starttls"), timeout=0.5):
        pass
    assert time.monotonic() - started < 5
    assert str(caught.value) == (
        f"Le serveur SMTP 127.0.0.1:{port} ne répond pas (rien en 0.5 s) : vérifiez SMTP_HOST et SMTP_PORT, "
        "puis SMTP_SECURITY dans .env (ssl pour le port 465, starttls pour le port 587, "
        "aucune pour un relais interne sans chiffrement)."
    )


def test_server_without_starttls(smtp_server: ServerFactory) -> None:
    port = smtp_server(Inbox())
    with pytest.raises(RelanceError) as caught, Mailer(mail_settings(port, security="starttls")):
        pass
    assert str(caught.value) == (
        f"Le serveur SMTP 127.0.0.1:{port} ne propose pas STARTTLS : mettez SMTP_SECURITY=ssl (port 465) "
        "ou SMTP_SECURITY=aucune (relais interne) dans .env."
    )


def test_login_on_a_server_without_auth(smtp_server: ServerFactory) -> None:
    port = smtp_server(Inbox())
    with pytest.raises(RelanceError) as caught, Mailer(mail_settings(port, user="relances", password="x")):
        pass
    assert str(caught.value).startswith(f"Le serveur SMTP 127.0.0.1:{port} ne propose pas d'identification")


def test_unreachable_server_names_host_and_port() -> None:
    port = free_port()
    with pytest.raises(RelanceError) as caught, Mailer(mail_settings(port)):
        pass
    assert str(caught.value) == (
        f"Impossible de joindre le serveur SMTP 127.0.0.1:{port} (connexion refusée) : "
        "vérifiez SMTP_HOST et SMTP_PORT dans .env."
    )


def test_temporary_failure_on_the_third_message_then_the_run_goes_on(smtp_server: ServerFactory) -> None:
    inbox = Inbox(replies={3: "451 4.3.0 Try again later"})
    port = smtp_server(inbox)
    with Mailer(mail_settings(port)) as mailer:
        results = send_all(mailer, emails(4))
    assert results[:2] == [None, None] and results[3] is None
    failure = results[2]
    assert failure is not None
    assert (failure.temporary, failure.maybe_sent) == (True, False)
    assert failure.message == (
        "Le serveur SMTP a refusé le message pour client3@exemple.fr (451 4.3.0 Try again later) : "
        "erreur temporaire, à réessayer plus tard."
    )
    assert [r.rcpt_tos[0] for r in inbox.received] == [
        "client1@exemple.fr",
        "client2@exemple.fr",
        "client4@exemple.fr",
    ]
    assert mailer.connections == 1


def test_permanent_failure(smtp_server: ServerFactory) -> None:
    inbox = Inbox(replies={1: "550 5.7.1 Message rejected"})
    port = smtp_server(inbox)
    with Mailer(mail_settings(port)) as mailer:
        results = send_all(mailer, emails(2))
    failure = results[0]
    assert failure is not None
    assert failure.temporary is False
    assert (
        failure.message
        == "Le serveur SMTP a refusé le message pour client1@exemple.fr (550 5.7.1 Message rejected)."
    )
    assert results[1] is None
    assert len(inbox.received) == 1


@pytest.mark.parametrize(
    ("reply", "temporary"), [("550 5.1.1 No such user", False), ("450 4.2.1 Busy", True)]
)
def test_refused_recipient(smtp_server: ServerFactory, reply: str, temporary: bool) -> None:
    inbox = Inbox(refuse_rcpt={"client1@exemple.fr": reply})
    port = smtp_server(inbox)
    with Mailer(mail_settings(port, bcc=("archives@exemple.fr",))) as mailer:
        results = send_all(mailer, emails(2))
    failure = results[0]
    assert failure is not None
    assert failure.temporary is temporary
    assert failure.message.startswith(
        f"Le serveur SMTP a refusé le destinataire client1@exemple.fr ({reply})"
    )
    # Nothing went out for the refused customer, not even the blind copy; the next one is delivered.
    assert [r.rcpt_tos for r in inbox.received] == [["client2@exemple.fr", "archives@exemple.fr"]]


def test_refused_blind_copy_still_delivers_to_the_customer(
    smtp_server: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = Inbox(refuse_rcpt={"archives@exemple.fr": "550 5.1.1 No such user"})
    port = smtp_server(inbox)
    with (
        caplog.at_level(logging.WARNING, logger="mail.smtp"),
        Mailer(mail_settings(port, bcc=("archives@exemple.fr",))) as mailer,
    ):
        mailer.send(emails(1)[0])
    assert [r.rcpt_tos for r in inbox.received] == [["client1@exemple.fr"]]
    assert "Copie cachée à archives@exemple.fr refusée (550 5.1.1 No such user)." in caplog.messages


def test_refused_sender_stops_the_run(smtp_server: ServerFactory) -> None:
    inbox = Inbox(refuse_mail="553 5.7.1 Sender address rejected: not owned by user")
    port = smtp_server(inbox)
    with pytest.raises(RelanceError) as caught, Mailer(mail_settings(port)) as mailer:
        mailer.send(emails(1)[0])
    assert str(caught.value) == (
        f"Le serveur SMTP 127.0.0.1:{port} refuse d'envoyer au nom de compta@exemple.fr "
        "(553 5.7.1 Sender address rejected: not owned by user) : "
        "vérifiez MAIL_FROM, SMTP_USER et SMTP_SECURITY dans .env."
    )


def test_invalid_address_fails_this_message_only(smtp_server: ServerFactory) -> None:
    inbox = Inbox()
    port = smtp_server(inbox)
    with Mailer(mail_settings(port)) as mailer:
        results = send_all(mailer, [Email("andré@exemple.fr", "s", "b"), *emails(1)])
    failure = results[0]
    assert failure is not None
    assert failure.temporary is False
    assert failure.message == "L'adresse email « andré@exemple.fr » n'est pas valide. Message non envoyé."
    assert len(inbox.received) == 1


def test_server_closing_after_each_two_messages_is_reconnected(smtp_server: ServerFactory) -> None:
    # aiosmtpd answers "421 MAIL sent too many times" and hangs up, as servers limiting messages per
    # connection do: nothing was handed over, so the message goes on a fresh connection.
    inbox = Inbox()
    port = smtp_server(inbox, command_call_limit={"MAIL": 2, "*": 100})
    with Mailer(mail_settings(port)) as mailer:
        results = send_all(mailer, emails(5))
    assert results == [None] * 5
    assert [r.rcpt_tos[0] for r in inbox.received] == [f"client{n}@exemple.fr" for n in range(1, 6)]
    assert mailer.connections == 3


def test_idle_connection_closed_by_the_server_is_reconnected(smtp_server: ServerFactory) -> None:
    inbox = Inbox()
    port = smtp_server(inbox, timeout=0.5)
    with Mailer(mail_settings(port)) as mailer:
        mailer.send(emails(1)[0])
        time.sleep(1.2)
        mailer.send(emails(2)[1])
    assert len(inbox.received) == 2
    assert mailer.connections == 2


def test_connection_cut_during_data_may_have_sent(smtp_server: ServerFactory) -> None:
    inbox = Inbox(drop_data={2})
    port = smtp_server(inbox)
    with Mailer(mail_settings(port)) as mailer:
        results = send_all(mailer, emails(3))
    failure = results[1]
    assert failure is not None
    assert (failure.temporary, failure.maybe_sent) == (True, True)
    assert failure.message == (
        "La connexion au serveur SMTP a été coupée pendant l'envoi à client2@exemple.fr : "
        "le message est peut-être parti, vérifiez avant de le renvoyer."
    )
    assert results[2] is None  # the next send reconnected
    assert [r.rcpt_tos[0] for r in inbox.received] == ["client1@exemple.fr", "client3@exemple.fr"]
    assert mailer.connections == 2


def test_login_refused_on_reconnection_stops_the_run(
    smtp_server: ServerFactory, server_tls: ssl.SSLContext, trust_certificate: None
) -> None:
    inbox = Inbox()
    logins = Logins("relances", "secret", refuse_after=1)  # e.g. the password changed during the run
    port = smtp_server(
        inbox, tls_context=server_tls, authenticator=logins, command_call_limit={"MAIL": 1, "*": 100}
    )
    settings = mail_settings(port, host="localhost", security="starttls", user="relances", password="secret")
    with pytest.raises(RelanceError) as caught, Mailer(settings) as mailer:
        send_all(mailer, emails(2))
    assert str(caught.value).startswith("Le serveur SMTP localhost a refusé l'identifiant ou le mot de passe")
    assert len(inbox.received) == 1


class FakeTime:
    """A clock that only moves when slept on, or when the server says a message took a second."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.data_at: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def message_took_a_second(self) -> None:
        self.data_at.append(self.now)
        self.now += 1.0


def test_throttle_never_exceeds_per_minute_in_any_window(smtp_server: ServerFactory) -> None:
    fake = FakeTime()
    inbox = Inbox(on_data=fake.message_took_a_second)
    port = smtp_server(inbox)
    with Mailer(mail_settings(port, per_minute=2), sleep=fake.sleep, clock=fake.clock) as mailer:
        send_all(mailer, emails(5))
    # Starts at 0 and 1; the third waits until 60 (58 s), the fourth may start at 61, the fifth waits
    # until 120 (60 + 60).
    assert fake.sleeps == [58.0, 58.0]
    assert fake.data_at == [0.0, 1.0, 60.0, 61.0, 120.0]
    assert len(inbox.received) == 5
    for start in fake.data_at:
        assert sum(1 for t in fake.data_at if start <= t < start + 60) <= 2


def test_no_throttle_when_per_minute_is_zero(smtp_server: ServerFactory) -> None:
    fake = FakeTime()
    port = smtp_server(Inbox(on_data=fake.message_took_a_second))
    with Mailer(mail_settings(port, per_minute=0), sleep=fake.sleep, clock=fake.clock) as mailer:
        send_all(mailer, emails(5))
    assert fake.sleeps == []
