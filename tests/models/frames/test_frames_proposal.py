"""build_proposal gives the very same proposal from the reader's frames (what `preparer` does, records
built only for what the workbook shows) as from the same exports made records first: on the demo
exports and on generated ones, with letters already sent."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from models.penalties import DEFAULT_ECB, PenaltyRates
from models.proposal import build_proposal
from models.sequence import Letter
from models.settings import Settings
from sources import read_exports
from tests.conftest import ROOT

TODAY = date(2026, 11, 23)
SETTINGS = Settings(penalty_rates=PenaltyRates({**DEFAULT_ECB, "2026-S2": Decimal("2.15")}))


def _module(name: str):
    """A script of benchmarks/ (not a package), imported by its path."""
    key = f"benchmarks_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "benchmarks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[key]


def summary(proposal) -> dict:
    return {
        c.customer.code: (
            c.total_due, c.total_overdue, c.credit, c.level, c.level_label, c.channel, c.chase, c.reason,
            c.penalties, c.indemnities, c.step,
            tuple((i.invoice, i.remaining, i.days_overdue, i.history, i.include, i.reason, i.penalty)
                  for i in c.invoices))
        for c in proposal.customers
    }  # fmt: skip


def same(folder: Path, today: date = TODAY) -> None:
    exports = read_exports(folder / "input", SETTINGS)
    # A letter sent to some customers a month ago, about their invoices then overdue.
    letters = [
        Letter(invoice.customer_code, date(2026, 10, 20), 1, (invoice.number,))
        for invoice in exports.invoices[::7]
        if invoice.due_date < date(2026, 10, 13)
    ]
    clients = bool(exports.files["clients"])
    frames = build_proposal(exports.frames.invoices, exports.frames.payments, exports.customers, letters,
                            SETTINGS, today, past=exports.past_reminders, has_clients_file=clients)
    records = build_proposal(exports.invoices, exports.payments, exports.customers, letters, SETTINGS, today,
                             past=exports.past_reminders, has_clients_file=clients)  # fmt: skip
    assert summary(frames) == summary(records) and frames.customers
    assert [(r.customer.code, r.amounts) for r in frames.ageing] == [
        (r.customer.code, r.amounts) for r in records.ageing
    ]
    assert frames.anomalies == records.anomalies


def test_on_the_demo_exports(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "demo" / "input", tmp_path / "input")
    same(tmp_path, date(2026, 6, 15))


@pytest.mark.parametrize("seed", [1, 2])
def test_on_generated_exports(tmp_path: Path, seed: int) -> None:
    generate = _module("generate")
    data = generate.build(seed, TODAY, (3000, 2700, 150))
    generate.write_csv(tmp_path / "input", data)
    same(tmp_path)
