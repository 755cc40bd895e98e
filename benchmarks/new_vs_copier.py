"""Median wall time of `scaffold new --yes` beside a bare `copier copy` of the same template.

    python benchmarks/new_vs_copier.py [--rounds N]

Both run as fresh processes, interleaved, into new temp folders. `scaffold new` does more (two
templates, name checks, git init and a commit); the budget is 1.3 times copier's time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET = 1.3


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd,
        cwd=cwd,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    commands = {
        "scaffold new --yes": [sys.executable, "-m", "scaffold", "new", "bench-lib", "--yes"],
        "copier copy": [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--quiet",
            "--defaults",
            "--data",
            "project_name=bench-lib",
            str(REPO / "templates/workspace"),
            "bench-lib",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            with tempfile.TemporaryDirectory() as scratch:
                times[name].append(timed(cmd, Path(scratch)))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:<20} median {median * 1000:7.1f} ms over {rounds} runs")
    ratio = medians["scaffold new --yes"] / medians["copier copy"]
    print(f"ratio {ratio:.2f} (budget {BUDGET})")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
