"""Benchmark the priority-matrix and segment pages and APIs at 10,000 accounts.

    .venv/bin/python benchmarks/matrix_segments.py --home /tmp/bench10k --runs 9

`--home` is a HATAKE_HOME made by `hatake demo --accounts 10000 --months 12 --today 2026-11-23
--score-days 0`; it is copied to a scratch directory first and never modified. The app runs in
this process (FastAPI's TestClient, signed in as the demo user); each figure is the median of
``--runs`` requests after one warm-up, so it is server time plus a negligible in-process hop.
Two segments are saved and their membership computed for the day first (not timed): one that
holds about half the accounts and one that holds a few hundred.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

AS_OF = "2026-11-22"


def _median_ms(client, path: str, runs: int, **kwargs) -> float:  # type: ignore[no-untyped-def]
    client.get(path, **kwargs).raise_for_status()  # warm-up: first queries, template compile
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path, **kwargs).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=Path("/tmp/bench10k"))
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="matrix-bench-")) / "home"
    shutil.copytree(args.home, scratch)
    os.environ["HATAKE_HOME"] = str(scratch)
    os.environ.pop("HATAKE_DATABASE_URL", None)
    from datetime import date

    from fastapi.testclient import TestClient

    from hatake.core.db import transaction
    from hatake.lifecycle import segment_jobs, segment_service
    from hatake.team import service as team_service
    from hatake.web.app import create_app

    app = create_app()
    runtime = app.state.runtime
    with transaction(runtime.sessions) as session:
        _row, token = team_service.create_token(session, name="bench", scopes=["read"])
        segment_ids = [
            segment_service.save_segment(
                session, name=name, definition={"conditions": conditions}, description=None,
                custom_keys=[],
            ).id
            for name, conditions in (
                ("large", [{"field": "seats", "op": ">=", "value": 10}]),
                ("small", [{"field": "days_to_renewal", "op": "<=", "value": 14}]),
            )
        ]  # fmt: skip
        refreshed = segment_jobs.refresh_segments(runtime, session, day=date.fromisoformat(AS_OF))
    sizes = {result.segment_id: result.members for result in refreshed}
    with TestClient(app) as client:
        login = client.get("/login").text
        csrf = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post(
            "/login",
            data={"email": "demo@hatake.example", "password": "hatake-demo", "csrf_token": csrf},
        )
        api = {"headers": {"authorization": f"Bearer {token}"}}
        figures = {
            "matrix page": _median_ms(client, f"/lifecycle/matrix?as_of={AS_OF}", args.runs),
            "matrix API": _median_ms(
                client, f"/api/v1/lifecycle/matrix?as_of={AS_OF}", args.runs, **api
            ),
            "cell drill-down (A-d, 100 rows)": _median_ms(
                client, f"/lifecycle/matrix/cells/A-d?as_of={AS_OF}", args.runs
            ),
            "matrix workbook (every account)": _median_ms(
                client, f"/lifecycle/matrix/export.xlsx?as_of={AS_OF}", args.runs
            ),
            "segments page": _median_ms(client, "/segments", args.runs),
        }
        for segment_id in segment_ids:
            label = f"segment page ({sizes[segment_id]:,} members)"
            figures[label] = _median_ms(client, f"/segments/{segment_id}", args.runs)
            figures[f"segment members API ({sizes[segment_id]:,})"] = _median_ms(
                client, f"/api/v1/segments/{segment_id}/members", args.runs, **api
            )
            figures[f"accounts list by segment ({sizes[segment_id]:,})"] = _median_ms(
                client, f"/accounts?segment={segment_id}", args.runs
            )
    for name, value in figures.items():
        print(f"{name:34s} median {value:7.1f} ms over {args.runs} runs")
    shutil.rmtree(scratch.parent)


if __name__ == "__main__":
    main()
