"""ECB rates kept current: `taux`, and `preparer` fetching a missing half-year, against a real HTTP server
on 127.0.0.1 answering as the ECB Data Portal; offline; bad answers change nothing."""

from __future__ import annotations

import io
import tomllib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest

from app.cli import main
from models.penalties import DEFAULT_ECB
from tests.conftest import ROOT
from tests.ecb_server import HEADER, Answer, changes_only, daily, row

NOW = datetime(2026, 11, 23, 9, 0)

# One business customer, 1 200 € due on 1 October 2026: 53 days late on 23 November, all in 2026-S2.
CLIENTS = "Code client;Raison sociale;Email;Type\nC1;Boulangerie Martin;compta@martin.example;Professionnel\n"
INVOICES = "N° facture;Code client;Date facture;Échéance;Montant TTC\nF1;C1;01/09/2026;01/10/2026;1 200,00\n"

# The ECB's daily series from a month before 1 July 2026 to the day of the fetch. Invented rates: a
# change on 11 June 2026, which the rate of 1 July (2026-S2) includes, and one on 2 July, which it does not.
CHANGES = {"2025-06-11": "2.15", "2026-06-11": "2.40", "2026-07-02": "2.65"}
SERIES = daily(CHANGES, "2026-05-31", "2026-11-23")


def run(folder: Path, *args: str, now: datetime = NOW) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = [*args, "--dossier", str(folder), "--date", "2026-11-23"]
    code = main(argv, ROOT, stdout=out, stderr=err, now=now)
    return code, out.getvalue(), err.getvalue()


def settings(folder: Path, source: str, extra: str = "") -> None:
    (folder / "relance.toml").write_text(f'[penalites]\nsource_bce = "{source}"\n{extra}', encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "input").mkdir()
    (tmp_path / "input" / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    (tmp_path / "input" / "factures.csv").write_text(INVOICES, encoding="utf-8")
    return tmp_path


def stored(folder: Path) -> dict:
    return tomllib.loads((folder / "taux_bce.toml").read_text(encoding="utf-8"), parse_float=Decimal)


def sheet(folder: Path, name: str, day: str = "2026-11-23") -> list[dict]:
    rows = list(openpyxl.load_workbook(folder / "output" / f"proposition_{day}.xlsx")[name].values)
    return [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def penalty_of_f1(folder: Path, day: str = "2026-11-23") -> object:
    return next(line["Pénalités"] for line in sheet(folder, "Factures", day) if line["N° facture"] == "F1")


def rate_anomalies(folder: Path, day: str = "2026-11-23") -> list[str]:
    return [a["Message"] for a in sheet(folder, "Anomalies", day) if "taux BCE" in a["Message"]]


def test_taux_fetches_the_rates_and_says_which_half_years_were_added(folder, ecb_server):
    settings(folder, ecb_server.url)
    ecb_server.answer = Answer(body=SERIES)
    code, out, err = run(folder, "taux")
    assert (code, err) == (0, "")
    assert out == (
        f"Taux BCE lus sur {ecb_server.url} le 23/11/2026, enregistrés dans taux_bce.toml.\n"
        "Semestres ajoutés :\n"
        "  2026-S2 : 2,40 %\n"
    )
    (asked,) = ecb_server.requests
    assert asked.endswith("?format=csvdata&detail=dataonly&startPeriod=2008-12-01&endPeriod=2026-11-23")
    file = stored(folder)
    assert (file["source"], file["recupere_le"], file["derniere_tentative"]) == (ecb_server.url, NOW, NOW)
    assert file["taux_bce"] == {"2026-S2": Decimal("2.40")}
    # Again: nothing new.
    assert run(folder, "taux")[1].endswith("Aucun semestre nouveau (le dernier est 2026-S2).\n")


def test_a_series_of_changes_gives_the_verified_rates_and_nothing_after_its_last_change(folder, ecb_server):
    """The ECB's changes from 2022 to June 2025: 1 July 2025 and later come after the last one."""
    settings(folder, ecb_server.url)
    ecb_server.answer = Answer(body=changes_only({
        "2019-09-18": "0.00", "2022-07-27": "0.50", "2022-09-14": "1.25", "2022-11-02": "2.00",
        "2022-12-21": "2.50", "2023-02-08": "3.00", "2023-03-22": "3.50", "2023-05-10": "3.75",
        "2023-06-21": "4.00", "2023-09-20": "4.50", "2024-06-12": "4.25", "2024-09-18": "3.65",
        "2024-10-23": "3.40", "2024-12-18": "3.15", "2025-02-05": "2.90", "2025-03-12": "2.65",
        "2025-04-23": "2.40", "2025-06-11": "2.15",
    }))  # fmt: skip
    code, out, _ = run(folder, "taux")
    assert code == 0
    assert out.splitlines()[1:] == [
        "Semestres ajoutés :",
        "  2020-S1 à 2022-S2 : 0,00 %",  # the rise of 27 July 2022 came after 1 July
        "  2023-S1 : 2,50 %",
        "  2023-S2 : 4,00 %",
        "  2024-S1 : 4,50 %",
        "  2024-S2 : 4,25 %",
        "  2025-S1 : 3,15 %",
        "Le taux du 2026-S2 n'est pas encore dans les données de la BCE : réessayez plus tard.",
    ]
    file = stored(folder)["taux_bce"]
    assert {half: file[half] for half in DEFAULT_ECB if half in file} == {
        half: rate for half, rate in DEFAULT_ECB.items() if half <= "2025-S1"
    }


def test_preparer_fetches_a_missing_half_year_by_itself(folder, ecb_server):
    settings(folder, ecb_server.url)
    ecb_server.answer = Answer(body=SERIES)
    code, _, err = run(folder, "preparer")
    assert code == 0, err
    # 1 200 € × (2.40 + 10) % × 53 days / 365 = 21.6066 €
    assert penalty_of_f1(folder) == 21.61
    assert rate_anomalies(folder) == []
    (asked,) = ecb_server.requests  # from a month before 1 July 2026, the first half-year missing
    assert asked.endswith("startPeriod=2026-05-31&endPeriod=2026-11-23")
    assert stored(folder)["taux_bce"] == {"2026-S2": Decimal("2.40")}
    assert "Taux BCE récupérés : 2026-S2 2,40 %." in err


def test_offline_the_proposal_says_which_half_year_is_missing_and_how_to_add_it(folder, closed_url):
    settings(folder, closed_url)
    code, out, err = run(folder, "preparer")
    assert code == 0, err
    assert out.startswith("Proposition écrite : output/proposition_2026-11-23.xlsx\n")
    host = urlsplit(closed_url).netloc
    assert f"Taux BCE non récupérés : le site {host} est injoignable (connexion refusée)." in err
    assert penalty_of_f1(folder) is None
    assert rate_anomalies(folder) == [
        "Le taux BCE du 2026-S2 manque : « python relance.py taux » le récupère sur le site de la BCE, ou "
        'ajoutez "2026-S2" = … dans [penalites] taux_bce de relance.toml (taux de refinancement de la BCE '
        "au 1er juillet 2026)."
    ]
    assert stored(folder) == {"source": "", "derniere_tentative": NOW, "taux_bce": {}}


def test_preparer_asks_at_most_once_a_day(folder, ecb_server):
    settings(folder, ecb_server.url)
    ecb_server.answer = Answer(status=503, body="Service Unavailable", content_type="text/plain")
    assert run(folder, "preparer", "-q")[0] == 0
    ecb_server.answer = Answer(body=SERIES)
    code, _, err = run(folder, "preparer", "-v", now=NOW + timedelta(hours=3))
    assert code == 0
    assert len(ecb_server.requests) == 1
    assert "déjà cherché sur le site de la BCE le 23/11/2026 à 09:00" in err
    assert penalty_of_f1(folder, "2026-11-23_2") is None
    assert run(folder, "preparer", "-q", now=NOW + timedelta(days=1, minutes=1))[0] == 0
    assert len(ecb_server.requests) == 2
    assert stored(folder)["taux_bce"] == {"2026-S2": Decimal("2.40")}
    assert penalty_of_f1(folder, "2026-11-23_3") == 21.61


def test_a_site_too_slow_does_not_hold_preparer(folder, ecb_server, monkeypatch):
    monkeypatch.setattr("app.rates.AUTO_TIMEOUT", 0.3)
    settings(folder, ecb_server.url)
    ecb_server.answer = Answer(body=SERIES, delay=2.0)
    code, _, err = run(folder, "preparer")
    assert code == 0
    assert "n'a pas répondu dans les 0,3 secondes." in err
    assert len(rate_anomalies(folder)) == 1


def test_rates_written_in_relance_toml_win_over_fetched_ones(folder, ecb_server):
    settings(folder, ecb_server.url, '[penalites.taux_bce]\n"2026-S2" = 3.00\n')
    ecb_server.answer = Answer(body=SERIES)
    assert run(folder, "preparer", "-q")[0] == 0
    assert ecb_server.requests == []  # nothing missing: nothing fetched
    # 1 200 € × 13 % × 53 / 365 = 22.65 €
    assert penalty_of_f1(folder) == 22.65
    code, out, _ = run(folder, "taux")
    assert code == 0
    assert out.splitlines()[-1] == (
        "2026-S2 : relance.toml donne 3,00 %, la BCE 2,40 % ; c'est le taux de relance.toml qui s'applique "
        "(retirez-le de [penalites] taux_bce pour suivre la BCE)."
    )
    assert stored(folder)["taux_bce"] == {"2026-S2": Decimal("2.40")}
    assert run(folder, "preparer", "-q")[0] == 0
    assert penalty_of_f1(folder, "2026-11-23") == 22.65
    assert penalty_of_f1(folder, "2026-11-23_2") == 22.65


BAD_ANSWERS = {
    "HTTP error": Answer(status=500, body="Internal Server Error", content_type="text/plain"),
    "HTML page": Answer(body="<html><body>Maintenance</body></html>", content_type="text/html"),
    "empty series": Answer(body=HEADER + "\n"),
    "not a number": Answer(body="\n".join([HEADER, row(datetime(2026, 7, 1).date(), "n/a")]) + "\n"),
    "a comma in a value": Answer(body="\n".join([HEADER, row(datetime(2026, 7, 1).date(), "2,15")]) + "\n"),
}


@pytest.mark.parametrize("answer", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_a_bad_answer_changes_nothing(folder, ecb_server, answer):
    settings(folder, ecb_server.url)
    ecb_server.answer = Answer(body=SERIES)
    assert run(folder, "taux")[0] == 0
    before = (folder / "taux_bce.toml").read_bytes()
    ecb_server.answer = answer
    code, out, err = run(folder, "taux", now=NOW + timedelta(days=2))
    assert (code, out) == (1, "")
    assert err.startswith("Erreur : Taux BCE non récupérés : ") and err.count("\n") == 1
    assert (folder / "taux_bce.toml").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["input", "output", "relance.toml", "taux_bce.toml"]


def test_an_unreadable_taux_bce_toml_is_ignored_then_redone(folder, ecb_server):
    settings(folder, ecb_server.url)
    (folder / "taux_bce.toml").write_text("[taux_bce\n", encoding="utf-8")
    ecb_server.answer = Answer(body=SERIES)
    code, _, err = run(folder, "preparer", "-q")
    assert code == 0
    assert "Le fichier taux_bce.toml est illisible" in err
    assert stored(folder)["taux_bce"] == {"2026-S2": Decimal("2.40")}


def test_a_contractual_rate_needs_no_ecb_rate(folder, ecb_server):
    settings(folder, ecb_server.url, "taux_contractuel = 12\n")
    assert run(folder, "preparer", "-q")[0] == 0
    assert ecb_server.requests == []
    assert not (folder / "taux_bce.toml").exists()


def test_the_weekly_run_fetches_too(folder, ecb_server):
    settings(folder, ecb_server.url)
    ecb_server.answer = Answer(body=SERIES)
    code, _, err = run(folder, "--planifie")
    assert code == 0, err
    assert len(ecb_server.requests) == 1
    assert penalty_of_f1(folder) == 21.61
