"""Health-score use cases that read the stores."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.core.settings import HealthConfig, Settings
from hatake.health import compute, repository, snapshots
from hatake.health.definition import Definition, validate_metrics
from hatake.health.factors import Known, Value, known_metrics, metric_values
from hatake.health.scoring import ScoreResult, score_account
from hatake.usage import store


@dataclass(frozen=True)
class AccountInputs:
    attributes: dict[str, str | None]  # what profile rules match on
    metrics: dict[str, Value]


def account_inputs(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    config: HealthConfig,
    custom_keys: list[str],
) -> dict[str, AccountInputs]:
    """Profile attributes and every factor's raw value for each account under contract on
    ``as_of``, by external id, from data known by the end of that day only."""
    facts = repository.account_facts(
        session,
        as_of=as_of,
        end=compute.day_end(as_of),
        stale_ticket_days=config.stale_ticket_days,
    )
    features = compute.usage_features(store.events(analytics), as_of, config.key_features)
    usage = {row["account_id"]: row for row in features.to_pyarrow().to_pylist()}
    return {
        external_id: AccountInputs(
            # Tiers and lifecycle stages arrive with their own capability; until then only the
            # plan can select a profile.
            attributes={"plan": item.plan, "tier": None, "stage": None},
            metrics=metric_values(
                Known(as_of=as_of, facts=item, usage=usage.get(external_id, {})), custom_keys
            ),
        )
        for external_id, item in facts.items()
    }


def score_day(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    definition: Definition,
    settings: Settings,
) -> dict[str, ScoreResult]:
    """Every account under contract on ``as_of``, scored with ``definition``."""
    custom_keys = [field.key for field in settings.file_config.custom_fields]
    validate_metrics(definition, known_metrics(custom_keys))
    inputs = account_inputs(
        session,
        analytics,
        as_of=as_of,
        config=settings.file_config.health,
        custom_keys=custom_keys,
    )
    return {
        account_id: score_account(definition, item.attributes, item.metrics)
        for account_id, item in inputs.items()
    }


@dataclass(frozen=True)
class RefreshedDay:
    as_of: date
    accounts: int
    grades: dict[str, int]


def refresh_day(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    definition: Definition,
    settings: Settings,
) -> RefreshedDay:
    """Score every account under contract on ``as_of`` and store the day's snapshot."""
    results = score_day(session, analytics, as_of=as_of, definition=definition, settings=settings)
    snapshots.replace_day(analytics, as_of=as_of, version=definition.version, results=results)
    grades = Counter(result.grade or "-" for result in results.values())
    return RefreshedDay(as_of=as_of, accounts=len(results), grades=dict(grades))
