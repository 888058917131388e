"""The accountant's choices, read from an edited proposal and checked cell by cell before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models.errors import RelanceError
from models.sending import CustomerChoice
from models.settings import CHANNEL_CODES, CHANNELS, Settings
from models.text import fold
from sources.cells import parse_amount, parse_flag, text_of
from workbook import layout as L
from workbook.reader import EditedProposal, SheetRow

# « Email + courrier », « email+courrier », « TELEPHONE »… -> channel code
_CHANNELS = {fold(label).replace(" ", ""): code for label, code in CHANNEL_CODES.items()} | {
    fold(code): code for code in CHANNELS
}


@dataclass(frozen=True)
class Choices:
    """Everything `plan_lot` needs from the workbook, plus the rows it ignores."""

    customers: dict[str, CustomerChoice]  # by customer code, in the workbook's order
    included: dict[tuple[str, str], bool]  # (customer code, invoice number) -> Inclure
    shown_remaining: dict[tuple[str, str], Decimal | None]  # (code, invoice number) -> Reste dû shown
    ignored: tuple[str, ...]  # French notes: rows added by hand


def read_choices(edited: EditedProposal, settings: Settings) -> Choices:
    """Read and check every editable cell; a value that means nothing stops with its sheet and cell."""
    levels = {level.number for level in settings.levels}
    customers = {}
    for key, row in sorted(edited.customers.items(), key=lambda item: item[1].row):
        code = key[2:] if key.startswith("C:") else text_of(row.values["Code client"])
        customers[code] = CustomerChoice(
            code=code,
            chase=_flag(row, "À relancer"),
            level=_level(row, levels),
            channel=_channel(row),
            email=text_of(row.values["Email"]),
            message=text_of(row.values["Message"]),
            where=f"{row.sheet}, ligne {row.row}",
            email_cell=row.cell("Email"),
            name=text_of(row.values["Client"]),
            claim=_optional_flag(row, "Réclamer pénalités"),
            claim_cell=row.cell("Réclamer pénalités") if "Réclamer pénalités" in row.columns else "",
        )
    included: dict[tuple[str, str], bool] = {}
    shown: dict[tuple[str, str], Decimal | None] = {}
    for key, row in edited.invoices.items():
        invoice = _invoice_key(key, row)
        included[invoice] = _flag(row, "Inclure")
        remaining = row.values["Reste dû"]
        shown[invoice] = _shown(remaining)
    ignored = tuple(
        f"Ligne ajoutée à la main ignorée : onglet {row.sheet}, ligne {row.row}"
        f" ({' '.join(text_of(v) for v in list(row.values.values())[:2] if text_of(v))})."
        for row in edited.added
    )
    return Choices(customers, included, shown, ignored)


def _flag(row: SheetRow, header: str) -> bool:
    value = row.values[header]
    flag = parse_flag(value)
    if flag is None:
        raise RelanceError(
            f"Valeur incomprise dans la proposition, onglet {row.sheet}, cellule {row.cell(header)} "
            f"(« {header} ») : « {text_of(value)} » ; mettez Oui ou Non."
        )
    return flag


def _optional_flag(row: SheetRow, header: str) -> bool | None:
    """A yes/no column that older proposals do not have; empty means « as the level says »."""
    if header not in row.columns or not text_of(row.values.get(header)):
        return None
    return _flag(row, header)


def _level(row: SheetRow, levels: set[int]) -> int | None:
    value = row.values["Niveau"]
    text = text_of(value)
    if not text:
        return None
    digits = text.lower().removeprefix("niveau").strip()
    if digits.isdigit() and int(digits) in levels:
        return int(digits)
    raise RelanceError(
        f"Niveau inconnu dans la proposition, onglet {row.sheet}, cellule {row.cell('Niveau')} : "
        f"« {text} » ; niveaux possibles : {', '.join(str(n) for n in sorted(levels))}."
    )


def _channel(row: SheetRow) -> str | None:
    text = text_of(row.values["Canal"])
    if not text:
        return None
    code = _CHANNELS.get(fold(text).replace(" ", ""))
    if code is None:
        raise RelanceError(
            f"Canal inconnu dans la proposition, onglet {row.sheet}, cellule {row.cell('Canal')} : "
            f"« {text} » ; canaux possibles : {', '.join(CHANNELS.values())}."
        )
    return code


def _invoice_key(key: str, row: SheetRow) -> tuple[str, str]:
    code, number = text_of(row.values["Code client"]), text_of(row.values["N° facture"])
    if L.invoice_id(code, number) == key:
        return code, number
    # The visible cells were changed by hand: the hidden ID is the truth.
    code, _, number = key.removeprefix("F:").partition(":")
    return code, number


def _shown(value: object) -> Decimal | None:
    """The Reste dû the accountant saw, or None when the cell was emptied or made unreadable."""
    try:
        return parse_amount(value)
    except ValueError:
        return None
