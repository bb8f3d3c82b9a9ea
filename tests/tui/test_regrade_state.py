"""A regrade the student asked for shows on the session's list: the row's score is marked 'review', as an
uncertain grade's is, until a teacher decides (AnswerDetail.waits_for_teacher, the rule the gradebook holds
grades by). After 'I disagree' in history the row read '1.5 / 2' as if final, and an overridden answer
questioned again still read '1 / 2 ✎'. The real app on a real SQLite file."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from quiz.context import AppContext
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.screens.session_detail import SessionDetailScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, wait_until
from tests.tui.seed import DAYS, seed_history
from tests.tui.test_student_qa_s16 import open_history_session

pytestmark = pytest.mark.anyio


def score_cell(detail: SessionDetailScreen, row: int) -> str:
    return str(detail.query_one("#detail-table", DataTable).get_row_at(row)[1])


async def disagree(pilot: Pilot[None], detail: SessionDetailScreen, row: int, reason: str) -> None:
    """'I disagree' on the list's `row` with `reason`, until the request is stored and the list reloaded."""
    table = detail.query_one("#detail-table", DataTable)
    table.move_cursor(row=row)
    await settle(pilot)
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DisagreeDialog), "the dialog")
    await pilot.press(*reason, "enter")
    await wait_until(pilot, lambda: score_cell(detail, row).endswith(" review"), f"row {row} marked")


async def test_a_requested_regrade_marks_the_row_review_until_a_teacher_decides(ctx: AppContext) -> None:
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        detail = await open_history_session(pilot, len(DAYS) - 1)  # the oldest: its first answer overridden
        assert (score_cell(detail, 0), score_cell(detail, 1)) == ("1 / 2 ✎", "1 / 2")
        await disagree(pilot, detail, 1, "I named both libraries.")
        assert score_cell(detail, 1) == "1 / 2 review"
        await disagree(pilot, detail, 0, "The examples were there.")
        assert score_cell(detail, 0) == "1 / 2 review", "questioned again after the override"
        assert score_cell(detail, 2) == "0.5 / 2", "the others as they were"
