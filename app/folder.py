"""The working folder of a run (`--dossier`): where its inputs, outputs, templates and settings are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models.errors import RelanceError

PROPOSAL_NAME = re.compile(r"^proposition_(\d{4}-\d{2}-\d{2})(?:_(\d+))?\.xlsx$")
# A proposal saved by Excel or LibreOffice in another format than .xlsx.
OTHER_FORMAT = re.compile(r"^proposition_(\d{4}-\d{2}-\d{2})(?:_(\d+))?\.(ods|xls|xlsm|xlsb|csv)$", re.I)
# A proposal copied or saved under another name: « proposition_2026-11-23 - Copie.xlsx », « (2) »…
COPY_NAME = re.compile(r"proposition_(\d{4}-\d{2}-\d{2})(_\d+)?", re.I)


def inside(path: Path, folder: Path) -> bool:
    """Whether `path`, once resolved (`..`, links), stays inside `folder`: a file name built from the data
    (an invoice number « ../../secret ») never reaches another folder."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


PROGRAM = Path(__file__).resolve().parent.parent  # the folder of relance.py


@dataclass(frozen=True)
class Folder:
    """Every path of a run, decided once here."""

    root: Path
    program: Path = PROGRAM  # where Relance itself is: its own templates_word/, the demo/ dossier

    @property
    def is_demo(self) -> bool:
        """The demonstration dossier shipped with Relance (`--dossier demo`)."""
        return self.root == self.program / "demo"

    @property
    def input(self) -> Path:
        return self.root / "input"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def templates(self) -> Path:
        """The dossier's own templates_word/, else those shipped with Relance: a dossier per company
        (or the demo) needs no copy of the letters unless it changes them."""
        own = self.root / "templates_word"
        return own if own.is_dir() or self.root == self.program else self.program / "templates_word"

    @property
    def config(self) -> Path:
        return self.root / "relance.toml"

    @property
    def ecb_rates(self) -> Path:
        """The ECB rates fetched by Relance (`taux`), beside relance.toml."""
        return self.root / "taux_bce.toml"

    @property
    def env(self) -> Path:
        return self.root / ".env"

    @property
    def journal(self) -> Path:
        return self.output / "journal.sqlite"

    @property
    def invoice_pdfs(self) -> Path:
        """Copies of the invoices, `<N° facture>.pdf`, attached to reminders when present."""
        return self.input / "factures_pdf"

    @property
    def quote_pdfs(self) -> Path:
        """Copies of the quotes, `<N° devis>.pdf`, attached to their follow-ups when present."""
        return self.input / "devis_pdf"

    @property
    def lots(self) -> Path:
        return self.output / "lots"

    @property
    def archives(self) -> Path:
        return self.output / "archives"

    @property
    def simulation(self) -> Path:
        return self.output / "simulation"

    def free_path(self, directory: Path, stem: str, suffix: str) -> Path:
        """directory/stem.suffix, or stem_2, stem_3… when taken: nothing is ever overwritten."""
        path = directory / f"{stem}{suffix}"
        number = 2
        while path.exists():
            path = directory / f"{stem}_{number}{suffix}"
            number += 1
        return path

    def check(self) -> None:
        if not self.root.is_dir():
            raise RelanceError(f"Le dossier {self.root} n'existe pas : vérifiez l'option --dossier.")
        if not self.input.is_dir():
            raise RelanceError(
                f"Le dossier {self.input} n'existe pas : créez-le et déposez-y les exports "
                "(factures, règlements, clients)."
            )

    def ensure_output(self) -> Path:
        try:
            self.output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RelanceError(
                f"Le dossier {self.output} ne peut pas être créé ({error.strerror})."
            ) from None
        return self.output

    def new_proposal_path(self, reference: date) -> Path:
        """proposition_AAAA-MM-JJ.xlsx, or _2, _3… when one exists: an edited proposal is never replaced."""
        return self.free_path(self.output, f"proposition_{reference.isoformat()}", ".xlsx")

    def proposals(self) -> list[Path]:
        """The proposals of output/ (not archived), newest first: by reference date, then suffix."""
        found = []
        if self.output.is_dir():
            for path in self.output.iterdir():
                match = PROPOSAL_NAME.match(path.name)
                if match and path.is_file():
                    found.append(((match.group(1), int(match.group(2) or 1)), path))
        return [path for _, path in sorted(found, reverse=True)]

    def renamed_copies(self) -> list[tuple[Path, Path]]:
        """Proposals saved under another name than Relance's, each with the name Relance reads."""
        if not self.output.is_dir():
            return []
        found = []
        for path in sorted(self.output.iterdir()):
            match = COPY_NAME.search(path.name)
            # Not Excel's owner file (~$), nor a hidden one: LibreOffice's lock, Relance's own temporary
            stray = not PROPOSAL_NAME.match(path.name) and not path.name.startswith(("~", "."))
            if match and stray and path.suffix.lower() == ".xlsx" and path.is_file():
                found.append((path, self.output / f"proposition_{match.group(1)}{match.group(2) or ''}.xlsx"))
        return found

    def other_formats(self) -> list[Path]:
        """Proposals saved as .ods, .xls…: Relance reads only .xlsx, and must say so."""
        if not self.output.is_dir():
            return []
        return sorted(p for p in self.output.iterdir() if OTHER_FORMAT.match(p.name) and p.is_file())

    def show(self, path: Path) -> str:
        """A path as the user knows it: relative to the folder when inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)
