"""A past session answer by answer: the oldest seeded session, whose first answer a teacher overrode.

Checked on the rendered screen rather than as an SVG snapshot: the snapshot of this screen split the
table's background into one rect per column in some full runs and not in others (the same picture),
which failed CI without a change.
"""

from __future__ import annotations

import html
import re

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable

from quiz.context import AppContext
from quiz.tui.screens.session_detail import SessionDetailScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, steady, wait_until
from tests.tui.seed import DAYS, seed_history

pytestmark = pytest.mark.anyio


def screen_text(pilot: Pilot[None]) -> str:
    """The screen as a reader sees it: the SVG screenshot's text, spaces collapsed."""
    svg = pilot.app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    joined = " ".join(html.unescape(re.sub("<[^>]+>", "", text)).replace("\xa0", " ") for text in texts)
    return " ".join(joined.split())


async def open_last_session(pilot: Pilot[None]) -> DataTable[object]:
    """From the home screen, history (`h`), then the last of the seeded sessions: its detail table."""
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("h")
    await settle(pilot)
    await wait_until(
        pilot, lambda: pilot.app.screen.query_one(DataTable).row_count == len(DAYS), "every session"
    )
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=table.row_count - 1)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the session")
    await steady(pilot)
    return pilot.app.screen.query_one("#detail-table", DataTable)


async def test_session_detail_shows_scores_key_points_and_the_override(ctx: AppContext) -> None:
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        detail = await open_last_session(pilot)
        assert [str(detail.get_row_at(row)[2]) for row in range(detail.row_count)] == [
            "Q1 Hur är AI, Maskininl…",
            "Q2 Hur är Tensorflow oc…",
            "Q3 Vad är en parameter?…",
            "Q4 När man skall göra m…",
        ]
        text = screen_text(pilot)
        for expected in (
            "dl-course · Practice · 2025-02-22 09:30 · 4.5 / 9",
            "Hur är AI, Maskininlärning och Deep Learning relaterat?",
            "Final 1 / 2 p",
            "auto 0.5 / 2, confidence 85%",
            "They are nested fields: deep learning is a subfield of machine",
            "✔ covered (0.55 p) Machine learning is a subset",
            "✘ missing (0.36 p) In machine learning the system learns",
            "✎ Lind",
        ):
            assert expected in text, (expected, text)


async def test_every_score_of_a_session_is_readable_at_80_columns(ctx: AppContext) -> None:
    """The score column comes before the question, which a narrow terminal cuts: at 34 columns after the
    id 'q03-parameters-hyperparameters' (now 'Q3' and its prompt), the score was unreadable."""
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        detail = await open_last_session(pilot)
        rows = [[str(cell) for cell in detail.get_row_at(row)] for row in range(detail.row_count)]
        assert any(row[2].startswith("Q3 Vad är en parameter?") for row in rows)
        scores = [next(cell for cell in row if " / " in cell) for row in rows]
        assert scores == ["1 / 2 ✎", "1 / 2", "0.5 / 2", "2 / 3"]
        # The rows can be drawn a frame after the table has them (a loaded machine showed the header
        # only): wait for the screen, and name what is missing if it never shows them.
        shown = lambda: all(f" {score} " in screen_text(pilot) for score in scores)  # noqa: E731
        try:
            await wait_until(pilot, shown, "every score on the screen")
        except AssertionError as timed_out:
            missing = [score for score in scores if f" {score} " not in screen_text(pilot)]
            raise AssertionError((missing, screen_text(pilot))) from timed_out


async def test_the_columns_are_as_wide_as_their_cells_before_the_table_measures_them(ctx: AppContext) -> None:
    """CI drew '1 / 2 ✎' as '1 / 2' and 'Q1 Hur är …' as 'Q1 Hur ä' for a minute: the table measures
    auto-width columns only when it goes idle. The screen gives every column its width with the rows."""
    seed_history(ctx)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        detail = await open_last_session(pilot)
        for index, column in enumerate(detail.ordered_columns):
            cells = [cell_len(str(detail.get_row_at(row)[index])) for row in range(detail.row_count)]
            assert not column.auto_width
            assert column.width == max([cell_len(str(column.label)), *cells]), column.label
