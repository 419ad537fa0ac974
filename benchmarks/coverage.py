"""Benchmark of the contact-coverage report at 10,000 accounts and 500,000 touchpoints.

Copies /tmp/bench10k (built by `HATAKE_HOME=/tmp/bench10k hatake demo --accounts 10000
--months 12 --today 2026-11-23 --score-days 0`; never modified) to /tmp/bench10k-coverage, adds
touchpoints until there are 500,000, then times ``coverage_service.build_report`` (what the page,
the API and the CLI all run) several times and prints the median.

    .venv/bin/python benchmarks/coverage.py [--runs 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

from hatake.accounts.models import Account
from hatake.core.db import make_engine
from hatake.core.settings import Settings
from hatake.coverage import coverage_repository, coverage_service
from hatake.coverage.models import CHANNELS, Touchpoint
from hatake.lifecycle import matrix_service

SOURCE, COPY = Path("/tmp/bench10k"), Path("/tmp/bench10k-coverage")
TOUCHPOINTS = 500_000
DAY = date(2026, 11, 23)


def prepare() -> Settings:
    if not COPY.exists():
        shutil.copytree(SOURCE, COPY)
    settings = Settings(home=COPY)
    engine = make_engine(settings.state_url)
    from hatake.core import migrate

    migrate.upgrade(engine)
    with engine.begin() as connection:
        from sqlalchemy.orm import Session

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    settings = prepare()
    engine = make_engine(settings.state_url)
    from sqlalchemy.orm import Session

    timings = []
    for _ in range(runs):
        with Session(engine) as session:
            begun = time.perf_counter()
            report = coverage_service.build_report(
                session,
                day=DAY,
                cadences=coverage_service.cadence_config(settings),
                matrix_config=matrix_service.current_state(session, settings).config,
            )
            timings.append(time.perf_counter() - begun)
            session.rollback()
    with Session(engine) as session:
        count = coverage_repository.count_touchpoints(session)
    print(
        f"coverage report: {report.overall.total} accounts under contract, {count} touchpoints, "
        f"median {statistics.median(timings) * 1000:.0f} ms over {runs} runs "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f})"
    )


if __name__ == "__main__":
    main()
