"""A student's days with the bundled exam (QA, session 16): the real app (Pilot) on a real SQLite file with
the real MiniLM grader.

Covered: history's detail names questions 'Q3 <prompt>' (not ids) and takes 'I disagree'; a 'due today'
quiz ended early is scored out of the cards answered and leaves the rest due; the confidence is explained
in the prompt's language, as is how to answer a choice question; history's columns fit 80 columns and
typing filters them; a database that refuses writes loses no typed answer or regrade reason; the quiz's
status line is read whole at 80 columns."""

from __future__ import annotations

import random

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Static, TextArea

from db.repository import open_repository
from question_bank.models import Bank, Choice, NumericalAnswer, Question, QuestionType
from quiz import scheduling
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.progress import session_scores
from quiz.session import QuizRequest, start_quiz
from quiz.tui import messages
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.session_detail import SessionDetailScreen
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import (
    finish_to_results,
    graded_feedback,
    home_ready,
    rendered,
    rows_of,
    settle,
    steady,
    wait_until,
)
from tests.tui.seed import DAYS, seed_history

pytestmark = pytest.mark.anyio


async def open_history(pilot: Pilot[None], sessions: int) -> DataTable[object]:
    """From the home screen, History with its `sessions` rows listed; its table."""
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("h")
    await wait_until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, HistoryScreen)
            and pilot.app.screen.query_one(DataTable).row_count == sessions
        ),
        "every session",
    )
    return pilot.app.screen.query_one(DataTable)


async def open_history_session(pilot: Pilot[None], row: int) -> SessionDetailScreen:
    table = await open_history(pilot, len(DAYS))
    table.move_cursor(row=row)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the session")
    await steady(pilot)
    detail = pilot.app.screen
    assert isinstance(detail, SessionDetailScreen)
    return detail


async def test_a_past_quiz_names_its_questions_by_number_and_prompt_not_by_id(ctx: AppContext) -> None:
    """History's detail listed 'q01-ai-ml-dl', 'q03-parameters-hyperpa' (cut) and headed the answer with the
    id: a student knows 'Fråga 3' and its question, as the results, the readiness list and the browser
    show them. At 80 columns the prompt is cut with '…' inside the list, the score stays whole."""
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        detail = await open_history_session(pilot, 0)
        rows = rows_of(detail.query_one("#detail-table", DataTable))
        assert [row[0] for row in rows] == ["1", "2", "3", "4"], "the place in the quiz, as the quiz showed"
        assert [row[2].split(" ")[0] for row in rows] == ["Q1", "Q2", "Q3", "Q4"]
        assert rows[0][2].startswith("Q1 Hur är AI, Mask") and rows[0][2].endswith("…"), rows[0]
        assert rows[3][1] == "3 / 3 review", "the score stays whole"
        assert not any("q0" in cell for row in rows for cell in row), rows
        table = detail.query_one("#detail-table", DataTable)
        assert table.virtual_size.width <= table.size.width, "the prompt is cut to the list, not by its edge"
        heading = rendered(detail.query_one("#detail-view .av-question", Static))
        assert heading.startswith("Q1 · "), heading
        assert "q01-ai-ml-dl" not in heading


async def finish_due_today_after_one_answer(pilot: Pilot[None], ctx: AppContext) -> ResultsScreen:
    """Due today from home, one answer submitted and graded, then ctrl+f and 'Submit all and finish'."""
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the due quiz")
    await pilot.press(*"Maskininlärning är en del av AI och deep learning är en del av maskininlärning.")
    await pilot.press("ctrl+s")
    await graded_feedback(pilot)
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the next card")
    return await finish_to_results(pilot)


async def test_due_today_finished_early_scores_the_answered_cards_and_leaves_the_rest_due(
    ctx: AppContext,
) -> None:
    """A student ends 'Due today' after one card of ten: the total was 'x / 25 p' (1 %), history said 1 %
    and the progress curve fell to it, as if nine cards were failed. The total is out of the answered
    card; the other nine are 'still due', not answered, and Due today asks them again."""
    seed_history(ctx)
    student = ctx.repository.default_student()
    bank = ctx.catalog.load("dl-course")
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        results = await finish_due_today_after_one_answer(pilot, ctx)
        quiz = results.quiz
        assert quiz.mode is QuizMode.DUE and quiz.total == 10
        answered = quiz.questions[0]
        left = [question.id for question in quiz.questions[1:]]
        summary, items = quiz.results()
        assert summary.score is not None
        total = rendered(results.query_one("#results-score .score-text", Label))
        assert total.endswith(f" / {answered.max_points:g} p"), total
        assert "9 still due" in rendered(results.query_one("#results-summary", Static))
        statuses = [row[4] for row in rows_of(results.query_one(DataTable))]
        assert statuses[1:] == ["still due"] * 9, statuses

        assert [item.answer for item in items[1:]] == [None] * 9, "nothing recorded for them"
        due = scheduling.due_today(ctx.repository, student.id, bank.id, left, NOW)
        assert sorted(due.due + due.new) == sorted(left), "they stay due"

        await pilot.press("escape")
        newest = rows_of(await open_history(pilot, len(DAYS) + 1))[0]
        percent = round(100 * summary.score / answered.max_points)
        assert newest[2].endswith(f" / {answered.max_points:g}") and newest[3] == f"{percent}%", newest

    curve = session_scores(ctx.repository, student.id, bank.id)
    assert curve[-1].fraction == pytest.approx(summary.score / answered.max_points)


async def test_the_confidence_says_what_it_means_in_the_answers_language(ctx: AppContext) -> None:
    """'Confidence 81%' stood alone under the score. It says what it measures, in the language of the answer
    as the rest of the feedback screen (s18): Swedish for a Swedish answer, still Swedish once ctrl+l
    showed the English question and the answer only gained an English sentence (it followed the shown
    prompt before; an English answer reads English, tests/tui/test_feedback_one_language.py)."""
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the exam")
        await pilot.press(*"AI är det breda området, maskininlärning en del av AI.")
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        swedish = rendered(feedback.query_one("#fb-review", Static))
        assert "hur säker tenta är på att en lärare skulle ge ungefär samma poäng" in swedish, swedish
        assert "Confidence" not in swedish and "teacher" not in swedish, swedish

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the question again")
        await pilot.press("ctrl+l", "space", *"Deep learning is part of ML.", "ctrl+s")
        await wait_until(
            pilot,
            lambda: isinstance(pilot.app.screen, FeedbackScreen) and pilot.app.screen is not feedback,
            "the second feedback",
        )
        second_feedback = await graded_feedback(pilot)
        assert second_feedback.outcome is not None
        assert second_feedback.outcome.grade.feedback.startswith("Poäng ")
        second = rendered(second_feedback.query_one("#fb-review", Static))
        assert "hur säker tenta är på att en lärare skulle ge ungefär samma poäng" in second, second


def visible_columns(table: DataTable[object]) -> list[str]:
    """The column headers wholly on screen with the table scrolled to its left edge."""
    right, shown = 0, []
    for column in table.ordered_columns:
        right += column.get_render_width(table)
        if right <= table.scrollable_content_region.width:
            shown.append(str(column.label))
    return shown


async def test_history_shows_every_score_at_80_columns_also_of_a_topic_quiz(ctx: AppContext) -> None:
    """A practice quiz of three topics read 'Practice · topics: cnn, hardware +1 more' in the Mode column,
    which pushed Answered, Score, % and Review off an 80-column screen (and '⚑ 1' of the full exam to '⚑').
    The score comes before the long columns, the topics and the bank last."""
    seed_history(ctx)
    student = ctx.repository.default_student()
    request = QuizRequest(
        student_id=student.id,
        bank_id="dl-course",
        mode=QuizMode.PRACTICE,
        count=2,
        topics=("cnn", "hardware", "keras"),
    )
    start_quiz(ctx, request, now=NOW, rng=random.Random(4)).finish(now=NOW)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        table = await open_history(pilot, len(DAYS) + 1)
        await steady(pilot)
        shown = visible_columns(table)
        for column in ("Date", "Mode", "Score", "%", "Answered", "Review"):
            assert column in shown, (column, shown)
        rows = rows_of(table)
        (topic_quiz,) = (row for row in rows if "cnn, hardware +1 more" in row)
        assert topic_quiz[1] == "Practice" and topic_quiz[shown.index("Answered")] == "0/2"
        (full_exam,) = (row for row in rows if row[1] == "Full exam")
        assert full_exam[shown.index("Review")] == "⚑ 1"


async def test_a_student_disagrees_with_a_grade_read_later_in_history(ctx: AppContext) -> None:
    """'I disagree' was only on the feedback screen right after ctrl+s: answers handed in at the finish or
    when a timed exam's time ran out, and any grade the student reread later, could not be questioned.
    History's detail has it (d) for the highlighted answer, once; the reason reaches the teacher."""
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        detail = await open_history_session(pilot, 0)
        await pilot.press("down")
        await settle(pilot)
        item = detail.query_one("#detail-table", DataTable).cursor_row
        assert item == 1
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DisagreeDialog), "the dialog")
        await pilot.press(*"Jag förklarade att Keras är ett API ovanpå TensorFlow [kp2].", "enter")
        await wait_until(
            pilot,
            lambda: "regrade requested" in rendered(detail.query_one("#detail-view .av-flags", Static)),
            "the request shown",
        )
        assert detail.query_one("#detail-table", DataTable).cursor_row == 1, "the same answer stays shown"
        assert detail.check_action("disagree", ()) is None, "shown dimmed: one request per answer"
        await pilot.press("d")
        await settle(pilot)
        assert pilot.app.screen is detail

    session = ctx.repository.history(student_id=ctx.repository.default_student().id)[0]
    answer = ctx.repository.session_detail(session.session_id).items[1].answer
    assert answer is not None and answer.regrade_requested
    assert answer.regrade_reason == "Jag förklarade att Keras är ett API ovanpå TensorFlow [kp2]."


def install_swedish_choice_bank(ctx: AppContext) -> None:
    """A Swedish course's Moodle-style bank: two choice questions and a numerical one, in sv and en."""
    questions = (
        Question(
            id="aktivering",
            number=1,
            type=QuestionType.MULTIPLE_CHOICE,
            prompt={"sv": "Vilka är aktiveringsfunktioner?", "en": "Which are activation functions?"},
            choices=(
                Choice(text="ReLU", fraction=0.5),
                Choice(text="Adam"),
                Choice(text="tanh", fraction=0.5),
            ),
        ),
        Question(
            id="optimerare",
            number=2,
            type=QuestionType.MULTIPLE_CHOICE,
            prompt={"sv": "Vilken är en optimerare?", "en": "Which is an optimiser?"},
            choices=(Choice(text="ReLU"), Choice(text="Adam", fraction=1.0)),
        ),
        Question(
            id="lager",
            number=3,
            type=QuestionType.NUMERICAL,
            prompt={"sv": "Hur många lager har nätet?", "en": "How many layers does the network have?"},
            numerical=(NumericalAnswer(value=3),),
        ),
    )
    ctx.catalog.install(
        Bank(id="sv-val", title="Flervalsfrågor", languages=("sv", "en"), questions=questions)
    )


def prompt_text(screen: QuizScreen) -> str:
    return "\n".join(str(block.render()) for block in screen.query_one("#prompt").query("MarkdownParagraph"))


async def test_a_swedish_choice_question_says_how_to_answer_in_swedish(ctx: AppContext) -> None:
    """Under a Swedish prompt the line on how to answer read 'Answer with the letters of every choice you
    think correct…'; it follows the prompt's language, as ctrl+l switches it."""
    install_swedish_choice_bank(ctx)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        student = ctx.repository.default_student()
        pilot.app.post_message(messages.StartQuiz(student.id, "sv-val", QuizMode.FULL, None))
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen)
        expected = (
            (
                "Svara med bokstäverna för alla alternativ du tror är rätt (t.ex. A, C)",
                "every choice you think",
            ),
            (
                "Svara med bokstaven eller texten för ett av alternativen.",
                "the letter or the text of one choice",
            ),
            ("Svara med ett tal.", "Answer with a number."),
        )
        for swedish, english in expected:
            await settle(pilot)
            shown = prompt_text(screen)
            assert swedish in shown and "Answer with" not in shown, shown
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert english in prompt_text(screen), prompt_text(screen)
            await pilot.press("ctrl+l", "ctrl+n")


TYPED = "Maskininlärning är en del av AI, och deep learning är en del av maskininlärning."


async def test_a_database_that_refuses_writes_loses_no_typed_answer(ctx: AppContext) -> None:
    """The database turned read-only mid-quiz (a full disk, a read-only mount, another program's lock): the
    draft was not saved, and the time spent, which ctrl+n, ctrl+s, ctrl+f and esc store first, stopped
    the app with a traceback, the answer with it. Now the answer stays in the box, a copy is written to
    the data folder's unsaved-answers, the student is told where, and nothing stops the app."""
    writable = ctx.repository
    read_only = open_repository(f"sqlite:///file:{ctx.settings.data_dir / 'tenta.sqlite3'}?mode=ro&uri=true")
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the exam")
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen)
        ctx.repository = read_only
        await pilot.press(*TYPED)
        for keys in (("ctrl+n",), ("ctrl+s",), ("ctrl+f",), ("escape", "escape")):
            await pilot.press(*keys)
            await settle(pilot)
            assert pilot.app.is_running and pilot.app.screen is screen, keys
            assert screen.query_one("#answer", TextArea).text == TYPED, keys
            assert screen.quiz.position == 0, keys
        kept = sorted((ctx.settings.data_dir / "unsaved-answers").glob("*.txt"))
        assert [path.read_text(encoding="utf-8") for path in kept] == [TYPED]
        status = rendered(screen.query_one("#quiz-status", Static))
        assert "attempt to write a readonly database" in status and str(kept[0]) in status, status

        ctx.repository = writable
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        assert feedback.answer.text == TYPED


async def test_the_quiz_status_line_is_read_whole_at_80_columns(ctx: AppContext) -> None:
    """Back from the feedback to improve an answer, the line under the box said 'Submitted — edit and press
    ctrl+s to submit again, or ctrl+n for the next questi' at 80 columns: it wraps instead."""
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the exam")
        await pilot.press(*"AI omfattar maskininlärning.", "ctrl+s")
        await graded_feedback(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the question again")
        await settle(pilot)
        status = pilot.app.screen.query_one("#quiz-status", Static)
        text = rendered(status)
        assert text.endswith("or ctrl+n for the next question."), text
        assert status.size.height == 2, "two lines at 80 columns"
        assert pilot.app.screen.query_one("#answer", TextArea).size.height >= 8, "the box keeps its room"


async def test_a_regrade_reason_the_database_refused_is_offered_again(ctx: AppContext) -> None:
    """The student typed why they disagree and the database refused the request: the dialog closed and the
    reason was gone ('try again' meant typing it again). It opens again with the reason in the box."""
    writable = ctx.repository
    read_only = open_repository(f"sqlite:///file:{ctx.settings.data_dir / 'tenta.sqlite3'}?mode=ro&uri=true")
    reason = "Jag skrev att ML är en del av AI [kp1]."
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the exam")
        await pilot.press(*"AI är störst.", "ctrl+s")
        feedback = await graded_feedback(pilot)
        ctx.repository = read_only
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DisagreeDialog), "the dialog")
        await pilot.press(*reason, "enter")
        await settle(pilot)
        again = pilot.app.screen
        assert isinstance(again, DisagreeDialog), "offered again"
        assert again.query_one("#reason", Input).value == reason
        ctx.repository = writable
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.screen is feedback, "back on the feedback")
    stored = ctx.repository.get_answer(feedback.answer.id)
    assert stored.regrade_requested and stored.regrade_reason == reason


async def test_history_says_what_the_confidence_means(ctx: AppContext) -> None:
    """History's 'auto 1.5 / 2, confidence 85%' had no word on what the percentage is; its tooltip says."""
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        detail = await open_history_session(pilot, 0)
        line = detail.query_one("#detail-view .av-flags", Static)
        assert "confidence 85%" in rendered(line)
        assert "how sure tenta is that a teacher would give about the same score" in str(line.tooltip)


async def test_due_today_ended_before_its_first_card_shows_no_total(ctx: AppContext) -> None:
    """Ended at once, 'Due today' would read 'Total 0 / 0 p': no total is shown, the ten cards are still
    due, and history shows no score for it."""
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the due quiz")
        results = await finish_to_results(pilot)
        assert not results.query_one("#results-score").display
        assert "10 still due" in rendered(results.query_one("#results-summary", Static))
        await pilot.press("escape")
        newest = rows_of(await open_history(pilot, len(DAYS) + 1))[0]
        assert newest[1:4] == ["Due today", "–", "–"], newest


async def test_typing_in_history_filters_the_sessions(ctx: AppContext) -> None:
    """History opens with the focus on its list and its box says 'Filter: bank, mode, topic, date…', but
    typing 'full' there did nothing until '/' (the browser filters as one types): it filters now."""
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        table = await open_history(pilot, len(DAYS))
        assert pilot.app.focused is table
        await pilot.press(*"full")
        await settle(pilot)
        assert pilot.app.screen.query_one("#history-filter", Input).value == "full"
        assert [row[1] for row in rows_of(table)] == ["Full exam"]
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the session")
