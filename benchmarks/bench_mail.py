"""Time sending 500 emails, each with a small PDF, to a local aiosmtpd server through mail.Mailer.

    python benchmarks/bench_mail.py [--count 500] [--n-runs 3]

The server runs in its own process (as a real one would, it does not share our interpreter) on
127.0.0.1 and counts what it accepts. Three measures, best wall time of N:
- Mailer over a plain relay (SMTP_SECURITY=aucune, no login), the issue's target: ≤ 30 s;
- Mailer over STARTTLS with a login (self-signed certificate made with openssl, trusted through
  SSL_CERT_FILE): what an office's Office 365 or OVH account costs, without the network;
- for comparison, yagmail's own `send()` over STARTTLS, which connects, negotiates TLS and logs in
  again for every message (locally that is cheap; over the Internet each costs several round trips).
Every run checks that the server received exactly `count` messages. Exit code 0 when the target passes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mail.config import MailSettings  # noqa: E402
from mail.message import Email  # noqa: E402
from mail.smtp import Mailer  # noqa: E402

TARGET_S = 30.0
SENDER = "compta@exemple.fr"
LOGIN, PASSWORD = "relances", "p$a#ss w0rd"


def serve(port: int, tls: tuple[str, str] | None, received: Any, ready: Any, stop: Any) -> None:
    """Child process: an aiosmtpd server that counts the messages it accepts until `stop` is set."""
    import logging

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's own deprecation notice per login

    class Counter:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with received.get_lock():
                received.value += 1
            return "250 OK"

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        good = (data.login, data.password) == (LOGIN.encode(), PASSWORD.encode())
        return AuthResult(success=good, handled=False)

    options: dict[str, Any] = {}
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        options = {"tls_context": context, "require_starttls": True, "authenticator": authenticate}
    controller = Controller(
        Counter(), hostname="127.0.0.1", port=port, server_hostname="localhost", **options
    )
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


class Server:
    """A counting SMTP server in a child process, for one `with` block."""

    def __init__(self, tls: tuple[str, str] | None = None) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received = multiprocessing.Value("i", 0)
        self._ready, self._stop = multiprocessing.Event(), multiprocessing.Event()
        self._process = multiprocessing.Process(
            target=serve, args=(self.port, tls, self.received, self._ready, self._stop), daemon=True
        )

    def __enter__(self) -> Server:
        self._process.start()
        if not self._ready.wait(30):
            raise RuntimeError("the aiosmtpd server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(10)


def small_pdf(folder: Path) -> Path:
    """A one-page PDF of about 30 KB (an embedded blob), the size of a rendered reminder letter."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("annexe.bin", os.urandom(30_000))
    path = folder / "Relance n°1 – Société Générale.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    return path


def batch(count: int, pdf: Path) -> list[Email]:
    body = (
        "Madame, Monsieur,\n\nSauf erreur de notre part, la facture ci-jointe reste due.\n\nCordialement,\n"
    )
    return [
        Email(f"client{n}@exemple.fr", f"Relance n°1 – facture F-{n:05d}", body, (pdf,)) for n in range(count)
    ]


def settings(port: int, tls: bool) -> MailSettings:
    return MailSettings(
        host="localhost" if tls else "127.0.0.1",
        port=port,
        security="starttls" if tls else "aucune",
        user=LOGIN if tls else "",
        password=PASSWORD if tls else "",
        sender=SENDER,
        sender_name="Service comptabilité",
        reply_to="",
        bcc=(),
        per_minute=0,
        notify="",
    )


def with_mailer(emails: list[Email], tls: bool) -> Callable[[int], None]:
    def run(port: int) -> None:
        with Mailer(settings(port, tls)) as mailer:
            for email in emails:
                mailer.send(email)

    return run


def with_yagmail_send(emails: list[Email]) -> Callable[[int], None]:
    """yagmail used as its README shows: `send()` connects, starts TLS and logs in for every message."""

    def run(port: int) -> None:
        import yagmail

        client = yagmail.SMTP(
            user=SENDER,
            password=PASSWORD,
            host="localhost",
            port=port,
            smtp_ssl=False,
            smtp_starttls={"context": ssl.create_default_context()},
            soft_email_validation=False,
        )
        client.user = LOGIN  # yagmail would log in as "relances@gmail.com"
        for email in emails:
            client.send(email.to, email.subject, contents=email.body, attachments=[str(email.attachments[0])])
        client.close()

    return run


def measure(run: Callable[[int], None], count: int, runs: int, tls: tuple[str, str] | None = None) -> float:
    """Best wall time of `runs`, each against a fresh server; fails unless `count` messages arrived."""
    times = []
    for _ in range(runs):
        with Server(tls) as server:
            start = time.perf_counter()
            run(server.port)
            times.append(time.perf_counter() - start)
            deadline = time.monotonic() + 10
            while server.received.value < count and time.monotonic() < deadline:
                time.sleep(0.01)
            if server.received.value != count:
                raise RuntimeError(f"the server received {server.received.value} messages, not {count}")
    return min(times)


def certificate(folder: Path) -> tuple[str, str]:
    openssl = shutil.which("openssl")
    if not openssl:
        raise SystemExit("openssl is needed for the STARTTLS measure")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--n-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pdf = small_pdf(Path(folder))
        emails = batch(args.count, pdf)
        tls = certificate(Path(folder))
        os.environ["SSL_CERT_FILE"] = tls[0]  # this process only: trust the self-signed certificate
        plain = measure(with_mailer(emails, tls=False), args.count, args.n_runs)
        starttls = measure(with_mailer(emails, tls=True), args.count, args.n_runs, tls)
        naive = measure(with_yagmail_send(emails), args.count, args.n_runs, tls)
        size_kb = pdf.stat().st_size / 1024
    n = args.count
    print(
        f"{n} emails with a {size_kb:.0f} KB PDF each, best of {args.n_runs} runs, server in its own process"
    )
    ok = plain <= TARGET_S
    rows = [
        ("Mailer, plain relay", plain, f"target ≤ {TARGET_S:.0f} s: {'PASS' if ok else 'FAIL'}"),
        ("Mailer, STARTTLS + login", starttls, ""),
        ("yagmail send(), STARTTLS + login", naive, "a connection, TLS and a login per message"),
    ]
    for label, seconds, note in rows:
        print(f"{label:<34}{seconds:6.2f} s  ({n / seconds:4.0f}/s)  {note}".rstrip())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
