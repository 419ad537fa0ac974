"""health definitions and csm sentiment

Revision ID: ba280312505e
Revises: 97a8326e065c
Create Date: 2026-11-23 22:36:01.049295
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ba280312505e"
down_revision = "97a8326e065c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "origin IN ('builtin','edited','fitted')", name=op.f("ck_score_definitions_origin")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_score_definitions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_definitions")),
        sa.UniqueConstraint("version", name=op.f("uq_score_definitions_version")),
    )
    with op.batch_alter_table("score_definitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_score_definitions_created_by_id"), ["created_by_id"], unique=False
        )

    op.create_table(
        "csm_sentiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_csm_sentiments_rating_range")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_csm_sentiments_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_csm_sentiments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csm_sentiments")),
    )
    with op.batch_alter_table("csm_sentiments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_csm_sentiments_account_noted", ["account_id", "noted_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_csm_sentiments_author_id"), ["author_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("csm_sentiments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_csm_sentiments_author_id"))
        batch_op.drop_index("ix_csm_sentiments_account_noted")

    op.drop_table("csm_sentiments")
    with op.batch_alter_table("score_definitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_definitions_created_by_id"))

    op.drop_table("score_definitions")
