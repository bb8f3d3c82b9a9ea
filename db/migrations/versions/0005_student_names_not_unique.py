"""Student names are not unique: two students may share a name (told apart by their external ids).

At most one student of a name may lack an external id, so a profile or a file without ids always means
one student, and two processes creating the same one at once clash instead of making two.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_constraint("uq_students_name", type_="unique")
    op.create_index("ix_students_name", "students", ["name"], unique=False)
    op.create_index(
        "uq_students_name_without_external_id",
        "students",
        ["name"],
        unique=True,
        sqlite_where=sa.text("external_id IS NULL"),
        postgresql_where=sa.text("external_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_students_name_without_external_id", table_name="students")
    op.drop_index("ix_students_name", table_name="students")
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_students_name", ["name"])
