"""Suspending questions, leeches, and what history says of topics and flags: the real app (Pilot) on a
real SQLite file with the real MiniLM grader."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Label, Static, TextArea

from db.records import ReviewCardRecord, SuspensionReason
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import QuizRequest, start_quiz
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from quiz.tui.screens.session_detail import SessionDetailScreen
from quiz.tui.screens.suspended_dialog import SuspendedDialog
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import graded_feedback, home_ready, settle, wait_until
from tests.tui.test_teacher_footer import visible_footer_keys

pytestmark = pytest.mark.anyio

FIRST = "q01-ai-ml-dl"


def _text(screen: object, selector: str) -> str:
    assert isinstance(screen, (HomeScreen, FeedbackScreen, SessionDetailScreen))
    return str(screen.query_one(selector, Static).render())


def _suspended(ctx: AppContext) -> list[tuple[str, SuspensionReason]]:
    student = ctx.repository.default_student()
    return [(s.question_id, s.reason) for s in ctx.repository.suspended_questions(student.id, "dl-course")]


def lapsing_card(ctx: AppContext, lapses: int) -> None:
    """The first question learnt long ago and forgotten `lapses` times: due now, in review."""
    student = ctx.repository.default_student()
    ctx.repository.save_review_card(
        ReviewCardRecord(
            student_id=student.id,
            bank_id="dl-course",
            question_id=FIRST,
            state=2,
            stability=4.0,
            difficulty=7.0,
            due=NOW - timedelta(days=1),
            last_review=NOW - timedelta(days=6),
            lapses=lapses,
        )
    )


async def submit_empty_first_answer(pilot: Pilot[None]) -> FeedbackScreen:
    """A full exam's first question answered with nothing (the grader scores it 0: Again)."""
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    await pilot.press("ctrl+s", "ctrl+s")
    return await graded_feedback(pilot)


async def test_s_on_the_feedback_suspends_and_u_at_home_brings_it_back(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        feedback = await submit_empty_first_answer(pilot)
        assert not feedback.query_one("#fb-suspended").display
        await pilot.press("s")
        await settle(pilot)
        assert _suspended(ctx) == [(FIRST, SuspensionReason.MANUAL)]
        assert feedback.query_one("#fb-suspended").display
        assert "Pausad" in _text(feedback, "#fb-suspended")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "back to the question")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        position = str(quiz_screen.query_one("#quiz-position", Label).render())
        assert position == "Question 1/12 · 2 p · ⏸ suspended"
        quiz_screen.action_leave()
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home")
        await wait_until(pilot, lambda: "1 suspended" in _text(pilot.app.screen, "#summary"), "the count")
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SuspendedDialog), "the suspended list")
        dialog = pilot.app.screen
        assert isinstance(dialog, SuspendedDialog)
        assert [q.question_id for q in dialog.questions] == [FIRST]
        await pilot.press("space", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home again")
        await wait_until(pilot, lambda: "suspended" not in _text(pilot.app.screen, "#summary"), "no count")
        assert _suspended(ctx) == []


async def test_f4_on_the_question_saves_the_typed_answer_then_suspends_and_again_unsuspends(
    ctx: AppContext,
) -> None:
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert "toggle_suspend" in visible_footer_keys(pilot), "f4 in the footer, left of the palette"
        await pilot.press(*"AI contains ML")
        await pilot.press("f4")  # at once: before the typing pause would have saved the draft
        session = ctx.repository.get_session(quiz_screen.quiz.session_id)
        assert session.drafts == {FIRST: "AI contains ML"}, "the answer is saved first"
        assert _suspended(ctx) == [(FIRST, SuspensionReason.MANUAL)]
        assert quiz_screen.query_one("#answer", TextArea).text == "AI contains ML", "f4 types nothing"
        position = str(quiz_screen.query_one("#quiz-position", Label).render())
        assert position == "Question 1/12 · 2 p · ⏸ suspended"
        assert "Suspended" in str(quiz_screen.query_one("#quiz-status", Static).render())

        await pilot.press("f4")
        assert _suspended(ctx) == []
        assert "suspended" not in str(quiz_screen.query_one("#quiz-position", Label).render())


async def test_u_says_so_when_nothing_is_suspended(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        assert "suspended" not in _text(pilot.app.screen, "#summary")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen), "no empty list opens"


async def test_the_lapse_that_makes_a_leech_is_told_once_and_suspends_it(ctx: AppContext) -> None:
    lapsing_card(ctx, 7)
    async with make_app(ctx).run_test(size=(100, 40)) as pilot:
        feedback = await submit_empty_first_answer(pilot)
        assert feedback.outcome is not None and feedback.outcome.leech
        assert feedback.query_one("#fb-leech").display
        note = _text(feedback, "#fb-leech")
        assert note.startswith("Den här frågan vill inte fastna — du har glömt den 8 gånger")
        assert "Den är pausad" in note
        assert _suspended(ctx) == [(FIRST, SuspensionReason.LEECH)]
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "back to the question")
        await pilot.press("ctrl+s", "ctrl+s")
        again = await graded_feedback(pilot)
        assert again.outcome is not None and not again.outcome.leech, "told once"
        assert not again.query_one("#fb-leech").display
        assert again.query_one("#fb-suspended").display


async def test_a_leech_only_tagged_is_not_suspended(ctx: AppContext) -> None:
    ctx.settings = ctx.settings.model_copy(update={"leech_action": "tag", "leech_threshold": 3})
    lapsing_card(ctx, 2)
    async with make_app(ctx).run_test(size=(100, 40)) as pilot:
        feedback = await submit_empty_first_answer(pilot)
        assert "Den är markerad som igel (leech); s pausar den" in _text(feedback, "#fb-leech")
        assert _suspended(ctx) == []


async def test_history_shows_the_topics_and_the_detail_the_flags(ctx: AppContext) -> None:
    student = ctx.repository.default_student()
    request = QuizRequest(
        student_id=student.id,
        bank_id="dl-course",
        mode=QuizMode.PRACTICE,
        count=2,
        topics=("cnn", "hardware", "keras"),
    )
    quiz = start_quiz(ctx, request, now=NOW, rng=random.Random(4))
    quiz.go_to(1)
    quiz.toggle_flag()
    quiz.finish(now=NOW)
    async with make_app(ctx).run_test(size=(110, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("h")
        await wait_until(
            pilot, lambda: pilot.app.screen.query(DataTable).first().row_count == 1, "the session"
        )
        table = pilot.app.screen.query_one(DataTable)
        assert table.get_row_at(0)[1] == "Practice"
        assert table.get_row_at(0)[7] == "cnn, hardware +1 more", "a row names two"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the detail")
        await settle(pilot)
        detail = pilot.app.screen
        assert "Practice · topics: cnn, hardware, keras" in _text(detail, "#detail-title")
        assert "⚑ 1 flagged" in _text(detail, "#detail-title")
        rows = detail.query_one("#detail-table", DataTable)
        assert [rows.get_row_at(row)[0] for row in range(rows.row_count)] == ["1", "2 ⚑"]
        assert not detail.query_one("#detail-flag").display
        await pilot.press("down")
        await settle(pilot)
        assert detail.query_one("#detail-flag").display
        assert "You flagged this question" in _text(detail, "#detail-flag")


async def test_resuming_a_topic_quiz_says_so_and_keeps_the_topics(ctx: AppContext) -> None:
    student = ctx.repository.default_student()
    request = QuizRequest(
        student_id=student.id, bank_id="dl-course", mode=QuizMode.PRACTICE, count=2, topics=("cnn",)
    )
    left = start_quiz(ctx, request, now=NOW, rng=random.Random(4))
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        dialog = pilot.app.screen
        labels = [str(label.render()) for label in dialog.query(Label)]
        assert any(label.startswith("Practice · topics: cnn started") for label in labels), labels
        dialog.query_one("#resume", Button).press()
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert quiz_screen.quiz.session_id == left.session_id and quiz_screen.quiz.topics == ["cnn"]
