"""An all-or-nothing multiple-response question tells the student, before answering, to give every
correct letter and that part of the set earns nothing; other choice questions keep their hint."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from question_bank.models import Choice, Question, QuestionType
from quiz.tui.widgets.question_view import QuestionView, question_markdown

pytestmark = pytest.mark.anyio

SINGLE_HINT = "*Answer with the letter or the text of your choice.*"


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
    assert question_markdown(_activations(all_or_nothing=False), "en").endswith(SINGLE_HINT)


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
