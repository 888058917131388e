"""The command line: parse the French arguments, run one command, turn user errors into one sentence.

Exit codes: 0 done (also "nothing to do"), 1 user error, 2 bad command line, 3 some reminders failed
(the next run retries them), 4 unexpected error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from app.cancel import cancel
from app.config import load_settings
from app.folder import Folder
from app.prepare import prepare, summary
from app.send import SendOptions, latest_proposal, send
from app.status import status
from models.errors import RelanceError
from workbook.reader import read_status

OK, USER_ERROR, BAD_COMMAND_LINE, SOME_FAILED, UNEXPECTED = 0, 1, 2, 3, 4

COMMANDS = {
    "preparer": "lire les exports de input/ et écrire la proposition de relances dans output/",
    "envoyer": "envoyer la dernière proposition validée (lettres PDF, emails, courriers, appels)",
    "annuler": "annuler le lot LOT déjà envoyé (ses relances ne comptent plus)",
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
        epilog="Sans commande (double-clic), Relance fait l'étape suivante : envoyer la proposition "
        "validée s'il y en a une, sinon en préparer une.",
    )
    parser.add_argument(
        "commande",
        nargs="?",
        choices=list(COMMANDS),
        metavar="COMMANDE",
        help="; ".join(f"{name} : {text}" for name, text in COMMANDS.items()),
    )
    parser.add_argument("lot", nargs="?", metavar="LOT", help="pour annuler : le numéro du lot (voir etat)")
    parser.add_argument("--oui", action="store_true", help="envoyer sans demander de confirmation")
    parser.add_argument(
        "--simulation",
        action="store_true",
        help="tout préparer dans output/simulation/ (PDF, emails .eml, liasse) "
        "sans rien envoyer ni enregistrer",
    )
    parser.add_argument(
        "--renvoyer-incertains",
        action="store_true",
        help="renvoyer les relances dont l'envoi a été interrompu (le destinataire les a peut-être reçues)",
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
    ask: Callable[[str], str] = input,
    interactive: bool | None = None,
) -> int:
    """Run one command; return the exit code. `default_root` is the folder of relance.py.

    `now` fixes the clock (tests); `ask` asks the user a question, only when the run is
    `interactive` (default: standard input is a terminal; never under the Task Scheduler).
    """
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.commande == "annuler" and not args.lot:
        return _bad_command_line("annuler : indiquez le numéro du lot, par exemple « annuler 2026-11-23-1 »")
    if args.lot and args.commande != "annuler":
        return _bad_command_line(f"argument en trop : {args.lot}")
    _logging(stderr, args.quiet, args.verbose)
    clock = (lambda: now) if now else (lambda: datetime.now().replace(microsecond=0))
    if interactive is None:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    question = ask if interactive else None
    folder = Folder((args.dossier or default_root).resolve())
    options = SendOptions(yes=args.oui, simulation=args.simulation, retry_uncertain=args.renvoyer_incertains)
    try:
        folder.check()
        settings = load_settings(folder.config)
        today = args.date or clock().date()
        if args.commande == "etat":
            status(folder, stdout)
        elif args.commande == "annuler":
            cancel(folder, args.lot, clock(), stdout)
        elif args.commande == "envoyer":
            return send(folder, settings, today, clock, stdout, options, question)
        elif args.commande == "preparer" or not _waiting(folder, stdout, question):
            summary(prepare(folder, settings, today, clock()), folder, stdout, quiet=args.quiet)
        else:
            return send(folder, settings, today, clock, stdout, options, question)
    except RelanceError as error:
        stderr.write(f"Erreur : {error}\n")
        return USER_ERROR
    except _NothingMore:
        return OK
    except KeyboardInterrupt:
        stderr.write("Interrompu. Le journal sait ce qui est parti : relancez pour continuer.\n")
        return USER_ERROR
    except Exception as error:  # a bug: say it in one sentence, details with -v
        logging.getLogger("relance").debug("Erreur inattendue", exc_info=True)
        stderr.write(
            f"Erreur inattendue ({type(error).__name__} : {error}). Relancez avec -v pour le détail "
            "et signalez-la.\n"
        )
        return UNEXPECTED
    return OK


def _waiting(folder: Folder, out: TextIO, ask: Callable[[str], str] | None) -> bool:
    """The double-click's choice: True to send a validated proposal, False to prepare a new one."""
    proposals = folder.proposals()
    if not proposals:
        return False
    path = latest_proposal(folder)
    state = read_status(path)
    if state.validated:
        return True
    out.write(
        f"La proposition {folder.show(path)} attend votre validation : mettez Oui dans la cellule "
        f"{state.validated_cell} (« Envoi validé ») de l'onglet Synthèse, enregistrez, "
        "puis relancez Relance.\n"
    )
    if ask is not None and ask("Préparer plutôt une nouvelle proposition ? [o/N] ").strip().lower() in (
        "o",
        "oui",
    ):
        return False
    raise _NothingMore


class _NothingMore(Exception):
    """The double-click said what waits and has nothing more to do."""


def _bad_command_line(message: str) -> int:
    sys.stderr.write(f"Ligne de commande incorrecte : {message}. Aide : python relance.py --help\n")
    return BAD_COMMAND_LINE


def _logging(stream: TextIO, quiet: bool, verbose: bool) -> None:
    logger = logging.getLogger("relance")
    logger.handlers.clear()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
