"""The command line: parse the French arguments, run one command, turn user errors into one sentence.

Exit codes: 0 done (also "nothing to do"), 1 user error, 2 bad command line, 3 some reminders failed
(the next run retries them), 4 unexpected error (traceback in the log), 5 another run holds the lock.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from app.commands import Request, run
from app.config import load_run_config, load_settings
from app.folder import Folder
from app.lock import LOCKED, LockHeld, RunLock
from app.logs import LOG_NAME, close_logging, log_exception, setup_logging
from app.options import SendOptions
from app.pipe import PipeSafe
from app.rates import load_rates
from journal import Journal
from mail.config import load_mail_settings, read_env
from models.errors import RelanceError
from models.settings import Settings

OK, USER_ERROR, BAD_COMMAND_LINE, SOME_FAILED, UNEXPECTED = 0, 1, 2, 3, 4

COMMANDS = {
    "planifier": "programmer le passage hebdomadaire (Planificateur de tâches de Windows, ou ligne crontab)",
    "preparer": "lire les exports de input/ et écrire la proposition de relances dans output/",
    "envoyer": "envoyer la dernière proposition validée (lettres PDF, emails, courriers, appels)",
    "annuler": "annuler le lot LOT déjà envoyé (ses relances ne comptent plus)",
    "etat": "dire ce qui est en attente (proposition à valider, prête à envoyer) et le bilan du journal",
    "taux": "récupérer sur le site de la BCE son taux de refinancement de chaque semestre (taux_bce.toml)",
    "configurer": "indiquer votre société (l'expéditeur des lettres) et votre messagerie, tester l'envoi",
    "tester-email": "envoyer un email d'essai avec les réglages de .env (à l'adresse ADRESSE si donnée)",
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
    """JJ/MM/AAAA, the French way, or AAAA-MM-JJ."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"« {text} » n'est pas une date JJ/MM/AAAA ou AAAA-MM-JJ (ex. 23/11/2026)"
    )


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
    parser.add_argument(
        "lot",
        nargs="?",
        metavar="LOT",
        help="pour annuler : le numéro du lot (voir etat) ; pour tester-email : l'adresse du destinataire",
    )
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
        "--incertains-envoyes",
        action="store_true",
        help="compter comme envoyées les relances dont l'envoi a été interrompu, "
        "que vous avez retrouvées dans vos messages envoyés (rien n'est renvoyé)",
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
        metavar="JJ/MM/AAAA",
        help="date de référence : échéances échues au (par défaut : aujourd'hui)",
    )
    scope = parser.add_argument_group("filtres de preparer (remplacent ceux de [filtres] dans relance.toml)")
    for option, what in (
        ("--client", "ces codes clients"),
        ("--famille", "les clients de ces familles"),
        ("--representant", "les clients de ces représentants"),
        ("--societe", "les clients de ces sociétés du groupe"),
        ("--mode-reglement", "les factures payables par ces modes de règlement"),
    ):
        scope.add_argument(option, nargs="+", metavar="VALEUR", help=f"seulement {what}")
    scope.add_argument("--du-compte", metavar="CODE", help="seulement les codes clients à partir de CODE")
    scope.add_argument("--au-compte", metavar="CODE", help="seulement les codes clients jusqu'à CODE")
    parser.add_argument(
        "--planifie",
        action="store_true",
        help="ce que lance la tâche planifiée : ne pose aucune question ; envoie la proposition validée, "
        "sinon en prépare une et la signale par email (NOTIFY_EMAIL)",
    )
    parser.add_argument("--jour", default="lundi", help="pour planifier : le jour de la semaine (lundi)")
    parser.add_argument("--heure", default="08:00", help="pour planifier : l'heure (08:00)")
    parser.add_argument("--supprimer", action="store_true", help="pour planifier : supprimer la tâche")
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
    secret: Callable[[str], str] | None = None,
) -> int:
    """Run one command; return the exit code. `default_root` is the folder of relance.py.

    `now` fixes the clock (tests); `ask` asks the user a question, only when the run is
    `interactive` (default: standard input is a terminal; never under the Task Scheduler) — `configurer`
    also reads its answers from a pipe. `secret` asks for a password without echo (default: getpass on
    a terminal, else `ask`).
    """
    stdout = PipeSafe(stdout if stdout is not None else sys.stdout)  # type: ignore[assignment]
    stderr = stderr if stderr is not None else sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    problem = _inconsistent(args)
    if problem:
        stderr.write(f"Ligne de commande incorrecte : {problem}. Aide : python relance.py --help\n")
        return BAD_COMMAND_LINE
    clock = (lambda: now) if now else (lambda: datetime.now().replace(microsecond=0))
    terminal = sys.stdin is not None and sys.stdin.isatty()
    if interactive is None:
        interactive = terminal and not args.planifie
    if secret is None:
        secret = getpass.getpass if terminal and interactive else ask
    questions = ask if interactive or (args.commande == "configurer" and sys.stdin is not None) else None
    folder = Folder((args.dossier or default_root).resolve(), program=default_root.resolve())
    command = args.commande or ("planifie" if args.planifie else "suivant")
    env, env_error = _read_env(folder)  # once: the log must mask the password from its first line
    logger = setup_logging(
        folder.output / "logs" if folder.root.is_dir() and command != "etat" else None,
        stderr,
        quiet=args.quiet,
        verbose=args.verbose,
        secrets=[env[key] for key in ("SMTP_PASSWORD",) if env.get(key)],
    )
    started = clock()
    logger.debug("Début : %s (dossier %s)", " ".join(argv or []) or command, folder.root)
    code, counts = UNEXPECTED, {}
    try:
        code, counts = _dispatch(args, command, folder, clock, stdout, questions, secret, (env, env_error))
    except LockHeld as error:
        stderr.write(f"Erreur : {error}\n")
        code = LOCKED
    except RelanceError as error:
        logger.debug("Erreur : %s", error)
        stderr.write(f"Erreur : {error}\n")
        code = USER_ERROR
    except KeyboardInterrupt:
        stderr.write("Interrompu. Le journal sait ce qui est parti : relancez pour continuer.\n")
        code = USER_ERROR
    except Exception as error:  # a bug: the traceback to the log, one sentence to the user
        where = folder.output / "logs" / LOG_NAME
        log_exception(
            logger,
            f"Erreur inattendue ({type(error).__name__}) : le détail est dans {folder.show(where)} ; "
            "merci de le transmettre à qui maintient Relance.",
        )
        code = UNEXPECTED
    finally:
        if command not in ("etat", "planifier", "configurer", "tester-email"):
            _record_run(folder, command, args, started, clock(), code, counts)
        logger.debug("Fin : code de sortie %d", code)
        close_logging()
        stdout.flush()
    return code


def _dispatch(
    args: argparse.Namespace,
    command: str,
    folder: Folder,
    clock: Callable[[], datetime],
    out: TextIO,
    ask: Callable[[str], str] | None,
    secret: Callable[[str], str],
    env: tuple[dict[str, str], RelanceError | None],
) -> tuple[int, dict[str, int]]:
    if command == "configurer":
        from app.configure import configure

        return configure(folder, ask, secret, out), {}
    if command == "tester-email":
        mail_env, env_error = env
        if env_error is not None:
            raise env_error
        from app.mailtest import tester_email

        return tester_email(folder, load_mail_settings(mail_env), args.lot or "", out), {}
    if command == "planifier":
        from app.schedule import parse_schedule, run_command
        from app.schedule import plan as plan_task

        schedule = parse_schedule(args.jour, args.heure)
        return plan_task(
            folder.root, schedule, remove=args.supprimer, windows=os.name == "nt", run=run_command, out=out
        ), {}
    folder.check()
    config = load_run_config(_with_filters(load_settings(folder.config, load_rates(folder)), args), *env)
    if command == "etat":
        from app.status import status

        status(folder, out)
        return OK, {}
    if args.renvoyer_incertains and args.incertains_envoyes:
        raise RelanceError(
            "Choisissez --renvoyer-incertains (les renvoyer) ou --incertains-envoyes (ils sont bien "
            "partis : les compter comme envoyés), pas les deux."
        )
    request = Request(
        command=command,
        today=args.date or clock().date(),
        options=SendOptions(
            yes=args.oui,
            simulation=args.simulation,
            retry_uncertain=args.renvoyer_incertains,
            uncertain_arrived=args.incertains_envoyes,
        ),
        lot=args.lot or "",
        quiet=args.quiet,
    )
    folder.ensure_output()
    with RunLock(folder.output, command, clock()):
        return run(request, folder, config, clock, out, ask, secret=secret)


# option -> field of models.filters.Filters
_FILTER_OPTIONS = {
    "client": "customers",
    "famille": "families",
    "representant": "representatives",
    "societe": "companies",
    "mode_reglement": "payment_modes",
    "du_compte": "from_account",
    "au_compte": "to_account",
}


def _with_filters(settings: Settings, args: argparse.Namespace) -> Settings:
    """The filters of the command line replace, one by one, those of [filtres]."""
    given = {
        field: tuple(value) if isinstance(value, list) else value
        for option, field in _FILTER_OPTIONS.items()
        if (value := getattr(args, option)) is not None
    }
    return replace(settings, filters=replace(settings.filters, **given)) if given else settings


def _inconsistent(args: argparse.Namespace) -> str:
    """What the parser cannot check alone; empty when the arguments make sense."""
    if args.commande == "annuler" and not args.lot:
        return "annuler : indiquez le numéro du lot, par exemple « annuler 2026-11-23-1 »"
    if args.lot and args.commande not in ("annuler", "tester-email"):
        return f"argument en trop : {args.lot}"
    if args.commande not in (None, "preparer") and any(
        getattr(args, option) is not None for option in _FILTER_OPTIONS
    ):
        return "les filtres (--client, --famille…) s'emploient avec preparer"
    if args.planifie and args.commande:
        return f"--planifie s'emploie seul, sans la commande {args.commande}"
    return ""


def _read_env(folder: Folder) -> tuple[dict[str, str], RelanceError | None]:
    """`.env`, read once for the whole run; a broken one is an error only for a command that sends."""
    try:
        return read_env(folder.env), None
    except RelanceError as error:
        return {}, error


def _record_run(
    folder: Folder,
    command: str,
    args: argparse.Namespace,
    started: datetime,
    finished: datetime,
    code: int,
    counts: dict[str, int],
) -> None:
    """One line in the journal's list of runs, for `etat` (never a reason to fail the run)."""
    if not folder.output.is_dir() or code == LOCKED or args.simulation:  # a simulation records nothing
        return
    mode = "simulation" if args.simulation else "planifié" if args.planifie else "manuel"
    try:
        with Journal.open(folder.journal) as journal:
            journal.record_run(command, mode, started, finished, code, counts)
    except (RelanceError, OSError) as error:
        logging.getLogger("relance").warning("Exécution non inscrite au journal : %s", error)
