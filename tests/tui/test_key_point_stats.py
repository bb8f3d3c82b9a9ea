"""`k` on the review queue: which key points the class covered and missed, a teacher's decision winning."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from quiz.context import AppContext
from quiz.tui.screens.key_point_stats import KeyPointStatsScreen
from quiz.tui.screens.review_queue import ReviewQueueScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, wait_until
from tests.tui.test_answer_groups import QUESTION_ID, seed_real

pytestmark = pytest.mark.anyio


async def test_k_shows_covered_partly_missed_per_key_point_with_the_teachers_decision(
    ctx: AppContext,
) -> None:
    keras, others = seed_real(ctx)
    answers = [ctx.repository.get_answer(answer_id) for answer_id in [*keras, *others]]
    auto = {
        answer.answer.id: {point["point_id"]: point["status"] for point in answer.latest_grade.points}
        for answer in answers
        if answer.latest_grade is not None
    }
    decided = next(answer_id for answer_id, points in auto.items() if points["kp1"] != "missing")
    ctx.repository.add_override(decided, 0.5, "kp1 is not there", "Kim", point_credits={"kp1": 0.0})
    statuses = [points["kp1"] if answer_id != decided else "missing" for answer_id, points in auto.items()]

    app = make_app(ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the review queue")
        await settle(pilot)
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, KeyPointStatsScreen), "the key-point stats")
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        kp1 = next(row for row in rows if row[0] == QUESTION_ID and row[1].startswith("kp1:"))
        assert kp1[2:5] == [str(statuses.count(status)) for status in ("covered", "partial", "missing")]
        assert kp1[6] == "1", "one answer's kp1 is the teacher's decision"
        assert [row[1].split(":")[0] for row in rows if row[0] == QUESTION_ID] == ["kp1", "kp2", "kp3", "kp4"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "back to the queue")
