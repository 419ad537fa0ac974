"""queue snoozes

Today's queue: accounts snoozed until a day with a reason, an index that finds each account's
last touch that counts for coverage with one seek, and one over the touches that promise a next
step.

Revision ID: c4e7a1d9b3f2
Revises: a7d3e9f1c2b4
Create Date: 2026-11-24 03:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hatake.core.db

revision = "c4e7a1d9b3f2"
down_revision = "a7d3e9f1c2b4"  # the index reads is_automated
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_snoozes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", hatake.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_queue_snoozes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_queue_snoozes_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_snoozes")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_queue_snoozes_account_id"), "queue_snoozes", ["account_id"], unique=False
    )
    op.create_index(op.f("ix_queue_snoozes_user_id"), "queue_snoozes", ["user_id"], unique=False)
    op.create_index(op.f("ix_queue_snoozes_until"), "queue_snoozes", ["until"], unique=False)
    op.create_index(
        "ix_touchpoints_account_counted",
        "touchpoints",
        ["account_id", "is_automated", "is_meaningful", "occurred_at"],
        unique=False,
    )
    op.create_index(
        "ix_touchpoints_account_promised",
        "touchpoints",
        ["account_id", "occurred_at"],
        unique=False,
        sqlite_where=sa.text("next_step_on IS NOT NULL"),
        postgresql_where=sa.text("next_step_on IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_touchpoints_account_promised", table_name="touchpoints")
    op.drop_index("ix_touchpoints_account_counted", table_name="touchpoints")
    op.drop_index(op.f("ix_queue_snoozes_until"), table_name="queue_snoozes")
    op.drop_index(op.f("ix_queue_snoozes_user_id"), table_name="queue_snoozes")
    op.drop_index(op.f("ix_queue_snoozes_account_id"), table_name="queue_snoozes")
    op.drop_table("queue_snoozes")
