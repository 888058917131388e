"""Send emails over one SMTP connection that yagmail opens and logs in; throttled; reconnects when dropped."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable
from types import TracebackType

import yagmail

from mail.config import MailSettings
from mail.message import Email, build_message
from models.errors import RelanceError

log = logging.getLogger("relance.mail")  # under "relance": into the log file, secrets masked

WINDOW_S = 60.0  # MAIL_PAR_MINUTE counts the messages started in any 60 s window


class SendFailure(Exception):
    """This one email failed and the run goes on; `temporary` (4xx, dropped connection) is worth retrying.

    `maybe_sent` is true when the connection dropped after the message was handed over: the server
    may have accepted it, so it must not be sent again without a decision.
    """

    def __init__(self, message: str, temporary: bool, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.temporary = temporary
        self.maybe_sent = maybe_sent


class _Dropped(Exception):
    """The connection was lost, or the server closed it (421), before the message was handed over."""


class Mailer:
    """Context manager: connects and logs in once on entry, then sends one email per `send()`."""

    def __init__(
        self,
        settings: MailSettings,
        *,
        timeout: float = 30,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self._sleep = sleep
        self._clock = clock
        self._started: deque[float] = deque()  # start times of the last `per_minute` messages
        self._client: yagmail.SMTP | None = None
        self.connections = 0  # how many times we connected (1 unless the server dropped us)

    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def __enter__(self) -> Mailer:
        self._connect()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._disconnect(polite=True)

    # -- connection ----------------------------------------------------------------------------------

    def _connect(self) -> None:
        """Open the connection and log in (yagmail does both), or raise RelanceError saying what to fix."""
        s = self.settings
        context = ssl.create_default_context()  # smtplib alone would not check the certificate
        extra: dict[str, object] = {"timeout": self.timeout}
        if s.security == "ssl":
            extra["context"] = context
        # yagmail appends "@gmail.com" to a user without "@" and wants it to look like an address: it
        # gets the sender here, and the real login name (which may be a plain account name) just after.
        client = yagmail.SMTP(
            user=s.sender,
            # Never None: yagmail would then ask a keyring and prompt on the terminal.
            password=s.password if s.user else "",
            host=s.host,
            port=s.port,
            smtp_ssl=s.security == "ssl",
            # A dict is passed to smtplib's starttls(): our context checks the certificate.
            smtp_starttls={"context": context} if s.security == "starttls" else False,
            smtp_skip_login=not s.user,
            soft_email_validation=False,
            **extra,
        )
        client.user = s.user or s.sender
        try:
            client.login()
            # Without a login nothing has been said yet: a greeting proves the server speaks SMTP.
            client.smtp.ehlo_or_helo_if_needed()
        except Exception as error:
            _close(client)
            translated = self._connection_error(error)
            if translated is None:
                raise
            raise translated from error
        # TLS writes a message as several records; with Nagle's algorithm each later record waits for
        # the server's delayed ACK (40 ms on Linux, 200 ms on Windows): 26 s instead of 5 s for 500
        # emails over STARTTLS in benchmarks/bench_mail.py. Whole commands are written at once anyway.
        with contextlib.suppress(OSError):
            client.smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._client = client
        self.connections += 1

    def _connection_error(self, error: Exception) -> RelanceError | None:
        s, where = self.settings, self._where
        security_hint = (
            "vérifiez SMTP_SECURITY dans .env (ssl pour le port 465, starttls pour le port 587, "
            "aucune pour un relais interne sans chiffrement)"
        )
        if isinstance(error, smtplib.SMTPAuthenticationError):
            return RelanceError(
                f"Le serveur SMTP {s.host} a refusé l'identifiant ou le mot de passe : "
                "vérifiez SMTP_USER et SMTP_PASSWORD dans .env."
            )
        if isinstance(error, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(error).upper():
            return RelanceError(
                f"Le serveur SMTP {where} ne propose pas STARTTLS : mettez SMTP_SECURITY=ssl (port 465) "
                "ou SMTP_SECURITY=aucune (relais interne) dans .env."
            )
        if isinstance(error, smtplib.SMTPNotSupportedError):
            return RelanceError(
                f"Le serveur SMTP {where} ne propose pas d'identification : videz SMTP_USER dans .env "
                "si c'est un relais interne sans mot de passe, sinon vérifiez SMTP_SECURITY "
                "(starttls ou ssl)."
            )
        if isinstance(error, ssl.SSLCertVerificationError):
            return RelanceError(
                f"Le certificat du serveur SMTP {where} n'est pas reconnu ({error.verify_message}) : "
                "vérifiez SMTP_HOST dans .env (le nom doit être celui du certificat du serveur)."
            )
        if isinstance(error, ssl.SSLError):
            return RelanceError(
                f"La connexion chiffrée au serveur SMTP {where} a échoué ({error.reason or error}) : "
                f"{security_hint}."
            )
        if isinstance(error, socket.gaierror):
            return RelanceError(
                f"Impossible de joindre le serveur SMTP {where} (nom de serveur inconnu) : "
                "vérifiez SMTP_HOST dans .env et la connexion au réseau."
            )
        if isinstance(error, ConnectionRefusedError):
            return RelanceError(
                f"Impossible de joindre le serveur SMTP {where} (connexion refusée) : "
                "vérifiez SMTP_HOST et SMTP_PORT dans .env."
            )
        if isinstance(error, TimeoutError) or "timed out" in str(error):
            return RelanceError(
                f"Le serveur SMTP {where} ne répond pas (rien en {self.timeout:g} s) : vérifiez SMTP_HOST et "
                f"SMTP_PORT, puis {security_hint.removeprefix('vérifiez ')}."
            )
        if isinstance(error, smtplib.SMTPServerDisconnected):
            return RelanceError(f"Le serveur SMTP {where} a coupé la connexion : {security_hint}.")
        if isinstance(error, smtplib.SMTPResponseException):
            text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else ""
            return RelanceError(
                f"Le serveur SMTP {where} a refusé la connexion ({error.smtp_code} {text}) : "
                "vérifiez les réglages SMTP dans .env."
            )
        if isinstance(error, OSError):
            return RelanceError(
                f"Impossible de joindre le serveur SMTP {where} ({error.strerror or error}) : "
                "vérifiez SMTP_HOST et SMTP_PORT dans .env."
            )
        return None  # a bug, not a setting: let it show as one

    def _disconnect(self, polite: bool) -> None:
        client, self._client = self._client, None
        if client is not None:
            _close(client, polite)

    # -- sending -------------------------------------------------------------------------------------

    def _throttle(self) -> None:
        limit = self.settings.per_minute
        if not limit:
            return
        now = self._clock()
        if len(self._started) >= limit:
            wait = self._started[0] + WINDOW_S - now
            if wait > 0:
                log.info("Pause de %.0f s : MAIL_PAR_MINUTE=%d.", wait, limit)
                self._sleep(wait)
                now = self._clock()
            self._started.popleft()
        self._started.append(now)

    def send(self, email: Email, before_data: Callable[[], None] | None = None) -> None:
        """Send one email; SendFailure for this message only, RelanceError when the run must stop.

        `before_data` runs once the server accepted the sender and the recipient, right before the
        message is handed over: from then on, and until the server's reply, nobody can tell whether it
        was received (the journal marks it `sending` there, and only there)."""
        s = self.settings
        try:
            data = build_message(email, s.sender, s.sender_name, s.reply_to).as_bytes()
        except ValueError as error:
            raise SendFailure(f"{error} Message non envoyé.", temporary=False) from error
        except OSError as error:
            raise SendFailure(
                f"Pièce jointe illisible pour {email.to} ({error.filename} : {error.strerror}).",
                temporary=False,
            ) from error
        self._throttle()
        # A connection lost before DATA cost nothing: the server has no message yet, so one more try on a
        # fresh connection cannot duplicate it (servers close idle connections, or after N messages).
        for attempt in (1, 2):
            if self._client is None:
                self._connect()
            try:
                self._transaction(email.to, data, before_data)
                return
            except _Dropped as dropped:
                self._disconnect(polite=False)
                if attempt == 2:
                    raise SendFailure(
                        f"Le serveur SMTP a coupé la connexion avant l'envoi à {email.to} ({dropped}) : "
                        "message non envoyé.",
                        temporary=True,
                    ) from dropped
                log.info("Connexion SMTP perdue (%s) : reconnexion.", dropped)

    def _transaction(self, to: str, data: bytes, before_data: Callable[[], None] | None = None) -> None:
        assert self._client is not None
        smtp, s = self._client.smtp, self.settings
        try:
            smtp.ehlo_or_helo_if_needed()
            options = [f"SIZE={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
            code, reply = smtp.mail(s.sender, options)
            if code != 250:
                self._refused_sender(code, reply)
            code, reply = smtp.rcpt(to)
            if code not in (250, 251):
                self._refused(code, reply, f"Le serveur SMTP a refusé le destinataire {to}")
            for copy in s.bcc:
                code, reply = smtp.rcpt(copy)
                if code == 421:
                    raise _Dropped(_reply(code, reply))
                if code not in (250, 251):
                    log.warning("Copie cachée à %s refusée (%s).", copy, _reply(code, reply))
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError) as error:
            raise _Dropped(str(error) or "connexion fermée") from error
        if before_data is not None:
            try:
                before_data()
            except BaseException:
                self._rset()  # nothing was handed over: the server forgets this transaction
                raise
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPDataError as error:  # DATA itself refused: the message was not handed over
            self._refused(error.smtp_code, error.smtp_error, f"Le serveur SMTP a refusé le message pour {to}")
        except smtplib.SMTPServerDisconnected as error:
            self._disconnect(polite=False)
            raise SendFailure(
                f"La connexion au serveur SMTP a été coupée pendant l'envoi à {to} : le message est "
                "peut-être parti, vérifiez avant de le renvoyer.",
                temporary=True,
                maybe_sent=True,
            ) from error
        if code != 250:
            self._refused(code, reply, f"Le serveur SMTP a refusé le message pour {to}")

    def _refused_sender(self, code: int, reply: bytes) -> None:
        """MAIL FROM refused: a closing server is retried; a 5xx would refuse every message, so stop."""
        if code == 421 or code == -1:
            raise _Dropped(_reply(code, reply))
        if code >= 500 and code != 552:  # 552: this message is too big, the next one may pass
            self._rset()
            raise RelanceError(
                f"Le serveur SMTP {self._where} refuse d'envoyer au nom de {self.settings.sender} "
                f"({_reply(code, reply)}) : vérifiez MAIL_FROM, SMTP_USER et SMTP_SECURITY dans .env."
            )
        self._refused(code, reply, "Le serveur SMTP a refusé l'expéditeur")

    def _refused(self, code: int, reply: bytes, what: str) -> None:
        if code == 421 or code == -1:  # the server ends the session: the message was not accepted
            raise _Dropped(_reply(code, reply))
        self._rset()
        temporary = 400 <= code < 500
        later = " : erreur temporaire, à réessayer plus tard" if temporary else ""
        raise SendFailure(f"{what} ({_reply(code, reply)}){later}.", temporary=temporary)

    def _rset(self) -> None:
        """Clear the failed transaction so the connection serves the next message."""
        if self._client is None:
            return
        try:
            self._client.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._disconnect(polite=False)


def _close(client: yagmail.SMTP, polite: bool = False) -> None:
    client.is_closed = True  # else yagmail's __del__ sends QUIT again, maybe on a broken socket
    if client.smtp is None:
        return
    try:
        if polite:
            client.smtp.quit()
        else:
            client.smtp.close()
    except (smtplib.SMTPException, OSError):
        client.smtp.close()


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()
