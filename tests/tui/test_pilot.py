"""The real app driven with Pilot: whole quizzes, resume after quitting, due reviews, teacher review."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TextArea

from db.records import NewGrade, SessionStatus
from quiz import scheduling
from quiz.context import AppContext
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.resume_dialog import ResumeDialog
from quiz.tui.widgets.point_decisions import PointDecisions
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import graded_feedback, home_ready, settle, wait_for_grade, wait_until

pytestmark = pytest.mark.anyio

ANSWERS = {
    "q01-ai-ml-dl": "Deep learning is a subset of machine learning, which is a subset of AI. "
    "ML learns from data instead of explicit rules.",
}


async def test_whole_practice_quiz_is_stored_graded_and_scheduled(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        count = pilot.app.screen.query_one("#practice-count", Input)
        count.value = "3"
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        asked = [question.id for question in quiz_screen.quiz.questions]
        assert len(asked) == 3
        for index in range(3):
            assert str(quiz_screen.query_one("#quiz-position").render()).startswith(f"Question {index + 1}/3")
            await pilot.press(*"Neural networks learn weights.")
            editor = quiz_screen.query_one("#answer", TextArea)
            editor.insert(" Dropout and early stopping reduce overfitting.")
            await pilot.press("ctrl+s")
            feedback = await graded_feedback(pilot)
            assert feedback.query_one("#fb-score").display
            assert "/" in str(feedback.query_one("#fb-score .score-text").render())
            assert feedback.query_one("#fb-reference").display
            await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        table = pilot.app.screen.query_one(DataTable)
        assert table.row_count == 3

    repository = ctx.repository
    (summary,) = repository.history(student_id=app.current_student.id if app.current_student else None)
    assert summary.status is SessionStatus.FINISHED
    assert summary.answered_count == summary.graded_count == 3
    detail = repository.session_detail(summary.session_id)
    assert [item.question_id for item in detail.items] == asked
    for item in detail.items:
        assert item.answer is not None
        assert (
            item.answer.answer.text
            == "Neural networks learn weights. Dropout and early stopping reduce overfitting."
        )
        assert item.answer.answer.submitted_at == NOW
        assert len(item.answer.grades) == 1
        assert item.answer.grades[0].model_id == ctx.embedder.model_id
    cards = repository.review_cards(summary.student_id, "dl-course")
    assert sorted(card.question_id for card in cards) == sorted(asked)
    assert all(card.last_review == NOW for card in cards)
    assert len(repository.review_logs(summary.student_id, "dl-course")) == 3


async def test_quitting_mid_quiz_offers_to_resume_with_the_draft(make_ctx: Callable[[], AppContext]) -> None:
    first = make_app(make_ctx())
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.press(*"Keras är ett API")
        await pilot.press("ctrl+q")
    reopened_ctx = make_ctx()
    second = make_app(reopened_ctx)
    async with second.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResumeDialog), "the resume offer")
        offer = str(pilot.app.screen.query_one(".muted").render())
        assert "question 3 of 12 with a saved draft" in offer
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the resumed quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert quiz_screen.quiz.position == 2
        assert quiz_screen.query_one("#answer", TextArea).text == "Keras är ett API"
        assert str(quiz_screen.query_one("#quiz-position").render()).startswith("Question 3/12")
    sessions = reopened_ctx.repository.history()
    assert len(sessions) == 1 and sessions[0].status is SessionStatus.IN_PROGRESS


async def test_due_review_session_asks_only_due_cards_and_reschedules_them(ctx: AppContext) -> None:
    repository = ctx.repository
    bank = ctx.catalog.load("dl-course")
    student = repository.default_student()
    yesterday = NOW.replace(day=NOW.day - 1)
    due_ids = [bank.questions[2].id, bank.questions[7].id]
    for question in bank.questions:
        fraction = 0.0 if question.id in due_ids else 1.0
        scheduling.review(
            repository,
            student_id=student.id,
            bank_id=bank.id,
            question_id=question.id,
            fraction=fraction,
            now=yesterday,
        )
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        summary = str(pilot.app.screen.query_one("#summary", Static).render())
        assert "2 due today" in summary and "0 new" in summary
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert [question.id for question in quiz_screen.quiz.questions] == due_ids
        for _ in due_ids:
            quiz_screen.query_one("#answer", TextArea).insert(
                "A convolution layer slides filters over the image."
            )
            await pilot.press("ctrl+s")
            await graded_feedback(pilot)
            await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
    for question_id in due_ids:
        card = repository.get_review_card(student.id, bank.id, question_id)
        assert card is not None and card.last_review == NOW
    logs = repository.review_logs(student.id, bank.id)
    assert len(logs) == len(bank.questions) + 2
    assert {log.question_id for log in logs if log.reviewed_at == NOW} == set(due_ids)


async def test_submitting_before_the_model_is_ready_shows_a_loading_state(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        assert not app.model_ready.is_set()
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"AI ML DL")
        await pilot.press("ctrl+s")
        feedback = pilot.app.screen
        assert isinstance(feedback, FeedbackScreen)
        assert "Laddar rättningsmodellen" in str(feedback.query_one("#fb-pending-text").render())
        assert ctx.repository.get_answer(feedback.answer.id).answer.text == "AI ML DL"
        await wait_for_grade(pilot, feedback)
        assert not feedback.query_one("#fb-pending").display
        assert app.model_ready.is_set()


class _CrashingGrader:
    def grade_many(self, requests: object) -> object:
        raise RuntimeError("out of memory")


async def test_grading_failure_shows_an_error_and_keeps_the_answer(ctx: AppContext) -> None:
    ctx.__dict__["grader"] = _CrashingGrader()
    app = make_app(ctx)
    app.model_ready.set()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"Parameters are learned")
        await pilot.press("ctrl+s")
        await settle(pilot)
        feedback = pilot.app.screen
        assert isinstance(feedback, FeedbackScreen)
        message = str(feedback.query_one("#fb-pending-text").render())
        assert "Grading failed" in message and "out of memory" in message
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the summary")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        assert "grading failed" in str(pilot.app.screen.query_one(DataTable).get_row_at(0))
    (answer,) = ctx.repository.ungraded_answers("dl-course")
    assert answer.text == "Parameters are learned"


async def test_disagreeing_records_a_regrade_request(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        pilot.app.screen.query_one("#answer", TextArea).insert(ANSWERS["q01-ai-ml-dl"])
        await pilot.press("ctrl+s")
        feedback = pilot.app.screen
        assert isinstance(feedback, FeedbackScreen)
        await wait_for_grade(pilot, feedback)
        await pilot.press("d")
        await pilot.press(*"I named all three fields")
        await pilot.press("enter")
        await pilot.pause()
        answer_id = feedback.answer.id
    detail = ctx.repository.get_answer(answer_id)
    assert detail.regrade_requested
    assert detail.regrade_reason == "I named all three fields"
    assert detail.answer.id in {item.answer.id for item in ctx.repository.review_queue("dl-course")}


def _graded_session(
    ctx: AppContext, *, needs_review: bool, points: list[dict[str, object]] | None = None
) -> int:
    """A finished one-question session graded without a model (the history and queue screens only read).

    The question is q02-tensorflow-keras: 2 points; key points kp1-kp4 weighted 3:3:2:1.
    """
    repository = ctx.repository
    bank = ctx.catalog.load("dl-course")
    student = repository.default_student()
    question = bank.questions[1]
    session = repository.start_session(student.id, bank, [question], "practice")
    answer = repository.submit_answer(
        student.id,
        bank,
        question,
        "Keras is the high-level API of TensorFlow.",
        session_id=session.id,
        submitted_at=NOW,
    )
    repository.save_grade(
        answer.id,
        NewGrade(
            score=1.0,
            max_points=question.max_points,
            points=points or [],
            confidence=0.3 if needs_review else 0.9,
            needs_review=needs_review,
            grader_version="test",
            model_id="none",
        ),
    )
    repository.finish_session(session.id)
    return answer.id


async def test_teacher_override_from_the_review_queue_is_stored_with_audit(ctx: AppContext) -> None:
    answer_id = _graded_session(ctx, needs_review=True)
    app = make_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("r")
        await settle(pilot)
        assert pilot.app.screen.query_one(DataTable).row_count == 1
        pilot.app.screen.query_one("#override-score", Input).value = "1.5"
        pilot.app.screen.query_one("#override-comment", Input).value = "Also mentions the backend; fine."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen.query_one("#queue-empty").display
    detail = ctx.repository.get_answer(answer_id)
    assert detail.final_score == 1.5
    assert detail.overrides[-1].comment == "Also mentions the backend; fine."
    assert detail.overrides[-1].teacher == "local" or detail.overrides[-1].teacher
    assert "overridden" in [event.kind.value for event in ctx.repository.audit_trail(answer_id)]


def _auto_points(*covered: str) -> list[dict[str, object]]:
    """q02's key points as the grader reports them: the named ones covered, the rest missing."""
    return [
        {
            "point_id": point_id,
            "text": f"key point {point_id}",
            "weight": weight,
            "status": "covered" if point_id in covered else "missing",
            "similarity": 0.8 if point_id in covered else 0.1,
            "credit": 1.0 if point_id in covered else 0.0,
        }
        for point_id, weight in (("kp1", 3 / 9), ("kp2", 3 / 9), ("kp3", 2 / 9), ("kp4", 1 / 9))
    ]


async def _click_option(pilot: Pilot[None], option_list: PointDecisions, index: int) -> None:
    """Click the first line of option `index` (options wrap over several lines, so find it on screen)."""
    region = option_list.content_region
    for y in range(region.height):
        if pilot.app.screen.get_style_at(region.x + 1, region.y + y).meta.get("option") == index:
            await pilot.click(option_list, offset=(option_list.content_offset.x + 1, y))
            return
    raise AssertionError(f"option {index} is not on screen")


async def test_teacher_decides_key_points_in_the_review_queue_and_the_score_follows(ctx: AppContext) -> None:
    answer_id = _graded_session(ctx, needs_review=True, points=_auto_points("kp1", "kp2"))
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("r")
        await settle(pilot)
        screen = pilot.app.screen
        points = screen.query_one(PointDecisions)
        score = screen.query_one("#override-score", Input)
        assert [row.point_id for row in points.rows] == ["kp1", "kp2", "kp3", "kp4"]
        assert score.value == "1"

        await pilot.press("enter")
        assert points.has_focus, "choosing an answer goes to its key points"
        await pilot.press("down", "down", "space")
        await pilot.pause()
        assert points.decisions == {"kp3": 1.0} and score.value == "1.78"  # (3 + 3 + 2) / 9 * 2
        await pilot.press("up", "up", "space")
        await pilot.pause()
        assert points.decisions == {"kp1": 0.5, "kp3": 1.0} and score.value == "1.44"
        await _click_option(pilot, points, 3)
        await pilot.pause()
        assert points.decisions == {"kp1": 0.5, "kp3": 1.0, "kp4": 1.0} and score.value == "1.67"
        await pilot.press("space", "space")
        await pilot.pause()
        assert points.decisions["kp4"] == 0.0, "covered → partial → missing"
        assert score.value == "1.44"
        rendered = str(points.get_option_at_index(3).prompt)
        assert "✘ missing" in rendered and "✎" in rendered
        assert rendered.splitlines()[1].startswith("(0.22 p) "), "worth in points, as the student reads it"
        assert "%" not in rendered

        screen.query_one("#override-comment", Input).value = "Names the TensorFlow backend."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.query_one("#queue-empty").display
    detail = ctx.repository.get_answer(answer_id)
    override = detail.latest_override
    assert override is not None and override.comment == "Names the TensorFlow backend."
    assert override.point_credits == {"kp1": 0.5, "kp3": 1.0, "kp4": 0.0}
    assert detail.final_score == 1.44
    assert ctx.repository.audit_trail(answer_id)[-1].detail["point_credits"] == override.point_credits


async def test_a_typed_score_wins_over_the_points_and_keeps_the_decisions(ctx: AppContext) -> None:
    answer_id = _graded_session(ctx, needs_review=True, points=_auto_points("kp1"))
    app = make_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("r")
        await settle(pilot)
        points = pilot.app.screen.query_one(PointDecisions)
        points.focus()
        await pilot.press("down", "space")
        await pilot.pause()
        pilot.app.screen.query_one("#override-score", Input).value = "1,5"
        await pilot.press("ctrl+s")
        await settle(pilot)
    override = ctx.repository.get_answer(answer_id).latest_override
    assert override is not None and override.score == 1.5 and override.point_credits == {"kp2": 1.0}


async def test_the_student_sees_the_teachers_key_point_decisions(ctx: AppContext) -> None:
    answer_id = _graded_session(ctx, needs_review=False, points=_auto_points("kp1", "kp2"))
    ctx.repository.add_override(
        answer_id, 1.33, "kp2 is not explained.", "Lärare Lind", point_credits={"kp2": 0.0}
    )
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("h")
        await settle(pilot)
        pilot.app.screen.query_one("#history-table", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        rows = pilot.app.screen.query(".av-points > Horizontal")
        lines = [" ".join(str(part.render()) for part in row.query(Static)) for row in rows]
    kp1 = next(line for line in lines if "key point kp1" in line)
    kp2 = next(line for line in lines if "key point kp2" in line)
    assert "covered" in kp1 and "✎" not in kp1, "an undecided point keeps the grader's status"
    assert "missing" in kp2 and "✎ Lärare Lind" in kp2, "the teacher's decision replaces it"


async def test_history_filters_and_drills_down_to_the_override(ctx: AppContext) -> None:
    answer_id = _graded_session(ctx, needs_review=False)
    ctx.repository.add_override(answer_id, 2.0, "Full marks: the relation is explained.", "Lärare Lind")
    app = make_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("h")
        await settle(pilot)
        table = pilot.app.screen.query_one("#history-table", DataTable)
        assert table.row_count == 1
        await pilot.press("slash", *"full exam")
        assert not table.display
        assert "No session matches" in str(pilot.app.screen.query_one("#history-empty").render())
        pilot.app.screen.query_one("#history-filter", Input).value = "practice"
        await pilot.pause()
        assert table.display and table.row_count == 1
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        overrides = str(pilot.app.screen.query_one(".av-overrides").render())
        assert "Lärare Lind" in overrides and "Full marks: the relation is explained." in overrides


async def test_command_palette_lists_every_action_of_the_screen(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert isinstance(app.screen, HomeScreen)
        for binding in HomeScreen.BINDINGS:
            assert binding.description in titles  # type: ignore[union-attr]
        assert "Light/dark" in titles
