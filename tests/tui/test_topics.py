"""Studying by topic on the real app: the home screen's topic picker, what it shows, what the quiz asks,
and that the choice is kept per profile (also after a restart)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Select, SelectionList, Static

from question_bank.models import Bank
from quiz import scheduling
from quiz.context import AppContext
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.progress import ProgressScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.topic_dialog import TopicDialog
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio

CNN = {"q09-image-network", "q10-cnn-how"}
REGULARIZATION = {"q05-keras-code", "q06-regularization-purpose", "q07-dropout", "q08-early-stopping"}


def _home(pilot: Pilot[None]) -> HomeScreen:
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    return screen


def _text(pilot: Pilot[None], selector: str) -> str:
    return str(_home(pilot).query_one(selector).render())


async def _pick_topics(pilot: Pilot[None], *moves: str) -> TopicDialog:
    """Open the picker with t and press the moves (down, space…) in its list; the caller confirms."""
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TopicDialog), "the topic picker")
    dialog = pilot.app.screen
    assert isinstance(dialog, TopicDialog)
    await pilot.press(*moves)
    return dialog


async def test_choosing_topics_restricts_the_quiz_and_is_kept_for_the_profile(
    make_ctx: Callable[[], AppContext],
) -> None:
    ctx = make_ctx()
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        assert _text(pilot, "#topic-line") == "Topics: all · 12 questions · t: choose"
        dialog = await _pick_topics(pilot, *["down"] * 5, "space", "down", "space")
        options = dialog.query_one(SelectionList)
        first = str(options.get_option_at_index(0).prompt)
        assert first.split() == ["foundations", "1", "question", "·", "0", "due", "·", "1", "new"]
        assert "4 questions · 0 due · 4 new" in str(options.get_option_at_index(5).prompt)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home again")
        await settle(pilot)
        assert _text(pilot, "#topic-line") == ("Topics: regularization, cnn · 6 of 12 questions · t: change")
        assert str(_home(pilot).query_one("#mode-full", Button).label) == "Full exam (6)"
        assert str(_home(pilot).query_one("#mode-due", Button).label) == "Due today (6)"
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert [question.id for question in quiz_screen.quiz.questions] == sorted(REGULARIZATION | CNN)
        assert str(quiz_screen.query_one("#quiz-position").render()).startswith("Question 1/6")
        await pilot.press("ctrl+q")
    alva = ctx.repository.get_or_create_student("Alva")

    reopened = make_app(make_ctx())
    reopened.resume_offered.update(session.session_id for session in ctx.repository.history())
    async with reopened.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen after a restart")
        await settle(pilot)
        assert _text(pilot, "#topic-line").startswith("Topics: regularization, cnn · 6 of 12")
        _home(pilot).query_one("#profile", Select).value = alva.id
        await wait_until(pilot, lambda: "Topics: all" in _text(pilot, "#topic-line"), "Alva's own choice")
        await _pick_topics(pilot, *["down"] * 6, "space", "enter")
        await wait_until(pilot, lambda: "Topics: cnn · 2 of 12" in _text(pilot, "#topic-line"), "cnn")
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the practice quiz")
        practice = pilot.app.screen
        assert isinstance(practice, QuizScreen)
        assert {question.id for question in practice.quiz.questions} == CNN, "5 asked, the topic has 2"
        shown = [str(notification.message) for notification in pilot.app._notifications]
        assert "Practice asks 2 question(s), all there are in the chosen topics." in shown
    assert ctx.repository.topic_filter(alva.id, "dl-course") == ["cnn"]


async def test_a_topic_with_nothing_due_says_so_and_a_clears_the_choice(ctx: AppContext) -> None:
    student = ctx.repository.get_or_create_student("Alva")
    for question_id in CNN:
        scheduling.review(
            ctx.repository,
            student_id=student.id,
            bank_id="dl-course",
            question_id=question_id,
            fraction=1.0,
            now=NOW,
        )
    ctx.repository.set_topic_filter(student.id, "dl-course", ["cnn"])
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        _home(pilot).query_one("#profile", Select).value = student.id
        await wait_until(pilot, lambda: "Topics: cnn" in _text(pilot, "#topic-line"), "Alva's topics")
        assert str(_home(pilot).query_one("#mode-due", Button).label) == "Due today (0)"
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen), "no empty quiz starts"
        shown = [str(notification.message) for notification in pilot.app._notifications]
        assert "No question of cnn is due today; choose other topics or practise them instead." in shown
        dialog = await _pick_topics(pilot)
        options = dialog.query_one(SelectionList)
        assert options.selected == ["cnn"]
        assert "2 questions · 0 due · 0 new" in str(options.get_option_at_index(6).prompt)
        await pilot.press("a")
        await wait_until(pilot, lambda: "Topics: all" in _text(pilot, "#topic-line"), "every topic again")
        assert str(_home(pilot).query_one("#mode-due", Button).label) == "Due today (10)"
    assert ctx.repository.topic_filter(student.id, "dl-course") == []


async def test_escape_leaves_the_choice_as_it_was(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await _pick_topics(pilot, "space", "escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home again")
        assert str(_home(pilot).query_one("#summary", Static).render()).startswith("Deep learning")
        assert _text(pilot, "#topic-line") == "Topics: all · 12 questions · t: choose"


async def test_the_topic_link_opens_the_picker_and_a_bank_without_topics_says_so(ctx: AppContext) -> None:
    bank = ctx.catalog.load("dl-course")
    plain = tuple(question.model_copy(update={"topics": ()}) for question in bank.questions)
    ctx.catalog.install(
        Bank.model_validate(bank.model_copy(update={"id": "dl-plain", "questions": plain}).model_dump())
    )
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        line = _text(pilot, "#topic-line")
        await pilot.click("#topic-line", offset=(line.index("t: choose") + 2, 0))
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TopicDialog), "the picker, by mouse")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home again")
        _home(pilot).query_one("#bank", Select).value = "dl-plain"
        await wait_until(pilot, lambda: "No topics" in _text(pilot, "#topic-line"), "the plain bank")
        assert _text(pilot, "#topic-line") == "No topics in this bank · 12 questions"
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        shown = [str(notification.message) for notification in pilot.app._notifications]
        assert any("name no topics" in message for message in shown), shown


async def test_the_picker_counts_due_reviews_and_new_apart_as_home_and_progress_do(ctx: AppContext) -> None:
    """A topic of new questions is not 'due today' in the picker while the home line and Progress's topic
    table count no review due for it: each counts reviews due and new questions apart."""
    student = ctx.repository.default_student()
    yesterday = NOW.replace(day=NOW.day - 1)
    for question_id, fraction in (("q07-dropout", 0.0), ("q08-early-stopping", 1.0)):
        scheduling.review(
            ctx.repository,
            student_id=student.id,
            bank_id="dl-course",
            question_id=question_id,
            fraction=fraction,
            now=yesterday,
        )
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        assert "11 due today (10 new)" in _text(pilot, "#summary")
        dialog = await _pick_topics(pilot)
        options = dialog.query_one(SelectionList)
        prompts = [str(options.get_option_at_index(index).prompt) for index in range(options.option_count)]
        labels = {prompt.split()[0]: prompt.split(maxsplit=1)[1] for prompt in prompts}
        assert labels["regularization"] == "4 questions · 1 due · 2 new"
        assert labels["cnn"] == "2 questions · 0 due · 2 new"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home again")
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: isinstance(pilot.app.screen, ProgressScreen) and pilot.app.screen.report is not None,
            "the progress screen",
        )
        await settle(pilot)
        table = pilot.app.screen.query_one("#topic-mastery", DataTable)
        due_today = {str(table.get_row(key)[0]): str(table.get_row(key)[-1]) for key in table.rows}
        assert due_today["regularization"] == "1" and due_today["cnn"] == "0"
