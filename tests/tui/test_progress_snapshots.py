"""The readiness estimate and the topic table on the progress screen (frozen clock, seeded practice).

Update after an intended change with `pytest tests/tui/test_progress_snapshots.py --snapshot-update` and
look at the SVGs under tests/tui/__snapshots__/ before committing them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from quiz.context import AppContext
from quiz.tui.screens.progress import ProgressScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, steady, wait_until
from tests.tui.readiness_seed import GRADED_BANK, seed_practice

SnapCompare = Callable[..., bool]


def _progress_tab(tab: str) -> Callable[[Pilot[None]], object]:
    async def run(pilot: Pilot[None]) -> None:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        student = pilot.app.current_student  # type: ignore[attr-defined]
        await pilot.app.push_screen(ProgressScreen(student.id, GRADED_BANK))
        await settle(pilot)
        pilot.app.screen.query_one("#progress-tabs", TabbedContent).active = tab
        await steady(pilot)

    return run


@pytest.mark.parametrize(("tab", "size"), [("readiness", (80, 24)), ("topic-table", (100, 32))])
def test_readiness_tabs(snap_compare: SnapCompare, ctx: AppContext, tab: str, size: tuple[int, int]) -> None:
    seed_practice(ctx)
    assert snap_compare(make_app(ctx), terminal_size=size, run_before=_progress_tab(tab))
