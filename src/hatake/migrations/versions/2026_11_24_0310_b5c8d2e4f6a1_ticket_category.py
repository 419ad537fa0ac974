"""ticket category

A free-text category per support ticket (ログイン・認証, データ連携, 請求, ...), which the
support report breaks its figures down by.

Revision ID: b5c8d2e4f6a1
Revises: f1a2b3c4d5e6
Create Date: 2026-11-24 03:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b5c8d2e4f6a1"
down_revision = "f1a2b3c4d5e6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("category")
