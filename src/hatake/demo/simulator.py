"""The demo-data simulator: a behavioural simulation of a SaaS customer base (pure: no I/O).

`generate(options)` yields the data chunk by chunk (CHUNK_SIZE accounts each), so a run of any
size needs the memory of one chunk. The same options give the same data: every random draw
comes from a numpy PCG64 stream derived from the seed and the chunk or account number.

What is simulated, and in which module:
  profiles.py   who the customers are (size, plan, start date) and their hidden traits
  trajectory.py their hidden health, churn hazard, churn, expansion and contraction per month
  records.py    contacts, contract terms, touchpoints, tickets and NPS answers of an account
  events.py     product-usage events of an account
  tech_touch.py automated tech-touch sends to an account while it is in the tech-touch tier
  tasks.py      the CS team's follow-up and escalation tasks around an account, with comments
  handovers.py  accounts that passed from one CSM to another at a quarterly rebalancing
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hatake.demo import handovers, names, records, tasks, tech_touch
from hatake.demo.events import EVENT_TYPES, PROPERTIES, EventArrays, account_events
from hatake.demo.profiles import ARCHETYPES, CS_PLANS, Profiles, draw_diligence, draw_profiles
from hatake.demo.records import Row, SimulatedAccount
from hatake.demo.timeline import Timeline, japan_today, jst_to_utc_micros, to_date, utc_datetime
from hatake.demo.trajectory import Trajectories, simulate
from hatake.lifecycle.lifecycle_config import DEFAULT_TIERS, TierThresholds
from hatake.usage.store import EVENTS_ARROW_SCHEMA

# Fixed, so the data for a seed does not depend on anything but the options.
CHUNK_SIZE = 200
# Random streams: profiles of the whole run, monthly dynamics of a chunk, rows of an account,
# the owner's history and tasks of an account (a stream of their own, so adding them left the
# other rows as they were).
PROFILE_STREAM, CHUNK_STREAM, ACCOUNT_STREAM, TEAM_STREAM, CONTRACT_STREAM = 0, 1, 2, 3, 4

TRUTH_ACCOUNTS_SCHEMA = pa.schema(
    [
        pa.field("account_id", pa.string()),
        pa.field("archetype", pa.string()),
        pa.field("onboarding_quality", pa.float64()),
        pa.field("product_fit", pa.float64()),
        pa.field("csm_attention", pa.float64()),
        pa.field("csm_diligence", pa.float64()),
        pa.field("champion_risk", pa.float64()),
        pa.field("start_date", pa.date32()),
        pa.field("churned_on", pa.date32()),
        pa.field("churn_drivers", pa.string()),
    ]
)
TRUTH_MONTHLY_SCHEMA = pa.schema(
    [
        pa.field("account_id", pa.string()),
        pa.field("month", pa.date32()),
        pa.field("hidden_health", pa.float64()),
        pa.field("churn_hazard", pa.float64()),
    ]
)


@dataclass(frozen=True)
class DemoOptions:
    accounts: int = 500
    months: int = 18
    seed: int = 42
    locale: str = "ja"
    today: date = field(default_factory=japan_today)
    # The touch tiers' ARR thresholds in force ([lifecycle] tiers): automated sends go to
    # accounts while they are in tech touch.
    tier_thresholds: Mapping[str, TierThresholds] = field(
        default_factory=lambda: {
            currency: TierThresholds(**values) for currency, values in DEFAULT_TIERS.items()
        }
    )


ROW_KINDS = ("accounts", "contacts", "subscriptions", "touchpoints", "tickets", "survey_responses")
TEAM_KINDS = ("tasks", "task_comments", "owner_changes")


@dataclass(frozen=True)
class Chunk:
    """What one chunk of accounts adds to each store."""

    accounts: list[Row]
    contacts: list[Row]
    subscriptions: list[Row]
    touchpoints: list[Row]
    tickets: list[Row]
    survey_responses: list[Row]
    tasks: list[Row]
    task_comments: list[Row]
    owner_changes: list[Row]
    events: pa.Table
    truth_accounts: pa.Table
    truth_monthly: pa.Table

    def counts(self) -> dict[str, int]:
        """Rows per kind: ROW_KINDS, "events", then TEAM_KINDS."""
        counts = {kind: len(getattr(self, kind)) for kind in ROW_KINDS}
        tasks = {kind: len(getattr(self, kind)) for kind in TEAM_KINDS}
        return {**counts, "events": self.events.num_rows, **tasks}


def stream(seed: int, kind: int, number: int = 0) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([seed, kind, number]))


def generate(options: DemoOptions) -> Iterator[Chunk]:
    timeline = Timeline.build(options.today, options.months)
    rng = stream(options.seed, PROFILE_STREAM)
    profiles = draw_profiles(options.accounts, timeline, options.locale, rng)
    diligence = draw_diligence(rng)
    next_contact = next_task = 1
    for index, start in enumerate(range(0, options.accounts, CHUNK_SIZE)):
        part = profiles.take(start, start + CHUNK_SIZE)
        trajectories = simulate(
            part, diligence, timeline, stream(options.seed, CHUNK_STREAM, index)
        )
        chunk = _materialise(
            part, trajectories, diligence, timeline, options, next_contact, next_task
        )
        next_contact += len(chunk.contacts)
        next_task += len(chunk.tasks)
        yield chunk


def _materialise(
    profiles: Profiles,
    trajectories: Trajectories,
    diligence: np.ndarray,
    timeline: Timeline,
    options: DemoOptions,
    first_contact: int,
    first_task: int,
) -> Chunk:
    rows: dict[str, list[Row]] = {key: [] for key in (*ROW_KINDS, *TEAM_KINDS)}
    newsletters = tech_touch.newsletters(timeline, options.locale)
    rebalancing = handovers.rebalancing_days(timeline)
    event_parts: list[tuple[int, EventArrays, int]] = []
    contact_ids: list[str] = []
    for row in range(len(profiles)):
        team_rng = stream(options.seed, TEAM_STREAM, int(profiles.number[row]))
        handover = handovers.draw_handover(
            profiles, row, int(trajectories.churn_day[row]), rebalancing, team_rng
        )
        account = SimulatedAccount(profiles, trajectories, row, timeline, options.locale, handover)
        rng = stream(options.seed, ACCOUNT_STREAM, account.number)
        roster = records.build_roster(account, first_contact + len(rows["contacts"]), rng)
        rows["accounts"].append(_account_row(account, rng))
        rows["contacts"].extend(records.contact_rows(account, roster, rng))
        subscriptions = records.subscription_rows(
            account, roster, stream(options.seed, CONTRACT_STREAM, account.number)
        )
        rows["subscriptions"].extend(subscriptions)
        touchpoints = records.touchpoint_rows(account, roster, rng)
        rows["touchpoints"].extend(touchpoints)
        rows["touchpoints"].extend(
            tech_touch.automated_send_rows(
                account, subscriptions, options.tier_thresholds, newsletters
            )
        )
        tickets = records.ticket_rows(account, roster, rng)
        rows["tickets"].extend(tickets)
        rows["survey_responses"].extend(records.survey_rows(account, roster, rng))
        # Events refer to contacts by their position in this chunk's list of contact ids.
        event_parts.append((row, account_events(account, roster, rng), len(contact_ids)))
        contact_ids.extend(records.contact_external_id(n) for n in roster.numbers.tolist())
        work = tasks.task_rows(
            account,
            touchpoints,
            tickets,
            float(diligence[profiles.owner[row]]),
            first_task + len(rows["tasks"]),
            team_rng,
        )
        rows["tasks"].extend(work.tasks)
        rows["task_comments"].extend(work.comments)
        rows["owner_changes"].extend(handovers.owner_change_rows(account))
    return Chunk(
        **rows,
        events=_events_table(profiles, event_parts, contact_ids),
        truth_accounts=_truth_accounts(profiles, trajectories, diligence),
        truth_monthly=_truth_monthly(profiles, trajectories, timeline),
    )


def _account_row(account: SimulatedAccount, rng: np.random.Generator) -> Row:
    p, row, locale = account.profiles, account.row, account.locale
    industry, region = names.INDUSTRIES[p.industry[row]], names.REGIONS[p.region[row]]
    onboarding_score = float(np.clip(p.onboarding[row] + rng.normal(0, 0.08), 0, 1))
    created = jst_to_utc_micros(np.array([account.start_day]), np.array([9 * 3600]))[0]
    return {
        "id": account.number,
        "external_id": p.external_id[row],
        "name": p.name[row],
        "industry": industry.ja if locale == "ja" else industry.en,
        "employee_count": int(p.employees[row]),
        "owner_id": names.FIRST_CSM_INDEX + int(p.owner[row]),
        "cs_plan": CS_PLANS[p.cs_plan[row]],
        "start_date": to_date(account.start_day),
        "status": "churned" if account.churn_day else "active",
        "custom": {
            "region": region.ja if locale == "ja" else region.en,
            "onboarding_score": round(100 * onboarding_score),
        },
        "created_at": utc_datetime(created),
    }


def _events_table(
    profiles: Profiles,
    parts: list[tuple[int, EventArrays, int]],
    contact_ids: list[str],
) -> pa.Table:
    sizes = [len(arrays) for _row, arrays, _offset in parts]
    account = np.repeat([row for row, _arrays, _offset in parts], sizes)
    # Message ids count per account, so they are stable whatever the chunking.
    sequence = np.concatenate([np.arange(size) for size in sizes]) if sizes else np.zeros(0)
    contact = np.concatenate([arrays.contact + offset for _row, arrays, offset in parts])
    prefixes = pa.array([f"demo-{external_id}-" for external_id in profiles.external_id])
    return pa.table(
        {
            "message_id": pc.binary_join_element_wise(
                pc.take(prefixes, account), pc.cast(pa.array(sequence, pa.int64()), pa.string()), ""
            ),
            "account_id": pc.take(pa.array(profiles.external_id), account),
            "user_id": pc.take(pa.array(contact_ids, pa.string()), contact),
            "event": pc.take(pa.array(EVENT_TYPES), _joined(parts, "event")),
            "timestamp": pa.array(_joined(parts, "timestamp"), pa.timestamp("us", tz="UTC")),
            "properties": pc.take(pa.array(PROPERTIES, pa.string()), _joined(parts, "properties")),
            "received_at": pa.array(_joined(parts, "received_at"), pa.timestamp("us", tz="UTC")),
        },
        schema=EVENTS_ARROW_SCHEMA,
    )


def _joined(parts: list[tuple[int, EventArrays, int]], name: str) -> np.ndarray:
    return np.concatenate([getattr(arrays, name) for _row, arrays, _offset in parts])


def _truth_accounts(
    profiles: Profiles, trajectories: Trajectories, diligence: np.ndarray
) -> pa.Table:
    churned = trajectories.churn_day > 0
    return pa.table(
        {
            "account_id": profiles.external_id,
            "archetype": [ARCHETYPES[i].key for i in profiles.archetype.tolist()],
            "onboarding_quality": profiles.onboarding,
            "product_fit": profiles.fit,
            "csm_attention": profiles.attention,
            "csm_diligence": diligence[profiles.owner],
            "champion_risk": profiles.champion_risk,
            "start_date": pa.array(profiles.start_day.astype(np.int32), pa.date32()),
            "churned_on": pa.array(
                trajectories.churn_day.astype(np.int32), pa.date32(), mask=~churned
            ),
            "churn_drivers": pa.array(
                [drivers or None for drivers in trajectories.churn_drivers], pa.string()
            ),
        },
        schema=TRUTH_ACCOUNTS_SCHEMA,
    )


def _truth_monthly(profiles: Profiles, trajectories: Trajectories, timeline: Timeline) -> pa.Table:
    row, month = np.nonzero(trajectories.alive)
    return pa.table(
        {
            "account_id": pc.take(pa.array(profiles.external_id), row),
            "month": pa.array(timeline.month_starts[month].astype(np.int32), pa.date32()),
            "hidden_health": trajectories.health[row, month].astype(np.float64),
            "churn_hazard": trajectories.hazard[row, month].astype(np.float64),
        },
        schema=TRUTH_MONTHLY_SCHEMA,
    )
