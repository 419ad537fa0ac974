"""priority matrix

Revision ID: d3b4519e2aa9
Revises: 07d945247bf4
Create Date: 2026-11-24 00:15:29.961275
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d3b4519e2aa9"
down_revision = "07d945247bf4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matrix_config_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matrix_config_versions")),
    )


def downgrade() -> None:
    op.drop_table("matrix_config_versions")
