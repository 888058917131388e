"""The options of `envoyer`, shared by the command line, the double-click and the scheduled run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SendOptions:
    yes: bool = False  # --oui: no question
    simulation: bool = False  # --simulation: render everything into output/simulation/, send nothing
    retry_uncertain: bool = False  # --renvoyer-incertains
    uncertain_arrived: bool = False  # --incertains-envoyes: the user found them sent, count them as sent
