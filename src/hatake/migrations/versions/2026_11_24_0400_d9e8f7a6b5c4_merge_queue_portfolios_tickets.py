"""merge the queue, portfolio and ticket-category branches

Today's queue (snoozes, after automated touches), portfolio owner history and ticket
categories were built side by side from the same parent; this joins them into one head.

Revision ID: d9e8f7a6b5c4
Revises: c4e7a1d9b3f2, b8e4c2a9d1f7, b5c8d2e4f6a1
Create Date: 2026-11-24 04:00:00
"""

from __future__ import annotations

revision = "d9e8f7a6b5c4"
down_revision = ("c4e7a1d9b3f2", "b8e4c2a9d1f7", "b5c8d2e4f6a1")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
