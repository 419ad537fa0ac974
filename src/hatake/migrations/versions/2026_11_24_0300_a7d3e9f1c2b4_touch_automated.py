"""touch automated flag

Automated tech-touch sends (a newsletter, an in-app guide) are touchpoints too; the flag lets
coverage count them only for the tiers configured in ``[coverage]
automated_touches_count_for``. The window index gains the flag so coverage still reads the
touches of a window from the index alone.

Revision ID: a7d3e9f1c2b4
Revises: f1a2b3c4d5e6
Create Date: 2026-11-24 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a7d3e9f1c2b4"
down_revision = "f1a2b3c4d5e6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_automated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.drop_index("ix_touchpoints_occurred_meaningful", table_name="touchpoints")
    op.create_index(
        "ix_touchpoints_occurred_meaningful",
        "touchpoints",
        ["occurred_at", "is_meaningful", "is_automated", "account_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_touchpoints_occurred_meaningful", table_name="touchpoints")
    op.create_index(
        "ix_touchpoints_occurred_meaningful",
        "touchpoints",
        ["occurred_at", "is_meaningful", "account_id"],
        unique=False,
    )
    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.drop_column("is_automated")
