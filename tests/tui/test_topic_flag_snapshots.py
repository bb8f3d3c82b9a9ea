"""The topic picker and a flagged quiz at 80x24 (pytest-textual-snapshot; frozen clock, seeded order).

Update after an intended change with `pytest tests/tui/test_topic_flag_snapshots.py --snapshot-update`
and look at the SVGs under tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from quiz.context import AppContext
from quiz.tui.screens.finish_dialog import FinishDialog
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.topic_dialog import TopicDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, settle, steady, wait_until

SnapCompare = Callable[..., bool]


async def _topic_picker_with_two_picked(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TopicDialog), "the topic picker")
    await pilot.press(*["down"] * 5, "space", "down", "space")
    await steady(pilot)


async def _summary_with_flags(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    await pilot.press("ctrl+n", "ctrl+g", "ctrl+n", "ctrl+n")
    await pilot.press(*"Träningsdata, valideringsdata")
    await pilot.press("ctrl+g")
    await settle(pilot)
    await pilot.press("ctrl+f")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the summary")
    await steady(pilot)


async def _flagged_question(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
    await pilot.press("ctrl+n", "ctrl+g")
    await steady(pilot)


def test_topic_picker(snap_compare: SnapCompare, ctx: AppContext) -> None:
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_topic_picker_with_two_picked)


def test_flagged_question(snap_compare: SnapCompare, ctx: AppContext) -> None:
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_flagged_question)


def test_finish_summary_with_flags(snap_compare: SnapCompare, ctx: AppContext) -> None:
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_summary_with_flags)
