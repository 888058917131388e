"""Time 1,000 Word letters to PDF plus the print bundle, against the targets of issue 3.

    python benchmarks/bench_letters.py [--letters 1000] [--sample 40] [--chunk 50] [--keep DIR]

The letters are made up (random.Random(seed)): mixed levels (the three shipped templates), 1 to 15
invoices each, some customers with '&', accents or quotes in their names. Steps, each timed:
  1. render every letter with letters.templates.render_letter (docxtpl);
  2. convert them all with letters.pdf.to_pdf (LibreOffice, chunks of --chunk letters per process,
     as many processes as cores, a fresh private profile: its creation is counted);
  3. merge every PDF into one bundle with letters.bundle.merge_pdfs.
The yardstick is the naive way: one soffice process per letter (same options, same profile, now
warm). It is measured on --sample letters taken evenly from the rendered ones, and extrapolated
linearly to all the letters: the script says so in its output.
Targets: steps 1-3 ≤ 120 s, and to_pdf ≥ 8 × faster than one process per letter (conversion
alone: rendering and merging cost the same either way). Exit code 0 when both pass.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from letters.bundle import merge_pdfs  # noqa: E402
from letters.pdf import find_soffice, to_pdf  # noqa: E402
from letters.templates import check_templates, render_letter, template_path  # noqa: E402
from models.records import Customer  # noqa: E402
from models.reminders import Reminder, ReminderInvoice, template_fields  # noqa: E402
from models.settings import DEFAULT_LEVELS, Company  # noqa: E402

TODAY = date(2026, 11, 23)
TOTAL_LIMIT_S = 120.0
SPEEDUP_TARGET = 8.0
TEMPLATES = PROJECT / "templates_word"
COMPANY = Company(
    name="Menuiserie Lefèvre & Associés",
    address=("12 rue des Artisans", "ZA du Moulin"),
    postal_code="35000",
    city="Rennes",
    phone="02 99 12 34 56",
    email="compta@menuiserie-lefevre.fr",
    siret="812 345 678 00021",
    iban="FR76 3000 4000 0500 0012 3456 729",
    bic="BNPAFRPPXXX",
    signatory="Claire Lefèvre",
    title="Gérante",
)
NAMES = ["Dupont & Fils <SARL>", "Société Générale d'Équipements", 'Garage "Le Bon"', "Boulangerie Martin"]


def reminders(count: int, seed: int) -> list[Reminder]:
    rng = random.Random(seed)
    result = []
    for number in range(count):
        level = rng.choice(DEFAULT_LEVELS)
        invoices = []
        for line in range(rng.randint(1, 15)):
            due = TODAY - timedelta(days=rng.randint(8, 200))
            amount = Decimal(rng.randint(5_000, 900_000)) / 100
            invoices.append(
                ReminderInvoice(
                    f"FA-{number:04d}-{line:02d}",
                    due - timedelta(days=30),
                    due,
                    amount,
                    amount if rng.random() < 0.8 else amount / 2,
                    (TODAY - due).days,
                    level.number,
                )
            )
        customer = Customer(
            f"C{number:05d}",
            f"{rng.choice(NAMES)} {number}",
            address=(f"{rng.randint(1, 200)} avenue de la République",),
            postal_code=f"{rng.randint(1000, 95999):05d}",
            city="Lyon",
            private=rng.random() < 0.1,
        )
        result.append(
            Reminder(
                customer,
                level,
                level.channel,
                tuple(invoices),
                message="Merci de nous indiquer la date de votre virement." if rng.random() < 0.2 else "",
                reminder_count=level.number - 1,
                last_reminder=TODAY - timedelta(days=15) if level.number > 1 else None,
            )
        )
    return result


def one_process_per_letter(soffice: Path, letters: list[Path], out_dir: Path, profile: Path) -> float:
    """The yardstick: what a script calling soffice once per letter does."""
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for letter in letters:
        subprocess.run(
            [
                str(soffice),
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--infilter=MS Word 2007 XML",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(letter),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    seconds = time.perf_counter() - start
    missing = [letter.name for letter in letters if not (out_dir / f"{letter.stem}.pdf").is_file()]
    if missing:
        raise SystemExit(f"baseline: no PDF for {missing}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--chunk", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args()
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) not found")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_letters_"))
    if work.exists():
        shutil.rmtree(work)
    docx_dir, pdf_dir, profile = work / "docx", work / "pdf", work / "profile"
    docx_dir.mkdir(parents=True)
    try:
        check_templates(TEMPLATES, DEFAULT_LEVELS)
        batch = reminders(args.letters, args.seed)
        invoices = sum(len(r.invoices) for r in batch)
        print(f"{len(batch)} letters, {invoices} invoices, soffice: {soffice}")

        start = time.perf_counter()
        files = []
        for number, reminder in enumerate(batch):
            target = docx_dir / f"lettre_{number:04d}.docx"
            fields = template_fields(reminder, COMPANY, TODAY, TODAY)
            render_letter(template_path(TEMPLATES, reminder.level), fields, target)
            files.append(target)
        render_s = time.perf_counter() - start
        print(f"render      {render_s:7.1f} s  ({render_s / len(files) * 1000:.0f} ms a letter)")

        start = time.perf_counter()
        pdfs = to_pdf(files, pdf_dir, "libreoffice", profile_dir=profile, chunk_size=args.chunk)
        convert_s = time.perf_counter() - start
        print(f"to_pdf      {convert_s:7.1f} s  ({convert_s / len(files) * 1000:.0f} ms a letter)")

        start = time.perf_counter()
        pages = merge_pdfs([pdfs[f] for f in files], work / "courriers.pdf")
        merge_s = time.perf_counter() - start
        print(f"bundle      {merge_s:7.1f} s  ({pages} pages)")
        total_s = render_s + convert_s + merge_s
        print(f"total       {total_s:7.1f} s")

        step = max(1, len(files) // args.sample)
        sample = files[::step][: args.sample]
        baseline_s = one_process_per_letter(soffice, sample, work / "baseline", profile / "1")
        per_letter = baseline_s / len(sample)
        extrapolated = per_letter * len(files)
        speedup = extrapolated / convert_s
        print(
            f"baseline    {baseline_s:7.1f} s for a sample of {len(sample)} letters, one soffice each "
            f"({per_letter:.2f} s a letter); extrapolated to {len(files)}: {extrapolated:.0f} s"
        )
        print(
            f"speed-up    {speedup:7.1f} × (conversion alone); with rendering and bundle: "
            f"{(render_s + extrapolated + merge_s) / total_s:.1f} ×"
        )
        ok_total = total_s <= TOTAL_LIMIT_S
        ok_speed = speedup >= SPEEDUP_TARGET
        print(
            f"{'PASS' if ok_total else 'FAIL'}  letters, PDF, bundle ≤ {TOTAL_LIMIT_S:.0f} s: {total_s:.1f} s"
        )
        print(
            f"{'PASS' if ok_speed else 'FAIL'}  to_pdf ≥ {SPEEDUP_TARGET:.0f} × one process per letter: "
            f"{speedup:.1f} ×"
        )
        return 0 if ok_total and ok_speed else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
