"""Time `relance.py preparer` against the targets of issue 10 (and of issue 2).

    python benchmarks/bench_prepare.py [--n-runs 5] [--big-runs 2] [--skip-1m] [--data benchmarks/data]

Runs, each as a child process (wall time with imports, CPU time and peak RSS from os.wait4):
(a) the floor, benchmarks/baseline.py (a bare pandas read and an openpyxl write-only dump), and
(b) `relance.py preparer --dossier <set> --date 2026-11-23 -q`, on the 100k CSV set, the 100k xlsx
set and the 1M CSV set (generated when missing: generate.py, generate.py --size 1m). Each run starts
from an empty output/ (the tool never overwrites a proposal and keeps its journal there).

The two commands run in turn, a b a b…, and a ratio is the median of the ratios pair by pair: on a
machine whose speed drifts (other work, CPU frequency), a pair shares the conditions, where a best of
N of each would compare a lucky run of one with an ordinary run of the other. Times shown are medians.

Targets: (b) ≤ 1.5 × (a) at 100k and at 1M, peak ≤ 1 GB at 1M, xlsx ≤ 1.5 × CSV at 100k (same
pairing), and CSV ≤ 10 s at 100k. Exit code 0 when all pass.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
REFERENCE_DATE = "2026-11-23"
FACTOR = 1.5
CSV_LIMIT_S = 10.0
MEMORY_LIMIT_MB = 1024.0


@dataclass(frozen=True)
class Run:
    seconds: float  # wall
    cpu: float  # user + system
    peak_mb: float


def child(command: list[str]) -> tuple[float, float, float, str]:
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{text[-2000:]}")
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return seconds, usage.ru_utime + usage.ru_stime, peak, text


def once(command: list[str], folder: Path, *, proposal: bool) -> Run:
    """One run from an empty output/; `proposal`: the run must write one."""
    shutil.rmtree(folder / "output", ignore_errors=True)
    (folder / "output").mkdir()
    seconds, cpu, peak, _ = child(command)
    if proposal and not list((folder / "output").glob("proposition_*.xlsx")):
        raise SystemExit(f"{' '.join(command)} wrote no output/proposition_*.xlsx")
    return Run(seconds, cpu, peak)


@dataclass(frozen=True)
class Pairs:
    """`runs` pairs of a run of a and a run of b, taken in turn."""

    a: list[Run]
    b: list[Run]

    def median(self, side: str) -> Run:
        runs = self.a if side == "a" else self.b
        return Run(statistics.median(r.seconds for r in runs), statistics.median(r.cpu for r in runs),
                   max(r.peak_mb for r in runs))

    def ratios(self, attribute: str = "seconds") -> list[float]:
        return [getattr(a, attribute) / getattr(b, attribute) for a, b in zip(self.a, self.b, strict=True)]

    def ratio(self, attribute: str = "seconds") -> float:
        return statistics.median(self.ratios(attribute))


def pairs(a: tuple[list[str], Path], b: tuple[list[str], Path], runs: int) -> Pairs:
    """a and b in turn, `runs` times; a is always `preparer` (it must write a proposal)."""
    result = Pairs([], [])
    for _ in range(runs):
        result.a.append(once(*a, proposal=True))
        result.b.append(once(*b, proposal=b[0][1].endswith("relance.py")))
    return result


def ensure(data: Path, skip_big: bool) -> None:
    if not (data / "csv" / "input" / "factures.csv").is_file() or not (data / "xlsx" / "input").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(data)], check=True)
    if not skip_big and not (data / "1m" / "csv" / "input" / "factures.csv").is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(data), "--size", "1m"],
                       check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-runs", type=int, default=5, help="pairs of runs at 100k")
    parser.add_argument("--big-runs", type=int, default=2, help="pairs of runs at 1M")
    parser.add_argument("--skip-1m", action="store_true")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args()
    data = args.data.resolve()
    ensure(data, args.skip_1m)
    python = sys.executable

    def preparer(folder: Path) -> tuple[list[str], Path]:
        return [python, str(PROJECT / "relance.py"), "preparer", "--dossier", str(folder), "--date",
                REFERENCE_DATE, "-q"], folder

    def floor(folder: Path) -> tuple[list[str], Path]:
        return [python, str(HERE / "baseline.py"), str(folder), "--date", REFERENCE_DATE], folder

    compared = {"100k CSV": pairs(preparer(data / "csv"), floor(data / "csv"), args.n_runs)}
    xlsx = pairs(preparer(data / "xlsx"), preparer(data / "csv"), args.n_runs)
    if not args.skip_1m:
        big = data / "1m" / "csv"
        compared["1M CSV"] = pairs(preparer(big), floor(big), args.big_runs)

    verdicts = []

    def line(label: str, value: str, target: str = "", ok: bool | None = None, note: str = "") -> None:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        if ok is not None:
            verdicts.append(ok)
        print(f"{label:<34} {value:<24} {target:<12} {verdict:<5} {note}".rstrip())

    def shown(run: Run) -> str:
        return f"{run.seconds:.2f} s ({run.cpu:.2f} s CPU), {run.peak_mb:.0f} MB"

    print(f"Median of {args.n_runs} pairs at 100k, {args.big_runs} at 1M (wall with imports; CPU = user + "
          f"system; peak = child's max RSS); data {data}")
    for name, pair in compared.items():
        line(f"floor, {name}", shown(pair.median("b")))
        line(f"preparer, {name}", shown(pair.median("a")))
        line(f"  ratio to the floor, {name}", f"{pair.ratio():.2f} × ({pair.ratio('cpu'):.2f} × CPU)",
             f"≤ {FACTOR} ×", pair.ratio() <= FACTOR,
             f"pairs {min(pair.ratios()):.2f}–{max(pair.ratios()):.2f}")
    line("preparer, 100k xlsx", shown(xlsx.median("a")))
    line("  xlsx / CSV, 100k", f"{xlsx.ratio():.2f} ×", f"≤ {FACTOR} ×", xlsx.ratio() <= FACTOR)
    csv = compared["100k CSV"].median("a")
    line("  CSV, 100k (issue 2)", f"{csv.seconds:.2f} s", f"≤ {CSV_LIMIT_S:.0f} s",
         csv.seconds <= CSV_LIMIT_S)
    if "1M CSV" in compared:
        peak = compared["1M CSV"].median("a").peak_mb
        line("  peak memory, 1M CSV", f"{peak:.0f} MB", f"≤ {MEMORY_LIMIT_MB:.0f} MB",
             peak <= MEMORY_LIMIT_MB)
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
