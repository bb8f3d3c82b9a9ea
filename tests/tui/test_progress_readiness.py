"""The progress screen's readiness estimate and topic table on the real app: a real SQLite file, answers
graded by the real MiniLM grader, a frozen clock."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent

from question_bank.grade_scales import final_grade
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.progress import points_text
from quiz.session import QuizRequest, start_quiz
from quiz.tui.screens.progress import ProgressScreen
from tests.tui.conftest import NOW, RECORDED_ANSWER, make_app
from tests.tui.helpers import home_ready, settle, wait_until
from tests.tui.readiness_seed import GRADED_BANK, install_graded_bank

pytestmark = pytest.mark.anyio

ANSWERS = {
    "q01-ai-ml-dl": RECORDED_ANSWER,
    "q07-dropout": (
        "Dropout stänger slumpvis av en andel av neuronerna under varje träningssteg, så att nätverket "
        "inte kan förlita sig på enskilda neuroner. Det minskar överanpassning."
    ),
    "q12-cpu-gpu": "",
}


def practise_with_the_real_grader(ctx: AppContext) -> dict[str, float]:
    """A full exam at NOW with three questions answered and graded as the quiz grades them; the points won."""
    student = ctx.repository.default_student()
    request = QuizRequest(student_id=student.id, bank_id=GRADED_BANK, mode=QuizMode.FULL)
    quiz = start_quiz(ctx, request, now=NOW, rng=random.Random(0))
    scores = {}
    for position, question in enumerate(quiz.questions):
        if question.id in ANSWERS:
            quiz.go_to(position)
            outcome = quiz.grade(quiz.submit(ANSWERS[question.id], now=NOW), now=NOW)
            scores[question.id] = outcome.grade.score
    quiz.finish(now=NOW)
    return scores


async def open_progress(pilot: Pilot[None], bank_id: str) -> ProgressScreen:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    student = pilot.app.current_student  # type: ignore[attr-defined]
    await pilot.app.push_screen(ProgressScreen(student.id, bank_id))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProgressScreen) and screen.report is not None
    return screen


def _text(screen: ProgressScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_readiness_shows_the_estimate_grade_and_gains(
    make_ctx: Callable[[], AppContext], size: tuple[int, int]
) -> None:
    ctx = make_ctx()
    bank = install_graded_bank(ctx)
    scores = practise_with_the_real_grader(ctx)
    assert scores["q01-ai-ml-dl"] > 0 and scores["q07-dropout"] > 0 and scores["q12-cpu-gpu"] == 0
    total = sum(scores.values())
    grade = final_grade(total, 30.0, bank.grade_scale)
    async with make_app(ctx).run_test(size=size) as pilot:
        screen = await open_progress(pilot, GRADED_BANK)
        assert screen.query_one(TabbedContent).active == "readiness"
        text = _text(screen, "#readiness-summary")
        expected = f"Estimated today: {points_text(total)} / 30 p → {grade} (G needs 15 p)"
        assert text.splitlines()[0] == expected
        assert "An estimate from your practice" in text
        assert "Not practised (9): Q2, Q3, Q4, Q5, Q6, Q8, Q9, Q10, Q11" in text
        gains = text.split("Most points to gain if mastered")[1].split("Not practised")[0]
        assert [line.split()[0] for line in gains.strip().splitlines()] == ["Q5", "Q10", "Q4"]
        assert "Grade scale: U 0% · G 50% (15 p) · VG 75% (22.5 p)" in text
        summary = screen.query_one("#readiness-summary", Static)
        assert summary.region.right <= size[0] and summary.region.height > 0

        await pilot.press("right")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "topic-table"
        table = screen.query_one("#topic-mastery", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        by_topic = {row[0]: row[1:] for row in rows}
        assert by_topic["hardware"] == ["1", "1/1", "0%", "1"], "the empty answer: seen, 0 %, due again"
        assert by_topic["cnn"] == ["2", "0/2", "—", "0"]
        assert rows[0][0] == "hardware", "weakest first"
        assert table.region.height >= min(table.row_count, 8)
        await pilot.press("ctrl+q")


async def test_a_bank_without_grade_scale_and_nothing_practised(make_ctx: Callable[[], AppContext]) -> None:
    ctx = make_ctx()
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        screen = await open_progress(pilot, "dl-course")
        text = _text(screen, "#readiness-summary")
        assert text.splitlines()[0] == "Estimated today: 0 / 30 p (0%)"
        assert "Not practised (12)" in text
        assert "This bank sets no grade scale" in text
        await pilot.press("ctrl+q")


async def test_readiness_covers_the_students_chosen_topics_and_says_which(
    make_ctx: Callable[[], AppContext],
) -> None:
    ctx = make_ctx()
    install_graded_bank(ctx)
    scores = practise_with_the_real_grader(ctx)
    student = ctx.repository.default_student()
    ctx.repository.set_topic_filter(student.id, GRADED_BANK, ["regularization", "hardware"])
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        screen = await open_progress(pilot, GRADED_BANK)
        text = _text(screen, "#readiness-summary")
        lines = text.splitlines()
    assert "no grade scale" not in text and "Grade scale" not in text
    in_scope = scores["q07-dropout"] + scores["q12-cpu-gpu"]  # q01 is foundations: left out
    assert lines[0].startswith(f"Estimated today: {points_text(in_scope)} / "), "no grade for a part"
    assert "→" not in lines[0]
    assert lines[1].startswith("Covers your chosen topics only (regularization, hardware): 5 of 12 questions")
