"""`configurer` driven through its questions (standard input) against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from app.cli import main
from app.configure import configure
from app.folder import Folder
from mail.config import load_mail_settings, read_env
from models.errors import RelanceError
from models.settings import settings_from_mapping
from tests.conftest import ROOT
from tests.mail.mail_servers import Inbox, Logins, free_port

PASSWORD = "s3cr3t $mot'#\\passe"  # $, quote, hash, backslash, spaces: all kept as typed
WRONG = "mauvais-mot-de-passe"
USER_NOTE = "# Ma note : relances validées par Paul le lundi."

COMPANY_ANSWERS = [
    "Menuiserie Lefèvre & Associés",  # raison sociale
    "3 rue Neuve",  # adresse
    "",  # complément
    "69002",
    "Lyon",
    "04 78 00 00 01",
    "compta@lefevre.example",
    "732 829 320 00074",  # SIRET (valid key)
    "SARL au capital de 10 000 € – RCS Lyon 732 829 320",
    "FR76 3000 6000 0112 3456 7890 189",
    "bnpafrppxxx",
    "Paul Lefèvre",
    "Gérant",
]


@pytest.fixture
def bureau(tmp_path: Path) -> Path:
    """A new dossier: the shipped relance.toml with a comment of the user's, no .env."""
    folder = tmp_path / "bureau"
    folder.mkdir()
    shipped = (ROOT / "relance.toml").read_text(encoding="utf-8")
    (folder / "relance.toml").write_text(USER_NOTE + "\n" + shipped, encoding="utf-8")
    return folder


@pytest.fixture
def server() -> Iterator[tuple[int, Inbox, Logins]]:
    """A real SMTP server that wants the login « moi » with PASSWORD (no TLS: a local test server)."""
    inbox, logins = Inbox(), Logins("moi", PASSWORD)
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        authenticator=logins,
        auth_require_tls=False,
    )
    controller.start()
    yield port, inbox, logins
    controller.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts the connection and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        yield listener.getsockname()[1]


def smtp_answers(port: int) -> list[str]:
    return ["8", "127.0.0.1", "3", str(port), "", "", "moi"]


def test_configurer_through_standard_input_with_a_wrong_password_first(bureau, server):
    port, inbox, logins = server
    answers = [
        *COMPANY_ANSWERS,
        *smtp_answers(port),
        WRONG,
        "1",  # que faire ? ressaisir le mot de passe
        PASSWORD,
        "",  # envoyer un email d'essai ? oui
        "",  # à l'adresse d'expédition
        "expert@cabinet.example",  # à prévenir quand une proposition est prête
    ]
    child = subprocess.run(
        [sys.executable, str(ROOT / "relance.py"), "configurer", "--dossier", str(bureau)],
        input="\n".join(answers) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    out = child.stdout
    assert "Raison sociale : " in out and "Votre messagerie : " in out
    assert "Le serveur 127.0.0.1 refuse l'identifiant « moi » ou le mot de passe." in out
    assert "Connexion réussie : le serveur accepte l'identifiant." in out
    assert "Email d'essai envoyé à compta@lefevre.example" in out
    assert out.endswith(
        "Prochaine étape : déposez vos exports (factures, règlements, clients) dans input, puis lancez "
        "Relance (double-clic sur relance.bat).\n"
    )
    # the passwords typed are never shown, nor logged
    log = (bureau / "output" / "logs" / "relance.log").read_text(encoding="utf-8")
    for secret in (PASSWORD, WRONG, "s3cr3t"):
        assert secret not in out and secret not in child.stderr and secret not in log
    # the server saw the wrong password, then the right one, exactly as typed
    assert {password for _, password in logins.attempts} == {WRONG, PASSWORD}
    assert logins.attempts[-1] == ("moi", PASSWORD)
    (trial,) = inbox.received
    assert trial.rcpt_tos == ["compta@lefevre.example"]
    assert trial.message["Subject"] == "Relance : email d'essai"
    assert str(trial.message["From"]) == "Menuiserie Lefèvre & Associés <compta@lefevre.example>"
    # .env: read back exactly as typed
    env = read_env(bureau / ".env")
    assert env["SMTP_PASSWORD"] == PASSWORD
    mail = load_mail_settings(env)
    assert mail is not None
    assert (mail.host, mail.port, mail.security, mail.user, mail.sender, mail.notify) == (
        "127.0.0.1",
        port,
        "aucune",
        "moi",
        "compta@lefevre.example",
        "expert@cabinet.example",
    )
    # relance.toml: the company written, the user's comment and the shipped comments kept
    text = (bureau / "relance.toml").read_text(encoding="utf-8")
    assert text.startswith(USER_NOTE + "\n# Réglages de Relance.")
    assert "# Un client n'est pas relancé si le total" in text
    company = settings_from_mapping(tomllib.loads(text)).company
    assert (company.name, company.address, company.postal_code, company.siret, company.iban, company.bic) == (
        "Menuiserie Lefèvre & Associés",
        ("3 rue Neuve",),
        "69002",
        "732 829 320 00074",
        "FR76 3000 6000 0112 3456 7890 189",
        "BNPAFRPPXXX",
    )
    assert company.legal_notice == "SARL au capital de 10 000 € – RCS Lyon 732 829 320"
    assert (bureau / "input").is_dir()
    # tester-email uses what was written: to NOTIFY_EMAIL by default
    out_buffer, err_buffer = io.StringIO(), io.StringIO()
    code = main(["tester-email", "--dossier", str(bureau)], ROOT, stdout=out_buffer, stderr=err_buffer)
    assert (code, err_buffer.getvalue()) == (0, "")
    assert out_buffer.getvalue().startswith("Email d'essai envoyé à expert@cabinet.example par 127.0.0.1")
    assert inbox.received[-1].rcpt_tos == ["expert@cabinet.example"]


def scripted(answers: list[str]):
    """`ask` and `secret` reading the answers in turn, as input() reads standard input; prompts kept."""
    stream = io.StringIO("\n".join(answers) + "\n")
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        line = stream.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    return ask, prompts


def test_a_server_that_does_not_answer_then_giving_up_writes_nothing(bureau, silent_port):
    before = (bureau / "relance.toml").read_bytes()
    ask, _ = scripted([*COMPANY_ANSWERS, *smtp_answers(silent_port), "secret", "4"])
    out = io.StringIO()
    assert configure(Folder(bureau, program=ROOT), ask, ask, out, timeout=1) == 1
    text = out.getvalue()
    assert (
        f"Le serveur 127.0.0.1 ne répond pas sur le port {silent_port} (rien en 1 s) : vérifiez son nom et "
        f"le port ; un pare-feu bloque peut-être le port {silent_port}."
    ) in text
    assert text.endswith("Configuration abandonnée : rien n'a été modifié.\n")
    assert (bureau / "relance.toml").read_bytes() == before
    assert not (bureau / ".env").exists()


def test_no_email_everything_by_post(bureau):
    ask, _ = scripted([*COMPANY_ANSWERS, "9"])
    out = io.StringIO()
    assert configure(Folder(bureau, program=ROOT), ask, ask, out) == 0
    assert ".env : pas de serveur d'emails ; 3 niveau(x) de relance passent en courrier." in out.getvalue()
    settings = settings_from_mapping(tomllib.loads((bureau / "relance.toml").read_text(encoding="utf-8")))
    assert [level.channel for level in settings.levels] == ["courrier"] * 3
    assert load_mail_settings(read_env(bureau / ".env")) is None
    # a second run offers what was saved
    ask, prompts = scripted(["", "", "", "", "", "", "", "", "", "", "", "", "", ""])
    assert configure(Folder(bureau, program=ROOT), ask, ask, io.StringIO()) == 0
    assert prompts[0] == "  Raison sociale [Menuiserie Lefèvre & Associés] : "
    assert prompts[13] == "  Votre messagerie [9] : "


def test_wrong_answers_are_asked_again(bureau):
    answers = list(COMPANY_ANSWERS)
    answers[3:4] = ["Lyon", "69002"]  # a town where the postcode goes
    answers[8:9] = ["812 345 678 00019", "732 829 320 00074"]  # the demo's SIRET has a wrong key
    ask, _ = scripted([*answers, "9"])
    out = io.StringIO()
    assert configure(Folder(bureau, program=ROOT), ask, ask, out) == 0
    text = out.getvalue()
    assert "    « Lyon » : un code postal a 5 chiffres, par exemple 69002.\n" in text
    assert "    « 812 345 678 00019 » : ce SIRET n'est pas valide (sa clé de contrôle est fausse)" in text


def test_without_a_terminal_a_clear_sentence(bureau):
    child = subprocess.run(
        [sys.executable, str(ROOT / "relance.py"), "configurer", "--dossier", str(bureau)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert child.returncode == 1
    assert child.stderr.endswith(
        "Erreur : « configurer » attend vos réponses au clavier, mais il n'y a plus rien à lire : lancez-le "
        "dans une fenêtre de commandes (double-clic sur relance.bat, ou « relance.bat configurer »). Rien "
        "n'a été modifié.\n"
    )
    with pytest.raises(RelanceError, match="pose des questions"):
        configure(Folder(bureau, program=ROOT), None, None, io.StringIO())  # pythonw: no stdin at all
    assert not (bureau / ".env").exists()


def test_the_demo_dossier_is_not_configured(tmp_path):
    program = tmp_path / "Relance"
    (program / "demo").mkdir(parents=True)
    with pytest.raises(RelanceError, match=r"^Le dossier demo est celui de la démonstration"):
        configure(Folder(program / "demo", program=program), input, input, io.StringIO())


def test_the_first_double_click_offers_configurer(bureau):
    (bureau / "input").mkdir()
    (bureau / "input" / "factures.csv").write_text(
        "N° facture;Code client;Date facture;Échéance;Montant TTC\nF1;C1;01/09/2026;01/10/2026;120,00\n",
        encoding="utf-8",
    )

    def double_click(answers: list[str]) -> tuple[int, str]:
        ask, _ = scripted(answers)
        out = io.StringIO()
        code = main(["--dossier", str(bureau), "--date", "2026-11-23"], ROOT, stdout=out,
                    stderr=io.StringIO(), ask=ask, interactive=True, secret=ask)  # fmt: skip
        return code, out.getvalue()

    code, out = double_click(["n"])  # not now: the next step as usual
    assert code == 0 and out.startswith(
        "Relance n'est pas encore configurée pour votre société (l'expéditeur des lettres, l'envoi des "
        "emails).\nProposition écrite : output/proposition_2026-11-23.xlsx"
    )
    (bureau / "output" / "proposition_2026-11-23.xlsx").unlink()
    code, out = double_click(["o", *COMPANY_ANSWERS, "9"])
    assert code == 0 and "Configuration enregistrée :" in out
    code, out = double_click([])  # configured: no question, the proposal is prepared
    assert code == 0 and out.startswith("Proposition écrite : output/proposition_2026-11-23.xlsx")
