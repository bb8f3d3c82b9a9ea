"""Every DataTable of the TUI is given its columns' widths with its rows (quiz.tui.widgets.table_fill).

Left to size auto-width columns itself, Textual's DataTable measures them only when it goes idle: on a
loaded CI machine the session detail drew '1 / 2 ✎' as '1 / 2' and 'Q1 Hur är …' as 'Q1 Hur ä', at the
labels' widths, for a whole minute. Each test checks a table as soon as its data is shown: every column
has an explicit width (not auto_width), that of its widest cell or label as the table itself measures
them (its default cell formatter, markup rendered, and textual.render.measure, as when it goes idle).
"""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text
from textual.render import measure
from textual.widgets import DataTable, Input, TabbedContent
from textual.widgets._data_table import default_cell_formatter

from quiz.context import AppContext
from quiz.tui.screens.answer_groups import AnswerGroupsScreen
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.key_point_stats import KeyPointStatsScreen
from quiz.tui.screens.progress import ProgressScreen
from quiz.tui.screens.question_detail import QuestionDetailScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.release_dialog import ReleaseDialog
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.review_queue import ReviewQueueScreen
from quiz.tui.widgets.table_fill import cell_width
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, open_browser, settle, wait_until
from tests.tui.seed import DAYS, seed_history
from tests.tui.test_answer_groups import seed_real

pytestmark = pytest.mark.anyio


def assert_sized_with_the_rows(table: DataTable[object]) -> None:
    """Each column explicitly as wide as its widest cell or label; the table is not left to measure it."""
    assert table.row_count > 0, table.id
    console = table.app.console
    for index, column in enumerate(table.ordered_columns):
        cells = [
            measure(console, default_cell_formatter(table.get_row_at(row)[index], wrap=False, height=1), 1)
            for row in range(table.row_count)
        ]
        widest = max([measure(console, column.label, 1), *cells])
        assert (column.auto_width, column.width) == (False, widest), (table.id, str(column.label))


async def test_history_sizes_its_columns_with_its_rows(ctx: AppContext) -> None:
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("h")
        await wait_until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, HistoryScreen)
                and pilot.app.screen.query_one(DataTable).row_count == len(DAYS)
            ),
            "every session",
        )
        table = pilot.app.screen.query_one(DataTable)
        assert_sized_with_the_rows(table)
        widths = [column.width for column in table.ordered_columns]
        await pilot.press("/", *"practice")
        await settle(pilot)
        assert pilot.app.screen.query_one("#history-filter", Input).value == "practice"
        assert [column.width for column in table.ordered_columns] == widths, "a filter moves no column"


async def test_the_finish_summary_and_the_results_size_their_columns_with_their_rows(ctx: AppContext) -> None:
    app = make_app(ctx)
    app.model_ready.set()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"Parameters are learned; hyperparameters are chosen.")
        await pilot.press("ctrl+n")
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the summary")
        assert_sized_with_the_rows(pilot.app.screen.query_one("#finish-items", DataTable))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        assert_sized_with_the_rows(pilot.app.screen.query_one("#results-table", DataTable))
        await settle(pilot)  # the typed answer's grade arrives: the table is filled again
        assert_sized_with_the_rows(pilot.app.screen.query_one("#results-table", DataTable))


async def test_a_questions_past_answers_and_the_topic_table_size_their_columns(ctx: AppContext) -> None:
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        await open_browser(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuestionDetailScreen), "the question")
        assert_sized_with_the_rows(pilot.app.screen.query_one("#qd-answers", DataTable))
        await pilot.press("escape")
        await settle(pilot)
        student = pilot.app.current_student  # type: ignore[attr-defined]
        await pilot.app.push_screen(ProgressScreen(student.id, "dl-course"))
        await wait_until(
            pilot,
            lambda: isinstance(pilot.app.screen, ProgressScreen) and pilot.app.screen.report is not None,
            "the progress report",
        )
        pilot.app.screen.query_one(TabbedContent).active = "topic-table"
        assert_sized_with_the_rows(pilot.app.screen.query_one("#topic-mastery", DataTable))


async def test_the_teachers_tables_size_their_columns_with_their_rows(ctx: AppContext) -> None:
    seed_real(ctx)
    app = make_app(ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ReviewQueueScreen) and app.screen._selected is not None,
            "the review queue",
        )
        assert_sized_with_the_rows(app.screen.query_one("#queue-table", DataTable))
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, KeyPointStatsScreen), "the key-point stats")
        assert_sized_with_the_rows(app.screen.query_one("#point-stats-table", DataTable))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the queue again")
        await pilot.press("g")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, AnswerGroupsScreen) and bool(app.screen.groups),
            "the answer groups",
        )
        screen = app.screen
        assert_sized_with_the_rows(screen.query_one("#groups-table", DataTable))
        assert_sized_with_the_rows(screen.query_one("#groups-members", DataTable))
        screen.query_one("#groups-score", Input).value = "1.5"
        await settle(pilot)
        assert_sized_with_the_rows(screen.query_one("#groups-members", DataTable))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReleaseDialog), "the release preview")
        assert_sized_with_the_rows(app.screen.query_one("#release-table", DataTable))


@pytest.mark.parametrize(
    "cell",
    [
        "1 / 2 ✎",
        "Q1 Hur är AI",
        "[b]bold[/b] name",
        "日本語 7",
        "first\nsecond line",
        Text("a\nlonger line"),
        "",
    ],
)
def test_a_cell_is_measured_as_the_table_measures_it(cell: str | Text) -> None:
    """Markup rendered, wide characters two cells, only a str's first line (a row is one line high)."""
    drawn = default_cell_formatter(cell, wrap=False, height=1)
    assert cell_width(cell) == measure(Console(), drawn, 1)
