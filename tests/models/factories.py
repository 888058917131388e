"""Short ways to make records for rule tests: amounts as strings, dates as ISO strings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.penalties import DEFAULT_ECB, PenaltyRates
from models.records import Customer, Invoice, Payment, Source
from models.sequence import Letter
from models.settings import Settings

TODAY = date(2026, 11, 23)
# The ECB rate of 2026-S2 is not in the shipped table (nobody here could check it): the rule tests
# assume one, so that a missing half-year does not show in every proposal they build.
RATES = PenaltyRates({**DEFAULT_ECB, "2026-S2": Decimal("2.15")})
SETTINGS = Settings(penalty_rates=RATES)


def d(text: str) -> date:
    return date.fromisoformat(text)


def invoice(
    number: str,
    amount: str,
    due: str = "2026-10-01",
    customer: str = "C1",
    *,
    paid: str | None = None,
    remaining: str | None = None,
    mode: str = "",
    dispute: str = "",
    row: int = 2,
) -> Invoice:
    return Invoice(
        number=number,
        customer_code=customer,
        customer_name=f"Client {customer}",
        date=d(due),
        due_date=d(due),
        amount=Decimal(amount),
        paid=None if paid is None else Decimal(paid),
        remaining=None if remaining is None else Decimal(remaining),
        payment_mode=mode,
        dispute=dispute,
        source=Source("factures.csv", row),
    )


def payment(amount: str, customer: str = "C1", reference: str = "", label: str = "", row: int = 2) -> Payment:
    return Payment(
        date=d("2026-11-01"),
        customer_code=customer,
        amount=Decimal(amount),
        reference=reference,
        label=label,
        source=Source("reglements.csv", row),
    )


def customer(code: str = "C1", email: str = "compta@client.example", **kwargs: object) -> Customer:
    return Customer(code=code, name=f"Client {code}", email=email, **kwargs)  # type: ignore[arg-type]


def sent(level: int, on: str, *numbers: str, customer: str = "C1") -> Letter:
    """A letter of `level` sent on `on` to `customer`, listing the invoices `numbers` (F1 by default)."""
    return Letter(customer, d(on), level, numbers or ("F1",))
