"""Answer groups a teacher shaped: pinned answers, confirmed groups, and which group decided an override.

Groups are computed on the fly; a teacher's moves, merges and confirmations are stored as pins (answer →
group key) so they survive regrouping and restarts. Existing overrides were decided one by one as far as
the schema knew (NULL group key).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_key", sa.String(length=40), nullable=True))
    op.create_table(
        "answer_group_pins",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=40), nullable=False),
        sa.Column("pinned_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["answers.id"], name=op.f("fk_answer_group_pins_answer_id_answers")
        ),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_answer_group_pins")),
    )
    op.create_index(
        op.f("ix_answer_group_pins_group_key"), "answer_group_pins", ["group_key"], unique=False
    )
    op.create_table(
        "answer_group_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.String(length=120), nullable=False),
        sa.Column("question_id", sa.String(length=120), nullable=False),
        sa.Column("group_key", sa.String(length=40), nullable=False),
        sa.Column("last_answer_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_group_confirmations")),
        sa.UniqueConstraint(
            "bank_id",
            "question_id",
            "group_key",
            name=op.f("uq_answer_group_confirmations_bank_id_question_id_group_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("answer_group_confirmations")
    op.drop_index(op.f("ix_answer_group_pins_group_key"), table_name="answer_group_pins")
    op.drop_table("answer_group_pins")
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.drop_column("group_key")
