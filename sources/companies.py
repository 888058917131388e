"""The « Société » column of the exports with `[[societes]]`: which company each row belongs to, and the
exports split into one set per company (each then read as the simple case of one company).

Every invoice, payment and quote row must name one company of relance.toml; a customer row may name one
(that company's customer) or none (a customer of every company). A row that names no known company is never
guessed: every such row is a problem naming its file, line and column, all told together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.companies import codes_by_key, company_key
from models.problems import Problem
from models.settings import Settings
from sources import vectors
from sources.checks import Sheet
from sources.frames import Frames

_LINES_SHOWN = 10


@dataclass
class CompanyColumn:
    """Reads the « Société » column of each file of a folder; the problems of all files, in file order."""

    settings: Settings
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.codes = codes_by_key(self.settings.companies)
        self.listed = ", ".join(company.code for company in self.settings.companies)

    def read(self, sheet: Sheet) -> tuple[np.ndarray, np.ndarray] | None:
        """(company code, cell as written) of each row ("" where the cell names no company), None without
        the column; read before the sheet's cells are released, then given to `check`."""
        column = sheet.column("societe")
        if column is None:
            return None
        cells = vectors.texts(column, shared=True)
        found = {text: self.codes.get(company_key(text), "") for text in pd.unique(cells)}
        return np.array([found[text] for text in cells], dtype=object), cells

    def check(self, sheet: Sheet, read: tuple[np.ndarray, np.ndarray] | None, *, required: bool = True
              ) -> np.ndarray:
        """The codes of the rows still alive (the reader's frame, in its order); a row naming no known
        company is a problem (an empty cell too when `required`: invoices, payments and quotes)."""
        alive = sheet.alive
        if read is None:  # no column at all: told once for the file
            if required and alive.any():
                found = ", ".join(title for title in sheet.layout.headers if title) or "aucune"
                each = "chaque devis" if sheet.kind == "devis" else "chaque facture et chaque règlement"
                self.problems.append(Problem(
                    f"{sheet.file}!0000000",
                    f"Le fichier {sheet.file} n'a pas de colonne « Société » (colonnes trouvées : {found}) : "
                    f"avec plusieurs sociétés ([[societes]] dans relance.toml), {each} dit la sienne. "
                    "Ajoutez la colonne, ou indiquez son titre dans relance.toml, "
                    f"section [colonnes.{sheet.kind}], clé societe.",
                ))
            return np.full(int(alive.sum()), "", dtype=object)
        codes, texts = read
        wrong = alive & (codes == "") & ((texts != "") | required)
        if wrong.any():
            header = sheet.layout.header("societe")
            by_value: dict[str, list[int]] = defaultdict(list)  # « Marseille » and « MARSEILLE » together
            written: dict[str, str] = {}
            for row in np.flatnonzero(wrong):
                key = company_key(texts[row])
                written.setdefault(key, texts[row])
                by_value[key].append(int(sheet.first[row]))
            for key, lines in by_value.items():
                message = self._message(sheet, header, written[key], lines)
                self.problems.append(Problem(f"{sheet.file}!{lines[0]:07d}", message))
        return codes[alive]

    def _message(self, sheet: Sheet, header: str, value: str, lines: list[int]) -> str:
        shown = ", ".join(str(line) for line in lines[:_LINES_SHOWN])
        where = (f"{sheet.file}, ligne{'s' if len(lines) > 1 else ''} {shown}"
                 + (f"… ({len(lines)} lignes)" if len(lines) > _LINES_SHOWN else ""))
        if not value:
            return (f"{where}, colonne « {header} » : vide ; chaque ligne dit sa société ({self.listed}).")
        return (f"{where}, colonne « {header} » : « {value} » n'est le code d'aucune société de relance.toml "
                f"({self.listed}) ; corrigez la cellule, ou ajoutez cette société dans un bloc [[societes]].")

    def not_readable(self, file: str, what: str) -> None:
        """A FEC or a ledger export: no « Société » column to read."""
        self.problems.append(Problem(
            f"{file}!0000000",
            f"Le fichier {file} est {what}, sans colonne « Société » : avec plusieurs sociétés ([[societes]] "
            "dans relance.toml), déposez plutôt les exports des factures et des règlements, avec une colonne "
            "« Société ».",
        ))


def split_frames(frames: Frames, settings: Settings) -> list[tuple[str, Frames]]:
    """The exports of each company of `[[societes]]`, in their order: its invoices and payments, and its
    customers (those of the clients file that name it, then those that name no company), each with the
    company's code; the past reminders are every company's (matched to invoices by number)."""
    invoices, payments = frames.invoices, frames.payments
    customers = frames.customers
    parts = []
    for company in settings.companies:
        code = company.code
        own = customers[customers["company"] == code]
        shared = customers[(customers["company"] == "") & ~customers["code"].isin(own["code"])]
        mine = pd.concat([own, shared], ignore_index=True).assign(company=code)
        part = Frames(
            invoices=_only(invoices, code),
            payments=_only(payments, code),
            customers=mine,
            past_reminders=frames.past_reminders,
        )
        parts.append((code, part))
    return parts


def _only(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows of one company, in the schema of the simple case (no company column)."""
    return frame[frame["company"] == code].drop(columns="company").reset_index(drop=True)
