"""index contact and user references

Revision ID: 97a8326e065c
Revises: 7c7b101dbd4d
Create Date: 2026-11-23 21:44:30.647436
"""

from __future__ import annotations

from alembic import op

revision = "97a8326e065c"
down_revision = "7c7b101dbd4d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_contact_id"), ["contact_id"], unique=False
        )

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_contact_id"), ["contact_id"], unique=False)

    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_touchpoints_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_touchpoints_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_touchpoints_user_id"))
        batch_op.drop_index(batch_op.f("ix_touchpoints_contact_id"))

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_contact_id"))

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_contact_id"))
