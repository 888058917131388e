"""`envoyer` with an IBAN: a wrong key stops everything; a right one puts a QR code on every letter."""

from __future__ import annotations

import email
import subprocess
from email import policy
from pathlib import Path

from tests.app.conftest import run

WRONG = "FR76 3000 6000 0112 3456 7890 188"  # one digit off
RIGHT = "FR76 3000 6000 0112 3456 7890 189"
LINK = "https://paiement.example/{numero}?montant={montant}&client={client}"


def set_sender(office: Path, iban: str, link: str = "") -> None:
    config = office / "relance.toml"
    text = config.read_text(encoding="utf-8")
    assert 'iban = ""\n' in text
    text = text.replace('iban = ""\n', f'iban = "{iban}"\n')
    if link:
        text = text.replace('bic = ""\n', f'bic = ""\nlien_paiement = "{link}"\n')
    config.write_text(text, encoding="utf-8")


def qr_code(pdf: Path) -> str:
    page = ["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))]
    subprocess.run(page, check=True, timeout=60)
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(pdf.with_suffix(".png"))],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8").removesuffix("\n")


def test_a_wrong_iban_stops_the_sending_before_anything_and_says_which_setting(office):
    set_sender(office, WRONG)
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1
    assert err.endswith(
        "  - La clé iban de la section [societe] de relance.toml ne va pas (« FR76 3000 6000 0112 3456 "
        "7890 188 ») : cet IBAN n'est pas valide (sa clé de contrôle est fausse) : vérifiez-le sur un RIB ; "
        "corrigez-la, ou lancez « python relance.py configurer », avant d'envoyer.\n"
    )
    # told by a simulation too, with the other problems of the proposal
    assert "La clé iban de la section [societe]" in run(office, "envoyer", "--simulation")[2]
    assert not (office / "output" / "lots").exists()
    assert not list((office / "output").glob("courriers_*"))
    assert (office / "output" / "proposition_2026-11-23.xlsx").exists()  # still there, still validated


def test_with_a_right_iban_each_letter_and_email_lets_the_customer_pay_in_one_scan(office):
    set_sender(office, RIGHT, LINK)
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    lot = office / "output" / "lots" / "2026-11-23-1"
    payload = qr_code(next(lot.glob("*_C1_*.pdf"))).split("\n")
    # FA-001 1 200,00 € and FA-002 300,50 € for Boulangerie Martin, from the exports of the office
    assert payload[5:8] == ["Menuiserie Lefevre SARL", "FR7630006000011234567890189", "EUR1500.50"]
    assert payload[10] == "Factures FA-001, FA-002 - client C1"
    message = email.message_from_bytes(next(lot.glob("*_C1_*.eml")).read_bytes(), policy=policy.default)
    body = message.get_body(("plain",)).get_content()
    assert (
        "le QR code de la lettre jointe, lu avec l'application de votre banque, remplit le virement" in body
    )
    assert "https://paiement.example/FA-001%2CFA-002?montant=1500.50&client=C1" in body
