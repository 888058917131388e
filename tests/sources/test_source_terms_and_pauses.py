"""Due dates from payment terms, pauses and marks of the clients file, and a FEC beside the clients file."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from models.settings import Settings
from sources import read_exports
from tests.sources.samples import DATA

CLIENTS = (
    (
        "Code client;Raison sociale;Conditions de paiement;Relancer à partir du;Bloqué;Commentaire;"
        "Famille;Représentant;Société\n"
    )
    + """C1;Alpha;45 jours fin de mois;;;;BTP;Julie;Atelier Lyon
C2;Beta;30 jours fin de mois le 10;15/12/2026;;;Commerce;Marc;Atelier Lyon
C3;Gamma;quand il veut;;Oui;attente avoir;;;Atelier Annecy
C4;Delta;;;;;;;
"""
)
INVOICES = """N° facture;Code client;Date facture;Échéance;Montant TTC
F1;C1;15/01/2026;;100,00
F2;C2;20/01/2026;;100,00
F3;C3;20/01/2026;;100,00
F4;C4;20/01/2026;;100,00
F5;C4;20/01/2026;05/02/2026;100,00
"""


def test_missing_due_dates_come_from_each_customers_terms(input_dir: Path) -> None:
    (input_dir / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    (input_dir / "factures.csv").write_text(INVOICES, encoding="utf-8")
    exports = read_exports(input_dir, Settings(default_payment_days=60))
    due = {i.number: i.due_date for i in exports.invoices}
    assert due == {
        "F1": date(2026, 3, 31),  # 15/01 + 45 days = 01/03, end of that month
        "F2": date(2026, 3, 10),  # 20/01 + 30 days = 19/02, end of February, then the 10th
        "F3": date(2026, 3, 21),  # terms not understood: the default 60 days
        "F4": date(2026, 3, 21),  # no terms: the default
        "F5": date(2026, 2, 5),  # the export's own due date wins
    }
    (anomaly,) = exports.anomalies
    assert anomaly.file == "clients.csv" and anomaly.row == 4 and anomaly.value == "quand il veut"
    assert anomaly.message.startswith("Conditions de paiement incomprises pour Gamma (")
    assert anomaly.message.endswith(") : délai par défaut de 60 jours appliqué.")
    c2, c3 = exports.customers["C2"], exports.customers["C3"]
    assert (c2.chase_from, c2.family, c2.representative, c2.company) == (
        date(2026, 12, 15),
        "Commerce",
        "Marc",
        "Atelier Lyon",
    )
    assert c3.blocked == "attente avoir"


def test_a_fec_is_read_beside_the_clients_file(input_dir: Path) -> None:
    shutil.copyfile(DATA / "fec_tab_bom.txt", input_dir / "812345678FEC20261231.txt")
    (input_dir / "clients.csv").write_text(
        "Code client;Raison sociale;Email;Conditions de paiement\n"
        "C001;Boulangerie;a@b.example;45 jours fin de mois\n",
        encoding="utf-8",
    )
    exports = read_exports(input_dir, Settings())
    assert exports.files["fec"] == ("812345678FEC20261231.txt",) and exports.files["factures"] == ()
    invoices = {i.number: (i.customer_code, i.due_date, i.amount) for i in exports.invoices}
    # C001's terms come from the clients file (a FEC has no due dates); the others get 30 days
    assert invoices["F2026-001"] == ("C001", date(2026, 2, 28), Decimal("1200.00"))
    assert invoices["AN/C004"] == ("C004", date(2025, 12, 20), Decimal("90.50"))
    assert [(p.customer_code, p.amount) for p in exports.payments] == [("C001", Decimal("200.00"))]
    # the clients file wins for what it knows; the FEC names the others
    assert exports.customers["C001"].email == "a@b.example"
    assert set(exports.customers) == {"C001", "C002", "C003", "C004"}
