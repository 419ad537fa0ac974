"""Benchmark of the report pages, APIs and services at 10,000 accounts and 36 months of
subscriptions.

    .venv/bin/python benchmarks/reports.py [--runs 7] [--only retention]

Builds once (kept for later runs) /tmp/bench-reports: a copy of /tmp/bench10k (made by
`HATAKE_HOME=/tmp/bench10k hatake demo --accounts 10000 --months 12 --today 2026-11-23
--score-days 0`; never modified) whose subscriptions are replaced by a synthetic 36-month
history: monthly and annual contracts, upgrades, downgrades, churn, reactivation, and a share
of USD contracts converted with ``[revenue.rates]``. Delete the folder to rebuild it.

Each report adds named ``Step``s to ``STEPS``: a step is one run of a report's server work (a
page or API request through the in-process app, or a service call). Every step runs once to
warm up, then ``--runs`` times; the median is printed. Target: every report under 500 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from dateutil.relativedelta import relativedelta

SOURCE, HOME = Path("/tmp/bench10k"), Path("/tmp/bench-reports")
TODAY = date(2026, 11, 23)
MONTHS = 36
FIRST_MONTH = date(2023, 12, 1)  # 36 months up to November 2026
PLANS = {"standard": 30_000, "pro": 80_000, "enterprise": 300_000}
USD_RATE = 150.0


def _history(account_id: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """One account's contract terms: a term ends on the day the next one starts (a change) or
    on the day before its renewal (annual), as hatake's import and demo write them."""
    annual = rng.random() < 0.4
    usd = rng.random() < 0.05
    plan = str(rng.choice(list(PLANS), p=[0.6, 0.3, 0.1]))
    seats = int(rng.integers(1, 40))
    day = (
        FIRST_MONTH
        + relativedelta(months=int(rng.integers(0, MONTHS)))
        + timedelta(days=int(rng.integers(0, 28)))
    )
    terms: list[dict[str, Any]] = []
    running = True
    while day <= TODAY:
        term_end = day + relativedelta(months=12) - timedelta(days=1) if annual else None
        step = 12 if annual else 1
        cursor = day
        next_start: date | None = None
        while next_start is None:
            cursor = cursor + relativedelta(months=step)
            if cursor > TODAY:
                break
            roll = rng.random()
            churn, up, down = (0.10, 0.10, 0.05) if annual else (0.015, 0.02, 0.01)
            if roll < churn:
                running = False
                next_start = cursor
            elif roll < churn + up + down:
                seats = max(1, seats + (int(rng.integers(1, 10)) if roll < churn + up else -3))
                if rng.random() < 0.2:
                    plan = "pro" if plan == "standard" else "enterprise"
                next_start = cursor
            elif annual:
                next_start = cursor  # renewal: the next 12-month term
        price = PLANS[plan] * seats // 10
        amount = price * 100 // int(USD_RATE) if usd else price
        ended = next_start is not None and next_start <= TODAY
        terms.append(
            {
                "external_id": f"BENCH-SUB-{account_id}-{len(terms) + 1:03d}",
                "account_id": account_id,
                "plan": plan,
                "mrr_minor": amount,
                "currency": "USD" if usd else "JPY",
                "seats": seats,
                "start_date": day,
                "end_date": (term_end if annual else next_start) if ended or annual else None,
                "status": "cancelled" if not running else ("ended" if ended else "active"),
                "billing_period": "annual" if annual else "monthly",
            }
        )
        if not ended:
            break
        day = next_start
        if not running:  # gone for a while; some come back
            gap = int(rng.integers(1, 12))
            if rng.random() > 0.3:
                break
            day = day + relativedelta(months=gap)
            running = True
    return terms


def prepare() -> Path:
    if HOME.exists():
        return HOME
    scratch = HOME.with_name(HOME.name + ".building")
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(SOURCE, scratch)
    with (scratch / "config.toml").open("a") as config:
        config.write(f"\n[revenue.rates]\nUSD = {USD_RATE}\n")
    from sqlalchemy import delete, insert, select
    from sqlalchemy.orm import Session

    from hatake.accounts.models import Account, Subscription
    from hatake.core import migrate
    from hatake.core.db import make_engine
    from hatake.core.settings import Settings

    engine = make_engine(Settings(home=scratch).state_url)
    migrate.upgrade(engine)
    rng = np.random.default_rng(36)
    with engine.begin() as connection:
        session = Session(bind=connection)
        accounts = session.scalars(select(Account.id).order_by(Account.id)).all()
        rows = [term for account in accounts for term in _history(account, rng)]
        connection.execute(delete(Subscription))
        for chunk in range(0, len(rows), 20_000):
            connection.execute(insert(Subscription), rows[chunk : chunk + 20_000])
    engine.dispose()
    scratch.rename(HOME)
    return HOME


@dataclass
class Bench:
    """What a step may use: the signed-in in-process client, API headers, the runtime."""

    client: Any
    api: dict[str, Any]
    runtime: Any
    settings: Any
    tickets_ready: bool = False  # the support steps' 36 months of tickets are in the home

    def page(self, path: str) -> None:
        self.client.get(path).raise_for_status()

    def call(self, path: str) -> None:
        self.client.get(path, **self.api).raise_for_status()


@dataclass(frozen=True)
class Step:
    report: str  # --only selects steps by report
    name: str
    run: Callable[[Bench], object]


def _load_mrr(bench: Bench) -> object:
    from hatake.core.db import transaction
    from hatake.revenue.revenue_service import load_mrr

    with transaction(bench.runtime.sessions) as session:
        return load_mrr(session, bench.settings, FIRST_MONTH, date(2026, 10, 1))


SUPPORT_FIRST_DAY = date(2023, 12, 1)
SUPPORT_TICKETS = 80_000  # with the demo's 40,000 of the last 12 months: 36 months of tickets
SUPPORT_SEGMENT = "bench: every third account"


def _ensure_support_tickets(bench: Bench) -> None:
    """The demo home holds 12 months of tickets; add 24 earlier months (once, kept in the
    home) so the support report reads 36 months, about 120,000 tickets. Checked once per run
    of this script: the check scans the tickets, which is no part of a report's time."""
    if bench.tickets_ready:
        return
    bench.tickets_ready = True
    from datetime import UTC, datetime

    from sqlalchemy import func, insert, select

    from hatake.accounts.models import Account
    from hatake.core.db import transaction
    from hatake.lifecycle.segment_models import Segment, SegmentMembership
    from hatake.support.models import Ticket

    with transaction(bench.runtime.sessions) as session:
        have = session.scalar(select(func.count()).where(Ticket.external_id.like("BENCH-TKT-%")))
        if have:
            return
        accounts = np.array(session.scalars(select(Account.id)).all())
        segment = Segment(name=SUPPORT_SEGMENT, definition={"all": []})
        session.add(segment)
        session.flush()
        session.execute(
            insert(SegmentMembership),
            [
                {"segment_id": segment.id, "account_id": int(account), "entered_on": TODAY}
                for account in accounts[::3]
            ],
        )
        rng = np.random.default_rng(2)
        start = datetime.combine(SUPPORT_FIRST_DAY, datetime.min.time(), UTC)
        span = (datetime(2025, 11, 23, tzinfo=UTC) - start).total_seconds()
        opened = rng.uniform(0, span, SUPPORT_TICKETS)
        responded = opened + rng.lognormal(np.log(3 * 3600), 0.8, SUPPORT_TICKETS)
        resolved = responded + rng.lognormal(np.log(30 * 3600), 1.0, SUPPORT_TICKETS)
        still_open = rng.random(SUPPORT_TICKETS) < 0.005
        functional = rng.random(SUPPORT_TICKETS) < 0.75
        categories = {
            True: ["ログイン・認証", "不具合", "データ連携", "操作方法", "機能要望"],
            False: ["導入・展開", "運用設計", "活用促進", "請求"],
        }
        priorities = rng.choice(["low", "normal", "high", "urgent"], SUPPORT_TICKETS,
                                p=[0.2, 0.55, 0.2, 0.05])  # fmt: skip
        rated = rng.random(SUPPORT_TICKETS) < 0.4
        ratings = rng.integers(1, 6, SUPPORT_TICKETS)
        picks = rng.integers(0, 5, SUPPORT_TICKETS)
        rows = [
            {
                "external_id": f"BENCH-TKT-{index}",
                "account_id": int(accounts[index % len(accounts)]),
                "opened_at": start + timedelta(seconds=float(opened[index])),
                "first_response_at": start + timedelta(seconds=float(responded[index])),
                "resolved_at": None
                if still_open[index]
                else start + timedelta(seconds=float(resolved[index])),
                "status": "open" if still_open[index] else "closed",
                "priority": str(priorities[index]),
                "issue_type": "functional" if functional[index] else "operational",
                "category": categories[bool(functional[index])][
                    int(picks[index]) % len(categories[bool(functional[index])])
                ],
                "csat": int(ratings[index]) if rated[index] and not still_open[index] else None,
                "updated_at": start,
            }
            for index in range(SUPPORT_TICKETS)
        ]
        for chunk in range(0, len(rows), 20_000):
            session.execute(insert(Ticket), rows[chunk : chunk + 20_000])


def _support(path: str, *, api: bool = False) -> Callable[[Bench], object]:
    def run(bench: Bench) -> object:
        _ensure_support_tickets(bench)
        return bench.call(path) if api else bench.page(path)

    return run


def _support_segment(bench: Bench) -> object:
    from sqlalchemy import select

    from hatake.core.db import transaction
    from hatake.lifecycle.segment_models import Segment

    _ensure_support_tickets(bench)
    with transaction(bench.runtime.sessions) as session:
        segment = session.scalar(select(Segment.id).where(Segment.name == SUPPORT_SEGMENT))
    return bench.page(
        f"/reports/support?grain=quarter&from=FY2023-Q3&to=FY2026-Q3&segment={segment}"
    )


def _support_card(bench: Bench) -> object:
    from sqlalchemy import func, select

    from hatake.core.db import transaction
    from hatake.support.models import Ticket

    _ensure_support_tickets(bench)
    with transaction(bench.runtime.sessions) as session:
        busiest = session.execute(
            select(Ticket.account_id).group_by(Ticket.account_id).order_by(func.count().desc())
        ).scalar()
    return bench.page(f"/accounts/{busiest}/support/card")


def _retention(query: str, *, api: bool = False) -> Callable[[Bench], object]:
    if api:
        return lambda bench: bench.call(f"/api/v1/reports/retention?{query}")
    return lambda bench: bench.page(f"/reports/retention?{query}")


# Append a report's steps here (keep each report's block together).
STEPS: list[Step] = [
    Step("retention", "MRR table, 36 months (service)", _load_mrr),
    Step("retention", "page, 12 months", lambda b: b.page("/reports/retention")),
    Step("retention", "page, 35 months", _retention("from=2023-12&to=2026-10")),
    Step(
        "retention",
        "page, 12 fiscal quarters by plan",
        _retention("grain=quarter&from=FY2023-Q3&to=2026-10&by=plan"),
    ),
    Step("retention", "page, 35 months by tier", _retention("from=2023-12&to=2026-10&by=tier")),
    Step("retention", "page, 35 months by owner", _retention("from=2023-12&to=2026-10&by=owner")),
    Step(
        "retention", "page, 35 months by segment", _retention("from=2023-12&to=2026-10&by=segment")
    ),
    Step(
        "retention",
        "API retention, fiscal years by plan",
        _retention("grain=fiscal_year&from=FY2023&by=plan", api=True),
    ),
    Step("retention", "API MRR, 35 months", lambda b: b.call("/api/v1/reports/mrr?from=2023-12")),
    Step(
        "retention",
        "Excel export, 35 months by plan",
        _retention("from=2023-12&to=2026-10&by=plan&format=xlsx"),
    ),
    Step("support", "page, 12 months", _support("/reports/support?from=2025-12&to=2026-11")),
    Step("support", "page, 36 months", _support("/reports/support?from=2023-12&to=2026-11")),
    Step("support", "page, 13 fiscal quarters, a third of accounts", _support_segment),
    Step(
        "support",
        "API, 36 months",
        _support("/api/v1/reports/support?from=2023-12&to=2026-11", api=True),
    ),
    Step(
        "support",
        "Excel export, 36 months",
        _support("/reports/support?from=2023-12&to=2026-11&format=xlsx"),
    ),
    Step("support", "account card (busiest account)", _support_card),
    Step("cohorts", "page, 36 monthly cohorts by tier", lambda b: b.page("/reports/cohorts")),
    Step(
        "cohorts",
        "page, fiscal-quarter cohorts by plan, quarters",
        lambda b: b.page("/reports/cohorts?grain=quarter&by=plan&period_months=3"),
    ),
    Step("cohorts", "API cohorts, 36 months", lambda b: b.call("/api/v1/reports/cohorts")),
    Step("cohorts", "API survival by plan", lambda b: b.call("/api/v1/reports/survival?by=plan")),
    Step("cohorts", "Excel export, by tier", lambda b: b.page("/reports/cohorts?format=xlsx")),
    Step("forecast", "page, 12 months", lambda b: b.page("/reports/forecast")),
    Step("forecast", "API, 12 months", lambda b: b.call("/api/v1/reports/forecast")),
    Step("forecast", "Excel export, 12 months", lambda b: b.page("/reports/forecast?format=xlsx")),
    Step(
        "forecast",
        "Excel export, 36 months",
        lambda b: b.page("/reports/forecast?horizon=36&format=xlsx"),
    ),
]


def _timings_ms(step: Step, bench: Bench, runs: int) -> list[float]:
    step.run(bench)  # warm-up: first queries, template compile
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        step.run(bench)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", help="run only the steps of this report")
    args = parser.parse_args()
    home = prepare()
    os.environ["HATAKE_HOME"] = str(home)
    os.environ.pop("HATAKE_DATABASE_URL", None)
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from hatake.accounts.models import Subscription
    from hatake.core.db import transaction
    from hatake.team import service as team_service
    from hatake.web.app import create_app

    app = create_app()
    runtime = app.state.runtime
    with transaction(runtime.sessions) as session:
        _row, token = team_service.create_token(session, name="bench", scopes=["read"])
        terms = session.scalar(select(func.count()).select_from(Subscription))
    with TestClient(app) as client:
        login = client.get("/login").text
        csrf = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post(
            "/login",
            data={"email": "demo@hatake.example", "password": "hatake-demo", "csrf_token": csrf},
        )
        bench = Bench(client, {"headers": {"authorization": f"Bearer {token}"}}, runtime,
                      runtime.settings)  # fmt: skip
        print(f"{terms:,} subscription terms, {MONTHS} months to {TODAY}")
        for step in STEPS:
            if args.only and step.report != args.only:
                continue
            timings = _timings_ms(step, bench, args.runs)
            print(
                f"{step.report:10s} {step.name:46s} median {statistics.median(timings):7.1f} ms "
                f"over {args.runs} runs (fastest {min(timings):.0f}, slowest {max(timings):.0f})"
            )


if __name__ == "__main__":
    main()
