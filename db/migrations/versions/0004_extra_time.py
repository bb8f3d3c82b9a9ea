"""Extra time: a student's accommodation on timed exams, a percentage or minutes, per bank or for all banks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "extra_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.String(length=120), nullable=True),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(percent IS NULL) <> (minutes IS NULL)", name=op.f("ck_extra_time_percent_or_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_extra_time_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extra_time")),
        sa.UniqueConstraint("student_id", "bank_id", name=op.f("uq_extra_time_student_id_bank_id")),
    )
    # NULL bank ids never clash in a unique constraint, so "all banks" gets its own partial index.
    op.create_index(
        "uq_extra_time_student_all_banks",
        "extra_time",
        ["student_id"],
        unique=True,
        sqlite_where=sa.text("bank_id IS NULL"),
        postgresql_where=sa.text("bank_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_extra_time_student_all_banks", table_name="extra_time")
    op.drop_table("extra_time")
