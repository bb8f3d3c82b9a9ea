"""The teacher's tables show students' names and answers as typed: read as markup, 'Åsa Öberg [ht25]'
lost '[ht25]', an answer's 'w[i]' vanished and a '[/]' stopped the app (left by helper 74)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter

from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import settle
from tests.tui.test_answer_groups import KERAS, _question, open_groups

pytestmark = pytest.mark.anyio

BRACKETED = "w[i] [/] x[i]: the weights times the inputs, nothing about Keras."


def _cells(table: DataTable[str], column: int) -> list[str]:
    """The cells as the table draws them (its own formatter reads a string as markup)."""
    return [str(default_cell_formatter(table.get_row_at(row)[column])) for row in range(table.row_count)]


async def test_names_and_answers_in_brackets_read_as_typed(ctx: AppContext) -> None:
    repository = ctx.repository
    bank = ctx.catalog.load("dl-course")
    question = _question(ctx)
    ids = []
    for name, text in [
        ("Åsa Öberg [ht25]", BRACKETED),
        *((f"Student {n}", text) for n, text in enumerate(KERAS)),
    ]:
        student = repository.get_or_create_student(name)
        ids.append(repository.submit_answer(student.id, bank, question, text, submitted_at=NOW).id)
    grade_and_store(ctx, [repository.get_answer(answer_id).answer for answer_id in ids])
    repository.request_regrade(ids[0], "Jag skrev [/] med flit.")
    async with make_app(ctx).run_test(size=(140, 40)) as pilot:
        screen = await open_groups(pilot)
        groups = screen.query_one("#groups-table", DataTable)
        assert "w[i] [/] x[i]: the weights times the inputs, nothing about …" in _cells(groups, 5)
        groups.move_cursor(row=1)  # Åsa's answer is a group of its own
        await settle(pilot)
        members = screen.query_one("#groups-members", DataTable)
        names = _cells(members, 0)
        assert "Åsa Öberg [ht25]" in names
        answers = _cells(members, 5)
        assert answers == ["w[i] [/] x[i]: …"]
        await pilot.press("escape")
        queue = pilot.app.screen.query_one(DataTable)
        assert "Åsa Öberg [ht25]" in _cells(queue, 0)
