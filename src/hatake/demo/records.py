"""Turn one account's monthly trajectory into the rows a CS team would see (pure: no I/O):
its contacts, contract terms, touchpoints, tickets and NPS answers.

Rows are plain dicts named after the model columns. Their `id` and foreign keys are ordinals
of the run (account and contact numbers, indexes into names.TEAM); the writer turns them into
database ids. Only activity from the window start on is kept, while contracts and contacts
go back to the account's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from hatake.demo import names, phrases
from hatake.demo.profiles import (
    BASIC,
    BASIC_PLUS,
    PLANS,
    PREMIUM,
    Profiles,
    monthly_revenue,
)
from hatake.demo.timeline import (
    Timeline,
    anniversaries,
    jst_to_utc_micros,
    to_date,
    utc_datetime,
    weekday,
)
from hatake.demo.trajectory import Trajectories

Row = dict[str, Any]
NEVER = 10**9  # deactivation day of a contact who is still active
TURNOVER = 0.012  # monthly chance that an end user leaves or changes jobs
LATE_RENEWAL_SHARE = 0.05  # of annual renewals of a paid plan, signed after a lapse
LATE_RENEWAL_DAYS = (10, 46)  # how long the lapse lasts: 10 to 45 days
CHANNELS_BY_CS_PLAN = {
    BASIC: (("email", 0.35), ("phone", 0.2), ("webinar", 0.2), ("in_app", 0.15), ("chat", 0.1)),
    BASIC_PLUS: (
        ("web_meeting", 0.25),
        ("phone", 0.25),
        ("email", 0.25),
        ("chat", 0.15),
        ("webinar", 0.1),
    ),
    PREMIUM: (
        ("web_meeting", 0.4),
        ("visit", 0.15),
        ("phone", 0.2),
        ("email", 0.15),
        ("chat", 0.1),
    ),
}
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_SHARES = (0.2, 0.55, 0.2, 0.05)
FIRST_RESPONSE_HOURS = np.array([6.0, 3.0, 1.5, 0.5])  # median, per priority
RESOLUTION_HOURS = {"functional": 20.0, "operational": 72.0}  # median time to solve


@dataclass(frozen=True)
class Handover:
    """The account passed from one CSM to its current owner on `day` (a JST day number);
    `previous` is that CSM's index among the CSMs, as Profiles.owner counts them."""

    day: int
    previous: int


@dataclass(frozen=True)
class SimulatedAccount:
    """One account's profile row, trajectory row and the dates that bound its activity."""

    profiles: Profiles
    trajectories: Trajectories
    row: int
    timeline: Timeline
    locale: str
    handover: Handover | None = None

    @property
    def number(self) -> int:
        return int(self.profiles.number[self.row])

    @property
    def start_day(self) -> int:
        return int(self.profiles.start_day[self.row])

    @property
    def churn_day(self) -> int:
        return int(self.trajectories.churn_day[self.row])

    @property
    def end_day(self) -> int:
        """First day the account is no longer a customer (today if it still is)."""
        return self.churn_day or self.timeline.today_day

    def owner_on(self, days: np.ndarray) -> np.ndarray:
        """The owning CSM on each day, as an index into names.TEAM."""
        owner = names.FIRST_CSM_INDEX + int(self.profiles.owner[self.row])
        if self.handover is None:
            return np.full(len(days), owner)
        previous = names.FIRST_CSM_INDEX + self.handover.previous
        return np.where(days < self.handover.day, previous, owner)

    def months(self) -> np.ndarray:
        return np.flatnonzero(self.trajectories.alive[self.row])

    def month_bounds(self, months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """[lo, hi) days of each month during which the account was a customer."""
        starts = self.timeline.month_starts
        return np.maximum(starts[months], self.start_day), np.minimum(
            starts[months + 1], self.end_day
        )


@dataclass(frozen=True)
class Roster:
    """An account's contacts as arrays; `numbers` are the run's contact numbers."""

    numbers: np.ndarray
    created: np.ndarray
    deactivated: np.ndarray
    champion: np.ndarray
    engagement: np.ndarray

    def active_on(self, days: np.ndarray) -> np.ndarray:
        """days x contacts: who was an active user on each day."""
        return (self.created[None, :] <= days[:, None]) & (
            self.deactivated[None, :] > days[:, None]
        )


def build_roster(account: SimulatedAccount, first_number: int, rng: np.random.Generator) -> Roster:
    """Grow the end users along the trajectory's adoption target: people join as adoption
    rises, some leave each month, champions leave or get appointed as the trajectory says,
    and everyone loses access when the account churns."""
    t, row = account.trajectories, account.row
    created: list[int] = []
    deactivated: list[int] = []
    champion: list[bool] = []
    engagement: list[float] = []
    active: list[int] = []

    def add(day: int, is_champion: bool) -> None:
        active.append(len(created))
        created.append(day)
        deactivated.append(NEVER)
        champion.append(is_champion)
        engagement.append(float(rng.beta(6, 2) if is_champion else rng.beta(2, 2.5)))

    def leave(person: int, lo: int, hi: int) -> None:
        earliest = max(lo, created[person] + 1)
        if earliest < hi:  # someone who joined on the month's last day stays until next month
            deactivated[person] = int(rng.integers(earliest, hi))
            active.remove(person)

    months = account.months()
    los, his = account.month_bounds(months)
    for position, (m, lo, hi) in enumerate(
        zip(months.tolist(), los.tolist(), his.tolist(), strict=True)
    ):
        if hi <= lo:
            continue
        if position == 0:
            for _ in range(int(account.profiles.champions[row])):
                add(account.start_day, True)
        for _ in range(int(t.champions_lost[row, m])):
            leaving = [person for person in active if champion[person]]
            if leaving:
                leave(leaving[int(rng.integers(len(leaving)))], lo, hi)
        if t.champions_appointed[row, m]:
            others = [person for person in active if not champion[person]]
            if others:
                champion[max(others, key=lambda person: engagement[person])] = True
            else:
                add(int(rng.integers(lo, hi)), True)
        for person in [p for p in active if not champion[p] and created[p] < lo]:
            if rng.random() < TURNOVER:
                leave(person, lo, hi)
        target = max(1, round(float(t.users[row, m])))
        if len(active) > target + 1:
            spare = sorted((p for p in active if not champion[p]), key=lambda p: engagement[p])
            for person in spare[: len(active) - target]:
                leave(person, lo, hi)
        for day in sorted(rng.integers(lo, hi, max(0, target - len(active))).tolist()):
            add(day, False)
    if account.churn_day:
        for person in list(active):
            deactivated[person] = max(account.churn_day, created[person] + 1)
    count = len(created)
    return Roster(
        numbers=np.arange(first_number, first_number + count),
        created=np.array(created, dtype=np.int64),
        deactivated=np.array(deactivated, dtype=np.int64),
        champion=np.array(champion, dtype=bool),
        engagement=np.array(engagement),
    )


def contact_external_id(number: int) -> str:
    return f"u{number:06d}"


def contact_rows(account: SimulatedAccount, roster: Roster, rng: np.random.Generator) -> list[Row]:
    locale = account.locale
    surnames = names.SURNAMES_JA if locale == "ja" else names.SURNAMES_EN
    given = names.GIVEN_NAMES_JA if locale == "ja" else names.GIVEN_NAMES_EN
    roles = names.CONTACT_ROLES[locale]
    domain = account.profiles.domain[account.row]
    rows = []
    for number, created, deactivated, is_champion in zip(
        roster.numbers.tolist(),
        roster.created.tolist(),
        roster.deactivated.tolist(),
        roster.champion.tolist(),
        strict=True,
    ):
        family, first = surnames[rng.integers(len(surnames))], given[rng.integers(len(given))]
        external_id = contact_external_id(number)
        rows.append(
            {
                "id": number,
                "external_id": external_id,
                "account_id": account.number,
                "name": f"{family} {first}" if locale == "ja" else f"{first} {family}",
                "email": f"{external_id}@{domain}",
                "role": names.CHAMPION_ROLE[locale]
                if is_champion
                else roles[rng.integers(len(roles))],
                "is_champion": is_champion,
                "created_on": to_date(created),
                "deactivated_on": None if deactivated == NEVER else to_date(deactivated),
            }
        )
    return rows


def subscription_rows(
    account: SimulatedAccount, roster: Roster, rng: np.random.Generator
) -> list[Row]:
    """One row per contract term: a seat or plan change closes the running term and opens a
    new one, an annual renewal opens the next 12-month term, churn cancels the last term.

    A few annual renewals of paid plans are signed late (LATE_RENEWAL_SHARE): the term ends on
    its anniversary and the next one starts LATE_RENEWAL_DAYS later, so the revenue reports
    see a churn and then a reactivation, as when a renewal's paperwork or payment lapses."""
    p, t, row = account.profiles, account.trajectories, account.row
    annual = bool(p.annual[row])
    # (start day, plan, seats, day the term before it ended: its start unless signed late)
    terms = [(account.start_day, int(p.plan[row]), int(p.seats[row]), account.start_day)]
    for m in account.months().tolist():
        change, renewal = int(t.change_day[row, m]), int(t.renewal_day[row, m])
        day = change or renewal
        if day and (not account.churn_day or day < account.churn_day):
            terms.append((day, int(t.plan[row, m]), int(t.seats[row, m]), day))
            if not change and t.plan[row, m] > 0 and rng.random() < LATE_RENEWAL_SHARE:
                late = day + int(rng.integers(*LATE_RENEWAL_DAYS))
                # Signed before anything else happens to the account, and already signed.
                if late < min(_next_term_day(t, row, m), account.end_day):
                    terms[-1] = (late, *terms[-1][1:3], day)
    rows = []
    for index, (day, plan, contracted, _previous_end) in enumerate(terms):
        last = index == len(terms) - 1
        if not last:
            end, status = terms[index + 1][3], "ended"
        elif account.churn_day:
            end, status = account.churn_day, "cancelled"
        else:
            end, status = _next_renewal(account) if annual else None, "active"
        seats = contracted
        if plan == 0:  # free plan: seats are the registered users at the end of the term
            seats = int(roster.active_on(np.array([(end or account.end_day) - 1])).sum())
        rows.append(
            {
                "external_id": f"SUB-{account.number:06d}-{index + 1:02d}",
                "account_id": account.number,
                "plan": PLANS[plan],
                "mrr_minor": int(
                    monthly_revenue(np.array(plan), np.array(seats), np.array(annual))
                ),
                "currency": "JPY",
                "seats": seats,
                "start_date": to_date(day),
                "end_date": to_date(end) if end is not None else None,
                "status": status,
                "billing_period": "annual" if annual else "monthly",
            }
        )
    return rows


def _next_term_day(t: Trajectories, row: int, month: int) -> int:
    """The first change or renewal after ``month``, or a day past every timeline."""
    later = np.maximum(t.change_day[row, month + 1 :], t.renewal_day[row, month + 1 :])
    found = later[later > 0]
    return int(found[0]) if len(found) else NEVER


def annual_renewals(account: SimulatedAccount) -> np.ndarray:
    """Annual renewal days from the account's start to beyond today."""
    return anniversaries(account.start_day, account.timeline.n_months // 12 + 2)


def _next_renewal(account: SimulatedAccount) -> int:
    renewals = annual_renewals(account)
    return int(renewals[renewals >= account.timeline.today_day][0])


def touchpoint_rows(
    account: SimulatedAccount, roster: Roster, rng: np.random.Generator
) -> list[Row]:
    """CSM contacts on business days and hours, mostly with the champion; the summary follows
    the account's situation (onboarding, at risk, renewal coming, ready to expand)."""
    p, t, row = account.profiles, account.trajectories, account.row
    month, days, rank = _spread(account, t.touches[row], rng)
    n = len(days)
    if n == 0:
        return []
    meaningful = rank < t.meaningful[row, month]
    seconds = 9 * 3600 + 900 * rng.integers(0, 37, n)
    channel_names, channel_weights = zip(*CHANNELS_BY_CS_PLAN[int(p.cs_plan[row])], strict=True)
    channels = rng.choice(len(channel_names), n, p=channel_weights)
    prefer_champion = rng.random(n) < 0.7
    contacts = _pick_contacts(roster, days, prefer_champion, rng)
    escalate = rng.random(n) < np.where(t.health[row, month] < 0.4, 0.25, 0.05)
    csm = account.owner_on(days)
    situation = _touch_situations(account, month, days, meaningful, rng)
    pick = rng.random(n)
    rows = []
    for i in np.flatnonzero(days >= account.timeline.window_day):
        channel = channel_names[channels[i]]
        if situation[i] == "no_reach":
            summary = phrases.NO_REACH[channel][account.locale]
        else:
            texts = phrases.TOUCH_SUMMARIES[situation[i]][account.locale]
            summary = texts[int(pick[i] * len(texts))]
        rows.append(
            {
                "account_id": account.number,
                "contact_id": int(contacts[i]) if contacts[i] >= 0 else None,
                "user_id": names.MANAGER_INDEX if escalate[i] else int(csm[i]),
                "channel": channel,
                "occurred_at": _at(days[i], seconds[i]),
                "summary": summary,
                "is_meaningful": bool(meaningful[i]),
                "is_automated": False,
            }
        )
    return _numbered(rows, "occurred_at", f"TP-{account.number:06d}-{{:04d}}")


def _touch_situations(
    account: SimulatedAccount,
    month: np.ndarray,
    days: np.ndarray,
    meaningful: np.ndarray,
    rng: np.random.Generator,
) -> list[str]:
    p, t, row = account.profiles, account.trajectories, account.row
    tenure = month - p.start_month[row]
    health = t.health[row, month]
    renewal_soon = np.zeros(len(days), dtype=bool)
    if p.annual[row]:
        renewals = annual_renewals(account)
        upcoming = renewals[
            np.searchsorted(renewals, days, side="right").clip(max=len(renewals) - 1)
        ]
        renewal_soon = (upcoming > days) & (upcoming - days <= 60)
    ready = (health > 0.72) & (rng.random(len(days)) < 0.3)
    return np.select(
        [~meaningful, tenure < 3, health < 0.4, renewal_soon, ready],
        ["no_reach", "onboarding", "risk", "renewal", "expansion"],
        default="regular",
    ).tolist()


def ticket_rows(account: SimulatedAccount, roster: Roster, rng: np.random.Generator) -> list[Row]:
    """Support tickets: functional questions for technical support, operational ones for CS.
    Most are answered within hours and solved within days; the trajectory's stuck tickets
    drag on for weeks or are still open today."""
    t, row = account.trajectories, account.row
    functional, operational = t.functional_tickets[row], t.operational_tickets[row]
    month, days, rank = _spread(account, functional + operational, rng)
    n = len(days)
    if n == 0:
        return []
    stuck = _random_rank(month, rng) < t.stuck_tickets[row, month]
    is_functional = rank < functional[month]
    opened = jst_to_utc_micros(days, 8 * 3600 + rng.integers(0, 11 * 3600, n))
    priority = rng.choice(len(PRIORITIES), n, p=PRIORITY_SHARES)
    first_hours = rng.lognormal(np.log(FIRST_RESPONSE_HOURS[priority]), 0.8)
    solve_hours = np.where(
        stuck,
        rng.uniform(20, 150, n) * 24,
        rng.lognormal(
            np.log(
                np.where(
                    is_functional, RESOLUTION_HOURS["functional"], RESOLUTION_HOURS["operational"]
                )
            ),
            1.0,
        ),
    )
    responded = opened + (first_hours * 3.6e9).astype(np.int64)
    resolved = responded + (solve_hours * 3.6e9).astype(np.int64)
    now = int(jst_to_utc_micros(np.array([account.timeline.today_day]), np.array([0]))[0])
    health = t.health[row, month]
    csat_draw = 1 + 4 * (0.3 + 0.7 * health) - (solve_hours > 7 * 24) + rng.normal(0, 0.7, n)
    csat = np.clip(np.round(csat_draw), 1, 5).astype(int)
    asks_csat = rng.random(n) < 0.4
    closes = rng.random(n) < 0.7
    contacts = _pick_contacts(roster, days, np.zeros(n, dtype=bool), rng)
    pick = rng.random(n)
    rows = []
    for i in np.flatnonzero(days >= account.timeline.window_day):
        issue = "functional" if is_functional[i] else "operational"
        topics = phrases.TICKET_SUBJECTS[issue][account.locale]
        category, subject = topics[int(pick[i] * len(topics))]
        done = resolved[i] < now
        if done:
            status = (
                "closed" if closes[i] and now - resolved[i] > 7 * 86_400 * 10**6 else "resolved"
            )
        else:
            status = "pending" if responded[i] < now and closes[i] else "open"
        rows.append(
            {
                "account_id": account.number,
                "contact_id": int(contacts[i]) if contacts[i] >= 0 else None,
                "subject": subject,
                "opened_at": utc_datetime(opened[i]),
                "first_response_at": utc_datetime(responded[i]) if responded[i] < now else None,
                "resolved_at": utc_datetime(resolved[i]) if done else None,
                "status": status,
                "priority": PRIORITIES[priority[i]],
                "issue_type": issue,
                "category": category,
                "csat": int(csat[i]) if done and asks_csat[i] else None,
            }
        )
    return _numbered(rows, "opened_at", f"TKT-{account.number:06d}-{{:04d}}")


def survey_rows(account: SimulatedAccount, roster: Roster, rng: np.random.Generator) -> list[Row]:
    """NPS answers from the survey waves: the trajectory's scores, each given to an active
    contact on a day of the wave's month, some with a comment that matches the score."""
    t, row = account.trajectories, account.row
    months = np.flatnonzero((t.nps[row] >= 0).any(axis=1))
    los, his = account.month_bounds(months)
    rows = []
    for m, lo, hi in zip(months.tolist(), los.tolist(), his.tolist(), strict=True):
        if hi <= lo:
            continue
        day = int(rng.integers(lo, hi))
        scores = t.nps[row, m][t.nps[row, m] >= 0]
        people = roster.numbers[roster.active_on(np.array([day]))[0]]
        chosen = rng.choice(people, min(len(scores), len(people)), replace=False)
        comments = rng.random(len(chosen))
        if day < account.timeline.window_day:
            continue
        for score, person, comment in zip(scores.tolist(), chosen.tolist(), comments, strict=False):
            category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            texts = phrases.NPS_COMMENTS[category][account.locale]
            rows.append(
                {
                    "account_id": account.number,
                    "contact_id": person,
                    "responded_on": to_date(day),
                    "nps": score,
                    "comment": texts[int(comment / 0.6 * len(texts))] if comment < 0.6 else None,
                }
            )
    for index, survey in enumerate(rows, start=1):
        survey["external_id"] = f"NPS-{account.number:06d}-{index:03d}"
    return rows


def _spread(
    account: SimulatedAccount, counts: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Place `counts[m]` items on business days of each month the account was a customer.

    Returns each item's month, day and a random rank within its month (so "the first k of the
    month" picks k items at random)."""
    months = account.months()
    los, his = account.month_bounds(months)
    keep = his > los
    months, los, his = months[keep], los[keep], his[keep]
    per_month = counts[months]
    month = np.repeat(months, per_month)
    lo, hi = np.repeat(los, per_month), np.repeat(his, per_month)
    days = lo + np.floor(rng.random(len(month)) * (hi - lo)).astype(np.int64)
    dow = weekday(days)
    days = np.clip(days - (dow == 5) + (dow == 6), lo, hi - 1)
    return month, days, _random_rank(month, rng)


def _random_rank(group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order within each run of equal, contiguous (sorted) `group` values."""
    n = len(group)
    order = np.lexsort((rng.random(n), group))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.searchsorted(group, group[order], side="left")
    return rank


def _pick_contacts(
    roster: Roster, days: np.ndarray, prefer_champion: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A contact active on each day (the champion where preferred and present), -1 if none."""
    if len(roster.numbers) == 0:
        return np.full(len(days), -1)
    active = roster.active_on(days)
    score = rng.random(active.shape) + (prefer_champion[:, None] & roster.champion[None, :])
    pick = np.where(active, score, -1.0).argmax(axis=1)
    return np.where(active.any(axis=1), roster.numbers[pick], -1)


def _at(day: int, seconds: int) -> datetime:
    return utc_datetime(int(jst_to_utc_micros(np.array([day]), np.array([seconds]))[0]))


def _numbered(rows: list[Row], time_key: str, pattern: str) -> list[Row]:
    rows.sort(key=lambda item: item[time_key])
    for index, item in enumerate(rows, start=1):
        item["external_id"] = pattern.format(index)
    return rows
