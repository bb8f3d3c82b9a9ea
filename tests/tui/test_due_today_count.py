"""Home's summary line and its Due today button show one 'due today' number, the number of questions the
due-today quiz then asks, also with topics chosen (before: the line counted reviews only, the button
reviews and new questions, '1 due today · 10 new' next to 'Due today (11)')."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from textual.widgets import Button, Static

from quiz import scheduling
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import home_ready, wait_until

pytestmark = pytest.mark.anyio


def _seed_reviews(ctx: AppContext) -> None:
    """Yesterday q07 was failed (due again today) and q08 answered well (not due): 1 review, 10 new."""
    student = ctx.repository.default_student()
    for question_id, fraction in (("q07-dropout", 0.0), ("q08-early-stopping", 1.0)):
        scheduling.review(
            ctx.repository,
            student_id=student.id,
            bank_id="dl-course",
            question_id=question_id,
            fraction=fraction,
            now=NOW - timedelta(days=1),
        )


@pytest.mark.parametrize(
    ("topics", "expected"),
    [((), "11 due today (10 new)"), (("regularization",), "3 due today (2 new)")],
)
async def test_line_and_button_show_the_due_quiz_size(
    ctx: AppContext, topics: tuple[str, ...], expected: str
) -> None:
    _seed_reviews(ctx)
    ctx.repository.set_topic_filter(ctx.repository.default_student().id, "dl-course", list(topics))
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        line = str(pilot.app.screen.query_one("#summary", Static).render())
        label = str(pilot.app.screen.query_one("#mode-due", Button).label)
        assert expected in line, line
        in_line = re.search(r"(\d+) due today", line)
        in_label = re.fullmatch(r"Due today \((\d+)\)", label)
        assert in_line is not None and in_label is not None, (line, label)
        assert in_line.group(1) == in_label.group(1)

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        quiz = pilot.app.screen
        assert isinstance(quiz, QuizScreen) and quiz.quiz.mode is QuizMode.DUE
        assert quiz.quiz.total == int(in_label.group(1))
        assert quiz.quiz.questions[0].id == "q07-dropout", "the due review first, then the new questions"
