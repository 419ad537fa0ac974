"""The CS team's tasks around one account, derived from its touchpoints, tickets and contract
(pure: no I/O): follow-ups a CSM notes after a touch, escalations of urgent tickets and the
preparation of annual renewals.

How a follow-up ends depends on how diligent its CSM is (the hidden trait that also sets how
many planned touches get made): most are done by their due day, some late, and a few of the
recent ones are still open past their due day. Follow-ups due from today on are mostly open.
An escalation is done when its ticket is solved. Times are UTC datetimes; days are JST day
numbers as in timeline.py. Rows follow records.py: `id` is the run's task number, users are
indexes into names.TEAM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from hatake.demo import names, phrases, records
from hatake.demo.records import Row, SimulatedAccount
from hatake.demo.timeline import (
    JST_OFFSET_SECONDS,
    jst_to_utc_micros,
    next_business_day,
    to_date,
    utc_datetime,
)

FOLLOW_UP_SHARE = 0.4  # meaningful touches by a person that leave a follow-up task
FOLLOW_UP_DAYS = np.array([2, 3, 5, 7, 10, 14])  # due this many days after the touch
# A follow-up due in these last days may still be open; older ones were all closed by now.
STILL_OPEN_DAYS = 21
STILL_OPEN_SHARE = 0.3  # of the recent follow-ups not done on time
DONE_EARLY_SHARE = 0.2  # of the follow-ups due from today on
ESCALATED_PRIORITIES = ("urgent",)
MANAGER_TAKES_SHARE = 0.5  # escalations the manager takes over from the CSM
LOW_HEALTH = 0.4  # tasks of an account this unhealthy are high priority
RENEWAL_PREP_DAYS = 90  # an annual renewal's preparation task opens this long before it
RENEWAL_REVIEW_DAYS = 45  # and is due this long before it
MICROS_PER_MINUTE = 60 * 10**6
MICROS_PER_DAY = 86_400 * 10**6


@dataclass
class TaskRows:
    """One account's tasks and the comments on them; `next_number` is the next task number."""

    next_number: int
    tasks: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)


def on_time_share(diligence: float) -> float:
    """Share of follow-ups done by their due day: half for the least diligent CSM of the
    simulation (0.55), nine in ten for the most diligent (1.2)."""
    return float(np.clip(0.5 + 0.4 * (diligence - 0.55) / 0.65, 0.3, 0.95))


def task_rows(
    account: SimulatedAccount,
    touchpoints: list[Row],
    tickets: list[Row],
    diligence: float,
    first_number: int,
    rng: np.random.Generator,
) -> TaskRows:
    result = TaskRows(next_number=first_number)
    for touch in touchpoints:
        if touch["is_meaningful"] and rng.random() < FOLLOW_UP_SHARE:
            _follow_up(result, account, touch, diligence, rng)
    for ticket in tickets:
        if ticket["priority"] in ESCALATED_PRIORITIES:
            _escalation(result, account, ticket, rng)
    _renewal_preparations(result, account, diligence, rng)
    return result


def _follow_up(
    result: TaskRows,
    account: SimulatedAccount,
    touch: Row,
    diligence: float,
    rng: np.random.Generator,
) -> None:
    created = _micros(touch["occurred_at"]) + int(rng.integers(10, 120)) * MICROS_PER_MINUTE
    due = next_business_day(_day_of(created) + int(rng.choice(FOLLOW_UP_DAYS)))
    titles = phrases.FOLLOW_UP_TITLES[account.locale]
    _planned_task(
        result,
        account,
        title=titles[int(rng.integers(len(titles)))],
        description=touch["summary"],
        assignee=int(touch["user_id"]),
        created=created,
        due=due,
        diligence=diligence,
        rng=rng,
    )


def _renewal_preparations(
    result: TaskRows, account: SimulatedAccount, diligence: float, rng: np.random.Generator
) -> None:
    """An annual contract's renewal is prepared from 90 days before it: the owner reviews the
    year with the customer by 45 days before."""
    if not account.profiles.annual[account.row]:
        return
    timeline = account.timeline
    for renewal in records.annual_renewals(account).tolist():
        opened = renewal - RENEWAL_PREP_DAYS
        if not timeline.window_day <= opened < min(account.end_day, timeline.today_day):
            continue
        owner = int(account.owner_on(np.array([opened]))[0])
        created = _at(opened, 9 * 3600 + int(rng.integers(0, 3600)))
        _planned_task(
            result,
            account,
            title=phrases.RENEWAL_PREP_TITLE[account.locale],
            description=phrases.RENEWAL_PREP_DESCRIPTION[account.locale].format(
                date=to_date(renewal).isoformat()
            ),
            assignee=owner,
            created=created,
            due=next_business_day(renewal - RENEWAL_REVIEW_DAYS),
            diligence=diligence,
            rng=rng,
        )


def _planned_task(
    result: TaskRows,
    account: SimulatedAccount,
    *,
    title: str,
    description: str | None,
    assignee: int,
    created: int,
    due: int,
    diligence: float,
    rng: np.random.Generator,
) -> None:
    """A task a CSM set themselves, and how it went: done by its due day as often as the CSM
    is diligent, otherwise late or (due lately) still open, with a note on why."""
    today = account.timeline.today_day
    month = int(account.timeline.month_of(np.array([_day_of(created)]))[0])
    health = float(account.trajectories.health[account.row, month])
    outcome = rng.random()
    completed: int | None = None
    comment: str | None = None
    if due >= today:
        if outcome < DONE_EARLY_SHARE:
            completed = _done_between(created, _day_of(created), today - 1, rng)
    elif outcome < on_time_share(diligence):
        completed = _done_between(created, _day_of(created), due, rng)
    elif due >= today - STILL_OPEN_DAYS and rng.random() < STILL_OPEN_SHARE:
        comment = phrases.WAITING_COMMENT[account.locale]
    else:
        late = due + int(rng.geometric(0.25))
        if late < today:
            completed = _done_between(created, late, late, rng)
            comment = phrases.LATE_COMMENT[account.locale]
        else:
            comment = phrases.WAITING_COMMENT[account.locale]
    number = _add_task(
        result,
        account,
        title=title,
        description=description,
        assignee=assignee,
        author=assignee,
        created=created,
        due=due,
        priority="high" if health < LOW_HEALTH else "normal",
        completed=completed,
    )
    if comment is not None:
        # Written after the due day passed (or a day after creation), before it was done.
        written = max(created + MICROS_PER_MINUTE, _at(min(due, today - 1), 17 * 3600))
        if completed is None or written < completed:
            _add_comment(result, number, assignee, comment, written)


def _escalation(
    result: TaskRows, account: SimulatedAccount, ticket: Row, rng: np.random.Generator
) -> None:
    today = account.timeline.today_day
    now = _at(today, 0)
    created = _micros(ticket["opened_at"]) + int(rng.integers(30, 180)) * MICROS_PER_MINUTE
    owner = int(account.owner_on(np.array([_day_of(created)]))[0])
    assignee = names.MANAGER_INDEX if rng.random() < MANAGER_TAKES_SHARE else owner
    if created >= now:
        return
    due = next_business_day(_day_of(created) + int(rng.integers(1, 3)))
    resolved = ticket["resolved_at"]
    completed = None
    if resolved is not None:
        completed = _micros(resolved) + int(rng.integers(30, 24 * 60)) * MICROS_PER_MINUTE
        completed = completed if completed < now else None
    number = _add_task(
        result,
        account,
        title=phrases.ESCALATION_TITLE[account.locale].format(subject=ticket["subject"]),
        description=ticket["external_id"],
        assignee=assignee,
        author=owner,
        created=created,
        due=due,
        priority="urgent",
        completed=completed,
    )
    end = completed if completed is not None else now
    notes = phrases.ESCALATION_COMMENTS[account.locale]
    count = int(rng.integers(1, len(notes) + 1))
    latest = max(end, created + 2 * MICROS_PER_MINUTE)
    moments = np.sort(rng.integers(created + MICROS_PER_MINUTE, latest, count))
    for (writer, body), moment in zip(notes[:count], moments.tolist(), strict=True):
        author = names.MANAGER_INDEX if writer == "manager" else owner
        _add_comment(result, number, author, body, int(moment))


def _add_task(
    result: TaskRows,
    account: SimulatedAccount,
    *,
    title: str,
    description: str | None,
    assignee: int,
    author: int,
    created: int,
    due: int,
    priority: str,
    completed: int | None,
) -> int:
    number = result.next_number
    result.next_number += 1
    result.tasks.append(
        {
            "id": number,
            "external_id": f"TASK-{account.number:06d}-{len(result.tasks) + 1:04d}",
            "account_id": account.number,
            "title": title,
            "description": description,
            "assignee_id": assignee,
            "created_by_id": author,
            "due_on": to_date(due),
            "priority": priority,
            "status": "open" if completed is None else "done",
            "completed_at": None if completed is None else utc_datetime(completed),
            "created_at": utc_datetime(created),
            "updated_at": utc_datetime(completed if completed is not None else created),
        }
    )
    return number


def _add_comment(result: TaskRows, task: int, author: int, body: str, moment: int) -> None:
    result.comments.append(
        {"task_id": task, "author_id": author, "body": body, "created_at": utc_datetime(moment)}
    )


def _done_between(created: int, first_day: int, last_day: int, rng: np.random.Generator) -> int:
    """A moment in office hours on a day of [first_day, last_day], after `created`."""
    day = int(rng.integers(first_day, max(first_day, last_day) + 1))
    moment = _at(day, 9 * 3600 + int(rng.integers(0, 10 * 3600)))
    return max(moment, created + 30 * MICROS_PER_MINUTE)


def _micros(moment: datetime) -> int:
    return (moment - utc_datetime(0)) // timedelta(microseconds=1)


def _day_of(micros: int) -> int:
    """JST day number of a UTC moment."""
    return (micros + JST_OFFSET_SECONDS * 10**6) // MICROS_PER_DAY


def _at(day: int, seconds: int) -> int:
    return int(jst_to_utc_micros(np.array([day]), np.array([seconds]))[0])
