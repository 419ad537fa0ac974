"""Benchmark of the contact-coverage report and today's queue at 10,000 accounts and 500,000
touchpoints.

Copies /tmp/bench10k (built by `HATAKE_HOME=/tmp/bench10k hatake demo --accounts 10000
--months 12 --today 2026-11-23 --score-days 0`; never modified) to /tmp/bench10k-coverage, adds
touchpoints until there are 500,000, then times the coverage page, its cells and its API, and
today's queue (``queue_service.build_queue``: the page for the whole team and for one CSM, and
the API) several times and prints the medians.

    .venv/bin/python benchmarks/coverage.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.core import migrate
from hatake.core.db import make_engine
from hatake.core.settings import Settings
from hatake.coverage import coverage_repository
from hatake.coverage.models import CHANNELS, Touchpoint

SOURCE, COPY = Path("/tmp/bench10k"), Path("/tmp/bench10k-coverage")
TOUCHPOINTS = 500_000
DAY = date(2026, 11, 23)
CSM = "csm1@hatake.example"  # one of the six demo CSMs, about a sixth of the accounts


def prepare() -> Settings:
    if not COPY.exists():
        shutil.copytree(SOURCE, COPY)
    settings = Settings(home=COPY)
    engine = make_engine(settings.state_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        session = Session(bind=connection)
        have = coverage_repository.count_touchpoints(session)
        missing = TOUCHPOINTS - have
        if missing > 0:
            accounts = np.array(session.scalars(select(Account.id)).all())
            rng = np.random.default_rng(7)
            start = datetime(2025, 11, 24, tzinfo=UTC)
            offsets = rng.integers(0, 365 * 86_400, missing)
            picks = rng.choice(accounts, missing)
            rows = [
                {
                    "external_id": f"BENCH-{index}",
                    "account_id": int(account),
                    "channel": CHANNELS[index % len(CHANNELS)],
                    "occurred_at": start + timedelta(seconds=int(offset)),
                    "is_meaningful": index % 4 != 0,
                    "updated_at": start,
                }
                for index, (account, offset) in enumerate(zip(picks, offsets, strict=True))
            ]
            for chunk in range(0, len(rows), 50_000):
                connection.execute(insert(Touchpoint), rows[chunk : chunk + 50_000])
    return settings


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
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    settings = prepare()
    os.environ["HATAKE_HOME"] = str(settings.home)
    os.environ.pop("HATAKE_DATABASE_URL", None)
    from fastapi.testclient import TestClient

    from hatake.core.db import transaction
    from hatake.team import service as team_service
    from hatake.web.app import create_app

    app = create_app()
    runtime = app.state.runtime
    with transaction(runtime.sessions) as session:
        _row, token = team_service.create_token(session, name="bench", scopes=["read"])
        touchpoints = coverage_repository.count_touchpoints(session)
    day = DAY.isoformat()
    with TestClient(app) as client:
        login = client.get("/login").text
        csrf = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post(
            "/login",
            data={"email": "demo@hatake.example", "password": "hatake-demo", "csrf_token": csrf},
        )
        api = {"headers": {"authorization": f"Bearer {token}"}}
        figures = {
            "coverage page": _median_ms(client, f"/coverage?as_of={day}", runs),
            "cells and stages (loaded after)": _median_ms(
                client, f"/coverage/cells?as_of={day}", runs
            ),
            "coverage API": _median_ms(client, f"/api/v1/coverage?as_of={day}", runs, **api),
            "queue page, whole team": _median_ms(client, f"/queue?owner=all&as_of={day}", runs),
            "queue page, one CSM": _median_ms(client, f"/queue?owner={CSM}&as_of={day}", runs),
            "queue API, whole team": _median_ms(client, f"/api/v1/queue?as_of={day}", runs, **api),
        }
    print(f"{touchpoints:,} touchpoints, as of {day}")
    for name, value in figures.items():
        print(f"{name:34s} median {value:7.1f} ms over {runs} runs")


if __name__ == "__main__":
    main()
