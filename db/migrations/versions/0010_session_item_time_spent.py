"""The time spent on each question of a quiz session, so a quiz paused or quit and resumed hands its
answers in with the time of every sitting, not only the last one.

Questions of existing sessions with a submitted answer start from that answer's time taken (all that is
known of them); the others start from 0.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("session_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_spent_s", sa.Float(), server_default=sa.text("0"), nullable=False)
        )
    _start_from_the_submitted_time()


def _start_from_the_submitted_time() -> None:
    items = sa.table("session_items", sa.column("answer_id"), sa.column("time_spent_s"))
    answers = sa.table("answers", sa.column("id"), sa.column("time_taken_s"))
    submitted = (
        sa.select(answers.c.time_taken_s).where(answers.c.id == items.c.answer_id).scalar_subquery()
    )
    op.get_bind().execute(
        items.update()
        .where(items.c.answer_id.is_not(None))
        .values(time_spent_s=sa.func.coalesce(submitted, 0))
    )


def downgrade() -> None:
    with op.batch_alter_table("session_items", schema=None) as batch_op:
        batch_op.drop_column("time_spent_s")
