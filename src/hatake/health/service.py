"""Health-score use cases that read the stores."""

from __future__ import annotations

from datetime import date

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.core.settings import HealthConfig
from hatake.health import compute, repository
from hatake.health.factors import Known, Value, metric_values
from hatake.usage import store


def account_metrics(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    config: HealthConfig,
    custom_keys: list[str],
) -> dict[str, dict[str, Value]]:
    """Every factor's raw value for each account under contract on ``as_of``, by external id,
    from data known by the end of that day only."""
    facts = repository.account_facts(
        session,
        as_of=as_of,
        end=compute.day_end(as_of),
        stale_ticket_days=config.stale_ticket_days,
    )
    features = compute.usage_features(store.events(analytics), as_of, config.key_features)
    usage = {row["account_id"]: row for row in features.to_pyarrow().to_pylist()}
    return {
        external_id: metric_values(
            Known(as_of=as_of, facts=item, usage=usage.get(external_id, {})), custom_keys
        )
        for external_id, item in facts.items()
    }
