"""Questions asked in a console, one at a time, in French: text, numbered choice, yes/no, password."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from models.errors import RelanceError

TRIES = 5  # wrong answers in a row before giving up: a script feeding the same answer loops no more


class GiveUp(Exception):
    """The user chose to stop: nothing is written."""


@dataclass
class Prompter:
    """Asks one question at a time; Entrée keeps the value in brackets, « - » clears an optional one."""

    ask: Callable[[str], str]
    secret: Callable[[str], str]
    out: TextIO

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _answer(self, prompt: str, hidden: bool = False) -> str:
        try:
            return (self.secret if hidden else self.ask)(prompt)
        except EOFError:
            raise RelanceError(
                "« configurer » attend vos réponses au clavier, mais il n'y a plus rien à lire : lancez-le "
                "dans une fenêtre de commandes (double-clic sur relance.bat, ou « relance.bat configurer »). "
                "Rien n'a été modifié."
            ) from None

    def text(
        self,
        label: str,
        current: str = "",
        *,
        required: bool = False,
        check: Callable[[str], str] | None = None,
    ) -> str:
        """An answer, checked by `check` (which returns the value to keep or raises ValueError)."""
        for _ in range(TRIES):
            shown = f" [{current}]" if current else ""
            answer = self._answer(f"  {label}{shown} : ").strip()
            if answer == "-" and not required:
                return ""
            answer = answer or current
            if not answer:
                if not required:
                    return ""
                self.say("    Cette information est nécessaire.")
                continue
            if check is None:
                return answer
            try:
                return check(answer)
            except ValueError as problem:
                self.say(f"    « {answer} » : {problem}.")
        raise self.too_many(label)

    def choice(self, label: str, options: list[str], default: int = 0) -> int:
        """The number (1…) of the option chosen."""
        for number, option in enumerate(options, start=1):
            self.say(f"    {number}. {option}")
        for _ in range(TRIES):
            shown = f" [{default}]" if default else ""
            answer = self._answer(f"  {label}{shown} : ").strip() or str(default or "")
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return int(answer)
            self.say(f"    Tapez un numéro de 1 à {len(options)}.")
        raise self.too_many(label)

    def yes(self, label: str, default: bool = True) -> bool:
        hint = "[O/n]" if default else "[o/N]"
        answer = self._answer(f"  {label} {hint} ").strip().lower()
        return default if not answer else answer in ("o", "oui", "y", "yes")

    def password(self, label: str) -> str:
        return self._answer(f"  {label} : ", hidden=True)

    @staticmethod
    def too_many(label: str) -> RelanceError:
        return RelanceError(
            f"« configurer » s'arrête : {TRIES} réponses de suite ne conviennent pas pour « {label} ». "
            "Rien n'a été modifié."
        )
