"""Benchmark the health-score refresh on a demo home: full refresh, incremental refresh after one
more day of events, a 365-day backfill, and the bare DuckDB floor they are compared with.

    .venv/bin/python benchmarks/health_refresh.py --home /tmp/bench10k --runs 3

`--home` is a HATAKE_HOME made by `hatake demo --accounts 10000 --months 12 --today 2026-11-23
--score-days 0`; without it the script generates one first (about a minute). Every run copies
the home to a scratch directory and measures one `hatake refresh` in a fresh subprocess: wall
time and peak resident memory (ru_maxrss of the child, read through wait4).

* floor: `GROUP BY account, day` with `count(DISTINCT user)` over all events, in DuckDB alone;
* full: the rollups are dropped, then `hatake refresh --as-of LAST_DAY` rebuilds them from the
  raw events and scores every account for that day;
* incremental: after a full refresh, one more day of events (the last day's, moved one day on,
  with new message ids) is appended, then `hatake refresh --as-of LAST_DAY+1`;
* in server: another day of events, then the same refresh as `hatake serve`'s scheduled one,
  timed inside a process that already has its imports loaded and the store open;
* backfill: `hatake refresh --backfill FIRST LAST` over 365 days, with the rollups in place.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

TODAY = date(2026, 11, 23)
LAST_DAY = TODAY - timedelta(days=1)


def _env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HATAKE_")}
    env["HATAKE_HOME"] = str(home)
    return env


def _measure(command: list[str], home: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=_env(home), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return elapsed, usage.ru_maxrss / 1024


def _hatake(*arguments: str) -> list[str]:
    return [str(Path(sys.executable).parent / "hatake"), *arguments]


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


DROP_ROLLUPS = (
    "from pathlib import Path; from hatake.usage import store, rollups; "
    "c = store.connect(Path('{path}')); rollups.clear(c); c.disconnect()"
)
NEXT_DAY = (
    "import duckdb; c = duckdb.connect('{path}'); c.execute(\"INSERT INTO usage_events "
    "SELECT message_id || '-next', account_id, user_id, event, timestamp + INTERVAL 1 DAY, "
    "properties, now() FROM usage_events WHERE timestamp >= TIMESTAMPTZ '{since}' "
    "AND timestamp < TIMESTAMPTZ '{until}'\"); c.close()"
)
# What `hatake serve`'s scheduled refresh does after events arrived, timed inside a process that
# already has its imports and the store open (as a running server does).
IN_SERVER = """
import time
from datetime import date
from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.health import versions
from hatake.health.service import refresh_day
runtime = open_runtime()
analytics = runtime.analytics()
started = time.perf_counter()
with transaction(runtime.sessions) as session:
    refresh_day(session, analytics, as_of=date.fromisoformat('{day}'),
                definition=versions.active_definition(session), settings=runtime.settings)
print(time.perf_counter() - started)
runtime.close()
"""
FLOOR = (
    "import duckdb; c = duckdb.connect('{path}', read_only=True); c.execute('SELECT count(*) "
    "FROM (SELECT account_id, CAST(timestamp AS DATE) AS day, count(DISTINCT user_id) "
    "FROM usage_events GROUP BY ALL)').fetchall()"
)


def _timed_inside(code: str, home: Path) -> tuple[float, float]:
    """The seconds a child process reports for its own timed part, and its peak RSS (MB)."""
    child = subprocess.Popen(_python(code), env=_env(home), stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the in-server refresh failed")
    return float(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def run_once(source: Path) -> dict[str, tuple[float, float]]:
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="hatake-bench-") as scratch:
        home = Path(scratch) / "home"
        shutil.copytree(source, home)
        analytics = home / "analytics.duckdb"
        results["floor"] = _measure(_python(FLOOR.format(path=analytics)), home)
        _measure(_python(DROP_ROLLUPS.format(path=analytics)), home)
        results["full"] = _measure(_hatake("refresh", "--as-of", str(LAST_DAY)), home)
        # Tokyo's LAST_DAY, moved one day on.
        since, until = f"{LAST_DAY - timedelta(days=1)} 15:00:00+00", f"{LAST_DAY} 15:00:00+00"
        _measure(_python(NEXT_DAY.format(path=analytics, since=since, until=until)), home)
        results["incremental"] = _measure(_hatake("refresh", "--as-of", str(TODAY)), home)
        since, until = f"{LAST_DAY} 15:00:00+00", f"{TODAY} 15:00:00+00"
        _measure(_python(NEXT_DAY.format(path=analytics, since=since, until=until)), home)
        results["in server"] = _timed_inside(IN_SERVER.format(day=TODAY + timedelta(days=1)), home)
        first = LAST_DAY - timedelta(days=364)
        results["backfill"] = _measure(
            _hatake("refresh", "--backfill", str(first), str(LAST_DAY)), home
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="demo HATAKE_HOME to copy for every run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hatake-demo-") as generated:
        source = args.home
        if source is None:
            source = Path(generated)
            print("generating the 10,000-account demo …", flush=True)
            _measure(
                _hatake(
                    "demo", "--accounts", "10000", "--months", "12",
                    "--today", str(TODAY), "--score-days", "0",
                ),
                source,
            )  # fmt: skip
        print(f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        print(f"DuckDB {duckdb.__version__}; home {source}")
        runs = []
        for number in range(1, args.runs + 1):
            runs.append(run_once(source))
            line = ", ".join(
                f"{name} {sec:.2f} s / {mb:.0f} MB" for name, (sec, mb) in runs[-1].items()
            )
            print(f"run {number}: {line}", flush=True)
        print("median of the runs:")
        for name in runs[0]:
            seconds = statistics.median(run[name][0] for run in runs)
            memory = statistics.median(run[name][1] for run in runs)
            print(f"  {name:12} {seconds:7.2f} s   peak {memory:6.0f} MB")
        floor = statistics.median(run["floor"][0] for run in runs)
        full = statistics.median(run["full"][0] for run in runs)
        print(f"full refresh / bare DuckDB floor: {full / floor:.1f}x")


if __name__ == "__main__":
    main()
