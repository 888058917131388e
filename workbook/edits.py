"""The accountant's choices, read from the editable cells of a proven proposal and checked cell by cell;
every cell that means nothing is a problem, and all of them are returned together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from models.problems import Problem
from models.sending import CustomerChoice
from models.settings import CHANNEL_CODES, CHANNELS, Settings
from models.text import fold
from sources.cells import parse_amount, parse_flag, text_of
from workbook.reader import EditedProposal, SheetRow

# « Email + courrier », « email+courrier », « TELEPHONE »… -> channel code
_CHANNELS = {fold(label).replace(" ", ""): code for label, code in CHANNEL_CODES.items()} | {
    fold(code): code for code in CHANNELS
}


@dataclass(frozen=True)
class Choices:
    """Everything `plan_lot` needs from the workbook, the rows it ignores, and what does not add up."""

    customers: dict[str, CustomerChoice]  # by customer code, in the workbook's order
    included: dict[tuple[str, str], bool]  # (customer code, invoice number) -> Inclure
    shown_remaining: dict[tuple[str, str], Decimal | None]  # (code, invoice number) -> Reste dû shown
    ignored: tuple[str, ...]  # French notes: rows added by hand
    problems: tuple[Problem, ...] = ()


def read_choices(edited: EditedProposal, settings: Settings, emails: Mapping[str, str]) -> Choices:
    """Read and check every editable cell. `emails`: each customer's address in today's exports, to tell
    an address moved from another customer's row (a column sorted alone) from one typed by hand."""
    cells = Cells(settings)
    customers = {}
    for code, row in sorted(edited.customers.items(), key=lambda item: item[1].row):
        customers[code] = CustomerChoice(
            code=code,
            chase=cells.flag(row, "À relancer"),
            level=cells.level(row),
            channel=cells.channel(row),
            email=text_of(row.values["Email"]),
            message=text_of(row.values["Message"]),
            where=f"{row.sheet}, ligne {row.row}",
            email_cell=row.cell("Email"),
            claim=cells.optional_flag(row, "Réclamer pénalités"),
            claim_cell=row.cell("Réclamer pénalités"),
            row=row.row,
            name=text_of(row.values["Client"]),
        )
    _moved_emails(edited, customers, emails, cells.problems)
    included: dict[tuple[str, str], bool] = {}
    shown: dict[tuple[str, str], Decimal | None] = {}
    for key, row in edited.invoices.items():
        included[key] = cells.flag(row, "Inclure")
        shown[key] = _shown(row.values["Reste dû"])
    ignored = tuple(
        f"Ligne ajoutée à la main ignorée : onglet {row.sheet}, ligne {row.row}"
        f" ({' '.join(text_of(v) for v in list(row.values.values())[:2] if text_of(v))})."
        for row in edited.added
    )
    return Choices(customers, included, shown, (*ignored, *_deleted(edited)), tuple(cells.problems))


def _deleted(edited: EditedProposal) -> list[str]:
    """Customers whose `Clients` row was deleted (`preparer` writes one for every customer of `Factures`):
    not chased, as if « À relancer » said Non — said, so that a row deleted by mistake is seen."""
    gone: dict[str, int] = {}
    for code, _ in edited.invoices:
        if code not in edited.customers:
            gone[code] = gone.get(code, 0) + 1
    return [
        f"Client {code} : sa ligne a été supprimée de l'onglet Clients : pas de relance "
        f"({count} facture{'s' if count > 1 else ''} de l'onglet Factures ignorée{'s' if count > 1 else ''})."
        for code, count in gone.items()
    ]


class Cells:
    """Parses editable cells; a value that means nothing becomes a problem naming its cell."""

    def __init__(self, settings: Settings) -> None:
        self.levels = {level.number for level in settings.levels}
        self.problems: list[Problem] = []

    def _problem(self, row: SheetRow, message: str) -> None:
        self.problems.append(Problem(f"{row.sheet}!{row.row:07d}", message))

    def flag(self, row: SheetRow, header: str) -> bool:
        value = row.values[header]
        flag = parse_flag(value)
        if flag is None:
            self._problem(
                row,
                f"Valeur incomprise dans la proposition, onglet {row.sheet}, cellule {row.cell(header)} "
                f"(« {header} ») : « {text_of(value)} » ; mettez Oui ou Non.",
            )
            return False
        return flag

    def optional_flag(self, row: SheetRow, header: str) -> bool | None:
        """A yes/no column whose empty cell means « as the level says »."""
        if not text_of(row.values.get(header)):
            return None
        return self.flag(row, header)

    def level(self, row: SheetRow) -> int | None:
        text = text_of(row.values["Niveau"])
        if not text:
            return None
        digits = text.lower().removeprefix("niveau").strip()
        if digits.isdigit() and int(digits) in self.levels:
            return int(digits)
        self._problem(
            row,
            f"Niveau inconnu dans la proposition, onglet {row.sheet}, cellule {row.cell('Niveau')} : "
            f"« {text} » ; niveaux possibles : {', '.join(str(n) for n in sorted(self.levels))}.",
        )
        return None

    def channel(self, row: SheetRow) -> str | None:
        text = text_of(row.values["Canal"])
        if not text:
            return None
        code = _CHANNELS.get(fold(text).replace(" ", ""))
        if code is None:
            self._problem(
                row,
                f"Canal inconnu dans la proposition, onglet {row.sheet}, cellule {row.cell('Canal')} : "
                f"« {text} » ; canaux possibles : {', '.join(CHANNELS.values())}.",
            )
        return code


def _moved_emails(
    edited: EditedProposal,
    customers: Mapping[str, CustomerChoice],
    emails: Mapping[str, str],
    problems: list[Problem],
) -> None:
    """An address is moved, not typed, when it is another customer's own address and that customer's row
    no longer shows it: the Email column was sorted or cut apart from its rows. Copied on purpose to a
    second customer (its owner's row still shows it), it is the accountant's choice."""
    owner_of = {fold(address): code for code, address in emails.items() if address}
    shown = {code: fold(choice.email) for code, choice in customers.items()}
    for code, choice in customers.items():
        address = fold(choice.email)
        owner = owner_of.get(address)
        if not address or owner is None or owner == code or fold(emails.get(code, "")) == address:
            continue
        if owner in shown and shown[owner] != address:
            row = edited.customers[code]
            problems.append(
                Problem(
                    f"{row.sheet}!{row.row:07d}",
                    f"Onglet {row.sheet}, cellule {choice.email_cell} : l'adresse « {choice.email} » est "
                    f"celle du client {owner} (ligne {edited.customers[owner].row}), dont la ligne montre "
                    "désormais une autre adresse : la colonne Email a été triée ou déplacée à part des "
                    "autres.",
                )
            )


def _shown(value: object) -> Decimal | None:
    """The Reste dû the accountant saw, or None when the cell was emptied or made unreadable."""
    try:
        return parse_amount(value)
    except ValueError:
        return None
