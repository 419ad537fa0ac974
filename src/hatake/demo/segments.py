"""The demo's saved segments: views a CS team keeps an eye on, saved through the segment
service so they are checked like any other and their membership is computed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.demo import names, phrases
from hatake.lifecycle import segment_service
from hatake.lifecycle.segment_models import Segment
from hatake.team import repository as team_repository

# Same order as phrases.SEGMENT_TEXTS. Grades are the default definition's; MRR is in yen.
DEFINITIONS: tuple[dict[str, Any], ...] = (
    {
        "match": "all",
        "conditions": [
            {"field": "days_to_renewal", "op": "<=", "value": 90},
            {"field": "grade", "op": "in", "value": ["neutral", "at_risk"]},
        ],
    },
    {
        "match": "all",
        "conditions": [
            {"field": "mrr", "op": ">=", "value": 100_000},
            {"field": "usage_rate", "op": "<", "value": 0.4},
        ],
    },
    {
        "match": "all",
        "conditions": [
            {"field": "tier", "op": "=", "value": "tech_touch"},
            {"field": "usage_rate", "op": "<", "value": 0.2},
        ],
    },
)


def save_demo_segments(session: Session, locale: str, *, custom_keys: Sequence[str]) -> int:
    """Save the segments whose name is free (a segment a team renamed or edited stays as it
    is); returns how many were added. The demo admin is their author."""
    taken = set(session.scalars(select(Segment.name)))
    admin = team_repository.get_user_by_email(session, names.DEMO_EMAIL)
    added = 0
    for (name, description), definition in zip(
        phrases.SEGMENT_TEXTS[locale], DEFINITIONS, strict=True
    ):
        if name in taken:
            continue
        segment_service.save_segment(
            session,
            name=name,
            definition=definition,
            description=description,
            custom_keys=custom_keys,
            author_id=admin.id if admin else None,
        )
        added += 1
    return added
