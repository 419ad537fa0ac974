"""Automated tech-touch sends to one account (pure: no I/O): the monthly newsletter and the
onboarding e-mail series, sent only while the account is in the tech-touch tier, that is while
12 x the MRR of its running terms is below the low-touch ARR threshold (lifecycle/tiers.py).
Rows are touchpoints as in records.py, marked `is_automated`, with no team member.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from hatake.demo import phrases
from hatake.demo.records import NEVER, Row, SimulatedAccount
from hatake.demo.timeline import (
    Timeline,
    day_number,
    jst_to_utc_micros,
    next_business_day,
    to_date,
    utc_datetime,
)
from hatake.lifecycle.lifecycle_config import TierThresholds
from hatake.lifecycle.tiers import tier_for

NEWSLETTER_DAY = 10  # of each month, moved to the next business day
SEND_SECONDS = 10 * 3600  # the program sends at 10:00 JST


def tech_touch_days(
    subscriptions: list[Row], days: np.ndarray, thresholds: Mapping[str, TierThresholds]
) -> np.ndarray:
    """Whether the terms running on each day (start <= day < end) put the account in tech
    touch, by the lifecycle's own rule; False where no term runs (not a customer that day).
    The demo bills every account in one currency."""
    if not subscriptions:
        return np.zeros(len(days), dtype=bool)
    currency = subscriptions[0]["currency"]
    starts = np.array([day_number(term["start_date"]) for term in subscriptions])
    ends = np.array(
        [day_number(term["end_date"]) if term["end_date"] else NEVER for term in subscriptions]
    )
    running = (starts[None, :] <= days[:, None]) & (days[:, None] < ends[None, :])
    mrr = running @ np.array([term["mrr_minor"] for term in subscriptions], dtype=np.int64)
    tiers = {value: tier_for({currency: value}, thresholds) for value in set(mrr.tolist())}
    return running.any(axis=1) & np.array(
        [tiers[value] == "tech_touch" for value in mrr.tolist()], dtype=bool
    )


@dataclass(frozen=True)
class Newsletters:
    """The newsletter's send days within the window, and their subjects: the same for every
    account, so worked out once per run."""

    days: np.ndarray
    subjects: list[str]


def newsletters(timeline: Timeline, locale: str) -> Newsletters:
    days = np.array(
        [next_business_day(start + NEWSLETTER_DAY - 1) for start in timeline.month_starts[:-1]]
    )
    days = days[(days >= timeline.window_day) & (days < timeline.today_day)]
    subjects = []
    for day in days.tolist():
        month = to_date(day)
        subjects.append(
            phrases.NEWSLETTER[locale].format(
                year=month.year, month=month.month, month_name=calendar.month_name[month.month]
            )
        )
    return Newsletters(days=days, subjects=subjects)


def automated_send_rows(
    account: SimulatedAccount,
    subscriptions: list[Row],
    thresholds: Mapping[str, TierThresholds],
    newsletter: Newsletters,
) -> list[Row]:
    timeline = account.timeline
    series = phrases.ONBOARDING_SERIES[account.locale]
    onboarding = [next_business_day(account.start_day + offset) for offset, _subject in series]
    days = np.array([*newsletter.days.tolist(), *onboarding], dtype=np.int64)
    subjects = [*newsletter.subjects, *(subject for _offset, subject in series)]
    sent = (timeline.window_day <= days) & (days < min(account.end_day, timeline.today_day))
    sent[sent] = tech_touch_days(subscriptions, days[sent], thresholds)
    moments = jst_to_utc_micros(days, np.full(len(days), SEND_SECONDS))
    rows = []
    for index in sorted(np.flatnonzero(sent).tolist(), key=lambda i: days[i]):
        rows.append(
            {
                "external_id": f"AUTO-{account.number:06d}-{len(rows) + 1:04d}",
                "account_id": account.number,
                "contact_id": None,
                "user_id": None,
                "channel": "email",
                "occurred_at": utc_datetime(int(moments[index])),
                "summary": subjects[index],
                "is_meaningful": True,
                "is_automated": True,
            }
        )
    return rows
