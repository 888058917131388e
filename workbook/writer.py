"""Write the proposal workbook (XlsxWriter, row by row), under a temporary name then renamed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from models.ageing import BUCKETS
from models.proposal import Proposal
from models.quote_sending import QUOTE_CHANNELS
from models.records import ZERO
from models.settings import CHANNELS, Settings
from workbook import layout as L
from workbook.columns import FORMULA, ID, Sheet, quote_sheet, sheets
from workbook.identity import row_id
from workbook.xlsx import Book, Formula, Rows

INSTRUCTIONS = (
    "1. Clients : Non dans « À relancer » écarte un client ; changez au besoin niveau, canal, email, "
    "message. Seules les cellules jaunes sont lues.",
    "2. Factures : Non dans « Inclure » retire une facture de la lettre de son client.",
    "3. Triez ou filtrez avec les flèches des en-têtes (toutes les colonnes ensemble) ; ne triez pas "
    "quelques colonnes à part, ne collez pas de cellules d'une autre ligne.",
    f"4. Puis mettez Oui dans « {L.VALIDATED_LABEL} » ({L.VALIDATED_CELL}), enregistrez, fermez et relancez "
    "Relance pour envoyer.",
)


QUOTE_INSTRUCTION = (
    "Devis : Non dans « À relancer » écarte un devis ; changez au besoin le canal (Email ou Courrier) et "
    "le message. Une relance de devis est une lettre commerciale, jamais mêlée à une relance de factures."
)


def write_proposal(
    proposal: Proposal,
    path: Path,
    *,
    prepared_at: datetime,
    proposal_id: str,
    files: Sequence[str],
) -> None:
    """Write the workbook at `path`, which must not exist yet: an edited proposal is never overwritten."""
    book = Book(path)
    _summary(book, proposal, prepared_at, files)
    rows = [(c, i) for c in proposal.customers for i in c.invoices]
    companies = bool(proposal.settings.companies)
    customer_sheet, invoice_sheet = sheets(companies)
    _table(book, customer_sheet, proposal.customers, proposal_id, proposal.settings)
    _table(book, invoice_sheet, rows, proposal_id, proposal.settings)
    if proposal.quotes is not None:  # only when input/ has a devis* file
        _table(book, quote_sheet(companies), proposal.quotes.lines, proposal_id, proposal.settings)
    _anomalies(book, proposal)
    _ageing(book, proposal)
    _metadata(book, proposal, prepared_at, proposal_id, files)
    book.close()


def _summary(book: Book, proposal: Proposal, prepared_at: datetime, files: Sequence[str]) -> None:
    sheet = book.sheet(L.SUMMARY, (34, 26, 18, 12, 12, 18, 12, 40))
    chased = proposal.chased
    sheet.append([("Proposition de relances", "rl_title")])
    for _ in range(L.VALIDATED_ROW - 2):
        sheet.append([])
    sheet.append(
        [
            (L.VALIDATED_LABEL, "rl_validate"),
            (L.NO, "rl_validate"),
            "← Oui quand tout est vérifié, puis enregistrez",
        ]
    )
    sheet.sheet.data_validation(
        L.VALIDATED_ROW - 1, 1, L.VALIDATED_ROW - 1, 1,
        {"validate": "list", "source": [L.YES, L.NO], "ignore_blank": False},
    )  # fmt: skip
    sheet.append([])
    sheet.append(["Échéances échues au", (proposal.reference_date, "rl_date")])
    sheet.append(["Préparée le", (prepared_at, "rl_datetime")])
    sheet.append(["Fichiers lus", ", ".join(files)])
    sheet.append(
        ["Anomalies", len(proposal.anomalies), "voir l'onglet Anomalies" if proposal.anomalies else ""]
    )
    scope = " ; ".join(proposal.scope.describe()) or "aucun : tous les clients"
    sheet.append(["Filtres", scope])
    for company in proposal.settings.companies:
        chased_here = sum(1 for c in chased if c.customer.company == company.code)
        what = f"{chased_here} client(s) à relancer"
        if proposal.quotes is not None:  # its quote follow-ups too
            what += f", {sum(1 for q in proposal.quotes.chased if q.quote.company == company.code)} devis"
        sheet.append([f"{L.COMPANY_HEADER} {company.code}", company.name, what])
    sheet.append([])
    sheet.append([("Mode d'emploi", "rl_bold")])
    for line in INSTRUCTIONS:
        sheet.append([line])
    if proposal.quotes is not None:
        sheet.append([QUOTE_INSTRUCTION])
    sheet.append([])

    headers = ("Niveau", "Libellé", "Canal", "Clients", "Factures", "Montant échu")
    sheet.append([(h, "rl_header") for h in headers])
    groups: Counter[tuple[int, str]] = Counter()
    invoices: Counter[tuple[int, str]] = Counter()
    amounts: dict[tuple[int, str], Decimal] = {}
    for customer in chased:
        key = (customer.level or 0, customer.channel)
        groups[key] += 1
        invoices[key] += sum(1 for i in customer.invoices if i.include)
        amounts[key] = amounts.get(key, ZERO) + sum(
            (i.remaining for i in customer.invoices if i.include), ZERO
        )
    for key in sorted(groups):
        level = proposal.settings.level(key[0])
        sheet.append(
            [
                key[0],
                level.label if level else "",
                CHANNELS.get(key[1], key[1]),
                groups[key],
                invoices[key],
                (amounts[key], "rl_euro"),
            ]
        )
    total = sum(amounts.values(), ZERO)
    sheet.append(
        [
            ("Total à relancer", "rl_bold"),
            "",
            "",
            len(chased),
            sum(invoices.values()),
            (total, "rl_euro_bold"),
        ]
    )
    not_chased = [c for c in proposal.customers if not c.chase and c.total_overdue > 0]
    sheet.append(
        [
            "Clients en retard non relancés",
            "voir leur motif",
            "",
            len(not_chased),
            sum(len(c.invoices) for c in not_chased),
            (sum((c.total_overdue for c in not_chased), ZERO), "rl_euro"),
        ]
    )
    litigation = [c for c in proposal.customers if c.litigation]
    if litigation:
        sheet.append(
            [
                "Clients en contentieux",
                "dernier niveau déjà envoyé",
                "",
                len(litigation),
                sum(len(c.invoices) for c in litigation),
                (sum((c.total_overdue for c in litigation), ZERO), "rl_euro"),
            ]
        )
    _quotes(sheet, proposal)
    _file_lines(sheet, proposal)


def _quotes(sheet: Rows, proposal: Proposal) -> None:
    """How many quotes were read and how many are proposed for a follow-up (onglet Devis)."""
    quotes = proposal.quotes
    if quotes is None:
        return
    chased = quotes.chased
    sheet.append([])
    sheet.append([(h, "rl_header") for h in ("Devis échus", "", "", "Devis", "", "Montant")])
    sheet.append(["Devis lus", ", ".join(quotes.files), "", len(quotes.quotes)])
    sheet.append(
        ["Devis à relancer", "voir l'onglet Devis", "", len(chased), "",
         (sum((line.quote.amount for line in chased), ZERO), "rl_euro")]
    )  # fmt: skip
    left = len(quotes.lines) - len(chased)
    if left:
        sheet.append(["Devis échus non joignables", "voir l'onglet Anomalies", "", left])


def _file_lines(sheet: Rows, proposal: Proposal) -> None:
    """Every line of every file accounted for: header + used + left out on purpose + anomalies + blank."""
    if not proposal.files:
        return
    sheet.append([])
    sheet.append([("Lignes des fichiers lus", "rl_bold")])
    headers = ("Fichier", "Lignes", "En-tête", "Utilisées", "Écartées", "Anomalies", "Vides", "Remarque")
    sheet.append([(h, "rl_header") for h in headers])
    for name, report in proposal.files.items():
        sheet.append(
            [name, report.lines, report.header, report.used, report.skipped, report.anomalies, report.blank,
             report.note]
        )  # fmt: skip


def _table(book: Book, spec: Sheet, rows: Sequence[Any], proposal_id: str, settings: Settings) -> None:
    """One row per item, column by column as `spec` declares them; the hidden ID seals the row."""
    headers = spec.titles
    sheet = book.sheet(spec.name, [column.width for column in spec.columns], headers)
    sheet.hide_column(len(headers) - 1, spec.columns[-1].width)
    identity = [spec.column(title) for title in spec.identity]
    witnesses = spec.witnesses
    kind = spec.name[0]  # "C", "F" or "D"
    level_at = spec.position("Niveau") if "Niveau" in headers else -1  # « Libellé niveau » follows it
    level_column = xl_col_to_name(level_at) if level_at >= 0 else ""
    levels = f"{L.META}!$D$1:$E${len(settings.levels)}"
    for number, item in enumerate(rows, start=2):
        values = [column.value(item) for column in spec.columns]
        cells: list[Any] = []
        for column, value in zip(spec.columns, values, strict=True):
            if column.kind == ID:
                written = dict(zip(headers, values, strict=True))
                cells.append(
                    row_id(
                        proposal_id,
                        kind,
                        [str(written[c.title]) for c in identity],
                        [(c, written[c.title]) for c in witnesses],
                    )
                )
            elif column.kind == FORMULA:
                cells.append(_level_label(f"{level_column}{number}", values[level_at], value, levels))
            else:
                cells.append((value, column.style or ""))
        sheet.append(cells)
    count = len(rows)
    if spec.name == L.CUSTOMERS:
        sheet.dropdown(spec.position("Niveau"), [str(level.number) for level in settings.levels], count)
        sheet.dropdown(spec.position("Canal"), CHANNELS.values(), count)
        sheet.dropdown(spec.position("À relancer"), (L.YES, L.NO), count)
        sheet.dropdown(spec.position("Réclamer pénalités"), (L.YES, L.NO), count)
    elif spec.name == L.QUOTES:
        sheet.dropdown(spec.position("À relancer"), (L.YES, L.NO), count)
        sheet.dropdown(spec.position("Canal"), [CHANNELS[code] for code in QUOTE_CHANNELS], count)
    else:
        sheet.dropdown(spec.position("Inclure"), (L.YES, L.NO), count)
    sheet.filters(len(headers), count)


def _level_label(cell: str, level: int | None, label: str, levels: str) -> Formula:
    """« Libellé niveau » follows « Niveau » when the accountant changes it: a formula over the levels
    table of the hidden sheet, showing the label written (« Contentieux »…) while the level is unchanged."""
    written = label.replace('"', '""')
    lookup = f'IFERROR(VLOOKUP(VALUE({cell}),{levels},2,FALSE),"?")'
    if level is not None:
        lookup = f'IF({cell}={level},"{written}",{lookup})'
    return Formula(f'=IF({cell}="","",{lookup})', label)


def _anomalies(book: Book, proposal: Proposal) -> None:
    headers = L.ANOMALY_HEADERS
    sheet = book.sheet(L.ANOMALIES, (24, 8, 20, 24, 90), headers)
    for anomaly in proposal.anomalies:
        sheet.append([anomaly.file, anomaly.row, anomaly.column, anomaly.value, anomaly.message])
    sheet.filters(len(headers), len(proposal.anomalies))


def _ageing(book: Book, proposal: Proposal) -> None:
    company = (L.COMPANY_HEADER,) if proposal.settings.companies else ()  # [[societes]]: its column first
    headers = (*company, "Code client", "Client", *(label for label, _, _ in BUCKETS), "Total")
    sheet = book.sheet(L.AGEING, ((10,) if company else ()) + (12, 34, 14, 14, 14, 14, 16, 15), headers)
    totals = [ZERO] * len(BUCKETS)
    for row in proposal.ageing:
        totals = [a + b for a, b in zip(totals, row.amounts, strict=True)]
        sheet.append(
            [row.customer.company] * len(company)
            + [row.customer.code, row.customer.name]
            + [(amount, "rl_euro") for amount in row.amounts]
            + [(row.total, "rl_euro_bold")]
        )
    rows = len(proposal.ageing)
    sheet.append(
        [("Total", "rl_bold"), ""]
        + [""] * len(company)
        + [(amount, "rl_euro_bold") for amount in totals]
        + [(sum(totals, ZERO), "rl_euro_bold")]
    )
    sheet.filters(len(headers), rows)
    chart = book.workbook.add_chart({"type": "column"})
    first = 2 + len(company)
    last = first - 1 + len(BUCKETS)
    chart.add_series(
        {
            "categories": [L.AGEING, 0, first, 0, last],
            "values": [L.AGEING, rows + 1, first, rows + 1, last],
            "name": "Encours",
        }
    )
    chart.set_title({"name": "Encours par ancienneté"})
    chart.set_y_axis({"name": "€"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 580, "height": 300})
    sheet.sheet.insert_chart(1, len(headers) + 1, chart)


def _metadata(
    book: Book, proposal: Proposal, prepared_at: datetime, proposal_id: str, files: Sequence[str]
) -> None:
    sheet = book.sheet(L.META, ())
    sheet.sheet.hide()
    metadata = [
        ("format", L.FORMAT_NAME),
        ("version", L.FORMAT_VERSION),
        ("proposition", proposal_id),
        ("date_reference", proposal.reference_date.isoformat()),
        ("preparee_le", prepared_at.isoformat(timespec="seconds")),
        ("fichiers", "|".join(files)),
        ("a_relancer", len(proposal.chased) + (len(proposal.quotes.chased) if proposal.quotes else 0)),
    ]
    if proposal.quotes is not None:
        metadata.append(("devis", len(proposal.quotes.lines)))  # the Devis sheet must be read back
    if proposal.settings.companies:
        metadata.append((L.COMPANIES_KEY, "|".join(c.code for c in proposal.settings.companies)))
    # Columns D:E: the levels, looked up by « Libellé niveau » in the Clients sheet.
    levels = [(level.number, level.label) for level in proposal.settings.levels]
    for index in range(max(len(metadata), len(levels))):
        key, value = metadata[index] if index < len(metadata) else (None, None)
        number, label = levels[index] if index < len(levels) else (None, None)
        sheet.append([key, value, None, number, label])
