"""Extra time in the real app: the home screen states the student's own limit, the countdown starts from
it, and a resumed exam keeps the deadline it was given even after the setting changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.widgets import Button, Label, Static

from quiz.context import AppContext
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from quiz.tui.widgets.quiz_timer import QuizTimer
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import (
    TIMED_BANK,
    SettableClock,
    home_ready,
    install_timed_bank,
    start_timed_exam,
    wait_until,
)

pytestmark = pytest.mark.anyio


def _exam_line(screen: object) -> tuple[str, str]:
    """The home screen's summary and its full exam button."""
    assert isinstance(screen, HomeScreen)
    return str(screen.query_one("#summary", Static).render()), str(
        screen.query_one("#mode-full", Button).label
    )


async def test_countdown_starts_from_the_extended_limit_and_the_deadline_is_final(
    make_ctx: Callable[[], AppContext],
) -> None:
    first = make_ctx()
    first.settings = first.settings.model_copy(update={"default_bank": TIMED_BANK})
    install_timed_bank(first)  # 30 minutes
    student = first.repository.default_student()
    first.repository.set_extra_time(student.id, percent=50)
    clock = SettableClock(NOW)
    async with make_app(first, clock=clock).run_test(size=(110, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        summary, button = _exam_line(pilot.app.screen)
        assert summary.endswith("\nTimed full exam: 30 min + 50 % = 45 min (your extra time)"), summary
        assert button.endswith(", 45 min)"), button
        screen = await start_timed_exam(pilot)
        assert str(screen.query_one("#quiz-timer", QuizTimer).render()) == "⏳ 45:00 left (+50 %)"
        clock.now = NOW + timedelta(minutes=31)
        await pilot.pause(1.2)
        assert str(screen.query_one("#quiz-timer", QuizTimer).render()) == "⏳ 14:00 left (+50 %)"
        assert isinstance(pilot.app.screen, QuizScreen), "past the bank's 30 minutes the exam goes on"
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, QuizScreen), "leaving the exam")

    first.repository.clear_extra_time(student.id)
    clock.now = NOW + timedelta(minutes=40)
    reopened = make_ctx()
    reopened.settings = first.settings
    async with make_app(reopened, clock=clock).run_test(size=(110, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        labels = [str(label.render()) for label in pilot.app.screen.query(Label)]
        assert "The clock kept running: 05:00 left." in labels, labels
        summary, button = _exam_line(pilot.app.screen_stack[-2])
        assert summary.endswith("\nTimed full exam: 30 min") and button.endswith(", 30 min)"), (
            summary,
            button,
        )
