"""How long the commands a newcomer types first take, end to end, as new processes.

    python -m bench.cli_startup [--index-dir DIR ...] [--runs 5]

Times `searchapp --help`, `searchapp index stats` on the bundled sample (built into a temp
folder) and on each `--index-dir` given (e.g. bench/.work/x1-index), against a bare
`python -c pass` measured in the same run: the interpreter's own start, which no command
can beat. Prints the median and the slowest of `--runs` runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.table import print_table


def timed(argv: list[str], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", action="append", type=Path, default=[])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "searchapp.cli"]
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(cli + ["index", "build", "--index-dir", folder], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cases = [("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
                 ("searchapp --help", cli + ["--help"]),
                 ("searchapp index stats (sample, 5 articles)",
                  cli + ["index", "stats", "--index-dir", folder])]
        for index_dir in args.index_dir:
            cases.append((f"searchapp index stats ({index_dir.name})",
                          cli + ["index", "stats", "--index-dir", str(index_dir)]))
        results = [(name, timed(argv, args.runs)) for name, argv in cases]
    base = statistics.median(results[0][1])
    print_table(["command", "median s", "max s", "vs baseline"],
                [[name, round(statistics.median(s), 2), round(max(s), 2),
                  f"{statistics.median(s) / base:.1f}x"] for name, s in results],
                title=f"CLI start-up, {args.runs} runs each")


if __name__ == "__main__":
    main()
