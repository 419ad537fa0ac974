"""merge the lifecycle and coverage branches

Segments, stages and tiers were built beside the priority matrix and coverage, each migrating
from the same parent; this joins the two lines so there is one head again.

Revision ID: f1a2b3c4d5e6
Revises: cb1a676355e5, 8b2f0c4d6a13
Create Date: 2026-11-24 02:00:00
"""

from __future__ import annotations

revision = "f1a2b3c4d5e6"
down_revision = ("cb1a676355e5", "8b2f0c4d6a13")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
