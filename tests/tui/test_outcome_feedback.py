"""After a multiple-choice answer the feedback screen says the outcome feedback matching the result above the
general feedback, and after each wrong or partly right try one more hint (Moodle's interactive mode)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Select, Static, TextArea

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from quiz.tui.screens.session_detail import SessionDetailScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, wait_until

pytestmark = pytest.mark.anyio

BANK = Bank.model_validate(
    {
        "id": "pooling",
        "title": "Pooling",
        "questions": [
            {
                "id": "downsample",
                "number": 1,
                "type": "multiple_choice",
                "prompt": {"en": "Which layer downsamples a feature map?"},
                "choices": [{"text": "Max pooling", "fraction": 1}, {"text": "Dropout"}],
                "general_feedback": "Pooling keeps the largest value of each window.",
                "outcome_feedback": {"correct": "Well done!", "incorrect": "Read chapter 5 again."},
                "hints": ["Think of the feature map's size.", "Dropout changes no sizes."],
            }
        ],
    }
)


def _shown(feedback: FeedbackScreen, widget_id: str) -> str:
    widget = feedback.query_one(widget_id, Static)
    return str(widget.render()) if widget.display else ""


async def _pick_bank(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    pilot.app.screen.query_one("#bank", Select).value = "pooling"
    await pilot.pause()


async def _start_quiz(pilot: Pilot[None]) -> None:
    """From home: choose the pooling bank and start a new quiz on it."""
    await _pick_bank(pilot)
    await pilot.press("n")


async def _answer(pilot: Pilot[None], text: str) -> FeedbackScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    editor = pilot.app.screen.query_one("#answer", TextArea)
    editor.text = text
    await pilot.press("ctrl+s")
    return await graded_feedback(pilot)


async def test_a_wrong_choice_shows_the_wrong_answer_feedback_and_one_more_hint_per_try(
    ctx: AppContext,
) -> None:
    ctx.catalog.install(BANK)
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        await _start_quiz(pilot)

        feedback = await _answer(pilot, "B")
        comment = _shown(feedback, "#fb-comment")
        assert "Read chapter 5 again." in comment and "Well done!" not in comment
        assert comment.index("Read chapter 5 again.") < comment.index("Pooling keeps the largest value")
        assert _shown(feedback, "#fb-hints") == "Hint 1: Think of the feature map's size."

        await pilot.press("e")  # another try, still wrong: the second hint joins the first
        feedback = await _answer(pilot, "B")
        assert _shown(feedback, "#fb-hints") == (
            "Hint 1: Think of the feature map's size.\nHint 2: Dropout changes no sizes."
        )

        await pilot.press("e")
        feedback = await _answer(pilot, "A")
        comment = _shown(feedback, "#fb-comment")
        assert "Well done!" in comment and "Read chapter 5 again." not in comment
        assert comment.index("Well done!") < comment.index("Pooling keeps the largest value")
        assert _shown(feedback, "#fb-hints") == ""


async def test_the_hints_earned_before_quitting_are_still_shown_after_resuming(
    make_ctx: Callable[[], AppContext],
) -> None:
    ctx = make_ctx()
    ctx.catalog.install(BANK)
    first = make_app(ctx)
    async with first.run_test(size=(100, 40)) as pilot:
        await _start_quiz(pilot)
        feedback = await _answer(pilot, "B")
        assert _shown(feedback, "#fb-hints") == "Hint 1: Think of the feature map's size."
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press("ctrl+q")

    second = make_app(make_ctx())
    async with second.run_test(size=(100, 40)) as pilot:
        # The app opens on the unfinished quiz's bank (pooling) and offers to resume it straight away.
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        await pilot.press("enter")
        feedback = await _answer(pilot, "B")
        assert _shown(feedback, "#fb-hints") == (
            "Hint 1: Think of the feature map's size.\nHint 2: Dropout changes no sizes."
        ), "the try before quitting still counts"


async def test_session_detail_shows_the_outcome_feedback_of_each_answer_that_has_one(ctx: AppContext) -> None:
    ctx.catalog.install(BANK)
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        await _start_quiz(pilot)
        await _answer(pilot, "B")
        await pilot.press("n")  # the last question: finishes the quiz
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        await pilot.press("escape")
        await wait_until(pilot, home_ready(pilot), "home")
        await pilot.press("h")
        await wait_until(pilot, lambda: pilot.app.screen.query_one(DataTable).row_count == 1, "the session")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "its detail")
        detail = pilot.app.screen
        await wait_until(pilot, lambda: detail.query_one("#detail-feedback").display, "the feedback")
        shown = str(detail.query_one("#detail-feedback", Static).render())
        assert "Read chapter 5 again." in shown and "Well done!" not in shown
        assert shown.index("Read chapter 5 again.") < shown.index("Pooling keeps the largest value")
