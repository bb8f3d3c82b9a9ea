"""The feedback screen labels a grade in the language of the grader's comment under it: a Swedish answer to
the bundled exam reads 'Poäng … / 2 p', 'Bedömningspunkter', '◐ delvis', 'Läs:', 'Ditt svar' and
'Modellsvar' around 'Poäng … av …' (the labels were English under a Swedish comment, only the confidence
line Swedish); the next answer, in English under the same Swedish prompt, reads the English labels as
before. The real app on a real SQLite file with the real grader."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Collapsible, Label, Static, TextArea

from quiz.context import AppContext
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, wait_until

pytestmark = pytest.mark.anyio

SWEDISH_ANSWER = "Deep learning är en del av maskininlärning."
ENGLISH_ANSWER = "Keras is a high-level API that is used together with TensorFlow."


def _text(feedback: FeedbackScreen, selector: str) -> str:
    return str(feedback.query_one(selector, Static).render())


def _status_labels(feedback: FeedbackScreen) -> set[str]:
    """The status column of the key point list, without the empty cells of evidence and 'Read:' lines."""
    labels = (str(label.render()) for label in feedback.query("#fb-points .point-label").results(Static))
    return {label for label in labels if label.strip()}


def _point_texts(feedback: FeedbackScreen) -> str:
    return "\n".join(str(text.render()) for text in feedback.query("#fb-points .point-text").results(Static))


async def _submit(pilot: Pilot[None], answer: str) -> FeedbackScreen:
    pilot.app.screen.query_one("#answer", TextArea).insert(answer)
    await pilot.press("ctrl+s")
    return await graded_feedback(pilot)


async def test_the_labels_follow_the_language_of_the_graders_comment(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        feedback = await _submit(pilot, SWEDISH_ANSWER)
        assert feedback.outcome is not None
        grade = feedback.outcome.grade
        assert _text(feedback, "#fb-comment").startswith(f"Poäng {grade.score:g} av 2.\n")
        assert _text(feedback, "#fb-score .score-text").startswith("Poäng ")
        assert _text(feedback, "#fb-score .score-text").endswith(" / 2 p")
        assert _text(feedback, "#fb-review").startswith(("Säkerhet ", "⚑ En lärare granskar poängen"))
        assert str(feedback.query_one("#fb-points-title", Label).render()) == "Bedömningspunkter"
        statuses = _status_labels(feedback)
        assert statuses and statuses <= {"✔ täckt", "◐ delvis", "✘ saknas"}
        assert "Läs: " in _point_texts(feedback) and "Read: " not in _point_texts(feedback)
        assert str(feedback.query_one("#fb-answer-title", Label).render()) == "Ditt svar"
        assert feedback.query_one("#fb-reference", Collapsible).title == "Modellsvar"

        await pilot.press("enter")  # Next
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the second question")
        feedback = await _submit(pilot, ENGLISH_ANSWER)
        assert feedback.outcome is not None
        grade = feedback.outcome.grade
        assert _text(feedback, "#fb-comment").startswith(f"Score {grade.score:g} of 2.\n")
        assert _text(feedback, "#fb-score .score-text").startswith("Score ")
        assert str(feedback.query_one("#fb-points-title", Label).render()) == "Key points"
        statuses = _status_labels(feedback)
        assert statuses and statuses <= {"✔ covered", "◐ partial", "✘ missing"}
        assert "Läs: " not in _point_texts(feedback)
        assert str(feedback.query_one("#fb-answer-title", Label).render()) == "Your answer"
        assert feedback.query_one("#fb-reference", Collapsible).title == "Reference answer"
