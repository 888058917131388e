"""A real HTTP server on 127.0.0.1 that answers as the ECB Data Portal does, for the tests of the ECB rate.

Answers are written in the layout of the Portal's `format=csvdata` answers for the FM dataflow: the
header below is the one of a real answer of that data structure (dimensions, then TIME_PERIOD and
OBS_VALUE, then the attributes), one row per observation, the title quoted. The rates served are the
test's own: a test says which changes it serves, and checks what Relance derives from them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEADER = (
    "KEY,FREQ,REF_AREA,CURRENCY,PROVIDER_FM,INSTRUMENT_FM,PROVIDER_FM_ID,DATA_TYPE_FM,TIME_PERIOD,OBS_VALUE,"
    "OBS_STATUS,OBS_CONF,OBS_PRE_BREAK,OBS_COM,TIME_FORMAT,BREAKS,COLLECTION,COMPILING_ORG,DISS_ORG,"
    "DOM_SER_IDS,FM_CONTRACT_TIME,FM_COUPON_RATE,FM_IDENTIFIER,FM_LOT_SIZE,FM_MATURITY,FM_OUTS_AMOUNT,"
    "FM_PUT_CALL,FM_STRIKE_PRICE,PUBL_MU,PUBL_PUBLIC,UNIT_INDEX_BASE,COMPILATION,COVERAGE,DECIMALS,"
    "SOURCE_AGENCY,SOURCE_PUB,TITLE,TITLE_COMPL,UNIT,UNIT_MULT"
)
PATH = "/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV"
SDMX_CSV = "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8"


def row(day: date, value: str, freq: str = "D") -> str:
    key = f"FM.{freq}.U2.EUR.4F.KR.MRR_FR.LEV"
    return (
        f"{key},{freq},U2,EUR,4F,KR,MRR_FR,LEV,{day.isoformat()},{value},A,F,,,P1D,,E,,,,,,,,,,,,,,,,,4,,,"
        '"Main refinancing operations - fixed rate tenders (fixed rate) (date of changes) - Level",'
        '"Euro area (changing composition) - Main refinancing operations - fixed rate tenders (fixed rate) '
        '(date of changes) - Level, provided by ECB",PCPA,0'
    )


def daily(changes: dict[str, str], first: str, last: str) -> str:
    """A daily series from `first` to `last`: each day the rate of the last change on or before it."""
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    steps = sorted((date.fromisoformat(when), rate) for when, rate in changes.items())
    lines = [HEADER]
    while day <= end:
        rate = [value for when, value in steps if when <= day][-1]
        lines.append(row(day, rate))
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


def changes_only(changes: dict[str, str]) -> str:
    """A series that lists the days of changes alone, as the business-day (B) series does."""
    rows = [row(date.fromisoformat(day), rate, "B") for day, rate in sorted(changes.items())]
    return "\n".join([HEADER, *rows]) + "\n"


@dataclass
class Answer:
    status: int = 200
    body: str = ""
    content_type: str = SDMX_CSV
    delay: float = 0.0  # seconds before answering


@dataclass
class EcbServer:
    """`server.answer = Answer(...)`; `server.requests` lists the paths asked for."""

    answer: Answer = field(default_factory=Answer)
    requests: list[str] = field(default_factory=list)

    def start(self) -> EcbServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                answer = server.answer
                time.sleep(answer.delay)
                body = answer.body.encode("utf-8")
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:  # quiet
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up (the timeout test) closed the connection: expected

        self._http = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}{PATH}"

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
