"""The ECB rate read from a real HTTP server on 127.0.0.1 answering in the ECB Data Portal's CSV layout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from sources.ecb import ECB_SOURCE, EcbError, fetch_rates, parse_rates, query_url
from tests.ecb_server import HEADER, Answer, changes_only, daily, row

SINCE, UNTIL = date(2026, 5, 31), date(2026, 11, 23)


def fetch(server, timeout: float = 5.0) -> list[tuple[date, Decimal]]:
    return fetch_rates(server.url, SINCE, UNTIL, timeout)


def refused(server, answer: Answer, timeout: float = 5.0) -> str:
    server.answer = answer
    with pytest.raises(EcbError) as error:
        fetch(server, timeout)
    return str(error.value)


def test_the_default_source_is_the_daily_series_of_the_ecb_data_portal():
    assert ECB_SOURCE == "https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV"
    query = parse_qs(urlsplit(query_url(ECB_SOURCE, SINCE, UNTIL)).query)
    assert query == {
        "format": ["csvdata"],
        "detail": ["dataonly"],
        "startPeriod": ["2026-05-31"],
        "endPeriod": ["2026-11-23"],
    }
    assert query_url("http://miroir.example/serie?cle=1", SINCE, UNTIL).startswith(
        "http://miroir.example/serie?cle=1&format=csvdata&"
    )


def test_reads_the_days_and_rates_by_column_name(ecb_server):
    changes = {"2025-06-11": "2.15", "2026-06-11": "2.40"}
    ecb_server.answer = Answer(body=daily(changes, "2026-06-09", "2026-06-12"))
    assert fetch(ecb_server) == [
        (date(2026, 6, 9), Decimal("2.15")),
        (date(2026, 6, 10), Decimal("2.15")),
        (date(2026, 6, 11), Decimal("2.40")),
        (date(2026, 6, 12), Decimal("2.40")),
    ]
    (asked,) = ecb_server.requests
    assert asked.startswith("/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV?format=csvdata&detail=dataonly&")
    assert "startPeriod=2026-05-31&endPeriod=2026-11-23" in asked


def test_columns_in_another_order_and_a_byte_order_mark():
    text = "\ufeffOBS_STATUS,OBS_VALUE,UNIT,TIME_PERIOD\nA,2.15,PCPA,2026-07-01\nA,,PCPA,2026-07-02\n"
    # An empty value is a day without observation in SDMX: skipped, not an error.
    assert parse_rates(text.lstrip("\ufeff"), "ici") == [(date(2026, 7, 1), Decimal("2.15"))]


def test_a_series_of_changes_is_read_as_it_is(ecb_server):
    ecb_server.answer = Answer(body=changes_only({"2024-12-18": "3.15", "2025-06-11": "2.15"}))
    assert fetch(ecb_server) == [(date(2024, 12, 18), Decimal("3.15")), (date(2025, 6, 11), Decimal("2.15"))]


def test_http_error(ecb_server):
    message = refused(ecb_server, Answer(status=503, body="Service Unavailable", content_type="text/plain"))
    host = urlsplit(ecb_server.url).netloc
    assert message == f"Taux BCE non récupérés : le site {host} a répondu par l'erreur HTTP 503."


def test_no_data_for_the_period_is_a_404_on_the_portal(ecb_server):
    message = refused(ecb_server, Answer(status=404, body="No results found.", content_type="text/plain"))
    assert message.endswith("ne connaît pas cette série, ou aucun taux pour cette période (erreur HTTP 404).")


def test_an_html_page_instead_of_the_csv(ecb_server):
    page = "<!DOCTYPE html><html><body>Accès au réseau : identifiez-vous</body></html>"
    message = refused(ecb_server, Answer(body=page, content_type="text/html; charset=utf-8"))
    host = urlsplit(ecb_server.url).netloc
    assert message == (
        f"Taux BCE non récupérés : le site {host} a renvoyé une page web au lieu des taux en CSV (vérifiez "
        "[penalites] source_bce dans relance.toml)."
    )


def test_an_empty_series(ecb_server):
    message = refused(ecb_server, Answer(body=HEADER + "\n"))
    assert message.endswith("ne contient aucun taux.")
    assert refused(ecb_server, Answer(body="")).endswith(
        "n'a pas les colonnes TIME_PERIOD et OBS_VALUE (colonnes trouvées : aucune)."
    )


def test_a_value_that_is_not_a_number(ecb_server):
    body = "\n".join([HEADER, row(date(2026, 6, 30), "2.15"), row(date(2026, 7, 1), "n/a")]) + "\n"
    message = refused(ecb_server, Answer(body=body))
    host = urlsplit(ecb_server.url).netloc
    assert message == (
        f"Taux BCE non récupérés : la réponse de {host} donne « n/a » comme taux du 01/07/2026, qui n'est "
        "pas un taux en %."
    )


@pytest.mark.parametrize(
    ("body", "end"),
    [
        ("DATE,RATE\n2026-07-01,2.15\n",
         "n'a pas les colonnes TIME_PERIOD et OBS_VALUE (colonnes trouvées : DATE, RATE)."),
        ("TIME_PERIOD,OBS_VALUE\n2026-07,2.15\n", "donne « 2026-07 » comme date (ligne 2), au lieu d'un jour "
                                                  "AAAA-MM-JJ d'une série quotidienne."),
        ("TIME_PERIOD,OBS_VALUE\n2026-07-01,NaN\n",
         "donne « NaN » comme taux du 01/07/2026, qui n'est pas un taux en %."),
        ("TIME_PERIOD,OBS_VALUE\n2026-07-01,2.15\n2026-07-01,2.40\n", "donne deux taux pour le 01/07/2026."),
        ("KEY,TIME_PERIOD,OBS_VALUE\nFM.D.U2.EUR.4F.KR.MRR_FR.LEV,2026-07-01,2.15\n"
         "FM.D.U2.EUR.4F.KR.DFR.LEV,2026-07-01,2.00\n",
         "mêle plusieurs séries (FM.D.U2.EUR.4F.KR.DFR.LEV, FM.D.U2.EUR.4F.KR.MRR_FR.LEV) : [penalites] "
         "source_bce doit désigner une seule série."),
    ],
)  # fmt: skip
def test_answers_that_cannot_be_used(body, end):
    with pytest.raises(EcbError) as error:
        parse_rates(body, "ici")
    assert str(error.value).startswith("Taux BCE non récupérés : la réponse de ici ")
    assert str(error.value).endswith(end)


def test_a_site_too_slow_is_given_up(ecb_server):
    message = refused(ecb_server, Answer(body=daily({"2026-01-01": "2.15"}, "2026-06-01", "2026-07-02"),
                                         delay=2.0), timeout=0.3)  # fmt: skip
    assert message.endswith("n'a pas répondu dans les 0,3 secondes.")


def test_nobody_listening(closed_url):
    with pytest.raises(EcbError) as error:
        fetch_rates(closed_url, SINCE, UNTIL, 5.0)
    host = urlsplit(closed_url).netloc
    assert str(error.value) == f"Taux BCE non récupérés : le site {host} est injoignable (connexion refusée)."
