"""Write the proposal workbook: openpyxl write-only (fast on big files), then a rename."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from models.ageing import BUCKETS
from models.proposal import Proposal
from models.records import ZERO
from models.settings import CHANNELS, Settings
from workbook import layout as L
from workbook.columns import CUSTOMER_SHEET, FORMULA, ID, INVOICE_SHEET, Sheet
from workbook.identity import row_id
from workbook.saving import save_atomically
from workbook.styles import Styler

INSTRUCTIONS = (
    "1. Clients : Non dans « À relancer » écarte un client ; changez au besoin niveau, canal, email, "
    "message. Seules les cellules jaunes sont lues.",
    "2. Factures : Non dans « Inclure » retire une facture de la lettre de son client.",
    "3. Triez ou filtrez avec les flèches des en-têtes (toutes les colonnes ensemble) ; ne triez pas "
    "quelques colonnes à part, ne collez pas de cellules d'une autre ligne.",
    f"4. Puis mettez Oui dans « {L.VALIDATED_LABEL} » ({L.VALIDATED_CELL}), enregistrez, fermez et relancez "
    "Relance pour envoyer.",
)
HEADER_HEIGHT = 32  # points: two lines of a wrapped title, in Excel and LibreOffice alike


def write_proposal(
    proposal: Proposal,
    path: Path,
    *,
    prepared_at: datetime,
    proposal_id: str,
    files: Sequence[str],
) -> None:
    """Write the workbook at `path`, which must not exist yet: an edited proposal is never overwritten."""
    if path.exists():  # before building anything
        raise FileExistsError(path)
    workbook = Workbook(write_only=True)
    styler = Styler.install(workbook)
    _summary(workbook, styler, proposal, prepared_at, files)
    rows = [(c, i) for c in proposal.customers for i in c.invoices]
    _table(workbook, styler, CUSTOMER_SHEET, proposal.customers, proposal_id, proposal.settings)
    _table(workbook, styler, INVOICE_SHEET, rows, proposal_id, proposal.settings)
    _anomalies(workbook, styler, proposal)
    _ageing(workbook, styler, proposal)
    _metadata(workbook, proposal, prepared_at, proposal_id, files)
    save_atomically(workbook, path)


def _sheet(
    workbook: Workbook, styler: Styler, title: str, headers: Sequence[str], widths: Sequence[int]
) -> Any:
    sheet = workbook.create_sheet(title)
    # Printed landscape, one page wide, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if headers:
        sheet.print_title_rows = "1:1"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    # Column settings must come before the first row: write-only mode writes them with it.
    if headers and headers[-1] == L.ID_HEADER:
        sheet.column_dimensions[get_column_letter(len(headers))].hidden = True
    if headers:
        sheet.freeze_panes = "A2"
        sheet.row_dimensions[1].height = HEADER_HEIGHT
        sheet.append([styler.cell(sheet, header, "rl_header") for header in headers])
    return sheet


def _finish_table(sheet: Any, headers: Sequence[str], rows: int) -> None:
    """Filters over the table."""
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows + 1}"


def _dropdown(sheet: Any, headers: Sequence[str], header: str, options: Iterable[str], rows: int) -> None:
    if rows == 0:
        return
    column = get_column_letter(headers.index(header) + 1)
    values = ",".join(options)
    validation = DataValidation(
        type="list",
        formula1=f'"{values}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Valeur non prévue",
        error=f"Choisissez une valeur de la liste : {values.replace(',', ', ')}.",
    )
    validation.add(f"{column}2:{column}{rows + 1}")
    sheet.data_validations.append(validation)


def _summary(
    workbook: Workbook, styler: Styler, proposal: Proposal, prepared_at: datetime, files: Sequence[str]
) -> None:
    sheet = _sheet(workbook, styler, L.SUMMARY, (), (34, 26, 18, 12, 12, 18))
    cell = styler.cell
    chased = proposal.chased
    sheet.append([cell(sheet, "Proposition de relances", "rl_title")])
    for _ in range(L.VALIDATED_ROW - 2):
        sheet.append([])
    sheet.append(
        [
            cell(sheet, L.VALIDATED_LABEL, "rl_validate"),
            cell(sheet, L.NO, "rl_validate"),
            "← Oui quand tout est vérifié, puis enregistrez",
        ]
    )
    validation = DataValidation(type="list", formula1=f'"{L.YES},{L.NO}"', allow_blank=False)
    validation.add(L.VALIDATED_CELL)
    sheet.data_validations.append(validation)
    sheet.append([])
    sheet.append(["Échéances échues au", cell(sheet, proposal.reference_date, "rl_date")])
    sheet.append(["Préparée le", cell(sheet, prepared_at, "rl_datetime")])
    sheet.append(["Fichiers lus", ", ".join(files)])
    sheet.append(
        ["Anomalies", len(proposal.anomalies), "voir l'onglet Anomalies" if proposal.anomalies else ""]
    )
    scope = " ; ".join(proposal.scope.describe()) or "aucun : tous les clients"
    sheet.append(["Filtres", styler.text(sheet, scope)])
    sheet.append([])
    sheet.append([cell(sheet, "Mode d'emploi", "rl_bold")])
    for line in INSTRUCTIONS:
        sheet.append([line])
    sheet.append([])

    headers = ("Niveau", "Libellé", "Canal", "Clients", "Factures", "Montant échu")
    sheet.append([cell(sheet, h, "rl_header") for h in headers])
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
                cell(sheet, amounts[key], "rl_euro"),
            ]
        )
    sheet.append(
        [
            cell(sheet, "Total à relancer", "rl_bold"),
            "",
            "",
            len(chased),
            sum(invoices.values()),
            cell(sheet, sum(amounts.values(), ZERO), "rl_euro_bold"),
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
            cell(sheet, sum((c.total_overdue for c in not_chased), ZERO), "rl_euro"),
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
                cell(sheet, sum((c.total_overdue for c in litigation), ZERO), "rl_euro"),
            ]
        )
    _file_lines(sheet, styler, proposal)


def _file_lines(sheet: Any, styler: Styler, proposal: Proposal) -> None:
    """Every line of every file accounted for: header + used + left out on purpose + anomalies + blank."""
    if not proposal.files:
        return
    sheet.append([])
    sheet.append([styler.cell(sheet, "Lignes des fichiers lus", "rl_bold")])
    headers = ("Fichier", "Lignes", "En-tête", "Utilisées", "Écartées", "Anomalies", "Vides", "Remarque")
    sheet.append([styler.cell(sheet, h, "rl_header") for h in headers])
    for name, report in proposal.files.items():
        sheet.append(
            [
                styler.text(sheet, name),
                report.lines,
                report.header,
                report.used,
                report.skipped,
                report.anomalies,
                report.blank,
                styler.text(sheet, report.note),
            ]
        )


def _table(
    workbook: Workbook, styler: Styler, spec: Sheet, rows: Sequence[Any], proposal_id: str, settings: Settings
) -> None:
    """One row per item, column by column as `spec` declares them; the hidden ID seals the row."""
    headers = spec.titles
    sheet = _sheet(workbook, styler, spec.name, headers, [column.width for column in spec.columns])
    identity = [spec.column(title) for title in spec.identity]
    witnesses = spec.witnesses
    kind = spec.name[0]  # "C" or "F"
    level_column = get_column_letter(spec.position("Niveau") + 1)
    levels = f"{L.META}!$D$1:$E${len(settings.levels)}"
    for number, item in enumerate(rows, start=2):
        values = [column.value(item) for column in spec.columns]
        cells = []
        for column, value in zip(spec.columns, values, strict=True):
            if column.kind == ID:
                written = {c.title: v for c, v in zip(spec.columns, values, strict=True)}
                cells.append(
                    row_id(
                        proposal_id,
                        kind,
                        [str(written[c.title]) for c in identity],
                        [(c, written[c.title]) for c in witnesses],
                    )
                )
            elif column.kind == FORMULA:
                cells.append(_level_label(sheet, level_column, number, values, spec, value, levels))
            elif column.style:
                cells.append(styler.cell(sheet, value, column.style))
            else:
                cells.append(styler.text(sheet, value) if isinstance(value, str) else value)
        sheet.append(cells)
    count = len(rows)
    if spec is CUSTOMER_SHEET:
        _dropdown(sheet, headers, "Niveau", [str(level.number) for level in settings.levels], count)
        _dropdown(sheet, headers, "Canal", CHANNELS.values(), count)
        _dropdown(sheet, headers, "À relancer", (L.YES, L.NO), count)
        _dropdown(sheet, headers, "Réclamer pénalités", (L.YES, L.NO), count)
    else:
        _dropdown(sheet, headers, "Inclure", (L.YES, L.NO), count)
    _finish_table(sheet, headers, count)


def _level_label(
    sheet: Any, level_column: str, row: int, values: list[Any], spec: Sheet, label: str, levels: str
) -> WriteOnlyCell:
    """« Libellé niveau » follows « Niveau » when the accountant changes it: a formula over the levels
    table of the hidden sheet, showing the label written (« Contentieux »…) while the level is unchanged."""
    level = values[spec.position("Niveau")]
    cell = f"{level_column}{row}"
    written = label.replace('"', '""')
    same = f'IF({cell}={level},"{written}",' if level is not None else ""
    formula = (
        f'=IF({cell}="","",{same}IFERROR(VLOOKUP(VALUE({cell}),{levels},2,FALSE),"?"){")" if same else ""})'
    )
    return WriteOnlyCell(sheet, formula)


def _anomalies(workbook: Workbook, styler: Styler, proposal: Proposal) -> None:
    headers = L.ANOMALY_HEADERS
    sheet = _sheet(workbook, styler, L.ANOMALIES, headers, (24, 8, 20, 24, 90))
    text = styler.text
    for anomaly in proposal.anomalies:
        sheet.append(
            [
                text(sheet, anomaly.file),
                anomaly.row,
                text(sheet, anomaly.column),
                text(sheet, anomaly.value),
                anomaly.message,
            ]
        )
    _finish_table(sheet, headers, len(proposal.anomalies))


def _ageing(workbook: Workbook, styler: Styler, proposal: Proposal) -> None:
    headers = ("Code client", "Client", *(label for label, _, _ in BUCKETS), "Total")
    sheet = _sheet(workbook, styler, L.AGEING, headers, (12, 34, 14, 14, 14, 14, 16, 15))
    cell, text = styler.cell, styler.text
    totals = [ZERO] * len(BUCKETS)
    for row in proposal.ageing:
        totals = [a + b for a, b in zip(totals, row.amounts, strict=True)]
        sheet.append(
            [text(sheet, row.customer.code), text(sheet, row.customer.name)]
            + [cell(sheet, amount, "rl_euro") for amount in row.amounts]
            + [cell(sheet, row.total, "rl_euro_bold")]
        )
    rows = len(proposal.ageing)
    sheet.append(
        [cell(sheet, "Total", "rl_bold"), ""]
        + [cell(sheet, amount, "rl_euro_bold") for amount in totals]
        + [cell(sheet, sum(totals, ZERO), "rl_euro_bold")]
    )
    _finish_table(sheet, headers, rows)
    chart = BarChart()
    chart.title = "Encours par ancienneté"
    chart.y_axis.title = "€"
    chart.legend = None
    chart.height, chart.width = 8, 16
    total_row = rows + 2
    chart.add_data(Reference(sheet, min_col=3, max_col=2 + len(BUCKETS), min_row=total_row), from_rows=True)
    chart.set_categories(Reference(sheet, min_col=3, max_col=2 + len(BUCKETS), min_row=1))
    sheet.add_chart(chart, f"{get_column_letter(len(headers) + 2)}2")


def _metadata(
    workbook: Workbook, proposal: Proposal, prepared_at: datetime, proposal_id: str, files: Sequence[str]
) -> None:
    sheet = workbook.create_sheet(L.META)
    sheet.sheet_state = "hidden"
    metadata = [
        ("format", L.FORMAT_NAME),
        ("version", L.FORMAT_VERSION),
        ("proposition", proposal_id),
        ("date_reference", proposal.reference_date.isoformat()),
        ("preparee_le", prepared_at.isoformat(timespec="seconds")),
        ("fichiers", "|".join(files)),
        ("a_relancer", len(proposal.chased)),
    ]
    # Columns D:E: the levels, looked up by « Libellé niveau » in the Clients sheet.
    levels = [(level.number, level.label) for level in proposal.settings.levels]
    for index in range(max(len(metadata), len(levels))):
        key, value = metadata[index] if index < len(metadata) else (None, None)
        number, label = levels[index] if index < len(levels) else (None, None)
        sheet.append([key, value, None, number, label])
