"""The feedback screen speaks the language the student answered in, every word of it: the question's number,
the confidence line, the ⚠ notes, the grading messages, the leech warning and the suspension line and
notices follow the grader's comment as the labels do. A Swedish answer under the bundled exam's Swedish
prompt read 'Question 1', 'Loading the grading model…' and the English leech warning around 'Poäng … av …';
an English answer under the same prompt read the confidence line in Swedish. The real app on a real SQLite
file with the real grader (tests/tui/conftest.py)."""

from __future__ import annotations

import pytest
from textual.events import Paste
from textual.pilot import Pilot
from textual.widgets import Label, Select, Static, TextArea

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, settle, wait_for_grade, wait_until
from tests.tui.test_study import lapsing_card

pytestmark = pytest.mark.anyio

SWEDISH_ANSWER = "Deep learning är en del av maskininlärning, som i sin tur är en del av AI."
ENGLISH_ANSWER = "Keras is a high-level API that is used together with TensorFlow."
LONG_ENGLISH_ANSWER = "Regularization reduces overfitting by penalising large weights. " * 400
POOLING = Bank.model_validate(
    {
        "id": "pooling-sv",
        "title": "Poolning",
        "languages": ["sv"],
        "questions": [
            {
                "id": "downsample",
                "number": 1,
                "type": "multiple_choice",
                "prompt": {"sv": "Vilket lager halverar en egenskapskarta?"},
                "choices": [{"text": "Max pooling", "fraction": 1}, {"text": "Dropout"}],
                "hints": ["Tänk på kartans storlek."],
            }
        ],
    }
)


def _text(feedback: FeedbackScreen, selector: str) -> str:
    return str(feedback.query_one(selector, Static).render())


def _last_notice(pilot: Pilot[None]) -> str:
    return list(pilot.app._notifications)[-1].message


async def _start_exam(pilot: Pilot[None]) -> QuizScreen:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    quiz_screen = pilot.app.screen
    assert isinstance(quiz_screen, QuizScreen)
    return quiz_screen


async def test_a_swedish_answer_reads_the_whole_feedback_screen_in_swedish(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        quiz_screen = await _start_exam(pilot)
        prompt = quiz_screen.quiz.current.prompt_in("sv")
        assert not app.model_ready.is_set()
        quiz_screen.query_one("#answer", TextArea).insert(SWEDISH_ANSWER)
        await pilot.press("ctrl+s")
        feedback = pilot.app.screen
        assert isinstance(feedback, FeedbackScreen)
        assert _text(feedback, "#fb-pending-text") == (
            "Laddar rättningsmodellen… ditt svar är sparat och rättas om en stund."
        )
        assert _text(feedback, "#fb-question") == f"Fråga 1 · {prompt}"
        await wait_for_grade(pilot, feedback)

        assert feedback.outcome is not None
        assert _text(feedback, "#fb-comment").startswith(f"Poäng {feedback.outcome.grade.score:g} av 2.\n")
        assert _text(feedback, "#fb-question") == f"Fråga 1 · {prompt}"
        assert _text(feedback, "#fb-review").startswith(("Säkerhet ", "⚑ En lärare granskar poängen"))
        assert str(feedback.query_one("#fb-points-title", Label).render()) == "Bedömningspunkter"

        await pilot.press("s")
        await settle(pilot)
        assert _text(feedback, "#fb-suspended") == (
            "⏸ Pausad: Practice, Due today och Weakest first hoppar över den (s: ta med igen)."
        )
        assert _last_notice(pilot).startswith("Pausad — övningen hoppar över den")
        await pilot.press("s")
        await settle(pilot)
        assert _last_notice(pilot) == "Inte längre pausad — den kommer med i övning och repetitioner igen."


async def test_an_english_answer_under_the_swedish_prompt_reads_english_as_before(ctx: AppContext) -> None:
    """Everything as an English answer has always read it, the confidence line too (it followed the
    Swedish prompt); only the prompt itself stays as shown."""
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        quiz_screen = await _start_exam(pilot)
        prompt = quiz_screen.quiz.current.prompt_in("sv")
        quiz_screen.query_one("#answer", TextArea).insert(ENGLISH_ANSWER)
        await pilot.press("ctrl+s")
        feedback = pilot.app.screen
        assert isinstance(feedback, FeedbackScreen)
        assert _text(feedback, "#fb-pending-text") == (
            "Loading the grading model… your answer is saved and will be graded in a moment."
        )
        await wait_for_grade(pilot, feedback)

        assert feedback.outcome is not None
        assert _text(feedback, "#fb-comment").startswith(f"Score {feedback.outcome.grade.score:g} of 2.\n")
        assert _text(feedback, "#fb-question") == f"Question 1 · {prompt}"
        review = _text(feedback, "#fb-review")
        assert review.startswith(("Confidence ", "⚑ Needs teacher review — confidence ")), review
        assert "how sure tenta is that a teacher would give about the same score" in review
        assert str(feedback.query_one("#fb-points-title", Label).render()) == "Key points"

        await pilot.press("s")
        await settle(pilot)
        assert _text(feedback, "#fb-suspended") == (
            "⏸ Suspended: practice, due today and weakest first leave it out (s: unsuspend)."
        )
        assert _last_notice(pilot) == (
            "Suspended — it stays out of practice until you unsuspend it (s, or u at home)."
        )


async def test_the_notes_and_the_leech_warning_follow_the_answer_not_the_prompt(ctx: AppContext) -> None:
    """Under the same Swedish prompts: Q5's code pasted back with a Swedish sentence reads the Swedish
    copied-code note; an English answer that makes Q1 a leech reads the English warning, and a very long
    English answer on regularisation under Q2 the English wrong-question and long-answer notes, word for
    word as before."""
    code = ctx.catalog.load("dl-course").question("q05-keras-code").code
    assert code is not None
    lapsing_card(ctx, 7)
    async with make_app(ctx).run_test(size=(100, 40)) as pilot:
        quiz_screen = await _start_exam(pilot)
        quiz_screen.query_one("#answer", TextArea).insert("AI contains machine learning.")
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        assert feedback.outcome is not None and feedback.outcome.leech
        assert _text(feedback, "#fb-leech") == (
            "This question keeps slipping — you have forgotten it 8 times after learning it. It is "
            "suspended: practice, due today and weakest first leave it out until you unsuspend it (s here, "
            "u on the home screen). Rework it before it comes back: read the course notes on it, write the "
            "key points in your own words, or split it into smaller facts."
        )

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the second question")
        pilot.app.post_message(Paste(LONG_ENGLISH_ANSWER))
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        assert _text(feedback, "#fb-notes") == (
            "⚠ This looks like an answer to another question: check that you answered the one asked.\n"
            "⚠ The answer is very long: only its first 6000 characters were graded."
        )

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the third question")
        await pilot.press("ctrl+n", "ctrl+n")
        assert isinstance(pilot.app.screen, QuizScreen)
        assert pilot.app.screen.quiz.current.id == "q05-keras-code"
        pilot.app.screen.query_one("#answer", TextArea).insert(code.source + "\nDet är vad koden gör.")
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        assert _text(feedback, "#fb-question").startswith("Fråga 5 · ")
        assert _text(feedback, "#fb-notes") == (
            "⚠ Svaret upprepar frågans kod i stället för att förklara vad den gör."
        )


async def test_a_hint_is_numbered_in_the_language_of_the_feedback(ctx: AppContext) -> None:
    """A choice's letter tells no language, so a Swedish question's feedback is Swedish, its hint too."""
    ctx.catalog.install(POOLING)
    async with make_app(ctx).run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#bank", Select).value = "pooling-sv"
        await pilot.pause()
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        pilot.app.screen.query_one("#answer", TextArea).text = "B"
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        assert _text(feedback, "#fb-comment").startswith("Poäng 0 av ")
        assert _text(feedback, "#fb-hints") == "Ledtråd 1: Tänk på kartans storlek."


class _CrashingGrader:
    def grade_many(self, requests: object) -> object:
        raise RuntimeError("out of memory")


async def test_a_swedish_answer_whose_grading_fails_is_told_so_in_swedish(ctx: AppContext) -> None:
    """No comment to read the language from: the answer's own words choose it (the reason is the app's
    error message, as written)."""
    ctx.__dict__["grader"] = _CrashingGrader()
    app = make_app(ctx)
    app.model_ready.set()
    async with app.run_test(size=(100, 40)) as pilot:
        quiz_screen = await _start_exam(pilot)
        quiz_screen.query_one("#answer", TextArea).insert(SWEDISH_ANSWER)
        await pilot.press("ctrl+s")
        await settle(pilot)
        feedback = pilot.app.screen
        assert isinstance(feedback, FeedbackScreen)
        failure = _text(feedback, "#fb-pending-text")
        assert failure.startswith("Rättningen misslyckades: ") and "out of memory" in failure, failure
        assert failure.endswith("\nDitt svar är sparat; `tenta regrade` rättar det senare."), failure
        assert _text(feedback, "#fb-question").startswith("Fråga 1 · ")
