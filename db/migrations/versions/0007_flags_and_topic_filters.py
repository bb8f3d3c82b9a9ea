"""Flagged questions in a quiz session (Moodle's "Flag question") and each student's topic filter per bank.

Questions of existing sessions start unflagged; no student has a topic filter yet (all topics).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("session_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flagged", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "topic_filters",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.String(length=120), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_topic_filters_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("student_id", "bank_id", name=op.f("pk_topic_filters")),
    )


def downgrade() -> None:
    op.drop_table("topic_filters")
    with op.batch_alter_table("session_items", schema=None) as batch_op:
        batch_op.drop_column("flagged")
