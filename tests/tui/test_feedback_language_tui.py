"""A Swedish student practising the bundled exam reads the grader's comment under the score in Swedish
('Poäng … av …', 'Saknas:', 'Läs:'), as the app's own labels are; the next answer, in English, gets the
English comment. The key points and passages stay as the bank and course notes word them."""

from __future__ import annotations

import pytest
from textual.widgets import Static, TextArea

from quiz.context import AppContext
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, wait_until

pytestmark = pytest.mark.anyio

SWEDISH_ANSWER = "Deep learning är en del av maskininlärning."
ENGLISH_ANSWER = "Keras is a high-level API that is used together with TensorFlow."


def _comment(feedback: FeedbackScreen) -> str:
    return str(feedback.query_one("#fb-comment", Static).render())


async def test_the_graders_comment_follows_the_language_of_each_answer(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        pilot.app.screen.query_one("#answer", TextArea).insert(SWEDISH_ANSWER)
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        swedish = _comment(feedback)
        assert feedback.outcome is not None
        assert swedish.startswith(f"Poäng {feedback.outcome.grade.score:g} av 2.\n")
        missed = [point for point in feedback.outcome.grade.points if point["status"] != "covered"]
        assert missed
        for point in missed:  # the bank's (English) key point after the Swedish label
            label = "Bara delvis täckt" if point["status"] == "partial" else "Saknas"
            assert f"\n{label}: {point['text']}" in swedish
        assert "\n  Läs: 01-ai-ml-dl.md: " in swedish
        assert not any(word in swedish for word in ("Score ", "Missing: ", "Covered: ", "Read: "))
        first_answer = feedback.answer.id

        await pilot.press("enter")  # Next
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the second question")
        pilot.app.screen.query_one("#answer", TextArea).insert(ENGLISH_ANSWER)
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        english = _comment(feedback)
        assert feedback.outcome is not None
        assert english.startswith(f"Score {feedback.outcome.grade.score:g} of 2.\n")
        assert "Poäng" not in english and "Saknas" not in english and "Läs:" not in english
    stored = ctx.repository.get_answer(first_answer).latest_grade
    assert stored is not None and stored.feedback == swedish
