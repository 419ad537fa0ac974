"""lifecycle stages and tiers

Revision ID: cb1a676355e5
Revises: c07adb8db3d6
Create Date: 2026-11-24 00:14:44.545084
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "cb1a676355e5"
down_revision = "c07adb8db3d6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lifecycle_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_configs")),
        sa.UniqueConstraint("digest", name=op.f("uq_lifecycle_configs_digest")),
    )
    op.create_table(
        "grid_initiatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_grid_initiatives_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_initiatives")),
        sa.UniqueConstraint("stage", "tier", name=op.f("uq_grid_initiatives_stage")),
    )
    with op.batch_alter_table("grid_initiatives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grid_initiatives_author_id"), ["author_id"], unique=False
        )

    op.create_table(
        "lifecycle_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("previous_value", sa.String(length=40), nullable=True),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("config_version", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "dimension IN ('stage','tier')", name=op.f("ck_lifecycle_periods_dimension")
        ),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on > entered_on",
            name=op.f("ck_lifecycle_periods_dates_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_lifecycle_periods_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_periods")),
        sa.UniqueConstraint(
            "account_id", "dimension", "entered_on", name=op.f("uq_lifecycle_periods_account_id")
        ),
    )
    with op.batch_alter_table("lifecycle_periods", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lifecycle_periods_dimension_entered", ["dimension", "entered_on"], unique=False
        )

    op.create_table(
        "milestone_ticks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("milestone_key", sa.String(length=40), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_milestone_ticks_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_milestone_ticks_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_ticks")),
        sa.UniqueConstraint(
            "account_id", "milestone_key", name=op.f("uq_milestone_ticks_account_id")
        ),
    )
    with op.batch_alter_table("milestone_ticks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_ticks_author_id"), ["author_id"], unique=False
        )

    op.create_table(
        "tier_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "tier IN ('high_touch','low_touch','tech_touch')", name=op.f("ck_tier_overrides_tier")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_tier_overrides_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_tier_overrides_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cleared_by_id"],
            ["users.id"],
            name=op.f("fk_tier_overrides_cleared_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_overrides")),
    )
    with op.batch_alter_table("tier_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_overrides_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tier_overrides_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tier_overrides_cleared_by_id"), ["cleared_by_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tier_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_overrides_cleared_by_id"))
        batch_op.drop_index(batch_op.f("ix_tier_overrides_author_id"))
        batch_op.drop_index(batch_op.f("ix_tier_overrides_account_id"))

    op.drop_table("tier_overrides")
    with op.batch_alter_table("milestone_ticks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_ticks_author_id"))

    op.drop_table("milestone_ticks")
    with op.batch_alter_table("lifecycle_periods", schema=None) as batch_op:
        batch_op.drop_index("ix_lifecycle_periods_dimension_entered")

    op.drop_table("lifecycle_periods")
    with op.batch_alter_table("grid_initiatives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grid_initiatives_author_id"))

    op.drop_table("grid_initiatives")
    op.drop_table("lifecycle_configs")
