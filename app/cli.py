"""The command line: parse the French arguments, run one command, turn user errors into one sentence.

Exit codes: 0 done (also "nothing to do"), 1 user error, 2 bad command line, 4 unexpected error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from app.config import load_settings
from app.folder import Folder
from app.prepare import prepare, summary
from app.status import status
from models.errors import RelanceError

OK, USER_ERROR, BAD_COMMAND_LINE, UNEXPECTED = 0, 1, 2, 4

COMMANDS = {
    "preparer": "lire les exports de input/ et écrire la proposition de relances dans output/",
    "etat": "dire ce qui est en attente (proposition à valider, prête à envoyer) et le bilan du journal",
}

# argparse speaks English; its few messages that users see, in French.
_FRENCH = {
    "usage: ": "usage : ",
    "options": "options",
    "positional arguments": "arguments",
    "show this help message and exit": "afficher cette aide et quitter",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "expected one argument": "une valeur est attendue",
    "argument %(argument_name)s: %(message)s": "option %(argument_name)s : %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix inconnu : %(value)r (possibles : %(choices)s)"
    ),
    "not allowed with argument %s": "incompatible avec l'option %s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s (%(matches)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"Ligne de commande incorrecte : {message}. Aide : python relance.py --help\n")
        raise SystemExit(BAD_COMMAND_LINE)


def _reference_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas une date AAAA-MM-JJ (ex. 2026-11-23)"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    argparse._ = lambda text: _FRENCH.get(text, text)  # type: ignore[attr-defined]
    parser = _Parser(
        prog="relance.py",
        description="Relance : relances des factures clients impayées, à partir des exports comptables.",
        epilog="Sans commande (double-clic), Relance fait l'étape suivante : aujourd'hui, préparer.",
    )
    parser.add_argument(
        "commande",
        nargs="?",
        choices=list(COMMANDS),
        metavar="COMMANDE",
        help="; ".join(f"{name} : {text}" for name, text in COMMANDS.items()),
    )
    parser.add_argument(
        "--dossier",
        type=Path,
        metavar="DIR",
        help="dossier contenant input/, output/, templates_word/, relance.toml et .env "
        "(par défaut : celui de relance.py)",
    )
    parser.add_argument(
        "--date",
        type=_reference_date,
        metavar="AAAA-MM-JJ",
        help="date de référence : échéances échues au (par défaut : aujourd'hui)",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="n'afficher que l'essentiel")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="afficher le détail")
    return parser


def main(
    argv: Sequence[str] | None,
    default_root: Path,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    now: datetime | None = None,
) -> int:
    """Run one command; return the exit code. `default_root` is the folder of relance.py."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    _logging(stderr, args.quiet, args.verbose)
    now = now or datetime.now().replace(microsecond=0)
    folder = Folder((args.dossier or default_root).resolve())
    try:
        folder.check()
        settings = load_settings(folder.config)
        today = args.date or now.date()
        command = args.commande or "preparer"
        if command == "etat":
            status(folder, stdout)
        else:
            summary(prepare(folder, settings, today, now), folder, stdout, quiet=args.quiet)
    except RelanceError as error:
        stderr.write(f"Erreur : {error}\n")
        return USER_ERROR
    except KeyboardInterrupt:
        stderr.write("Interrompu : rien n'a été écrit à moitié.\n")
        return USER_ERROR
    except Exception as error:  # a bug: say it in one sentence, details with -v
        logging.getLogger("relance").debug("Erreur inattendue", exc_info=True)
        stderr.write(
            f"Erreur inattendue ({type(error).__name__} : {error}). Relancez avec -v pour le détail "
            "et signalez-la.\n"
        )
        return UNEXPECTED
    return OK


def _logging(stream: TextIO, quiet: bool, verbose: bool) -> None:
    logger = logging.getLogger("relance")
    logger.handlers.clear()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
