"""A session's topic choice, suspended questions, and lapses and leeches on review cards (Anki's).

Existing sessions were taken on the whole bank (topics NULL); no question is suspended. The lapses of
existing cards are counted from their review log, replaying the default FSRS steps (two learning steps,
one relearning step): a lapse is an Again on a card in review. No card is a leech yet: the first lapse
at or past the threshold marks it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEARNING, _REVIEW, _RELEARNING = 1, 2, 3
_AGAIN, _HARD, _GOOD, _EASY = 1, 2, 3, 4
_LEARNING_STEPS, _RELEARNING_STEPS = 2, 1


def count_lapses(ratings: Sequence[int]) -> int:
    """Lapses in a card's ratings, oldest first, under the default FSRS learning and relearning steps."""
    state, step, lapses = _LEARNING, 0, 0
    for rating in ratings:
        if state == _REVIEW:
            if rating == _AGAIN:
                state, step, lapses = _RELEARNING, 0, lapses + 1
            continue
        steps = _LEARNING_STEPS if state == _LEARNING else _RELEARNING_STEPS
        if rating == _AGAIN:
            step = 0
        elif rating == _EASY or (rating == _GOOD and step + 1 >= steps):
            state, step = _REVIEW, 0
        elif rating == _GOOD:
            step += 1
    return lapses


def upgrade() -> None:
    with op.batch_alter_table("quiz_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topics", sa.JSON(), nullable=True))
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lapses", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("leech", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "suspended_questions",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.String(length=120), nullable=False),
        sa.Column("question_id", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_suspended_questions_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("student_id", "bank_id", "question_id", name=op.f("pk_suspended_questions")),
    )
    _count_existing_lapses()


def _count_existing_lapses() -> None:
    logs = sa.table(
        "review_logs", sa.column("id"), sa.column("card_id"), sa.column("rating"), sa.column("reviewed_at")
    )
    cards = sa.table("review_cards", sa.column("id"), sa.column("lapses"))
    connection = op.get_bind()
    ratings: dict[int, list[int]] = defaultdict(list)
    query = sa.select(logs.c.card_id, logs.c.rating).select_from(logs).order_by(logs.c.reviewed_at, logs.c.id)
    for card_id, rating in connection.execute(query):
        ratings[card_id].append(rating)
    for card_id, card_ratings in ratings.items():
        lapses = count_lapses(card_ratings)
        if lapses:
            connection.execute(cards.update().where(cards.c.id == card_id).values(lapses=lapses))


def downgrade() -> None:
    op.drop_table("suspended_questions")
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.drop_column("leech")
        batch_op.drop_column("lapses")
    with op.batch_alter_table("quiz_sessions", schema=None) as batch_op:
        batch_op.drop_column("topics")
