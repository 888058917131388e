"""Time `relance.py preparer` against the targets of issue 10 (and of issue 2).

    python benchmarks/bench_prepare.py [--n-runs 3] [--big-runs 1] [--skip-1m] [--data benchmarks/data]

Runs, each as a child process (wall time with imports, peak RSS from os.wait4), best of N:
(a) the floor, benchmarks/baseline.py (a bare pandas read and an openpyxl write-only dump), and
(b) `relance.py preparer --dossier <set> --date 2026-11-23 -q`, on the 100k CSV set, the 100k xlsx
set and the 1M CSV set (generated when missing: generate.py, generate.py --size 1m). Each run starts
from an empty output/ (the tool never overwrites a proposal and keeps its journal there). Targets:
(b) ≤ 1.5 × (a) at 100k and at 1M, peak ≤ 1 GB at 1M, xlsx ≤ 1.5 × CSV at 100k, and CSV ≤ 10 s at
100k. Exit code 0 when all pass.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
    seconds: float
    peak_mb: float


def child(command: list[str]) -> tuple[float, float, str]:
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
    return seconds, peak, text


def best(command: list[str], folder: Path, runs: int, *, proposal: bool = False) -> Run:
    """Best wall time and highest peak over `runs`; `proposal`: the run must write one."""
    results = []
    for _ in range(runs):
        shutil.rmtree(folder / "output", ignore_errors=True)
        (folder / "output").mkdir()
        seconds, peak, _ = child(command)
        if proposal and not list((folder / "output").glob("proposition_*.xlsx")):
            raise SystemExit(f"{' '.join(command)} wrote no output/proposition_*.xlsx")
        results.append(Run(seconds, peak))
    fastest = min(results, key=lambda r: r.seconds)
    return Run(fastest.seconds, max(r.peak_mb for r in results))


def ensure(data: Path, skip_big: bool) -> None:
    if not (data / "csv" / "input" / "factures.csv").is_file() or not (data / "xlsx" / "input").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(data)], check=True)
    if not skip_big and not (data / "1m" / "csv" / "input" / "factures.csv").is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(data), "--size", "1m"],
                       check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-runs", type=int, default=3, help="runs of each 100k command")
    parser.add_argument("--big-runs", type=int, default=1, help="runs of each 1M command")
    parser.add_argument("--skip-1m", action="store_true")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args()
    data = args.data.resolve()
    ensure(data, args.skip_1m)
    python = sys.executable
    sets = [("100k CSV", data / "csv", args.n_runs), ("100k xlsx", data / "xlsx", args.n_runs)]
    if not args.skip_1m:
        sets.append(("1M CSV", data / "1m" / "csv", args.big_runs))
    floors: dict[str, Run] = {}
    runs_of: dict[str, Run] = {}
    for name, folder, runs in sets:
        if name.endswith("CSV"):
            floors[name] = best([python, str(HERE / "baseline.py"), str(folder), "--date", REFERENCE_DATE],
                                folder, runs)
        runs_of[name] = best([python, str(PROJECT / "relance.py"), "preparer", "--dossier", str(folder),
                             "--date", REFERENCE_DATE, "-q"], folder, runs, proposal=True)

    verdicts = []

    def line(label: str, value: str, target: str = "", ok: bool | None = None, note: str = "") -> None:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        if ok is not None:
            verdicts.append(ok)
        print(f"{label:<34} {value:<22} {target:<12} {verdict:<5} {note}".rstrip())

    print(f"Best wall time per command (imports included), peak = child's max RSS (os.wait4); data {data}")
    for name in floors:
        floor, run = floors[name], runs_of[name]
        line(f"floor, {name}", f"{floor.seconds:.2f} s, {floor.peak_mb:.0f} MB")
        line(f"preparer, {name}", f"{run.seconds:.2f} s, {run.peak_mb:.0f} MB")
        line(f"  ratio to the floor, {name}", f"{run.seconds / floor.seconds:.2f} ×", f"≤ {FACTOR} ×",
             run.seconds <= FACTOR * floor.seconds)
    xlsx, csv = runs_of["100k xlsx"], runs_of["100k CSV"]
    line("preparer, 100k xlsx", f"{xlsx.seconds:.2f} s, {xlsx.peak_mb:.0f} MB")
    line("  xlsx / CSV, 100k", f"{xlsx.seconds / csv.seconds:.2f} ×", f"≤ {FACTOR} ×",
         xlsx.seconds <= FACTOR * csv.seconds)
    line("  CSV, 100k (issue 2)", f"{csv.seconds:.2f} s", f"≤ {CSV_LIMIT_S:.0f} s",
         csv.seconds <= CSV_LIMIT_S)
    if "1M CSV" in runs_of:
        big = runs_of["1M CSV"]
        line("  peak memory, 1M CSV", f"{big.peak_mb:.0f} MB", f"≤ {MEMORY_LIMIT_MB:.0f} MB",
             big.peak_mb <= MEMORY_LIMIT_MB)
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
