"""The question browser's past answers read in the language of their grade, as history's answer view and
the feedback screen do (grade_notes.answer_labels): a Swedish answer graded in Swedish showed 'Final',
'Answer' and 'Key points' beside its Swedish comment. English answers read as before. The real app, a
real SQLite file and the real grader."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from quiz.context import AppContext
from quiz.tui.screens.question_detail import QuestionDetailScreen
from quiz.tui.widgets.answer_view import AnswerView
from tests.tui.conftest import make_app
from tests.tui.helpers import open_browser, settle, wait_until
from tests.tui.test_browser import DROPOUT, answer, highlighted_id

pytestmark = pytest.mark.anyio

SWEDISH = (
    "Dropout stänger av slumpmässigt valda neuroner under träningen, så att nätverket inte kan förlita sig "
    "på enskilda neuroner. Det minskar överanpassning. Vid test används alla neuroner."
)


def view_labels(view: AnswerView) -> tuple[str, ...]:
    """The score label's first word and the two section titles."""
    score = str(view.query_one(".score-text", Label).render()).split(" ")[0]
    return (score, *(str(title.render()) for title in view.query(".section-title").results(Label)))


async def test_past_answers_in_the_browser_read_in_the_language_of_their_grade(ctx: AppContext) -> None:
    bank = ctx.catalog.load("dl-course")
    answer(ctx, [DROPOUT], [bank.question(DROPOUT).reference_in("en")], days_ago=4)
    answer(ctx, [DROPOUT], [SWEDISH], days_ago=1)
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        browser = await open_browser(pilot)
        for _ in range(len(bank.questions)):
            if highlighted_id(browser) == DROPOUT:
                break
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuestionDetailScreen), "the question")
        await pilot.press("2")
        await settle(pilot)
        view = pilot.app.screen.query_one(AnswerView)
        assert view_labels(view) == ("Slutpoäng", "Svar", "Bedömningspunkter")  # yesterday's, in Swedish
        await pilot.press("down")
        await settle(pilot)
        assert view_labels(view) == ("Final", "Answer", "Key points")
