"""Recomputing segment membership for a day: the attributes are built once and every segment
is evaluated over them. Called by the server's scheduled refresh, the pages and the CLI."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.lifecycle import segment_service
from hatake.lifecycle import service as lifecycle_service
from hatake.lifecycle.segment_attributes import attribute_table
from hatake.lifecycle.segment_service import SegmentRefresh


def refresh_segments(runtime: Runtime, session: Session, *, day: date) -> list[SegmentRefresh]:
    if not segment_service.list_segments(session):
        return []
    settings = runtime.settings
    with runtime.analytics_lock:
        attributes = attribute_table(
            session,
            runtime.analytics(),
            day=day,
            settings=settings,
            stage_of=lifecycle_service.stage_of,
            tier_of=lifecycle_service.tier_of,
        )
    return segment_service.refresh_membership(
        session, day=day, attributes=attributes, custom_keys=settings.file_config.custom_keys
    )
