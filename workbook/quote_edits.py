"""The accountant's choices in the « Devis » sheet (À relancer, Canal, Message), read from a proven proposal
and checked cell by cell; every cell that means nothing is a problem, all of them returned together."""

from __future__ import annotations

from dataclasses import dataclass

from models.problems import Problem
from models.quote_sending import QUOTE_CHANNELS, QuoteChoice
from models.quotes import QuoteKey
from models.settings import CHANNELS, Settings
from models.text import fold
from sources.cells import text_of
from workbook.edits import Cells
from workbook.reader import EditedProposal, SheetRow

# « Email », « COURRIER », « e-mail »… -> channel code (QUOTE_CHANNELS: Email or Courrier)
_CHANNELS = {fold(CHANNELS[code]): code for code in QUOTE_CHANNELS} | {"e-mail": "email", "mail": "email"}


@dataclass(frozen=True)
class QuoteChoices:
    """The « Devis » sheet's choices by quote (company, number), in the workbook's order, and what does
    not add up."""

    quotes: dict[QuoteKey, QuoteChoice]
    problems: tuple[Problem, ...] = ()


def read_quote_choices(edited: EditedProposal, settings: Settings) -> QuoteChoices:
    """Read and check the editable cells of every row of the « Devis » sheet (none without that sheet)."""
    cells = Cells(settings)
    problems = cells.problems
    choices = {}
    for (company, number), row in sorted(edited.quotes.items(), key=lambda item: item[1].row):
        choices[company, number] = QuoteChoice(
            number=number,
            code=text_of(row.values["Code client"]),
            chase=cells.flag(row, "À relancer"),
            channel=_channel(row, problems),
            message=text_of(row.values["Message"]),
            where=f"{row.sheet}, ligne {row.row}",
            channel_cell=row.cell("Canal"),
            row=row.row,
            name=text_of(row.values["Client"]),
            company=company,
        )
    return QuoteChoices(choices, tuple(problems))


def _channel(row: SheetRow, problems: list[Problem]) -> str | None:
    """A follow-up goes by email or by post; an empty cell keeps the proposal's channel."""
    text = text_of(row.values["Canal"])
    if not text:
        return None
    code = _CHANNELS.get(fold(text))
    if code is None:
        problems.append(
            Problem(
                f"{row.sheet}!{row.row:07d}",
                f"Canal inconnu dans la proposition, onglet {row.sheet}, cellule {row.cell('Canal')} : "
                f"« {text} » ; une relance de devis part par Email ou par Courrier.",
            )
        )
    return code
