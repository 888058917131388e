"""Time `relance.py preparer` on the benchmark data against the targets of issue 2.

    python benchmarks/bench_prepare.py [--n-runs 3] [--data benchmarks/data]

Generates the data when missing, then runs, each as a child process, best wall time of N:
the bare-script baseline on the CSV set, and `relance.py preparer --dossier <set> --date 2026-11-23
-q` on the CSV set and on the xlsx set. `<set>/output/` is emptied before every run (the tool never
overwrites a proposal and keeps a journal there). Peak memory is the child's own maximum resident
set size, read with os.wait4() (Linux/macOS): exact per child, unlike RUSAGE_CHILDREN, which keeps
the maximum over all the children already waited for. Exit code 0 when every target passes.
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
CSV_LIMIT_S = 10.0
BASELINE_FACTOR = 2.0
XLSX_FACTOR = 1.5
MEMORY_LIMIT_MB = 1024.0
INPUT_FILES = {
    "csv": ("factures.csv", "reglements.csv", "clients.csv"),
    "xlsx": ("factures.xlsx", "reglements.xlsx", "clients.xlsx"),
}


@dataclass(frozen=True)
class Measure:
    """Best wall time and highest peak memory over the runs of one command; error if one failed."""

    seconds: float | None
    peak_mb: float | None
    error: str = ""


def run_child(command: list[str]) -> tuple[float, float, int, str]:
    """Wall time (s), peak RSS (MB), exit code and the end of stderr of one child process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip()[-600:]
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return seconds, peak_mb, process.returncode, tail


def measure(command: list[str], runs: int, before=None, check=None) -> Measure:
    """Best of `runs`; `before()` prepares each run, `check()` returns an error text or ""."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        seconds, peak, code, tail = run_child(command)
        if code != 0:
            return Measure(None, None, f"exit code {code}: {tail or '(no message)'}")
        problem = check() if check else ""
        if problem:
            return Measure(None, None, problem)
        times.append(seconds)
        peaks.append(peak)
    return Measure(min(times), max(peaks))


def clear_output(folder: Path) -> None:
    """Remove the previous proposal, journal and logs: every run starts from the same state."""
    output = folder / "output"
    if output.exists():
        shutil.rmtree(output)
    output.mkdir()


def proposal_written(folder: Path) -> str:
    found = list((folder / "output").glob("proposition_*.xlsx"))
    return "" if found else "no output/proposition_*.xlsx was written"


def ensure_data(data: Path) -> None:
    missing = [kind for kind, names in INPUT_FILES.items()
               if not all((data / kind / "input" / name).is_file() for name in names)]
    if missing:
        print(f"Generating the benchmark data in {data} …", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(data)], check=True)


def verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[ok]


def fmt(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:.2f} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args()
    data = args.data.resolve()
    ensure_data(data)

    python = sys.executable
    baseline = measure([python, str(HERE / "baseline.py"), str(data / "csv"),
                        "--date", REFERENCE_DATE], args.n_runs,
                       before=lambda: clear_output(data / "csv"))
    results = {}
    for kind in ("csv", "xlsx"):
        folder = data / kind
        results[kind] = measure(
            [python, str(PROJECT / "relance.py"), "preparer", "--dossier", str(folder),
             "--date", REFERENCE_DATE, "-q"],
            args.n_runs,
            before=lambda folder=folder: clear_output(folder),
            check=lambda folder=folder: proposal_written(folder),
        )
    csv, xlsx = results["csv"], results["xlsx"]

    rows = [
        ("baseline (bare pandas script, CSV)", fmt(baseline.seconds, "s"), "", "", ""),
        ("preparer, CSV set", fmt(csv.seconds, "s"), f"≤ {CSV_LIMIT_S:.0f} s",
         verdict(None if csv.seconds is None else csv.seconds <= CSV_LIMIT_S), ""),
        ("preparer CSV / baseline", _ratio(csv.seconds, baseline.seconds),
         f"≤ {BASELINE_FACTOR:.1f}×",
         verdict(_within(csv.seconds, baseline.seconds, BASELINE_FACTOR)), ""),
        ("preparer, xlsx set", fmt(xlsx.seconds, "s"), "", "", ""),
        ("preparer xlsx / CSV", _ratio(xlsx.seconds, csv.seconds), f"≤ {XLSX_FACTOR:.1f}×",
         verdict(_within(xlsx.seconds, csv.seconds, XLSX_FACTOR)), ""),
    ]
    peaks = [m.peak_mb for m in (csv, xlsx) if m.peak_mb is not None]
    peak = max(peaks) if len(peaks) == 2 else None
    rows.append(("peak memory of preparer (max of both)", fmt(peak, "MB"),
                 f"≤ {MEMORY_LIMIT_MB:.0f} MB",
                 verdict(None if peak is None else peak <= MEMORY_LIMIT_MB),
                 f"CSV {fmt(csv.peak_mb, 'MB')}, xlsx {fmt(xlsx.peak_mb, 'MB')}"))

    print(f"Best of {args.n_runs} runs, wall time of the child process, data {data}")
    print(f"peak memory = child's max RSS from os.wait4(); baseline peak "
          f"{fmt(baseline.peak_mb, 'MB')}")
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    for row in rows:
        cells = [str(cell).ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        print("  ".join([*cells, row[4]]).rstrip())
    failed = False
    for name, result in (("baseline", baseline), ("preparer CSV", csv), ("preparer xlsx", xlsx)):
        if result.error:
            failed = True
            print(f"{name} did not complete: {result.error}", file=sys.stderr)
    verdicts = [row[3] for row in rows if row[3]]
    return 1 if failed or "FAIL" in verdicts or "n/a" in verdicts else 0


def _ratio(value: float | None, reference: float | None) -> str:
    return "—" if value is None or not reference else f"{value / reference:.2f}×"


def _within(value: float | None, reference: float | None, factor: float) -> bool | None:
    return None if value is None or not reference else value <= factor * reference


if __name__ == "__main__":
    sys.exit(main())
