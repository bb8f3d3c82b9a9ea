"""A timed full exam in the real app: the countdown, its warnings, and the hand-in at the deadline,
with the student there or coming back after it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.widgets import Label, Static, TextArea

from db.records import SessionStatus
from quiz.context import AppContext
from quiz.tui import messages
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from quiz.tui.widgets.quiz_timer import QuizTimer
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import (
    LIMIT,
    TIMED_BANK,
    SettableClock,
    install_timed_bank,
    settle,
    start_timed_exam,
    wait_until,
)

pytestmark = pytest.mark.anyio


def timer_text(screen: QuizScreen) -> str:
    return str(screen.query_one("#quiz-timer", QuizTimer).render())


async def test_countdown_warns_and_hands_in_typed_answers_at_the_deadline(ctx: AppContext) -> None:
    install_timed_bank(ctx)
    clock = SettableClock(NOW)
    app = make_app(ctx, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_timed_exam(pilot)
        assert screen.query_one("#quiz-timer").display and timer_text(screen) == "⏳ 30:00 left"
        screen.query_one("#answer", TextArea).insert("Deep learning is a subset of machine learning.")
        await pilot.press("ctrl+n")
        screen.query_one("#answer", TextArea).insert("Keras is the high-level API of TensorFlow.")

        clock.now = NOW + LIMIT - timedelta(minutes=4)
        await pilot.pause(1.2)
        assert "04:00 left" in timer_text(screen) or "03:5" in timer_text(screen)
        assert screen.query_one("#quiz-timer").has_class("-ending")
        assert any("handed in when time is up" in str(n.message) for n in app._notifications)

        clock.now = NOW + LIMIT + timedelta(seconds=2)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the hand-in")
        results = pilot.app.screen
        assert "Time is up: 2 typed answer(s) handed in" in str(
            results.query_one("#results-summary", Static).render()
        )
        await settle(pilot)

    (summary,) = ctx.repository.history(bank_id=TIMED_BANK)
    assert summary.status is SessionStatus.FINISHED and summary.answered_count == 2
    detail = ctx.repository.session_detail(summary.session_id)
    handed_in = [item.answer for item in detail.items if item.answer is not None]
    assert [answer.answer.text for answer in handed_in] == [
        "Deep learning is a subset of machine learning.",
        "Keras is the high-level API of TensorFlow.",
    ]
    assert all(answer.answer.submitted_at == NOW + LIMIT for answer in handed_in)
    assert all(len(answer.grades) == 1 for answer in handed_in)


async def test_coming_back_after_the_deadline_hands_in_the_saved_draft(ctx: AppContext) -> None:
    install_timed_bank(ctx)
    clock = SettableClock(NOW)
    app = make_app(ctx, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_timed_exam(pilot)
        screen.query_one("#answer", TextArea).insert("AI ⊃ ML ⊃ DL")
        session_id = screen.quiz.session_id
        await pilot.press("escape", "escape")  # the first leaves the editor (tab indents there)
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, QuizScreen), "leaving the exam")

        clock.now = NOW + 2 * LIMIT
        pilot.app.post_message(messages.ResumeQuiz(session_id))
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        await settle(pilot)

    stored = ctx.repository.get_session(session_id)
    assert stored.status is SessionStatus.FINISHED
    (answer_id,) = stored.answer_ids.values()
    detail = ctx.repository.get_answer(answer_id)
    assert detail.answer.text == "AI ⊃ ML ⊃ DL" and detail.answer.submitted_at == NOW + LIMIT


async def test_the_resume_offer_says_when_time_ran_out(make_ctx: Callable[[], AppContext]) -> None:
    first = make_ctx()
    first.settings = first.settings.model_copy(update={"default_bank": TIMED_BANK})
    install_timed_bank(first)
    clock = SettableClock(NOW)
    async with make_app(first, clock=clock).run_test(size=(100, 30)) as pilot:
        screen = await start_timed_exam(pilot)
        screen.query_one("#answer", TextArea).insert("AI ⊃ ML ⊃ DL")
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, QuizScreen), "leaving the exam")

    clock.now = NOW + LIMIT - timedelta(minutes=10)
    reopened = make_ctx()
    reopened.settings = first.settings
    async with make_app(reopened, clock=clock).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        labels = [str(label.render()) for label in pilot.app.screen.query(Label)]
        assert "The clock kept running: 10:00 left." in labels

    clock.now = NOW + LIMIT + timedelta(minutes=1)
    again = make_ctx()
    again.settings = first.settings
    async with make_app(again, clock=clock).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        labels = [str(label.render()) for label in pilot.app.screen.query(Label)]
        assert any(text.startswith("Time ran out at") for text in labels), labels
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the hand-in")
        await settle(pilot)
