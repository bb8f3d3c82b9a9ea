"""A Swedish student's days with the app (QA, session 17): the real app (Pilot) on a real SQLite file with
the real MiniLM grader.

Covered: a question imported from a plain-text format (Aiken, GIFT) shows '2*3*4' and 'snake_case_name' as
written, in its options and an essay's reference answer too, while a GIFT [markdown] question is still
Markdown; a practice or weakest-first quiz ended early is scored out of the questions answered and says how
many were left unanswered, in the results, history's list and detail and `tenta history` (a full exam still
counts a blank as 0)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Static
from typer.testing import CliRunner

from question_bank.formats.detect import import_file
from quiz.cli.main import app as cli
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.progress import session_scores
from quiz.tui import messages
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.session_detail import SessionDetailScreen
from quiz.tui.widgets.question_view import QuestionView
from tests.tui.conftest import make_app
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

pytestmark = pytest.mark.anyio

WIDE = {"COLUMNS": "160"}
SnapCompare = Callable[..., bool]

AIKEN = """Beräkna 2*3*4 och döp resultatet till snake_case_name.
A) 2*3*4 = 24
B) 2*3 = 9
C) snake_case_name = 10
ANSWER: A
"""

GIFT = """::plain:: Beräkna 2*3*4 och döp resultatet till snake_case_name. {=24 ~9 ~10}

::md:: [markdown]Beräkna **fetstilt** 2*3*4. {=24 ~9}
"""


async def one_answer_then_finish(pilot: Pilot[None], mode_key: str) -> ResultsScreen:
    """From home, a quiz of the mode `mode_key` starts (practice: four questions), the first question is
    answered and graded, then ctrl+f and 'Submit all and finish' end it with the rest unanswered."""
    await wait_until(pilot, home_ready(pilot), "the home screen")
    pilot.app.screen.query_one("#practice-count", Input).value = "4"
    await pilot.press(mode_key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    await pilot.press(*"Maskininlärning är en del av AI och deep learning är en del av maskininlärning.")
    await pilot.press("ctrl+s")
    await graded_feedback(pilot)
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the next question")
    return await finish_to_results(pilot)


async def newest_session_detail(pilot: Pilot[None]) -> tuple[list[str], SessionDetailScreen]:
    """From the results: home, History's newest row, and that session's detail once drawn."""
    await pilot.press("escape")
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("h")
    await wait_until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, HistoryScreen)
            and pilot.app.screen.query_one(DataTable).row_count > 0
        ),
        "the history list",
    )
    table = pilot.app.screen.query_one(DataTable)
    newest = rows_of(table)[0]
    table.move_cursor(row=0)
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, SessionDetailScreen)
            and pilot.app.screen.query_one(DataTable).row_count > 0
        ),
        "the session's questions",
    )
    await steady(pilot)
    detail = pilot.app.screen
    assert isinstance(detail, SessionDetailScreen)
    return newest, detail


@pytest.mark.parametrize(("mode_key", "mode"), [("p", QuizMode.PRACTICE), ("w", QuizMode.WEAKEST)])
async def test_a_practice_quiz_ended_early_is_scored_out_of_the_questions_answered(
    ctx: AppContext, mode_key: str, mode: QuizMode
) -> None:
    """A student stops a practice round of four (or weakest first, five) after one question: the total
    read 'x / 8 p' as if the others were failed (Due today ended early already counted only its answered
    cards). The total is out of the answered question, the results, history's detail and `tenta history`
    say how many were left unanswered and not counted, and the progress curve takes that score."""
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        results = await one_answer_then_finish(pilot, mode_key)
        quiz = results.quiz
        assert quiz.mode is mode and quiz.total >= 4, "practice: the count typed; weakest first: five"
        left = quiz.total - 1
        answered = quiz.questions[0]
        summary, items = quiz.results()
        assert summary.score is not None and summary.max_points == answered.max_points
        total = rendered(results.query_one("#results-score .score-text", Label))
        assert total.endswith(f" / {answered.max_points:g} p"), total
        notes = rendered(results.query_one("#results-summary", Static))
        assert f"1/{quiz.total} answered" in notes and f"{left} unanswered, not counted" in notes, notes
        statuses = [row[4] for row in rows_of(results.query_one(DataTable))]
        assert statuses[1:] == ["not counted"] * left, statuses
        assert [item.answer for item in items[1:]] == [None] * left

        newest, detail = await newest_session_detail(pilot)
        percent = f"{round(100 * summary.score / answered.max_points)}%"
        assert newest[2].endswith(f" / {answered.max_points:g}") and newest[3] == percent, newest
        assert newest[4] == f"1/{quiz.total}", newest
        title = rendered(detail.query_one("#detail-title", Static))
        assert f" / {answered.max_points:g} · {left} unanswered, not counted" in title, title
        cells = [row[1] for row in rows_of(detail.query_one(DataTable))]
        assert cells[1:] == ["not counted"] * left, cells
        detail.query_one(DataTable).move_cursor(row=1)
        await settle(pilot)
        assert "does not count" in rendered(detail.query_one("#detail-empty", Static))

    student = ctx.repository.default_student()
    curve = session_scores(ctx.repository, student.id, "dl-course")
    assert curve[-1].fraction == pytest.approx(summary.score / answered.max_points)
    listing = CliRunner().invoke(cli, ["history"], env=WIDE)
    assert listing.exit_code == 0, listing.output
    row = next(line for line in listing.output.splitlines() if mode.label in line)
    assert f"1/{quiz.total}" in row and f"/{answered.max_points:g}" in row and percent in row, row
    shown = CliRunner().invoke(cli, ["history", str(quiz.session_id)], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert f"1 of {quiz.total} answered ({left} unanswered, not counted)" in shown.output, shown.output
    assert shown.output.count("Not answered (not counted).") == left, shown.output


async def test_a_full_exam_ended_early_still_counts_a_blank_as_zero(ctx: AppContext) -> None:
    """The full exam stands for the real one, where a question left blank earns nothing (as in a Moodle
    quiz): ended after one question, its total is out of every question's points and the rest are
    'skipped', with no 'not counted' anywhere."""
    bank = ctx.catalog.load("dl-course")
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        results = await one_answer_then_finish(pilot, "n")
        assert results.quiz.mode is QuizMode.FULL
        total = rendered(results.query_one("#results-score .score-text", Label))
        full = sum(question.max_points for question in bank.questions)
        assert total.endswith(f" / {full:g} p"), total
        notes = rendered(results.query_one("#results-summary", Static))
        assert "not counted" not in notes and "still due" not in notes, notes
        statuses = [row[4] for row in rows_of(results.query_one(DataTable))]
        assert set(statuses[1:]) == {"skipped"}, statuses

        newest, detail = await newest_session_detail(pilot)
        assert newest[2].endswith(f" / {full:g}"), newest
        assert "not counted" not in rendered(detail.query_one("#detail-title", Static))


def install_file(ctx: AppContext, path: Path, text: str) -> str:
    """`text` written to `path`, imported as `tenta bank import` reads it and installed; the bank's id."""
    path.write_text(text, encoding="utf-8")
    bank = import_file(path)
    ctx.catalog.install(bank)
    return bank.id


async def start_full_quiz(pilot: Pilot[None], bank_id: str) -> QuizScreen:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    student = pilot.app.current_student  # type: ignore[attr-defined]
    pilot.app.post_message(messages.StartQuiz(student.id, bank_id, QuizMode.FULL, None))
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    return screen


def shown_text(screen: QuizScreen) -> list[str]:
    """The question's paragraphs and options as the student reads them."""
    view = screen.query_one(QuestionView)
    return [str(block.render()) for block in view.query("MarkdownParagraph")]


async def test_an_imported_aiken_question_reads_as_written(ctx: AppContext, tmp_path: Path) -> None:
    """A teacher's Aiken file asks 'Beräkna 2*3*4': the quiz showed 'Beräkna 234' with the 3 in italics
    (Markdown emphasis), and an option '2*3*4 = 24' the same. Aiken has no Markdown, so every character
    reads as written, in the prompt and in the options."""
    bank_id = install_file(ctx, tmp_path / "tenta.txt", AIKEN)
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        screen = await start_full_quiz(pilot, bank_id)
        shown = shown_text(screen)
        assert any("Beräkna 2*3*4 och döp resultatet till snake_case_name." in text for text in shown), shown
        assert any("A. 2*3*4 = 24" in text for text in shown), shown
        assert any("C. snake_case_name = 10" in text for text in shown), shown


async def test_gift_plain_text_is_literal_and_its_markdown_questions_stay_markdown(
    ctx: AppContext, tmp_path: Path
) -> None:
    """In one GIFT file, a question without a format marker shows '2*3*4' as written; one marked
    [markdown] still shows '**fetstilt**' as bold text, without its asterisks."""
    bank_id = install_file(ctx, tmp_path / "tenta.gift", GIFT)
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        screen = await start_full_quiz(pilot, bank_id)
        plain = shown_text(screen)
        assert any("Beräkna 2*3*4 och döp resultatet till snake_case_name." in text for text in plain), plain
        await pilot.press("ctrl+n")
        await settle(pilot)
        markdown = shown_text(screen)
        assert any("Beräkna fetstilt 234." in text for text in markdown), markdown


ESSAY_GIFT = """::essay:: Förklara varför 2*3*4 = 24. {
####Multiplikation är associativ: 2*3*4 = 24. Variabeln heter snake_case_name.
}
"""


async def test_a_plain_essays_reference_answer_reads_as_written(ctx: AppContext, tmp_path: Path) -> None:
    """After answering an essay imported from GIFT, the reference answer under the feedback showed
    'Multiplikation är associativ: 234' (the 3 in italics). It reads as written, as the prompt does."""
    bank_id = install_file(ctx, tmp_path / "essay.gift", ESSAY_GIFT)
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await start_full_quiz(pilot, bank_id)
        await pilot.press(*"Det blir 24 eftersom 2*3 = 6 och 6*4 = 24.", "ctrl+s")
        feedback = await graded_feedback(pilot)
        reference = feedback.query_one("#fb-reference")
        shown = [str(block.render()) for block in reference.query("MarkdownParagraph")]
        expected = "Multiplikation är associativ: 2*3*4 = 24. Variabeln heter snake_case_name."
        assert any(expected in text for text in shown), shown


def test_snapshot_plain_aiken_question(snap_compare: SnapCompare, ctx: AppContext, tmp_path: Path) -> None:
    """The Aiken question as the student sees it: asterisks and underscores as written, no italics."""
    bank_id = install_file(ctx, tmp_path / "tenta.txt", AIKEN)

    async def run_before(pilot: Pilot[None]) -> None:
        await start_full_quiz(pilot, bank_id)
        await steady(pilot)

    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=run_before)
