"""The quote follow-up's templates (`relance_devis.docx` and its email text): their checks before sending."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from letters.templates import check_files, email_template_path, template_path
from models.problems import Problem
from models.quote_sending import QUOTE_FIELDS, QuoteReminder, quote_fields
from models.quotes import Quote, QuoteHistory, QuoteLine
from models.records import Customer
from models.settings import Company


def check_quote_templates(folder: Path) -> list[Problem]:
    """Before anything is sent: the quote letter and its email exist, open, use only the fields of
    QUOTE_FIELDS and fill in (one problem per template that fails)."""
    level = QuoteReminder(sample_customer(), _line(1), "email").level
    docx, email = template_path(folder, level), email_template_path(folder, level)
    files = [(docx, "docx", _missing(docx, "la lettre")),
             (email, "email", _missing(email, "l'objet et le texte de l'email"))]  # fmt: skip
    return check_files(folder, files, QUOTE_FIELDS, _samples)


def _missing(path: Path, what: str) -> str:
    return (
        f"Le modèle {path.parent.name}/{path.name} est introuvable : il donne {what} des relances de "
        "devis ; copiez-le depuis le dossier templates_word de Relance."
    )


def sample_customer() -> Customer:
    return Customer("C1", "Client SARL", "client@exemple.fr", ("2 rue du Client",), "69001", "Lyon", "France")


def _line(count: int) -> QuoteLine:
    quote = Quote("D-0001", "C1", "Client SARL", date(2026, 9, 1), date(2026, 10, 1), Decimal("1200.00"))
    history = QuoteHistory(count, date(2026, 10, 20) if count else None)
    return QuoteLine(quote, sample_customer(), 53, history, "email", True)


@cache
def _samples() -> tuple[dict[str, Any], ...]:
    """Two sets of fields that together take every branch a shipped template has: a second follow-up by
    email with a message, and a first one by post to a private customer, for a quote without a date."""
    company = Company(name="Exemple SARL", address=("1 rue de l'Exemple",), postal_code="75001", city="Paris",
                      phone="01 23 45 67 89", email="compta@exemple.fr", signatory="Camille Martin",
                      title="Gérante", legal_form="SARL", capital="10000")  # fmt: skip
    today = date(2026, 11, 23)
    second = QuoteReminder(sample_customer(), _line(1), "email", "Un message")
    first_line = _line(0)
    undated = QuoteLine(Quote("D-0002", "C2", "", None, date(2026, 10, 1), Decimal("80.00")),
                        Customer("C2", "M. Client", private=True), 53, first_line.history, "courrier", True)
    first = QuoteReminder(undated.customer, undated, "courrier")
    return (
        quote_fields(second, company, today, today),
        quote_fields(first, Company(), today, today, postal_copy=True),
    )
