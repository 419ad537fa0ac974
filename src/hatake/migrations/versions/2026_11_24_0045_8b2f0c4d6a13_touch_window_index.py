"""touch window index

Revision ID: 8b2f0c4d6a13
Revises: 5e1c7a9b2d40
Create Date: 2026-11-24 00:45:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "8b2f0c4d6a13"
down_revision = "5e1c7a9b2d40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_touchpoints_occurred_meaningful",
        "touchpoints",
        ["occurred_at", "is_meaningful", "account_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_touchpoints_occurred_meaningful", table_name="touchpoints")
