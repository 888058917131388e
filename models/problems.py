"""A problem found while checking an edited proposal or a lot: one French sentence, told with the others."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models.errors import RelanceError


@dataclass(frozen=True, slots=True)
class Problem:
    """What must be fixed before anything is sent; `where` orders the report (a sheet and row, a file)."""

    where: str
    message: str

    def __str__(self) -> str:
        return self.message


class Problems(RelanceError):
    """Every problem found, told together so that the accountant fixes them in one pass."""

    def __init__(self, intro: str, problems: Iterable[Problem], hint: str = "") -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem.message}" for problem in self.problems)
        super().__init__(f"{intro}\n{lines}", hint)

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}".strip()
