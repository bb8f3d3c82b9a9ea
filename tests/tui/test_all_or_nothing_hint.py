"""A choice question tells the student, before answering, how many choices to give: one for a question
where one choice earns full points, every correct letter otherwise, and for an all-or-nothing question
that part of the set earns nothing."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from question_bank.models import Choice, Question, QuestionType
from quiz.tui.widgets.question_view import QuestionView, question_markdown

pytestmark = pytest.mark.anyio

SINGLE_HINT = "*Answer with the letter or the text of one choice.*"
SEVERAL_HINT = (
    "*Answer with the letters of every choice you think correct (e.g. A, C): each right one earns its share"
)


def _activations(*, all_or_nothing: bool) -> Question:
    return Question(
        id="activations",
        number=3,
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which are activation functions?"},
        choices=(Choice(text="ReLU", fraction=0.5), Choice(text="Adam"), Choice(text="tanh", fraction=0.5)),
        all_or_nothing=all_or_nothing,
    )


def test_the_hint_says_all_or_nothing_only_for_such_questions() -> None:
    flagged = question_markdown(_activations(all_or_nothing=True), "en")
    assert "every choice you think correct (e.g. A, C). All or nothing" in flagged
    assert SINGLE_HINT not in flagged
    several = question_markdown(_activations(all_or_nothing=False), "en")
    assert SEVERAL_HINT in several and SINGLE_HINT not in several


def test_a_question_one_choice_answers_fully_asks_for_one_choice() -> None:
    """Naming several choices of such a question earns nothing (Question.takes_one_answer)."""
    question = Question(
        id="optimiser",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which is an optimiser?"},
        choices=(Choice(text="ReLU"), Choice(text="Adam", fraction=1.0)),
    )
    assert question_markdown(question, "en").endswith(SINGLE_HINT)


def test_wrong_choices_that_cost_points_are_announced() -> None:
    question = Question(
        id="activations",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which are activation functions?"},
        choices=(
            Choice(text="ReLU", fraction=0.5),
            Choice(text="Adam", fraction=-0.5),
            Choice(text="tanh", fraction=0.5),
        ),
    )
    assert question_markdown(question, "en").endswith("share of the points; a wrong one costs points.*")


class _OneQuestion(App[None]):
    def compose(self) -> ComposeResult:
        yield QuestionView(_activations(all_or_nothing=True), "en", id="question")


async def test_the_question_view_shows_the_hint() -> None:
    app = _OneQuestion()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        shown = [str(block.render()) for block in app.query_one(QuestionView).query("MarkdownParagraph")]
        assert "C. tanh" in shown
        assert shown[-1] == (
            "Answer with the letters of every choice you think correct (e.g. A, C). All or nothing: "
            "points only for exactly the correct ones."
        )
