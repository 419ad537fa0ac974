"""usage sources

Revision ID: 18f97812c029
Revises: ba280312505e
Create Date: 2026-11-23 23:40:46.491426
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "18f97812c029"
down_revision = "ba280312505e"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("key_digest", name=op.f("uq_sources_key_digest")),
        sa.UniqueConstraint("name", name=op.f("uq_sources_name")),
    )


def downgrade() -> None:

    op.drop_table("sources")
