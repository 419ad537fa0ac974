"""touch next step

Revision ID: 5e1c7a9b2d40
Revises: d3b4519e2aa9
Create Date: 2026-11-24 01:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5e1c7a9b2d40"
down_revision = "d3b4519e2aa9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_step_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.drop_column("next_step_on")
