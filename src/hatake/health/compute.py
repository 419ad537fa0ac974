"""Usage features per account for an as-of date, as Ibis expressions (no connection held).

Only events stamped before the end of the as-of day (UTC) are read, so a score for a past
date never sees later data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import ibis.expr.types as ir


def day_end(as_of: date) -> datetime:
    return datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)


def usage_features(events: ir.Table, as_of: date, key_features: Sequence[str]) -> ir.Table:
    """One row per account: active users in 7 and 30 days, events in the last 30 days and in
    the 30 before, distinct key features used in 30 days, and the last activity ever."""
    end = day_end(as_of)
    past = events.filter(events.timestamp < end, events.account_id.notnull())
    last_30 = past.timestamp >= end - timedelta(days=30)
    last_7 = past.timestamp >= end - timedelta(days=7)
    previous_30 = (past.timestamp >= end - timedelta(days=60)) & ~last_30
    # Without a configured list, every distinct event name counts as a feature.
    key_feature = past.event.isin(list(key_features)) if key_features else past.event.notnull()
    return past.group_by("account_id").aggregate(
        active_users_7d=past.user_id.nunique(where=last_7),
        active_users_30d=past.user_id.nunique(where=last_30),
        events_30d=past.count(where=last_30),
        events_previous_30d=past.count(where=previous_30),
        feature_breadth=past.event.nunique(where=last_30 & key_feature),
        last_activity=past.timestamp.max(),
    )
