"""Benchmark `hatake demo`: wall time, peak memory and rows of a whole generation.

    .venv/bin/python benchmarks/demo_generate.py --accounts 10000 --months 12 --runs 3

Each run is a fresh subprocess writing into a fresh temporary HATAKE_HOME (SQLite and DuckDB
by default, or --database-url for PostgreSQL, emptied with --reset). Peak memory is the
child's maximum resident set size, the counter getrusage(RUSAGE_CHILDREN).ru_maxrss reports,
read per run through wait4. The medians of the runs are printed last.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

# The command itself, without the rest of the CLI, so only the demo is measured.
COMMAND = "import typer; from hatake.demo.cli import demo; typer.run(demo)"


def run_once(args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="hatake-bench-") as home:
        env = {key: value for key, value in os.environ.items() if not key.startswith("HATAKE_")}
        env["HATAKE_HOME"] = home
        options = ["--accounts", str(args.accounts), "--months", str(args.months)]
        options += ["--seed", str(args.seed), "--today", args.today]
        if args.database_url:
            env["HATAKE_DATABASE_URL"] = args.database_url
            options.append("--reset")
        log = Path(home) / "demo.log"
        with log.open("w") as output:
            started = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", COMMAND, *options], env=env, stdout=output, stderr=output
            )
            _pid, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"hatake demo failed:\n{log.read_text()}")
        analytics = Path(home) / "analytics.duckdb"
        with duckdb.connect(str(analytics), read_only=True) as con:
            events = con.execute("SELECT count(*) FROM usage_events").fetchone()[0]
        state = Path(home) / "hatake.db"
        return {
            "wall_s": wall,
            "peak_rss_mb": usage.ru_maxrss / 1024,  # Linux reports kilobytes
            "events": events,
            "events_per_s": events / wall,
            "analytics_mb": analytics.stat().st_size / 2**20,
            "state_mb": state.stat().st_size / 2**20 if state.exists() else 0.0,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--today", default="2026-11-23", help="fixed, so runs are comparable")
    parser.add_argument("--database-url", help="PostgreSQL instead of SQLite (it is reset)")
    args = parser.parse_args()

    print(f"hatake demo --accounts {args.accounts} --months {args.months}, {args.runs} runs")
    print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    results = []
    for number in range(1, args.runs + 1):
        result = run_once(args)
        results.append(result)
        print(f"run {number}: {_line(result)}")
    medians = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(f"median: {_line(medians)}")


def _line(figures: dict[str, float]) -> str:
    return ", ".join(
        f"{key} {value:,.0f}" if value >= 1000 else f"{key} {value:.1f}"
        for key, value in figures.items()
    )


if __name__ == "__main__":
    main()
