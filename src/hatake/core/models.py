"""Every table, imported in one place so Alembic and tests see the whole schema."""

from hatake.accounts.models import Account, Contact, Subscription
from hatake.accounts.portfolio_models import AccountOwnerChange
from hatake.core.db import Base
from hatake.coverage.models import Task, TaskComment, Touchpoint
from hatake.coverage.queue_models import QueueSnooze
from hatake.health.models import CsmSentiment, ScoreDefinition
from hatake.lifecycle.matrix_models import MatrixConfigVersion
from hatake.lifecycle.models import (
    GridInitiative,
    LifecycleConfigVersion,
    LifecyclePeriod,
    MilestoneTick,
    TierOverride,
)
from hatake.lifecycle.segment_models import Segment, SegmentCount, SegmentMembership
from hatake.support.models import Ticket
from hatake.team.models import ApiToken, OrgSettings, User
from hatake.usage.models import Source
from hatake.voc.models import SurveyResponse

__all__ = [
    "Account",
    "AccountOwnerChange",
    "ApiToken",
    "Base",
    "Contact",
    "CsmSentiment",
    "GridInitiative",
    "LifecycleConfigVersion",
    "LifecyclePeriod",
    "MatrixConfigVersion",
    "MilestoneTick",
    "OrgSettings",
    "QueueSnooze",
    "ScoreDefinition",
    "Segment",
    "SegmentCount",
    "SegmentMembership",
    "Source",
    "Subscription",
    "SurveyResponse",
    "Task",
    "TaskComment",
    "Ticket",
    "TierOverride",
    "Touchpoint",
    "User",
]
